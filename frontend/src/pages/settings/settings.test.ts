import { describe, expect, it } from "vitest";
import type { ApiKey } from "../../api/types";
import { replay } from "../../app/effects";
import { init, parseCreate, update, type Model, type Msg } from "./settings";

const key: ApiKey = {
  id: 3,
  name: "ci",
  prefix: "sk_abcd",
  is_active: true,
  created_at: "2026-01-01T00:00:00Z",
  last_used: null,
  expires_at: null,
  revoked_at: null,
};

const run = (model: Model, ...msgs: Msg[]) => replay(update, model, ...msgs);

describe("creating a key", () => {
  it("refuses an empty name without sending anything", () => {
    const [model, cmds] = run(init, { type: "CreateSubmitted" });
    expect(model.create).toMatchObject({ kind: "failed", message: expect.stringMatching(/name/) });
    expect(cmds).toEqual([]);
  });

  it("accepts an empty expiry as no expiry", () => {
    expect(parseCreate({ name: " ci ", expiresDays: "" })).toEqual({ ok: true, name: "ci", expiresDays: null });
  });

  it.each(["0", "-1", "1.5", "abc", "3651"])("refuses the expiry %s", (days) => {
    expect(parseCreate({ name: "ci", expiresDays: days }).ok).toBe(false);
  });

  it("sends the parsed form, shows the new key once, clears the form and refreshes the list", () => {
    const [model, cmds] = run(init, { type: "NameChanged", value: " ci " }, { type: "ExpiryChanged", value: "30" }, { type: "CreateSubmitted" });
    expect(model.create.kind).toBe("creating");
    expect(cmds).toEqual([{ type: "CreateKey", name: "ci", expiresDays: 30 }]);
    const [done, after] = update(model, { type: "CreateSucceeded", created: { name: "ci", key: "sk_x" } });
    expect(done.shown).toEqual({ name: "ci", key: "sk_x" });
    expect(done.name).toBe("");
    expect(after).toEqual([{ type: "RefreshKeys" }]);
    expect(update(done, { type: "KeyDismissed" })[0].shown).toBeNull();
  });

  it("ignores a second submit while creating", () => {
    const [creating] = run(init, { type: "NameChanged", value: "ci" }, { type: "CreateSubmitted" });
    expect(update(creating, { type: "CreateSubmitted" })).toEqual([creating, []]);
  });

  it("copies the key that is shown, and only then", () => {
    expect(run(init, { type: "CopyClicked" })[1]).toEqual([]);
    const [, cmds] = run(init, { type: "CreateSucceeded", created: { name: "ci", key: "sk_x" } }, { type: "CopyClicked" });
    expect(cmds).toContainEqual({ type: "CopyKey", key: "sk_x" });
    expect(run(init, { type: "Copied", ok: false })[0].copy).toBe("failed");
  });
});

describe("revoking a key", () => {
  it("asks, revokes that key once, and closes", () => {
    const [asked] = run(init, { type: "RevokeAsked", key });
    expect(asked.revoke).toEqual({ key, busy: false, error: null });
    const [busy, cmds] = run(asked, { type: "RevokeConfirmed" }, { type: "RevokeConfirmed" });
    expect(cmds).toEqual([{ type: "RevokeKey", id: 3 }]);
    expect(busy.revoke?.busy).toBe(true);
    expect(update(busy, { type: "RevokeCancelled" })[0]).toBe(busy);
    expect(update(busy, { type: "RevokeSucceeded" })).toEqual([{ ...busy, revoke: null }, [{ type: "RefreshKeys" }]]);
  });

  it("does nothing when nothing was asked", () => {
    expect(run(init, { type: "RevokeConfirmed" })).toEqual([init, []]);
  });

  it("keeps the dialog open with the error when it fails", () => {
    const [failed] = run(init, { type: "RevokeAsked", key }, { type: "RevokeConfirmed" }, { type: "RevokeFailed", message: "Not found" });
    expect(failed.revoke).toMatchObject({ busy: false, error: "Not found" });
  });
});

describe("signing out", () => {
  it("signs out once, then forgets the session and shows sign-in", () => {
    const [busy, cmds] = run(init, { type: "SignOutClicked" }, { type: "SignOutClicked" });
    expect(cmds).toEqual([{ type: "SignOut" }]);
    expect(update(busy, { type: "SignedOut" })[1]).toEqual([{ type: "ForgetSession" }, { type: "GoToLogin" }]);
  });

  it("says why it could not, and lets the person try again", () => {
    const [failed] = run(init, { type: "SignOutClicked" }, { type: "SignOutFailed", message: "Cannot reach the server" });
    expect(failed.signOut).toEqual({ kind: "failed", message: "Cannot reach the server" });
    expect(update(failed, { type: "SignOutClicked" })[1]).toEqual([{ type: "SignOut" }]);
  });
});
