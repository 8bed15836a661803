import { describe, expect, it } from "vitest";
import type { Me } from "../../api/types";
import { replay } from "../../app/effects";
import { safeNext } from "../../app/session";
import { init, update, type Model, type Msg } from "./login";

const run = (model: Model, ...msgs: Msg[]) => replay(update, model, ...msgs);

const ada: Me = { id: 1, username: "ada", is_staff: false };

describe("sign-in form", () => {
  it("asks for both fields before sending", () => {
    const [model, cmds] = run(init, { type: "Submitted" });
    expect(model.status).toEqual({ kind: "failed", message: "Enter your username and password." });
    expect(cmds).toEqual([]);
  });

  it("sends the trimmed username once, however often it is submitted", () => {
    const [model, cmds] = run(
      init,
      { type: "UsernameChanged", value: " ada " },
      { type: "PasswordChanged", value: "pw" },
      { type: "Submitted" },
      { type: "Submitted" },
    );
    expect(model.status.kind).toBe("submitting");
    expect(cmds).toEqual([{ type: "SignIn", username: "ada", password: "pw" }]);
  });

  it("on failure keeps the username and clears the password", () => {
    const [model] = run(
      init,
      { type: "UsernameChanged", value: "ada" },
      { type: "PasswordChanged", value: "pw" },
      { type: "Submitted" },
      { type: "Failed", message: "Incorrect username or password" },
    );
    expect(model).toMatchObject({ username: "ada", password: "", status: { kind: "failed" } });
  });

  it("once signed in, remembers the user, then goes on, and stays locked", () => {
    const [model, cmds] = run(
      init,
      { type: "UsernameChanged", value: "ada" },
      { type: "PasswordChanged", value: "pw" },
      { type: "Submitted" },
      { type: "SignedIn", user: ada },
    );
    expect(cmds.slice(1)).toEqual([{ type: "RememberUser", user: ada }, { type: "GoNext" }]);
    expect(model.status.kind).toBe("signedIn");
    expect(update(model, { type: "Submitted" })[1]).toEqual([]);
  });
});

describe("safeNext", () => {
  it.each([
    [null, "/"],
    ["/gallery?page=2", "/gallery?page=2"],
    ["//evil.example", "/"],
    ["https://evil.example/", "/"],
    ["/login?next=/x", "/"],
  ])("%s -> %s", (next, expected) => {
    expect(safeNext(next)).toBe(expected);
  });
});
