/**
 * The scene editor page as the Elm architecture: Model, Msg, Cmd and a pure update. PhysicsPage.tsx
 * performs the commands (the scene API, the address, timers, files, loading Rapier); the three.js
 * view and the player report what happens in them with messages.
 */
import { only, type Step } from "../../app/effects";
import type { Rapier } from "../../editor/physics";
import type { GizmoMode } from "../../editor/viewport";
import {
  addJoint,
  addObject,
  canAdd,
  deleteJoint,
  deleteObject,
  duplicateObject,
  type JointChanges,
  jointProblem,
  setBodyType,
  setDescription,
  setJoint,
  setPhysics,
  setTransform,
  setVisual,
  sceneForExport,
} from "../../scene/edit";
import { parseScene } from "../../scene/parse";
import { type History, commit, historyOf, redo, settle, undo } from "../../scene/history";
import {
  type BodyType,
  type JointType,
  type PhysicsProperties,
  type Scene,
  type Shape,
  type Transform,
  type Vec3,
  type VisualProperties,
  emptyScene,
} from "../../scene/types";

import { CAMERA_MOVES, type CameraMove } from "../../editor/cameraMoves";
import {
  GROUND_STYLES,
  type GroundStyle,
  QUALITIES,
  type Finding,
  type Plan,
  type PlanSource,
  type Quality,
  type RenderRequest,
  type SavedScene,
  type ValidationReport,
} from "../../scene/sceneApi";

export { QUALITIES, type Finding, type Quality, type ValidationReport };
export { CAMERA_MOVES, GROUND_STYLES, type CameraMove, type GroundStyle };

export type Validation =
  | { kind: "idle" }
  | { kind: "checking"; scene: Scene }
  | { kind: "checked"; scene: Scene; report: ValidationReport }
  | { kind: "failed"; scene: Scene; message: string };

export type Request = { kind: "idle" } | { kind: "busy" } | { kind: "failed"; message: string } | { kind: "done"; message: string };

/** `editing`: the view shows the scene. `simulating`: it shows the physics, `steps` steps in. */
export type Sim =
  | { kind: "editing" }
  | {
      kind: "simulating";
      playing: boolean;
      steps: number;
      stepRequests: number;
      msPerStep: number | null;
      /** Where the selected object is in the simulation, as of the latest report. */
      tracked: Tracked | null;
    };

export type Tracked = { id: string; position: Vec3 };

export const RESOLUTIONS = ["320x180", "640x360", "854x480", "1280x720", "1920x1080"] as const;

/**
 * `fromView`: film from where the editor's view looks now, rather than from the scene's camera.
 * `cameraMove` starts from that camera; `groundStyle` "scene" keeps the scene's own ground look.
 */
export type RenderSettings = {
  duration: number;
  fps: number;
  resolution: string;
  quality: Quality;
  fromView: boolean;
  cameraMove: CameraMove;
  groundStyle: GroundStyle | "scene";
};
export type RenderJob =
  | { kind: "idle" }
  | { kind: "submitting" }
  | { kind: "queued"; videoId: number }
  | { kind: "failed"; message: string };

export type Notice = { kind: "info" | "error"; text: string };

/** The "add a joint" form: which kind, and what the selected object is attached to (null: the world). */
export type JointDraft = { type: JointType; to: string | null };

/** Rapier, loaded once the page opens. */
export type EngineState = { kind: "loading" } | { kind: "ready"; rapier: Rapier } | { kind: "failed"; message: string };

/** The saved record the editor works on (null id: not saved yet). */
export type Document = { id: number | null; name: string; prompt: string };

export type Model = {
  history: History;
  selection: string | null;
  gizmo: GizmoMode;
  sim: Sim;
  document: Document;
  /** The scene as last saved or opened, to tell whether there are unsaved changes. */
  savedScene: Scene | null;
  generatePrompt: string;
  generate: Request;
  refinePrompt: string;
  refine: Request;
  validation: Validation;
  save: Request;
  notice: Notice | null;
  render: RenderSettings;
  renderJob: RenderJob;
  jointDraft: JointDraft;
  /** How the server read the last description or change, and its check by simulation. */
  plan: Plan | null;
  engine: EngineState;
  /** The saved scene the address asked for, while it loads. */
  opening: number | null;
};

export type Msg =
  | { type: "GeneratePromptChanged"; value: string }
  | { type: "GenerateSubmitted" }
  | { type: "GenerateSucceeded"; scene: Scene; id: number | null; prompt: string; note: string; plan: Plan | null }
  | { type: "GenerateFailed"; message: string }
  | { type: "RefinePromptChanged"; value: string }
  | { type: "RefineSubmitted" }
  | { type: "RefineSucceeded"; scene: Scene; note: string; plan: Plan | null }
  | { type: "RefineFailed"; message: string }
  | { type: "Selected"; id: string | null }
  | { type: "ObjectAdded"; shape: Shape }
  | { type: "ObjectDuplicated"; id: string }
  | { type: "ObjectDeleted"; id: string }
  | { type: "TransformEdited"; id: string; transform: Transform; burst: string | null }
  | { type: "PhysicsEdited"; id: string; physics: Partial<PhysicsProperties>; burst: string | null }
  | { type: "VisualEdited"; id: string; visual: Partial<VisualProperties>; burst: string | null }
  | { type: "DescriptionEdited"; id: string; description: string; burst: string | null }
  | { type: "BodyTypeEdited"; id: string; bodyType: BodyType }
  | { type: "JointDraftChanged"; draft: Partial<JointDraft> }
  | { type: "JointAdded" }
  | { type: "JointDeleted"; id: string }
  | { type: "JointEdited"; id: string; changes: JointChanges; burst: string | null }
  | { type: "EditSettled" }
  | { type: "Undo" }
  | { type: "Redo" }
  | { type: "GizmoModeChanged"; mode: GizmoMode }
  | { type: "Played" }
  | { type: "Paused" }
  | { type: "Reset" }
  | { type: "Stepped" }
  | { type: "StepsTaken"; steps: number; msPerStep: number; tracked: Tracked | null }
  /** The page is on screen: load the engine, check the first scene. */
  | { type: "Opened" }
  | { type: "EngineLoaded"; rapier: Rapier }
  | { type: "EngineFailed"; message: string }
  /** `/physics?scene=12`: the saved scene the address names (0 or NaN: none). */
  | { type: "AddressRead"; sceneId: number }
  | { type: "SceneFetched"; saved: SavedScene }
  | { type: "SceneFetchFailed"; id: number; message: string }
  /** The scene has stayed the same for VALIDATE_DELAY_MS: check it now. */
  | { type: "ValidationDue"; scene: Scene }
  | { type: "ValidationFinished"; scene: Scene; report: ValidationReport }
  | { type: "ValidationFailed"; scene: Scene; message: string }
  | { type: "NameChanged"; value: string }
  | { type: "SaveSubmitted" }
  | { type: "SaveSucceeded"; id: number; scene: Scene }
  | { type: "SaveFailed"; message: string }
  | { type: "SceneOpened"; document: Document; scene: Scene }
  | { type: "SceneImported"; scene: Scene; fileName: string }
  | { type: "ExportClicked" }
  | { type: "ImportChosen"; file: File }
  /** The chosen file's text, or null when it could not be read. */
  | { type: "ImportRead"; fileName: string; text: string | null }
  | { type: "NoticeShown"; notice: Notice }
  | { type: "NoticeDismissed" }
  | { type: "NewScene" }
  | { type: "RenderSettingsChanged"; settings: Partial<RenderSettings> }
  | { type: "RenderSubmitted" }
  | { type: "RenderQueued"; videoId: number }
  | { type: "RenderFailed"; message: string };

export type Cmd =
  /** Answer EngineLoaded or EngineFailed. */
  | { type: "LoadEngine" }
  /** Answer ValidationDue after VALIDATE_DELAY_MS. */
  | { type: "ValidateLater"; scene: Scene }
  /** Answer ValidationFinished or ValidationFailed. */
  | { type: "Validate"; scene: Scene }
  /** Put the saved scene's id in the address (null: none), replacing the history entry. */
  | { type: "ShowAddress"; sceneId: number | null }
  /** Answer SceneFetched or SceneFetchFailed. */
  | { type: "FetchScene"; id: number }
  /** Answer GenerateSucceeded or GenerateFailed. */
  | { type: "Generate"; prompt: string }
  /** Answer RefineSucceeded or RefineFailed. */
  | { type: "Refine"; scene: Scene; prompt: string; plan: PlanSource | null }
  /** Answer SaveSucceeded (with `saved`, the scene as it was in the editor) or SaveFailed. */
  | { type: "Save"; id: number | null; scene: Scene; name: string; prompt: string; saved: Scene }
  /** Answer RenderQueued or RenderFailed; `fromView`: send the editor view's camera. */
  | { type: "StartRender"; request: Omit<RenderRequest, "camera">; fromView: boolean }
  | { type: "Download"; fileName: string; text: string }
  /** Answer ImportRead. */
  | { type: "ReadFile"; file: File };

/** How long the scene must stay unchanged before it is sent to be checked. */
export const VALIDATE_DELAY_MS = 400;

export const RENDER_LIMITS = { duration: { min: 0.5, max: 30 }, fps: { min: 1, max: 60 } } as const;

export function init(scene: Scene = emptyScene()): Model {
  return {
    history: historyOf(scene),
    selection: null,
    gizmo: "translate",
    sim: { kind: "editing" },
    document: { id: null, name: "", prompt: "" },
    savedScene: null,
    generatePrompt: "",
    generate: { kind: "idle" },
    refinePrompt: "",
    refine: { kind: "idle" },
    validation: { kind: "idle" },
    save: { kind: "idle" },
    notice: null,
    render: { duration: 3, fps: 30, resolution: "1280x720", quality: "draft", fromView: true, cameraMove: "static", groundStyle: "scene" },
    renderJob: { kind: "idle" },
    jointDraft: { type: "revolute", to: null },
    plan: null,
    engine: { kind: "loading" },
    opening: null,
  };
}

export function scene(model: Model): Scene {
  return model.history.present;
}

export function hasUnsavedChanges(model: Model): boolean {
  return model.savedScene !== model.history.present && Object.keys(model.history.present.objects).length > 0;
}

/** What the selected object would be joined to: the draft's target if it still exists, else the world. */
export function jointTarget(model: Model): string | null {
  const to = model.jointDraft.to;
  return to !== null && to in scene(model).objects && to !== model.selection ? to : null;
}

/** Whether the "add a joint" form can be sent, or why not. */
export function jointAddProblem(model: Model): string | null {
  if (model.selection === null) return "Select the object to attach first.";
  return jointProblem(scene(model), model.selection, jointTarget(model));
}

/** Whether the render form can be sent, or why not. */
export function renderProblem(model: Model): string | null {
  const { duration, fps, resolution } = model.render;
  if (Object.keys(scene(model).objects).length === 0) return "Add objects to the scene before rendering it.";
  if (!(duration >= RENDER_LIMITS.duration.min && duration <= RENDER_LIMITS.duration.max)) {
    return `Duration must be from ${RENDER_LIMITS.duration.min} to ${RENDER_LIMITS.duration.max} seconds.`;
  }
  if (!Number.isInteger(fps) || fps < RENDER_LIMITS.fps.min || fps > RENDER_LIMITS.fps.max) {
    return `Frames per second must be a whole number from ${RENDER_LIMITS.fps.min} to ${RENDER_LIMITS.fps.max}.`;
  }
  if (!/^\d+x\d+$/.test(resolution)) return "Choose a resolution.";
  return null;
}

/** A new scene replaces the whole history: what came before is another document. */
function replaceScene(model: Model, next: Scene): Model {
  return {
    ...model,
    plan: null,
    history: historyOf(next),
    selection: next.selectedObject !== null && next.selectedObject in next.objects ? next.selectedObject : null,
    sim: { kind: "editing" },
    validation: { kind: "idle" },
  };
}

/** One edit: recorded in the history, and any simulation is reset so the view shows the edit. */
function edit(model: Model, next: Scene, burst: string | null = null): Model {
  if (next === model.history.present) return model;
  return { ...model, history: commit(model.history, next, burst), sim: { kind: "editing" } };
}

function keepSelection(model: Model): Model {
  const present = model.history.present;
  return model.selection !== null && !(model.selection in present.objects) ? { ...model, selection: null } : model;
}

/** The messages that only change the model. */
type Change = Exclude<Msg, { type: Effectful }>;
type Effectful =
  | "Opened"
  | "AddressRead"
  | "SceneFetched"
  | "SceneFetchFailed"
  | "ValidationDue"
  | "GenerateSubmitted"
  | "RefineSubmitted"
  | "SaveSubmitted"
  | "RenderSubmitted"
  | "ExportClicked"
  | "ImportChosen"
  | "ImportRead";

function change(model: Model, msg: Change): Model {
  const present = model.history.present;
  switch (msg.type) {
    case "GeneratePromptChanged":
      return { ...model, generatePrompt: msg.value };
    case "GenerateSucceeded":
      return {
        ...replaceScene(model, msg.scene),
        document: { id: msg.id, name: msg.prompt.slice(0, 200), prompt: msg.prompt },
        savedScene: msg.id === null ? null : msg.scene,
        generate: { kind: "done", message: msg.note },
        refine: { kind: "idle" },
        save: { kind: "idle" },
        plan: msg.plan,
      };
    case "GenerateFailed":
      return { ...model, generate: { kind: "failed", message: msg.message } };
    case "RefinePromptChanged":
      return { ...model, refinePrompt: msg.value };
    case "RefineSucceeded":
      // A refinement is an edit like any other: it can be undone.
      return keepSelection({
        ...edit(model, msg.scene),
        refine: { kind: "done", message: msg.note },
        refinePrompt: "",
        plan: msg.plan,
      });
    case "RefineFailed":
      return { ...model, refine: { kind: "failed", message: msg.message } };
    case "Selected":
      return { ...model, selection: msg.id !== null && msg.id in present.objects ? msg.id : null };
    case "ObjectAdded": {
      if (!canAdd(present)) return { ...model, notice: { kind: "error", text: "A scene holds at most 500 objects." } };
      const added = addObject(present, msg.shape);
      return { ...edit(model, added.scene), selection: added.id };
    }
    case "ObjectDuplicated": {
      if (!canAdd(present)) return { ...model, notice: { kind: "error", text: "A scene holds at most 500 objects." } };
      const copy = duplicateObject(present, msg.id);
      return copy ? { ...edit(model, copy.scene), selection: copy.id } : model;
    }
    case "ObjectDeleted":
      return keepSelection(edit(model, deleteObject(present, msg.id)));
    case "TransformEdited":
      return edit(model, setTransform(present, msg.id, msg.transform), msg.burst);
    case "PhysicsEdited":
      return edit(model, setPhysics(present, msg.id, msg.physics), msg.burst);
    case "VisualEdited":
      return edit(model, setVisual(present, msg.id, msg.visual), msg.burst);
    case "DescriptionEdited":
      return edit(model, setDescription(present, msg.id, msg.description), msg.burst);
    case "BodyTypeEdited":
      return edit(model, setBodyType(present, msg.id, msg.bodyType));
    case "JointDraftChanged":
      return { ...model, jointDraft: { ...model.jointDraft, ...msg.draft } };
    case "JointAdded": {
      const problem = jointAddProblem(model);
      const added = model.selection === null ? null : addJoint(present, model.jointDraft.type, model.selection, jointTarget(model));
      if (problem !== null || !added) return { ...model, notice: { kind: "error", text: problem ?? "The joint could not be added." } };
      return edit(model, added.scene);
    }
    case "JointDeleted":
      return edit(model, deleteJoint(present, msg.id));
    case "JointEdited":
      return edit(model, setJoint(present, msg.id, msg.changes), msg.burst);
    case "EditSettled":
      return { ...model, history: settle(model.history) };
    case "Undo":
      return keepSelection({ ...model, history: undo(model.history), sim: { kind: "editing" } });
    case "Redo":
      return keepSelection({ ...model, history: redo(model.history), sim: { kind: "editing" } });
    case "GizmoModeChanged":
      return { ...model, gizmo: msg.mode };
    case "Played":
      if (Object.keys(present.objects).length === 0) return model;
      return {
        ...model,
        sim:
          model.sim.kind === "simulating"
            ? { ...model.sim, playing: true }
            : { kind: "simulating", playing: true, steps: 0, stepRequests: 0, msPerStep: null, tracked: null },
      };
    case "Paused":
      return model.sim.kind === "simulating" ? { ...model, sim: { ...model.sim, playing: false } } : model;
    case "Reset":
      return { ...model, sim: { kind: "editing" } };
    case "Stepped":
      if (Object.keys(present.objects).length === 0) return model;
      return {
        ...model,
        sim:
          model.sim.kind === "simulating"
            ? { ...model.sim, playing: false, stepRequests: model.sim.stepRequests + 1 }
            : { kind: "simulating", playing: false, steps: 0, stepRequests: 1, msPerStep: null, tracked: null },
      };
    case "StepsTaken":
      return model.sim.kind === "simulating"
        ? { ...model, sim: { ...model.sim, steps: msg.steps, msPerStep: msg.msPerStep, tracked: msg.tracked } }
        : model;
    case "EngineLoaded":
      return { ...model, engine: { kind: "ready", rapier: msg.rapier } };
    case "EngineFailed":
      return { ...model, engine: { kind: "failed", message: msg.message } };
    case "ValidationFinished":
      // An answer about a scene the user has since edited is stale; the next check is on its way.
      return msg.scene === present ? { ...model, validation: { kind: "checked", scene: msg.scene, report: msg.report } } : model;
    case "ValidationFailed":
      return msg.scene === present ? { ...model, validation: { kind: "failed", scene: msg.scene, message: msg.message } } : model;
    case "NameChanged":
      return { ...model, document: { ...model.document, name: msg.value } };
    case "SaveSucceeded":
      return {
        ...model,
        document: { ...model.document, id: msg.id },
        savedScene: msg.scene,
        save: { kind: "done", message: `Saved “${model.document.name.trim()}”.` },
      };
    case "SaveFailed":
      return { ...model, save: { kind: "failed", message: msg.message } };
    case "SceneOpened":
      return {
        ...replaceScene(model, msg.scene),
        document: msg.document,
        savedScene: msg.scene,
        save: { kind: "idle" },
        notice: { kind: "info", text: `Opened “${msg.document.name || `scene ${msg.document.id}`}”.` },
      };
    case "SceneImported":
      return {
        ...replaceScene(model, msg.scene),
        document: { id: null, name: msg.fileName.replace(/\.json$/i, ""), prompt: "" },
        savedScene: null,
        save: { kind: "idle" },
        notice: { kind: "info", text: `Imported ${msg.fileName}. Save it to keep it on the server.` },
      };
    case "NoticeShown":
      return { ...model, notice: msg.notice };
    case "NoticeDismissed":
      return { ...model, notice: null };
    case "NewScene":
      return {
        ...replaceScene(model, emptyScene()),
        document: { id: null, name: "", prompt: "" },
        savedScene: null,
        save: { kind: "idle" },
        generate: { kind: "idle" },
        refine: { kind: "idle" },
        renderJob: { kind: "idle" },
      };
    case "RenderSettingsChanged":
      return { ...model, render: { ...model.render, ...msg.settings } };
    case "RenderQueued":
      return { ...model, renderJob: { kind: "queued", videoId: msg.videoId } };
    case "RenderFailed":
      return { ...model, renderJob: { kind: "failed", message: msg.message } };
  }
}

/** A file chosen to import: a scene replaces the one in the editor, anything else is explained. */
function imported(model: Model, fileName: string, text: string | null): Model {
  let data: unknown;
  try {
    if (text === null) throw new Error("unreadable");
    data = JSON.parse(text);
  } catch {
    return { ...model, notice: { kind: "error", text: `${fileName} is not a JSON file.` } };
  }
  const parsed = parseScene(data);
  if (parsed.ok) return change(model, { type: "SceneImported", scene: parsed.scene, fileName });
  const more = parsed.errors.length > 5 ? ` (and ${parsed.errors.length - 5} more)` : "";
  return {
    ...model,
    notice: { kind: "error", text: `${fileName} is not a valid scene: ${parsed.errors.slice(0, 5).join("; ")}${more}` },
  };
}

/**
 * The address and the document: an address naming a saved scene opens it while nothing saved is
 * being edited; once a saved scene is being edited, the address names it (a reload reopens it).
 */
function addressRead(model: Model, sceneId: number): Step<Model, Cmd> {
  const documentId = model.document.id;
  if (documentId !== null) {
    const settled = model.opening === null ? model : { ...model, opening: null };
    return sceneId === documentId ? only(settled) : [settled, [{ type: "ShowAddress", sceneId: documentId }]];
  }
  if (!Number.isInteger(sceneId) || sceneId <= 0) return only(model.opening === null ? model : { ...model, opening: null });
  if (model.opening === sceneId) return only(model);
  return [{ ...model, opening: sceneId }, [{ type: "FetchScene", id: sceneId }]];
}

function sceneFetched(model: Model, saved: SavedScene): Model {
  // An answer for an address the page has since left is dropped.
  if (model.opening !== saved.id) return model;
  const settled = { ...model, opening: null };
  if (!saved.scene) {
    return { ...settled, notice: { kind: "error", text: `Scene ${saved.id} cannot be opened: ${saved.problem ?? "unreadable"}` } };
  }
  return change(settled, { type: "SceneOpened", document: { id: saved.id, name: saved.name, prompt: saved.prompt }, scene: saved.scene });
}

function exportFile(model: Model): { fileName: string; text: string } {
  const name = (model.document.name.trim() || "scene").replace(/[^\w.-]+/g, "-").slice(0, 80);
  return { fileName: `${name}.json`, text: `${JSON.stringify(sceneForExport(scene(model), model.selection), null, 2)}\n` };
}

function react(model: Model, msg: Msg): Step<Model, Cmd> {
  const present = model.history.present;
  switch (msg.type) {
    case "Opened":
      return [model, [{ type: "LoadEngine" }, { type: "ValidateLater", scene: present }]];
    case "AddressRead":
      return addressRead(model, msg.sceneId);
    case "SceneFetched":
      return only(sceneFetched(model, msg.saved));
    case "SceneFetchFailed":
      if (model.opening !== msg.id) return only(model);
      return only({ ...model, opening: null, notice: { kind: "error", text: `Could not open scene ${msg.id}: ${msg.message}` } });
    case "ValidationDue":
      // The scene changed while the timer ran: the newer scene's own timer is on its way.
      if (msg.scene !== present) return only(model);
      return [{ ...model, validation: { kind: "checking", scene: msg.scene } }, [{ type: "Validate", scene: msg.scene }]];
    case "GenerateSubmitted": {
      const prompt = model.generatePrompt.trim();
      if (prompt === "" || model.generate.kind === "busy") return only(model);
      return [{ ...model, generate: { kind: "busy" } }, [{ type: "Generate", prompt }]];
    }
    case "RefineSubmitted": {
      const prompt = model.refinePrompt.trim();
      if (prompt === "" || model.refine.kind === "busy") return only(model);
      return [{ ...model, refine: { kind: "busy" } }, [{ type: "Refine", scene: sceneForExport(present, model.selection), prompt, plan: model.plan?.source ?? null }]];
    }
    case "SaveSubmitted": {
      if (model.save.kind === "busy") return only(model);
      const name = model.document.name.trim();
      if (name === "") return only({ ...model, save: { kind: "failed", message: "Give the scene a name before saving it." } });
      const { id, prompt } = model.document;
      return [
        { ...model, save: { kind: "busy" } },
        [{ type: "Save", id, scene: sceneForExport(present, model.selection), name, prompt, saved: present }],
      ];
    }
    case "RenderSubmitted": {
      if (model.renderJob.kind === "submitting" || renderProblem(model) !== null) return only(model);
      const { fromView, ...settings } = model.render;
      return [
        { ...model, renderJob: { kind: "submitting" } },
        // "editor" films the view as it is now, whatever the checkbox says.
        [{ type: "StartRender", request: { scene: sceneForExport(present, null), ...settings }, fromView: fromView || settings.cameraMove === "editor" }],
      ];
    }
    case "ExportClicked":
      return [model, [{ type: "Download", ...exportFile(model) }]];
    case "ImportChosen":
      return [model, [{ type: "ReadFile", file: msg.file }]];
    case "ImportRead":
      return only(imported(model, msg.fileName, msg.text));
    default:
      return only(change(model, msg));
  }
}

/**
 * Every message, then what follows from the new model whatever the message: a changed scene is
 * checked once it has stayed the same a moment; a changed document id goes into the address.
 */
export function update(model: Model, msg: Msg): Step<Model, Cmd> {
  const [next, cmds] = react(model, msg);
  const follow: Cmd[] = [];
  if (next.history.present !== model.history.present) follow.push({ type: "ValidateLater", scene: next.history.present });
  if (next.document.id !== model.document.id) follow.push({ type: "ShowAddress", sceneId: next.document.id });
  return follow.length === 0 ? [next, cmds] : [next, [...cmds, ...follow]];
}
