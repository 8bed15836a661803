/**
 * The scene editor (`/physics`): generate and refine scenes from text, edit them in a three.js view
 * with gizmos and panels, play them with Rapier on the server's fixed step, save, export, render.
 * This module is its own lazy chunk; three.js and Rapier load only here.
 */
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from "react";
import { useSearchParams } from "react-router";
import { describeError } from "../../api/errors";
import { usePageTitle } from "../../components/usePageTitle";
import { loadRapier } from "../../editor/physics";
import type { Viewport } from "../../editor/viewport";
import { sceneForExport } from "../../scene/edit";
import { parseScene } from "../../scene/parse";
import { DEFAULT_CAMERA } from "../../scene/types";
import { DocumentPanel } from "./DocumentPanel";
import { type Model, type Msg, hasUnsavedChanges, init, renderProblem, update } from "./editor";
import { Inspector } from "./Inspector";
import { JointPanel } from "./JointPanel";
import { ObjectList } from "./ObjectList";
import { PromptPanel } from "./PromptPanel";
import { RenderPanel } from "./RenderPanel";
import { generateScene, getScene, refineScene, saveScene, startRender, validateScene } from "../../scene/sceneApi";
import { shortcut } from "./shortcuts";
import { ValidationPanel } from "./ValidationPanel";
import { type EngineState, ViewportPanel } from "./ViewportPanel";
import "../../scene/scene.css";

const VALIDATE_DELAY_MS = 400;

function useEngine(): EngineState {
  const [engine, setEngine] = useState<EngineState>({ kind: "loading" });
  useEffect(() => {
    let live = true;
    loadRapier().then(
      (rapier) => live && setEngine({ kind: "ready", rapier }),
      (error: unknown) => live && setEngine({ kind: "failed", message: describeError(error) }),
    );
    return () => {
      live = false;
    };
  }, []);
  return engine;
}

/** Checks the scene with the server a moment after each edit. */
function useValidation(model: Model, dispatch: (msg: Msg) => void) {
  const scene = model.history.present;
  useEffect(() => {
    let live = true;
    const timer = window.setTimeout(() => {
      dispatch({ type: "ValidationStarted", scene });
      validateScene(scene).then(
        (report) => live && dispatch({ type: "ValidationFinished", scene, report }),
        (error: unknown) => live && dispatch({ type: "ValidationFailed", scene, message: describeError(error) }),
      );
    }, VALIDATE_DELAY_MS);
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [scene, dispatch]);
}

function useShortcuts(selection: string | null, dispatch: (msg: Msg) => void) {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target instanceof HTMLElement ? event.target : null;
      const msg = shortcut(
        {
          key: event.key,
          ctrlKey: event.ctrlKey,
          metaKey: event.metaKey,
          shiftKey: event.shiftKey,
          altKey: event.altKey,
          target: target
            ? { tagName: target.tagName, isContentEditable: target.isContentEditable, type: target.getAttribute("type") ?? "" }
            : null,
        },
        selection,
      );
      if (msg) {
        event.preventDefault();
        dispatch(msg);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [selection, dispatch]);
}

function download(fileName: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.click();
  window.setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export default function PhysicsPage() {
  usePageTitle("Scene editor");
  const [model, dispatch] = useReducer(update, undefined, () => init());
  const engine = useEngine();
  const viewportRef = useRef<Viewport | null>(null);
  const [params, setParams] = useSearchParams();
  const scene = model.history.present;
  useValidation(model, dispatch);
  useShortcuts(model.selection, dispatch);

  // `/physics?scene=12` opens a saved scene (the Scenes page links here).
  const openId = Number(params.get("scene"));
  const [opening, setOpening] = useState<number | null>(null);
  useEffect(() => {
    if (!Number.isInteger(openId) || openId <= 0 || openId === model.document.id) return;
    let live = true;
    setOpening(openId);
    getScene(openId).then(
      (saved) => {
        if (!live) return;
        setOpening(null);
        if (saved.scene) {
          dispatch({ type: "SceneOpened", document: { id: saved.id, name: saved.name, prompt: saved.prompt }, scene: saved.scene });
        } else {
          dispatch({ type: "NoticeShown", notice: { kind: "error", text: `Scene ${saved.id} cannot be opened: ${saved.problem ?? "unreadable"}` } });
        }
      },
      (error: unknown) => {
        if (!live) return;
        setOpening(null);
        dispatch({ type: "NoticeShown", notice: { kind: "error", text: `Could not open scene ${openId}: ${describeError(error)}` } });
      },
    );
    return () => {
      live = false;
    };
    // Opening follows the address only: the document id changing after a save must not reopen it.
  }, [openId]);

  // The address names the saved scene being edited, so a reload reopens it; a new scene clears it.
  const previousId = useRef<number | null>(null);
  useEffect(() => {
    const id = model.document.id;
    if (id !== null && String(id) !== params.get("scene")) setParams({ scene: String(id) }, { replace: true });
    if (id === null && previousId.current !== null) setParams({}, { replace: true });
    previousId.current = id;
  }, [model.document.id, params, setParams]);

  useEffect(() => {
    if (!hasUnsavedChanges(model)) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [model]);

  const generate = useCallback(async (prompt: string) => {
    try {
      const result = await generateScene(prompt);
      dispatch({ type: "GenerateSucceeded", scene: result.scene, id: result.id, prompt, note: result.note, plan: result.plan });
    } catch (error) {
      dispatch({ type: "GenerateFailed", message: describeError(error) });
    }
  }, []);

  async function refine() {
    const prompt = model.refinePrompt.trim();
    if (prompt === "" || model.refine.kind === "busy") return;
    dispatch({ type: "RefineSubmitted" });
    try {
      const result = await refineScene(sceneForExport(scene, model.selection), prompt);
      dispatch({ type: "RefineSucceeded", scene: result.scene, note: result.note, plan: result.plan });
    } catch (error) {
      dispatch({ type: "RefineFailed", message: describeError(error) });
    }
  }

  async function save() {
    const name = model.document.name.trim();
    dispatch({ type: "SaveSubmitted" });
    if (name === "" || model.save.kind === "busy") return;
    const saved = scene;
    try {
      const id = await saveScene({ id: model.document.id, scene: sceneForExport(saved, model.selection), name, prompt: model.document.prompt });
      dispatch({ type: "SaveSucceeded", id, scene: saved });
    } catch (error) {
      dispatch({ type: "SaveFailed", message: describeError(error) });
    }
  }

  async function render() {
    if (renderProblem(model) !== null || model.renderJob.kind === "submitting") return;
    dispatch({ type: "RenderSubmitted" });
    try {
      const { fromView, ...settings } = model.render;
      // "editor" films the view as it is now, whatever the checkbox says.
      const camera = fromView || settings.cameraMove === "editor" ? (viewportRef.current?.cameraState() ?? null) : null;
      const videoId = await startRender({ scene: sceneForExport(scene, null), ...settings, camera });
      dispatch({ type: "RenderQueued", videoId });
    } catch (error) {
      dispatch({ type: "RenderFailed", message: `The render was refused: ${describeError(error)}` });
    }
  }

  function exportJson() {
    const name = (model.document.name.trim() || "scene").replace(/[^\w.-]+/g, "-").slice(0, 80);
    download(`${name}.json`, `${JSON.stringify(sceneForExport(scene, model.selection), null, 2)}\n`);
  }

  async function importJson(file: File) {
    let data: unknown;
    try {
      data = JSON.parse(await file.text());
    } catch {
      dispatch({ type: "NoticeShown", notice: { kind: "error", text: `${file.name} is not a JSON file.` } });
      return;
    }
    const parsed = parseScene(data);
    if (parsed.ok) dispatch({ type: "SceneImported", scene: parsed.scene, fileName: file.name });
    else {
      const more = parsed.errors.length > 5 ? ` (and ${parsed.errors.length - 5} more)` : "";
      dispatch({
        type: "NoticeShown",
        notice: { kind: "error", text: `${file.name} is not a valid scene: ${parsed.errors.slice(0, 5).join("; ")}${more}` },
      });
    }
  }

  const flagged = useMemo(() => {
    const flags = new Map<string, "error" | "warning">();
    if (model.validation.kind === "checked" && model.validation.scene === scene) {
      for (const finding of model.validation.report.warnings) for (const id of finding.objects) flags.set(id, "warning");
      for (const finding of model.validation.report.errors) for (const id of finding.objects) flags.set(id, "error");
    }
    return flags;
  }, [model.validation, scene]);

  const selected = model.selection !== null ? (scene.objects[model.selection] ?? null) : null;
  return (
    <div className="page physics-editor">
      <h1 className="visually-hidden">Scene editor</h1>
      {opening !== null ? (
        <p className="loading" role="status">
          <span className="spinner small" aria-hidden="true" /> Opening scene {opening}…
        </p>
      ) : null}
      {model.notice ? (
        <div className={`notice-bar ${model.notice.kind}`} role={model.notice.kind === "error" ? "alert" : "status"}>
          <span>{model.notice.text}</span>
          <button type="button" aria-label="Dismiss the message" onClick={() => dispatch({ type: "NoticeDismissed" })}>
            ✕
          </button>
        </div>
      ) : null}
      <div className="editor-grid">
        <aside className="editor-left" aria-label="Scene and objects">
          <PromptPanel model={model} dispatch={dispatch} onGenerate={generate} onRefine={() => void refine()} />
          <ObjectList scene={scene} selection={model.selection} flagged={flagged} dispatch={dispatch} />
          <ValidationPanel model={model} dispatch={dispatch} />
        </aside>
        <ViewportPanel model={model} engine={engine} dispatch={dispatch} viewportRef={viewportRef} />
        <aside className="editor-right" aria-label="Selected object">
          <section className="panel-section" aria-labelledby="inspector-title">
            <h2 id="inspector-title">Properties</h2>
            <Inspector object={selected} dispatch={dispatch} />
          </section>
          <section className="panel-section" aria-labelledby="joints-title">
            <h2 id="joints-title">Joints</h2>
            <JointPanel model={model} dispatch={dispatch} />
          </section>
        </aside>
      </div>
      <div className="editor-bottom">
        <DocumentPanel
          model={model}
          dispatch={dispatch}
          onSave={() => void save()}
          onExport={exportJson}
          onImport={(file) => void importJson(file)}
        />
        <RenderPanel
          model={model}
          dispatch={dispatch}
          onRender={() => void render()}
          onPreviewMove={() => {
            const view = viewportRef.current;
            if (!view) return;
            const base = model.render.fromView || model.render.cameraMove === "editor" ? view.cameraState() : (scene.camera ?? DEFAULT_CAMERA);
            view.previewCameraMove(model.render.cameraMove, base, model.render.duration);
          }}
        />
      </div>
    </div>
  );
}
