/** The sign-in form: Model, Msg, Cmd and a pure update (LoginPage.tsx performs the commands). */
import type { Me } from "../../api/types";
import { only, type Step } from "../../app/effects";

export type Model = {
  username: string;
  password: string;
  status: { kind: "editing" } | { kind: "submitting" } | { kind: "failed"; message: string } | { kind: "signedIn" };
};

export type Msg =
  | { type: "UsernameChanged"; value: string }
  | { type: "PasswordChanged"; value: string }
  | { type: "Submitted" }
  | { type: "SignedIn"; user: Me | null }
  | { type: "Failed"; message: string };

export type Cmd =
  | { type: "SignIn"; username: string; password: string }
  /** Tell the rest of the app who is signed in now. */
  | { type: "RememberUser"; user: Me | null }
  /** Go where the person was heading before sign-in. */
  | { type: "GoNext" };

export const init: Model = { username: "", password: "", status: { kind: "editing" } };

/** While sending, and once signed in (the page is leaving), the form stays locked. */
export function isBusy(model: Model): boolean {
  return model.status.kind === "submitting" || model.status.kind === "signedIn";
}

export function update(model: Model, msg: Msg): Step<Model, Cmd> {
  switch (msg.type) {
    case "UsernameChanged":
      return only({ ...model, username: msg.value });
    case "PasswordChanged":
      return only({ ...model, password: msg.value });
    case "Submitted":
      if (isBusy(model)) return only(model);
      if (model.username.trim() === "" || model.password === "") {
        return only({ ...model, status: { kind: "failed", message: "Enter your username and password." } });
      }
      return [
        { ...model, status: { kind: "submitting" } },
        [{ type: "SignIn", username: model.username.trim(), password: model.password }],
      ];
    case "SignedIn":
      if (model.status.kind !== "submitting") return only(model);
      return [{ ...model, password: "", status: { kind: "signedIn" } }, [{ type: "RememberUser", user: msg.user }, { type: "GoNext" }]];
    case "Failed":
      // Keep the username, clear the password so the next try starts clean.
      return only({ ...model, password: "", status: { kind: "failed", message: msg.message } });
  }
}
