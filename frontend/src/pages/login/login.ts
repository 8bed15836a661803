/** The sign-in form: Model, Msg, update. */

export type Model = {
  username: string;
  password: string;
  status: { kind: "editing" } | { kind: "submitting" } | { kind: "failed"; message: string };
};

export type Msg =
  | { type: "UsernameChanged"; value: string }
  | { type: "PasswordChanged"; value: string }
  | { type: "Submitted" }
  | { type: "Failed"; message: string };

export const init: Model = { username: "", password: "", status: { kind: "editing" } };

export function update(model: Model, msg: Msg): Model {
  switch (msg.type) {
    case "UsernameChanged":
      return { ...model, username: msg.value };
    case "PasswordChanged":
      return { ...model, password: msg.value };
    case "Submitted":
      if (model.username.trim() === "" || model.password === "") {
        return { ...model, status: { kind: "failed", message: "Enter your username and password." } };
      }
      return { ...model, status: { kind: "submitting" } };
    case "Failed":
      // Keep the username, clear the password so the next try starts clean.
      return { ...model, password: "", status: { kind: "failed", message: msg.message } };
  }
}
