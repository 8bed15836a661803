import { describe, expect, it } from "vitest";
import type { ApiKey } from "../../api/types";
import { init, parseCreate, update, type Model } from "./settings";

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

function run(model: Model, ...msgs: Parameters<typeof update>[1][]): Model {
  return msgs.reduce(update, model);
}

describe("creating a key", () => {
  it("refuses an empty name without sending anything", () => {
    const model = run(init, { type: "CreateSubmitted" });
    expect(model.create).toMatchObject({ kind: "failed", message: expect.stringMatching(/name/) });
  });

  it("accepts an empty expiry as no expiry", () => {
    expect(parseCreate({ name: " ci ", expiresDays: "" })).toEqual({ ok: true, name: "ci", expiresDays: null });
  });

  it.each(["0", "-1", "1.5", "abc", "3651"])("refuses the expiry %s", (days) => {
    expect(parseCreate({ name: "ci", expiresDays: days }).ok).toBe(false);
  });

  it("shows the new key once and clears the form", () => {
    const model = run(
      init,
      { type: "NameChanged", value: "ci" },
      { type: "ExpiryChanged", value: "30" },
      { type: "CreateSubmitted" },
    );
    expect(model.create.kind).toBe("creating");
    const done = update(model, { type: "CreateSucceeded", created: { name: "ci", key: "sk_x" } });
    expect(done.shown).toEqual({ name: "ci", key: "sk_x" });
    expect(done.name).toBe("");
    expect(update(done, { type: "KeyDismissed" }).shown).toBeNull();
  });

  it("ignores a second submit while creating", () => {
    const creating = run(init, { type: "NameChanged", value: "ci" }, { type: "CreateSubmitted" });
    expect(update(creating, { type: "CreateSubmitted" })).toBe(creating);
  });
});

describe("revoking a key", () => {
  it("asks, works, and closes", () => {
    const asked = update(init, { type: "RevokeAsked", key });
    expect(asked.revoke).toEqual({ key, busy: false, error: null });
    const busy = update(asked, { type: "RevokeConfirmed" });
    expect(busy.revoke?.busy).toBe(true);
    expect(update(busy, { type: "RevokeCancelled" })).toBe(busy);
    expect(update(busy, { type: "RevokeSucceeded" }).revoke).toBeNull();
  });

  it("keeps the dialog open with the error when it fails", () => {
    const failed = run(init, { type: "RevokeAsked", key }, { type: "RevokeConfirmed" }, {
      type: "RevokeFailed",
      message: "Not found",
    });
    expect(failed.revoke).toMatchObject({ busy: false, error: "Not found" });
  });
});
