/**
 * The settings page (API keys, sign out): Model, Msg, Cmd and a pure update. The list of keys is
 * server data and lives in the query cache; SettingsPage.tsx performs the commands.
 */
import type { ApiKey } from "../../api/types";
import { only, type Step } from "../../app/effects";

export type NewKey = { name: string; key: string };

export type Model = {
  name: string;
  expiresDays: string;
  create: { kind: "editing" } | { kind: "creating" } | { kind: "failed"; message: string };
  shown: NewKey | null;
  copy: "idle" | "copied" | "failed";
  revoke: { key: ApiKey; busy: boolean; error: string | null } | null;
  signOut: { kind: "idle" } | { kind: "busy" } | { kind: "failed"; message: string };
};

export type Msg =
  | { type: "NameChanged"; value: string }
  | { type: "ExpiryChanged"; value: string }
  | { type: "CreateSubmitted" }
  | { type: "CreateSucceeded"; created: NewKey }
  | { type: "CreateFailed"; message: string }
  | { type: "CopyClicked" }
  | { type: "Copied"; ok: boolean }
  | { type: "KeyDismissed" }
  | { type: "RevokeAsked"; key: ApiKey }
  | { type: "RevokeConfirmed" }
  | { type: "RevokeCancelled" }
  | { type: "RevokeSucceeded" }
  | { type: "RevokeFailed"; message: string }
  | { type: "SignOutClicked" }
  | { type: "SignedOut" }
  | { type: "SignOutFailed"; message: string };

export type Cmd =
  | { type: "CreateKey"; name: string; expiresDays: number | null }
  | { type: "CopyKey"; key: string }
  | { type: "RevokeKey"; id: number }
  /** Ask the server for the list of keys again. */
  | { type: "RefreshKeys" }
  | { type: "SignOut" }
  /** Drop everything cached for the person who just signed out, then show the sign-in page. */
  | { type: "ForgetSession" }
  | { type: "GoToLogin" };

export const init: Model = {
  name: "",
  expiresDays: "",
  create: { kind: "editing" },
  shown: null,
  copy: "idle",
  revoke: null,
  signOut: { kind: "idle" },
};

export type ParsedCreate = { ok: true; name: string; expiresDays: number | null } | { ok: false; message: string };

/** What the create form would send, or why it cannot. */
export function parseCreate(model: Pick<Model, "name" | "expiresDays">): ParsedCreate {
  const name = model.name.trim();
  if (name === "") return { ok: false, message: "Give the key a name, for example the script that will use it." };
  if (name.length > 100) return { ok: false, message: "The name can be at most 100 characters." };
  const days = model.expiresDays.trim();
  if (days === "") return { ok: true, name, expiresDays: null };
  if (!/^\d+$/.test(days) || Number(days) < 1 || Number(days) > 3650) {
    return { ok: false, message: "Expiry must be a whole number of days from 1 to 3650, or empty for no expiry." };
  }
  return { ok: true, name, expiresDays: Number(days) };
}

export function update(model: Model, msg: Msg): Step<Model, Cmd> {
  switch (msg.type) {
    case "NameChanged":
      return only({ ...model, name: msg.value });
    case "ExpiryChanged":
      return only({ ...model, expiresDays: msg.value });
    case "CreateSubmitted": {
      if (model.create.kind === "creating") return only(model);
      const parsed = parseCreate(model);
      return parsed.ok
        ? [{ ...model, create: { kind: "creating" } }, [{ type: "CreateKey", name: parsed.name, expiresDays: parsed.expiresDays }]]
        : only({ ...model, create: { kind: "failed", message: parsed.message } });
    }
    case "CreateSucceeded":
      return [
        { ...model, name: "", expiresDays: "", create: { kind: "editing" }, shown: msg.created, copy: "idle" },
        [{ type: "RefreshKeys" }],
      ];
    case "CreateFailed":
      return only({ ...model, create: { kind: "failed", message: msg.message } });
    case "CopyClicked":
      return model.shown ? [model, [{ type: "CopyKey", key: model.shown.key }]] : only(model);
    case "Copied":
      return only({ ...model, copy: msg.ok ? "copied" : "failed" });
    case "KeyDismissed":
      return only({ ...model, shown: null, copy: "idle" });
    case "RevokeAsked":
      return only({ ...model, revoke: { key: msg.key, busy: false, error: null } });
    case "RevokeConfirmed":
      if (!model.revoke || model.revoke.busy) return only(model);
      return [{ ...model, revoke: { ...model.revoke, busy: true, error: null } }, [{ type: "RevokeKey", id: model.revoke.key.id }]];
    case "RevokeCancelled":
      return only(model.revoke?.busy ? model : { ...model, revoke: null });
    case "RevokeSucceeded":
      return [{ ...model, revoke: null }, [{ type: "RefreshKeys" }]];
    case "RevokeFailed":
      return only(model.revoke ? { ...model, revoke: { ...model.revoke, busy: false, error: msg.message } } : model);
    case "SignOutClicked":
      return model.signOut.kind === "busy" ? only(model) : [{ ...model, signOut: { kind: "busy" } }, [{ type: "SignOut" }]];
    case "SignedOut":
      return [{ ...model, signOut: { kind: "idle" } }, [{ type: "ForgetSession" }, { type: "GoToLogin" }]];
    case "SignOutFailed":
      return only({ ...model, signOut: { kind: "failed", message: msg.message } });
  }
}
