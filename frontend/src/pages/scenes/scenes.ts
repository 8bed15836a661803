/** The saved-scenes page: Model, Msg, update. The list itself lives in the query cache. */
import type { SavedScene } from "../../scene/sceneApi";

export const PAGE_SIZE = 24;

export type Model = {
  offset: number;
  rename: { id: number; name: string; busy: boolean; error: string | null } | null;
  remove: { scene: SavedScene; busy: boolean; error: string | null } | null;
};

export type Msg =
  | { type: "PageChanged"; offset: number }
  | { type: "RenameStarted"; scene: SavedScene }
  | { type: "RenameChanged"; name: string }
  | { type: "RenameSubmitted" }
  | { type: "RenameSucceeded" }
  | { type: "RenameFailed"; message: string }
  | { type: "RenameCancelled" }
  | { type: "DeleteAsked"; scene: SavedScene }
  | { type: "DeleteConfirmed" }
  | { type: "DeleteSucceeded" }
  | { type: "DeleteFailed"; message: string }
  | { type: "DeleteCancelled" };

export const init: Model = { offset: 0, rename: null, remove: null };

export function renameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed === "") return "A scene needs a name.";
  if (trimmed.length > 200) return "A name can be at most 200 characters.";
  return null;
}

export function update(model: Model, msg: Msg): Model {
  switch (msg.type) {
    case "PageChanged":
      return { ...model, offset: Math.max(0, msg.offset) };
    case "RenameStarted":
      return { ...model, rename: { id: msg.scene.id, name: msg.scene.name, busy: false, error: null } };
    case "RenameChanged":
      return model.rename ? { ...model, rename: { ...model.rename, name: msg.name, error: null } } : model;
    case "RenameSubmitted": {
      if (!model.rename || model.rename.busy) return model;
      const problem = renameProblem(model.rename.name);
      return { ...model, rename: { ...model.rename, busy: problem === null, error: problem } };
    }
    case "RenameSucceeded":
      return { ...model, rename: null };
    case "RenameFailed":
      return model.rename ? { ...model, rename: { ...model.rename, busy: false, error: msg.message } } : model;
    case "RenameCancelled":
      return model.rename?.busy ? model : { ...model, rename: null };
    case "DeleteAsked":
      return { ...model, remove: { scene: msg.scene, busy: false, error: null } };
    case "DeleteConfirmed":
      return model.remove ? { ...model, remove: { ...model.remove, busy: true, error: null } } : model;
    case "DeleteSucceeded":
      return { ...model, remove: null };
    case "DeleteFailed":
      return model.remove ? { ...model, remove: { ...model.remove, busy: false, error: msg.message } } : model;
    case "DeleteCancelled":
      return model.remove?.busy ? model : { ...model, remove: null };
  }
}
