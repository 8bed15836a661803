/** The API-key part of the settings page: Model, Msg, update. Server data lives in the query cache. */
import type { ApiKey } from "../../api/types";

export type NewKey = { name: string; key: string };

export type Model = {
  name: string;
  expiresDays: string;
  create: { kind: "editing" } | { kind: "creating" } | { kind: "failed"; message: string };
  shown: NewKey | null;
  copy: "idle" | "copied" | "failed";
  revoke: { key: ApiKey; busy: boolean; error: string | null } | null;
};

export type Msg =
  | { type: "NameChanged"; value: string }
  | { type: "ExpiryChanged"; value: string }
  | { type: "CreateSubmitted" }
  | { type: "CreateSucceeded"; created: NewKey }
  | { type: "CreateFailed"; message: string }
  | { type: "Copied"; ok: boolean }
  | { type: "KeyDismissed" }
  | { type: "RevokeAsked"; key: ApiKey }
  | { type: "RevokeConfirmed" }
  | { type: "RevokeCancelled" }
  | { type: "RevokeSucceeded" }
  | { type: "RevokeFailed"; message: string };

export const init: Model = {
  name: "",
  expiresDays: "",
  create: { kind: "editing" },
  shown: null,
  copy: "idle",
  revoke: null,
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

export function update(model: Model, msg: Msg): Model {
  switch (msg.type) {
    case "NameChanged":
      return { ...model, name: msg.value };
    case "ExpiryChanged":
      return { ...model, expiresDays: msg.value };
    case "CreateSubmitted": {
      if (model.create.kind === "creating") return model;
      const parsed = parseCreate(model);
      return parsed.ok
        ? { ...model, create: { kind: "creating" } }
        : { ...model, create: { kind: "failed", message: parsed.message } };
    }
    case "CreateSucceeded":
      return { ...model, name: "", expiresDays: "", create: { kind: "editing" }, shown: msg.created, copy: "idle" };
    case "CreateFailed":
      return { ...model, create: { kind: "failed", message: msg.message } };
    case "Copied":
      return { ...model, copy: msg.ok ? "copied" : "failed" };
    case "KeyDismissed":
      return { ...model, shown: null, copy: "idle" };
    case "RevokeAsked":
      return { ...model, revoke: { key: msg.key, busy: false, error: null } };
    case "RevokeConfirmed":
      return model.revoke ? { ...model, revoke: { ...model.revoke, busy: true, error: null } } : model;
    case "RevokeCancelled":
      return model.revoke?.busy ? model : { ...model, revoke: null };
    case "RevokeSucceeded":
      return { ...model, revoke: null };
    case "RevokeFailed":
      return model.revoke ? { ...model, revoke: { ...model.revoke, busy: false, error: msg.message } } : model;
  }
}
