/**
 * The saved-scenes page: Model, Msg, Cmd and a pure update. The list itself lives in the query
 * cache; ScenesPage.tsx performs the commands.
 */
import { only, type Step } from "../../app/effects";
import type { SavedScene } from "../../scene/sceneApi";
import type { Scene } from "../../scene/types";

export const PAGE_SIZE = 24;

export type Model = {
  offset: number;
  /** The scene being renamed (kept whole: a rename sends its scene and prompt back unchanged). */
  rename: { scene: SavedScene; name: string; busy: boolean; error: string | null } | null;
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

export type Cmd =
  /** Save the new name, refresh the lists, answer RenameSucceeded or RenameFailed. */
  | { type: "RenameScene"; id: number; name: string; scene: Scene; prompt: string }
  /** Delete the scene, refresh the lists, answer DeleteSucceeded or DeleteFailed. */
  | { type: "DeleteScene"; id: number };

export const init: Model = { offset: 0, rename: null, remove: null };

export function renameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed === "") return "A scene needs a name.";
  if (trimmed.length > 200) return "A name can be at most 200 characters.";
  return null;
}

export function update(model: Model, msg: Msg): Step<Model, Cmd> {
  switch (msg.type) {
    case "PageChanged":
      return only({ ...model, offset: Math.max(0, msg.offset) });
    case "RenameStarted":
      // Only a readable scene can be renamed: the server takes the scene back with its new name.
      if (model.rename?.busy || msg.scene.scene === null) return only(model);
      return only({ ...model, rename: { scene: msg.scene, name: msg.scene.name, busy: false, error: null } });
    case "RenameChanged":
      return only(model.rename ? { ...model, rename: { ...model.rename, name: msg.name, error: null } } : model);
    case "RenameSubmitted": {
      if (!model.rename || model.rename.busy) return only(model);
      const { scene: saved, name } = model.rename;
      const problem = renameProblem(name) ?? (saved.scene ? null : "This scene cannot be opened, so it cannot be renamed.");
      const rename = { ...model.rename, busy: problem === null, error: problem };
      if (problem !== null || !saved.scene) return only({ ...model, rename });
      return [{ ...model, rename }, [{ type: "RenameScene", id: saved.id, name: name.trim(), scene: saved.scene, prompt: saved.prompt }]];
    }
    case "RenameSucceeded":
      return only({ ...model, rename: null });
    case "RenameFailed":
      return only(model.rename ? { ...model, rename: { ...model.rename, busy: false, error: msg.message } } : model);
    case "RenameCancelled":
      return only(model.rename?.busy ? model : { ...model, rename: null });
    case "DeleteAsked":
      return only(model.remove?.busy ? model : { ...model, remove: { scene: msg.scene, busy: false, error: null } });
    case "DeleteConfirmed":
      if (!model.remove || model.remove.busy) return only(model);
      return [{ ...model, remove: { ...model.remove, busy: true, error: null } }, [{ type: "DeleteScene", id: model.remove.scene.id }]];
    case "DeleteSucceeded":
      return only({ ...model, remove: null });
    case "DeleteFailed":
      return only(model.remove ? { ...model, remove: { ...model.remove, busy: false, error: msg.message } } : model);
    case "DeleteCancelled":
      return only(model.remove?.busy ? model : { ...model, remove: null });
  }
}
