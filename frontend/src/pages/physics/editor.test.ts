import { describe, expect, it } from "vitest";
import { replay } from "../../app/effects";
import { addObject, sceneForExport } from "../../scene/edit";
import { emptyScene, type Scene } from "../../scene/types";
import { type Cmd, type Model, type Msg, hasUnsavedChanges, init, jointAddProblem, renderProblem, scene, update } from "./editor";
import { isTyping, shortcut } from "./shortcuts";

/** The model after these messages (the commands are checked in "commands" below). */
function run(model: Model, ...msgs: Msg[]): Model {
  return replay(update, model, ...msgs)[0];
}

function next(model: Model, msg: Msg): Model {
  return update(model, msg)[0];
}

function twoObjects(): Scene {
  return addObject(addObject(emptyScene(), "Box").scene, "Sphere").scene;
}

const box = (model: Model) => {
  const object = scene(model).objects.box;
  if (!object) throw new Error("no box");
  return object;
};

describe("editing", () => {
  it("adds, selects, duplicates and deletes, each one undo step", () => {
    let m = run(init(), { type: "ObjectAdded", shape: "Box" }, { type: "ObjectAdded", shape: "Cylinder" });
    expect(m.selection).toBe("cylinder");
    m = run(m, { type: "ObjectDuplicated", id: "box" });
    expect(m.selection).toBe("box-2");
    m = run(m, { type: "ObjectDeleted", id: "box-2" });
    expect(m.selection).toBeNull();
    expect(Object.keys(scene(m).objects)).toEqual(["box", "cylinder"]);
    m = run(m, { type: "Undo" }, { type: "Undo" }, { type: "Undo" });
    expect(Object.keys(scene(m).objects)).toEqual(["box"]);
    m = run(m, { type: "Undo" });
    expect(scene(m).objects).toEqual({});
    m = run(m, { type: "Redo" });
    expect(Object.keys(scene(m).objects)).toEqual(["box"]);
  });

  it("records a whole gizmo drag as one step", () => {
    let m = init(twoObjects());
    const start = box(m).transform;
    for (let i = 1; i <= 10; i += 1) {
      m = next(m, {
        type: "TransformEdited",
        id: "box",
        transform: { ...start, position: { x: i / 10, y: 0.5, z: 0 } },
        burst: "gizmo:1",
      });
    }
    m = next(m, { type: "EditSettled" });
    expect(box(m).transform.position.x).toBe(1);
    expect(m.history.past).toHaveLength(1);
    m = next(m, { type: "Undo" });
    expect(box(m).transform).toEqual(start);
  });

  it("keeps typing in one field one step, and separates two settled edits", () => {
    let m = init(twoObjects());
    m = run(
      m,
      { type: "PhysicsEdited", id: "box", physics: { mass: 2 }, burst: "box:mass" },
      { type: "PhysicsEdited", id: "box", physics: { mass: 25 }, burst: "box:mass" },
      { type: "EditSettled" },
      { type: "PhysicsEdited", id: "box", physics: { mass: 3 }, burst: "box:mass" },
    );
    expect(m.history.past).toHaveLength(2);
    expect(box(run(m, { type: "Undo" })).physicsProperties.mass).toBe(25);
  });

  it("ignores a selection of an unknown object and drops a selection that an undo removed", () => {
    let m = run(init(), { type: "ObjectAdded", shape: "Box" }, { type: "Selected", id: "ghost" });
    expect(m.selection).toBeNull();
    m = run(m, { type: "Selected", id: "box" }, { type: "Undo" });
    expect(m.selection).toBeNull();
  });
});

describe("simulation state", () => {
  it("plays, pauses, steps and resets; an edit returns to editing", () => {
    let m = init(twoObjects());
    m = next(m, { type: "Played" });
    expect(m.sim).toEqual({ kind: "simulating", playing: true, steps: 0, stepRequests: 0, msPerStep: null, tracked: null });
    m = run(m, { type: "StepsTaken", steps: 30, msPerStep: 0.5, tracked: { id: "box", position: { x: 0, y: 0.5, z: 0 } } }, { type: "Paused" }, { type: "Stepped" });
    expect(m.sim).toEqual({
      kind: "simulating",
      playing: false,
      steps: 30,
      stepRequests: 1,
      msPerStep: 0.5,
      tracked: { id: "box", position: { x: 0, y: 0.5, z: 0 } },
    });
    m = next(m, { type: "Reset" });
    expect(m.sim).toEqual({ kind: "editing" });
    m = run(m, { type: "Stepped" });
    expect(m.sim).toEqual({ kind: "simulating", playing: false, steps: 0, stepRequests: 1, msPerStep: null, tracked: null });
    m = next(m, { type: "PhysicsEdited", id: "box", physics: { friction: 1 }, burst: null });
    expect(m.sim).toEqual({ kind: "editing" });
    // Playing never changes the scene or its history.
    expect(m.history.past).toHaveLength(1);
  });

  it("does not play an empty scene", () => {
    expect(next(init(), { type: "Played" }).sim.kind).toBe("editing");
    expect(next(init(), { type: "Stepped" }).sim.kind).toBe("editing");
  });
});

describe("server round trips", () => {
  it("replaces the document on generate, and a refinement is an undoable edit", () => {
    const generated = twoObjects();
    let m = run(
      init(),
      { type: "ObjectAdded", shape: "Box" },
      { type: "GeneratePromptChanged", value: "two things" },
      { type: "GenerateSubmitted" },
    );
    expect(m.generate.kind).toBe("busy");
    m = next(m, { type: "GenerateSucceeded", scene: generated, id: 7, prompt: "two things", note: "Read as: two.", plan: null });
    expect(m.history.past).toHaveLength(0);
    expect(m.document).toEqual({ id: 7, name: "two things", prompt: "two things" });
    expect(hasUnsavedChanges(m)).toBe(false);
    const refined = addObject(generated, "Cylinder").scene;
    m = run(m, { type: "RefinePromptChanged", value: "add a cylinder" }, { type: "RefineSubmitted" });
    m = next(m, { type: "RefineSucceeded", scene: refined, note: "Added a cylinder.", plan: null });
    expect(scene(m)).toBe(refined);
    expect(m.refinePrompt).toBe("");
    expect(hasUnsavedChanges(m)).toBe(true);
    expect(scene(next(m, { type: "Undo" }))).toBe(generated);
  });

  it("does not submit empty prompts, and reports failures", () => {
    expect(next(init(), { type: "GenerateSubmitted" }).generate.kind).toBe("idle");
    const failed = next(init(), { type: "GenerateFailed", message: "The server failed (HTTP 500)." });
    expect(failed.generate).toEqual({ kind: "failed", message: "The server failed (HTTP 500)." });
  });

  it("keeps only the validation answer about the scene on screen", () => {
    const m = init(twoObjects());
    const old = scene(m);
    const report = { valid: true, message: "The scene is valid.", errors: [], warnings: [] };
    const edited = next(m, { type: "ObjectAdded", shape: "Box" });
    expect(next(edited, { type: "ValidationFinished", scene: old, report }).validation.kind).toBe("idle");
    const current = next(edited, { type: "ValidationFinished", scene: scene(edited), report });
    expect(current.validation.kind).toBe("checked");
  });

  it("needs a name to save, then remembers what was saved", () => {
    let m = init(twoObjects());
    m = next(m, { type: "SaveSubmitted" });
    expect(m.save).toEqual({ kind: "failed", message: "Give the scene a name before saving it." });
    m = run(m, { type: "NameChanged", value: "Pair" }, { type: "SaveSubmitted" });
    expect(m.save.kind).toBe("busy");
    m = next(m, { type: "SaveSucceeded", id: 3, scene: scene(m) });
    expect(m.document.id).toBe(3);
    expect(hasUnsavedChanges(m)).toBe(false);
    m = next(m, { type: "ObjectAdded", shape: "Box" });
    expect(hasUnsavedChanges(m)).toBe(true);
  });

  it("checks the render settings before sending", () => {
    expect(renderProblem(init())).toMatch(/Add objects/);
    const m = init(twoObjects());
    expect(renderProblem(m)).toBeNull();
    expect(renderProblem(next(m, { type: "RenderSettingsChanged", settings: { duration: 60 } }))).toMatch(/Duration/);
    expect(renderProblem(next(m, { type: "RenderSettingsChanged", settings: { fps: 2.5 } }))).toMatch(/Frames/);
    expect(next(init(), { type: "RenderSubmitted" }).renderJob.kind).toBe("idle");
    const queued = run(m, { type: "RenderSubmitted" }, { type: "RenderQueued", videoId: 9 });
    expect(queued.renderJob).toEqual({ kind: "queued", videoId: 9 });
  });

  it("opens and imports scenes as new documents", () => {
    const opened = next(init(), {
      type: "SceneOpened",
      document: { id: 4, name: "Saved", prompt: "" },
      scene: { ...twoObjects(), selectedObject: "sphere" },
    });
    expect(opened.selection).toBe("sphere");
    expect(opened.notice?.text).toContain("Saved");
    const imported = next(opened, { type: "SceneImported", scene: twoObjects(), fileName: "mine.json" });
    expect(imported.document).toEqual({ id: null, name: "mine", prompt: "" });
    expect(imported.history.past).toHaveLength(0);
  });
});

describe("commands", () => {
  const steps = (model: Model, ...msgs: Msg[]) => replay(update, model, ...msgs);
  const kinds = (cmds: readonly Cmd[]) => cmds.map((cmd) => cmd.type);
  const report = { valid: true, message: "The scene is valid.", errors: [], warnings: [] };

  it("loads the engine and checks the first scene when the page opens", () => {
    const m = init(twoObjects());
    expect(steps(m, { type: "Opened" })[1]).toEqual([{ type: "LoadEngine" }, { type: "ValidateLater", scene: scene(m) }]);
    expect(next(m, { type: "EngineFailed", message: "no WebAssembly" }).engine).toEqual({ kind: "failed", message: "no WebAssembly" });
  });

  it("checks a changed scene once it has stayed the same a moment, and only that scene", () => {
    const m = init(twoObjects());
    const [edited, cmds] = steps(m, { type: "Selected", id: "box" }, { type: "ObjectAdded", shape: "Box" });
    expect(cmds).toEqual([{ type: "ValidateLater", scene: scene(edited) }]);
    // The timer of an older scene finds a newer one on screen: nothing is sent.
    expect(steps(edited, { type: "ValidationDue", scene: scene(m) })).toEqual([edited, []]);
    const [checking, sent] = steps(edited, { type: "ValidationDue", scene: scene(edited) });
    expect(checking.validation).toEqual({ kind: "checking", scene: scene(edited) });
    expect(sent).toEqual([{ type: "Validate", scene: scene(edited) }]);
    expect(next(checking, { type: "ValidationFinished", scene: scene(edited), report }).validation.kind).toBe("checked");
    expect(steps(edited, { type: "Undo" })[1]).toEqual([{ type: "ValidateLater", scene: scene(m) }]);
  });

  it("generates once with the trimmed prompt, and a saved result goes into the address", () => {
    let [m, cmds] = steps(init(), { type: "GeneratePromptChanged", value: "  two things " }, { type: "GenerateSubmitted" }, { type: "GenerateSubmitted" });
    expect(cmds).toEqual([{ type: "Generate", prompt: "two things" }]);
    [m, cmds] = steps(m, { type: "GenerateSucceeded", scene: twoObjects(), id: 7, prompt: "two things", note: "", plan: null });
    expect(cmds).toEqual([
      { type: "ValidateLater", scene: scene(m) },
      { type: "ShowAddress", sceneId: 7 },
    ]);
  });

  it("refines the scene as exported, with the selection", () => {
    const m = next(init(twoObjects()), { type: "Selected", id: "sphere" });
    const [busy, cmds] = steps(m, { type: "RefinePromptChanged", value: " bigger " }, { type: "RefineSubmitted" }, { type: "RefineSubmitted" });
    expect(busy.refine.kind).toBe("busy");
    expect(cmds).toEqual([{ type: "Refine", scene: sceneForExport(scene(m), "sphere"), prompt: "bigger", plan: null }]);
    expect(steps(m, { type: "RefineSubmitted" })[1]).toEqual([]);
  });

  it("saves once, with the trimmed name, and remembers the scene as it was", () => {
    const m = init(twoObjects());
    expect(steps(m, { type: "SaveSubmitted" })[1]).toEqual([]);
    const [busy, cmds] = steps(m, { type: "NameChanged", value: " Pair " }, { type: "SaveSubmitted" }, { type: "SaveSubmitted" });
    expect(cmds).toEqual([{ type: "Save", id: null, scene: sceneForExport(scene(m), null), name: "Pair", prompt: "", saved: scene(m) }]);
    const [saved, after] = steps(busy, { type: "SaveSucceeded", id: 3, scene: scene(m) });
    expect(after).toEqual([{ type: "ShowAddress", sceneId: 3 }]);
    // Saving again updates the same record.
    expect(steps(saved, { type: "SaveSubmitted" })[1]).toMatchObject([{ type: "Save", id: 3 }]);
  });

  it("sends a render once, filming from the view when asked or when the move is the editor's view", () => {
    const m = init(twoObjects());
    expect(steps(init(), { type: "RenderSubmitted" })[1]).toEqual([]);
    const [submitting, cmds] = steps(m, { type: "RenderSubmitted" }, { type: "RenderSubmitted" });
    expect(submitting.renderJob.kind).toBe("submitting");
    expect(cmds).toEqual([
      {
        type: "StartRender",
        request: { scene: sceneForExport(scene(m), null), duration: 3, fps: 30, resolution: "1280x720", quality: "draft", cameraMove: "static", groundStyle: "scene" },
        fromView: true,
      },
    ]);
    const sceneCamera = next(m, { type: "RenderSettingsChanged", settings: { fromView: false, cameraMove: "orbit" } });
    expect(steps(sceneCamera, { type: "RenderSubmitted" })[1]).toMatchObject([{ fromView: false, request: { cameraMove: "orbit" } }]);
    const editorMove = next(sceneCamera, { type: "RenderSettingsChanged", settings: { cameraMove: "editor" } });
    expect(steps(editorMove, { type: "RenderSubmitted" })[1]).toMatchObject([{ fromView: true }]);
    expect(steps(next(m, { type: "RenderSettingsChanged", settings: { fps: 0 } }), { type: "RenderSubmitted" })[1]).toEqual([]);
  });

  it("opens the saved scene the address names, once, and drops answers for an address it left", () => {
    const saved = { id: 5, name: "Saved", prompt: "p", model: "", createdAt: "2026-01-01T00:00:00Z", scene: twoObjects(), problem: null };
    let [m, cmds] = steps(init(), { type: "AddressRead", sceneId: 5 }, { type: "AddressRead", sceneId: 5 });
    expect(m.opening).toBe(5);
    expect(cmds).toEqual([{ type: "FetchScene", id: 5 }]);
    [m, cmds] = steps(m, { type: "SceneFetched", saved });
    expect(m).toMatchObject({ opening: null, document: { id: 5, name: "Saved", prompt: "p" }, savedScene: saved.scene });
    expect(kinds(cmds)).toEqual(["ValidateLater", "ShowAddress"]);
    // While a saved scene is edited, the address names it: another address is put back.
    expect(steps(m, { type: "AddressRead", sceneId: 0 })[1]).toEqual([{ type: "ShowAddress", sceneId: 5 }]);
    expect(steps(m, { type: "AddressRead", sceneId: 5 })).toEqual([m, []]);
    expect(steps(m, { type: "NewScene" })[1]).toEqual([
      { type: "ValidateLater", scene: scene(next(m, { type: "NewScene" })) },
      { type: "ShowAddress", sceneId: null },
    ]);

    const left = run(init(), { type: "AddressRead", sceneId: 5 }, { type: "AddressRead", sceneId: Number.NaN });
    expect(left.opening).toBeNull();
    expect(steps(left, { type: "SceneFetched", saved })).toEqual([left, []]);
    expect(steps(left, { type: "SceneFetchFailed", id: 5, message: "gone" })).toEqual([left, []]);
  });

  it("says why a saved scene could not be opened", () => {
    const opening = run(init(), { type: "AddressRead", sceneId: 8 });
    const failed = next(opening, { type: "SceneFetchFailed", id: 8, message: "Not found." });
    expect(failed).toMatchObject({ opening: null, notice: { kind: "error", text: "Could not open scene 8: Not found." } });
    const unreadable = { id: 8, name: "x", prompt: "", model: "", createdAt: "", scene: null, problem: "bad shape" };
    expect(next(opening, { type: "SceneFetched", saved: unreadable }).notice?.text).toBe("Scene 8 cannot be opened: bad shape");
  });

  it("exports the scene as a named JSON file", () => {
    const m = run(init(twoObjects()), { type: "NameChanged", value: "My scene/1" }, { type: "Selected", id: "box" });
    const [, cmds] = steps(m, { type: "ExportClicked" });
    expect(cmds).toEqual([
      { type: "Download", fileName: "My-scene-1.json", text: `${JSON.stringify(sceneForExport(scene(m), "box"), null, 2)}\n` },
    ]);
  });

  it("imports a file: reads it, then opens a valid scene or says what is wrong", () => {
    const file = new File(["{}"], "mine.json", { type: "application/json" });
    expect(steps(init(), { type: "ImportChosen", file })[1]).toEqual([{ type: "ReadFile", file }]);
    expect(next(init(), { type: "ImportRead", fileName: "mine.json", text: null }).notice?.text).toBe("mine.json is not a JSON file.");
    expect(next(init(), { type: "ImportRead", fileName: "mine.json", text: "{oops" }).notice?.text).toBe("mine.json is not a JSON file.");
    expect(next(init(), { type: "ImportRead", fileName: "mine.json", text: "[1]" }).notice?.text).toMatch(/^mine\.json is not a valid scene: /);
    const text = JSON.stringify(sceneForExport(twoObjects(), null));
    const [m, cmds] = steps(init(), { type: "ImportRead", fileName: "mine.json", text });
    expect(m.document).toEqual({ id: null, name: "mine", prompt: "" });
    expect(Object.keys(scene(m).objects)).toEqual(["box", "sphere"]);
    expect(cmds).toEqual([{ type: "ValidateLater", scene: scene(m) }]);
  });
});

describe("shortcuts", () => {
  const press = (key: string, extra: Partial<Parameters<typeof shortcut>[0]> = {}) =>
    shortcut({ key, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, target: { tagName: "BODY" }, ...extra }, "box");

  it("map keys to messages", () => {
    expect(press("g")).toEqual({ type: "GizmoModeChanged", mode: "translate" });
    expect(press("R")).toEqual({ type: "GizmoModeChanged", mode: "rotate" });
    expect(press("s")).toEqual({ type: "GizmoModeChanged", mode: "scale" });
    expect(press("z", { ctrlKey: true })).toEqual({ type: "Undo" });
    expect(press("z", { metaKey: true })).toEqual({ type: "Undo" });
    expect(press("Z", { ctrlKey: true, shiftKey: true })).toEqual({ type: "Redo" });
    expect(press("y", { ctrlKey: true })).toEqual({ type: "Redo" });
    expect(press("Delete")).toEqual({ type: "ObjectDeleted", id: "box" });
    expect(press("Escape")).toEqual({ type: "Selected", id: null });
    expect(press("s", { ctrlKey: true })).toBeNull();
  });

  it("never fire while typing", () => {
    for (const target of [
      { tagName: "INPUT", type: "text" },
      { tagName: "INPUT", type: "number" },
      { tagName: "TEXTAREA" },
      { tagName: "SELECT" },
      { tagName: "DIV", isContentEditable: true },
    ]) {
      expect(isTyping(target)).toBe(true);
      expect(press("g", { target })).toBeNull();
      expect(press("z", { ctrlKey: true, target })).toBeNull();
    }
    expect(isTyping({ tagName: "INPUT", type: "checkbox" })).toBe(false);
    expect(isTyping({ tagName: "BUTTON" })).toBe(false);
  });
});

describe("joints", () => {
  it("adds a joint from the selected object to the chosen one or the world, each one undo step", () => {
    let m = run(init(twoObjects()), { type: "Selected", id: "box" });
    expect(jointAddProblem(m)).toBeNull();
    m = run(m, { type: "JointDraftChanged", draft: { type: "spherical", to: "sphere" } }, { type: "JointAdded" });
    expect(scene(m).joints?.spherical).toMatchObject({ type: "spherical", bodyA: "box", bodyB: "sphere" });
    m = run(m, { type: "JointDraftChanged", draft: { type: "rope", to: null } }, { type: "JointAdded" });
    expect(scene(m).joints?.rope).toMatchObject({ bodyA: "box", bodyB: null });
    m = run(m, { type: "Undo" });
    expect(Object.keys(scene(m).joints ?? {})).toEqual(["spherical"]);
    m = run(m, { type: "Undo" });
    expect(scene(m).joints).toBeUndefined();
    m = run(m, { type: "Redo" }, { type: "Redo" });
    expect(Object.keys(scene(m).joints ?? {})).toEqual(["spherical", "rope"]);
  });

  it("deletes a joint, and deleting an object deletes its joints in the same undo step", () => {
    let m = run(init(twoObjects()), { type: "Selected", id: "box" }, { type: "JointDraftChanged", draft: { to: "sphere" } }, { type: "JointAdded" });
    m = run(m, { type: "JointDeleted", id: "revolute" });
    expect(scene(m).joints).toBeUndefined();
    m = run(m, { type: "Undo" }, { type: "ObjectDeleted", id: "sphere" });
    expect(scene(m).joints).toBeUndefined();
    m = run(m, { type: "Undo" });
    expect(Object.keys(scene(m).joints ?? {})).toEqual(["revolute"]);
    expect(Object.keys(scene(m).objects)).toEqual(["box", "sphere"]);
  });

  it("edits a joint's settings, typing in one field being one undo step", () => {
    let m = run(init(twoObjects()), { type: "Selected", id: "box" }, { type: "JointAdded" });
    for (const v of [1, 1.5, 2]) {
      m = next(m, { type: "JointEdited", id: "revolute", changes: { motor: { targetVelocity: v, maxForce: 10 } }, burst: "joint:revolute:motor-speed" });
    }
    expect(scene(m).joints?.revolute?.motor).toEqual({ targetVelocity: 2, maxForce: 10 });
    m = run(m, { type: "EditSettled" }, { type: "Undo" });
    expect(scene(m).joints?.revolute?.motor).toBeUndefined();
    expect(scene(m).joints?.revolute).toBeDefined();
  });

  it("refuses to add without a selection and says why; a vanished target falls back to the world", () => {
    let m = init(twoObjects());
    expect(jointAddProblem(m)).toBe("Select the object to attach first.");
    m = run(m, { type: "JointAdded" });
    expect(m.notice?.kind).toBe("error");
    expect(scene(m).joints).toBeUndefined();
    m = run(m, { type: "Selected", id: "box" }, { type: "JointDraftChanged", draft: { to: "gone" } }, { type: "JointAdded" });
    expect(scene(m).joints?.revolute?.bodyB).toBeNull();
  });
});

describe("the plan of a description", () => {
  const plan = {
    source: { sentence: "a ball", edits: [] },
    readAs: "a ball",
    willHappen: ["the ball falls"],
    notUnderstood: [],
    check: { ran: true, passed: true, attempts: 1, events: [] },
  };

  it("is kept from generate and refine answers and dropped with the document", () => {
    let m = next(init(), { type: "GenerateSucceeded", scene: twoObjects(), id: 1, prompt: "a ball", note: "", plan });
    expect(m.plan).toBe(plan);
    // A refinement sends the plan's source back, so the server edits the plan and checks it again.
    const [, refine] = replay(update, m, { type: "RefinePromptChanged", value: "faster" }, { type: "RefineSubmitted" });
    expect(refine).toEqual([expect.objectContaining({ type: "Refine", prompt: "faster", plan: plan.source })]);
    m = next(m, { type: "RefineSucceeded", scene: twoObjects(), note: "", plan: null });
    expect(m.plan).toBeNull();
    m = next(m, { type: "GenerateSucceeded", scene: twoObjects(), id: 2, prompt: "a ball", note: "", plan });
    m = next(m, { type: "NewScene" });
    expect(m.plan).toBeNull();
  });
});
