/**
 * The scene editor page as the Elm architecture: Model, Msg and a pure update. Effects (HTTP,
 * three.js, Rapier, timers) live in the components and report back with these messages.
 */
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
} from "../../scene/edit";
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
import { GROUND_STYLES, type GroundStyle, QUALITIES, type Finding, type Plan, type Quality, type ValidationReport } from "../../scene/sceneApi";

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
  | { type: "ValidationStarted"; scene: Scene }
  | { type: "ValidationFinished"; scene: Scene; report: ValidationReport }
  | { type: "ValidationFailed"; scene: Scene; message: string }
  | { type: "NameChanged"; value: string }
  | { type: "SaveSubmitted" }
  | { type: "SaveSucceeded"; id: number; scene: Scene }
  | { type: "SaveFailed"; message: string }
  | { type: "SceneOpened"; document: Document; scene: Scene }
  | { type: "SceneImported"; scene: Scene; fileName: string }
  | { type: "NoticeShown"; notice: Notice }
  | { type: "NoticeDismissed" }
  | { type: "NewScene" }
  | { type: "RenderSettingsChanged"; settings: Partial<RenderSettings> }
  | { type: "RenderSubmitted" }
  | { type: "RenderQueued"; videoId: number }
  | { type: "RenderFailed"; message: string };

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

export function update(model: Model, msg: Msg): Model {
  const present = model.history.present;
  switch (msg.type) {
    case "GeneratePromptChanged":
      return { ...model, generatePrompt: msg.value };
    case "GenerateSubmitted":
      return model.generatePrompt.trim() === "" || model.generate.kind === "busy"
        ? model
        : { ...model, generate: { kind: "busy" } };
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
    case "RefineSubmitted":
      return model.refinePrompt.trim() === "" || model.refine.kind === "busy"
        ? model
        : { ...model, refine: { kind: "busy" } };
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
    case "ValidationStarted":
      return { ...model, validation: { kind: "checking", scene: msg.scene } };
    case "ValidationFinished":
      // An answer about a scene the user has since edited is stale; the next check is on its way.
      return msg.scene === present ? { ...model, validation: { kind: "checked", scene: msg.scene, report: msg.report } } : model;
    case "ValidationFailed":
      return msg.scene === present ? { ...model, validation: { kind: "failed", scene: msg.scene, message: msg.message } } : model;
    case "NameChanged":
      return { ...model, document: { ...model.document, name: msg.value } };
    case "SaveSubmitted":
      if (model.save.kind === "busy") return model;
      if (model.document.name.trim() === "") {
        return { ...model, save: { kind: "failed", message: "Give the scene a name before saving it." } };
      }
      return { ...model, save: { kind: "busy" } };
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
    case "RenderSubmitted":
      return model.renderJob.kind === "submitting" || renderProblem(model) !== null
        ? model
        : { ...model, renderJob: { kind: "submitting" } };
    case "RenderQueued":
      return { ...model, renderJob: { kind: "queued", videoId: msg.videoId } };
    case "RenderFailed":
      return { ...model, renderJob: { kind: "failed", message: msg.message } };
  }
}
