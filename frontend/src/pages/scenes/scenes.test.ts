import { describe, expect, it } from "vitest";
import { replay } from "../../app/effects";
import type { SavedScene } from "../../scene/sceneApi";
import { type Model, type Msg, init, renameProblem, update } from "./scenes";

const saved: SavedScene = {
  id: 1,
  name: "Dominoes",
  prompt: "dominoes in a row",
  model: "local-composer",
  createdAt: "2026-01-01T00:00:00Z",
  scene: { objects: {}, selectedObject: null },
  problem: null,
};

const run = (model: Model, ...msgs: Msg[]) => replay(update, model, ...msgs);

describe("scenes page", () => {
  it("renames with a valid name only, sending the scene back with the trimmed name", () => {
    let [m, cmds] = run(init, { type: "RenameStarted", scene: saved });
    expect(m.rename?.name).toBe("Dominoes");
    [m, cmds] = run(m, { type: "RenameChanged", name: "  " }, { type: "RenameSubmitted" });
    expect(m.rename).toMatchObject({ busy: false, error: "A scene needs a name." });
    expect(cmds).toEqual([]);
    [m, cmds] = run(m, { type: "RenameChanged", name: " Row " }, { type: "RenameSubmitted" }, { type: "RenameSubmitted" });
    expect(m.rename?.busy).toBe(true);
    expect(cmds).toEqual([{ type: "RenameScene", id: 1, name: "Row", scene: saved.scene, prompt: "dominoes in a row" }]);
    expect(update(m, { type: "RenameCancelled" })[0].rename).not.toBeNull();
    expect(update(m, { type: "RenameStarted", scene: { ...saved, id: 2 } })[0]).toBe(m);
    expect(update(m, { type: "RenameSucceeded" })[0].rename).toBeNull();
    [m, cmds] = run(m, { type: "RenameFailed", message: "Conflict." });
    expect(m.rename).toMatchObject({ busy: false, error: "Conflict.", name: " Row " });
    expect(renameProblem("x".repeat(201))).toMatch(/200/);
  });

  it("does not rename an unreadable scene", () => {
    const [m, cmds] = run(init, { type: "RenameStarted", scene: { ...saved, scene: null, problem: "bad" } }, { type: "RenameSubmitted" });
    expect(m.rename).toBeNull();
    expect(cmds).toEqual([]);
  });

  it("deletes after confirmation, once, and shows failures", () => {
    let [m, cmds] = run(init, { type: "DeleteConfirmed" });
    expect(cmds).toEqual([]);
    [m, cmds] = run(m, { type: "DeleteAsked", scene: saved }, { type: "DeleteConfirmed" }, { type: "DeleteConfirmed" });
    expect(m.remove?.busy).toBe(true);
    expect(cmds).toEqual([{ type: "DeleteScene", id: 1 }]);
    expect(update(m, { type: "DeleteCancelled" })[0]).toBe(m);
    [m] = run(m, { type: "DeleteFailed", message: "Not found: it may have been deleted." });
    expect(m.remove).toMatchObject({ busy: false, error: "Not found: it may have been deleted." });
    expect(update(m, { type: "DeleteCancelled" })[0].remove).toBeNull();
    expect(run(m, { type: "DeleteConfirmed" }, { type: "DeleteSucceeded" })).toEqual([{ ...m, remove: null }, [{ type: "DeleteScene", id: 1 }]]);
    expect(update(init, { type: "PageChanged", offset: -24 })[0].offset).toBe(0);
  });
});
