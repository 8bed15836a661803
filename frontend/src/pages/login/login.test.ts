import { describe, expect, it } from "vitest";
import { safeNext } from "../../app/session";
import { init, update } from "./login";

describe("sign-in form", () => {
  it("asks for both fields before sending", () => {
    const model = update(init, { type: "Submitted" });
    expect(model.status).toEqual({ kind: "failed", message: "Enter your username and password." });
  });

  it("submits, then on failure keeps the username and clears the password", () => {
    let model = update(init, { type: "UsernameChanged", value: "ada" });
    model = update(model, { type: "PasswordChanged", value: "pw" });
    model = update(model, { type: "Submitted" });
    expect(model.status.kind).toBe("submitting");
    model = update(model, { type: "Failed", message: "Incorrect username or password" });
    expect(model).toMatchObject({ username: "ada", password: "", status: { kind: "failed" } });
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
