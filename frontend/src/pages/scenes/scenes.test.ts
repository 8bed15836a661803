import { describe, expect, it } from "vitest";
import type { SavedScene } from "../../scene/sceneApi";
import { init, renameProblem, update } from "./scenes";

const saved: SavedScene = {
  id: 1,
  name: "Dominoes",
  prompt: "dominoes in a row",
  model: "local-composer",
  createdAt: "2026-01-01T00:00:00Z",
  scene: { objects: {}, selectedObject: null },
  problem: null,
};

describe("scenes page", () => {
  it("renames with a valid name only", () => {
    let m = update(init, { type: "RenameStarted", scene: saved });
    expect(m.rename?.name).toBe("Dominoes");
    m = update(update(m, { type: "RenameChanged", name: "  " }), { type: "RenameSubmitted" });
    expect(m.rename).toMatchObject({ busy: false, error: "A scene needs a name." });
    m = update(update(m, { type: "RenameChanged", name: "Row" }), { type: "RenameSubmitted" });
    expect(m.rename?.busy).toBe(true);
    expect(update(m, { type: "RenameCancelled" }).rename).not.toBeNull();
    expect(update(m, { type: "RenameSucceeded" }).rename).toBeNull();
    expect(renameProblem("x".repeat(201))).toMatch(/200/);
  });

  it("deletes after confirmation and shows failures", () => {
    let m = update(init, { type: "DeleteAsked", scene: saved });
    m = update(m, { type: "DeleteConfirmed" });
    expect(m.remove?.busy).toBe(true);
    m = update(m, { type: "DeleteFailed", message: "Not found: it may have been deleted." });
    expect(m.remove).toMatchObject({ busy: false, error: "Not found: it may have been deleted." });
    expect(update(m, { type: "DeleteCancelled" }).remove).toBeNull();
    expect(update(init, { type: "PageChanged", offset: -24 }).offset).toBe(0);
  });
});
