/**
 * The scene editor (`/physics`): generate and refine scenes from text, edit them in a three.js view
 * with gizmos and panels, play them with Rapier on the server's fixed step, save, export, render.
 * This module is its own lazy chunk; three.js and Rapier load only here.
 */
import { useEffect, useMemo, useRef } from "react";
import { useSearchParams } from "react-router";
import { attempt, delay, useProgram, type Perform } from "../../app/effects";
import { usePageTitle } from "../../components/usePageTitle";
import { loadRapier } from "../../editor/physics";
import type { Viewport } from "../../editor/viewport";
import { DEFAULT_CAMERA } from "../../scene/types";
import { DocumentPanel } from "./DocumentPanel";
import { type Cmd, type Msg, VALIDATE_DELAY_MS, hasUnsavedChanges, init, update } from "./editor";
import { Inspector } from "./Inspector";
import { JointPanel } from "./JointPanel";
import { ObjectList } from "./ObjectList";
import { PromptPanel } from "./PromptPanel";
import { RenderPanel } from "./RenderPanel";
import { generateScene, getScene, refineScene, saveScene, startRender, validateScene } from "../../scene/sceneApi";
import { shortcut } from "./shortcuts";
import { ValidationPanel } from "./ValidationPanel";
import { ViewportPanel } from "./ViewportPanel";
import "../../scene/scene.css";

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
  const viewportRef = useRef<Viewport | null>(null);
  const [params, setParams] = useSearchParams();

  const perform: Perform<Cmd, Msg> = (cmd) => {
    switch (cmd.type) {
      case "LoadEngine":
        return attempt(
          loadRapier,
          (rapier): Msg => ({ type: "EngineLoaded", rapier }),
          (message): Msg => ({ type: "EngineFailed", message }),
        );
      case "ValidateLater":
        return delay(VALIDATE_DELAY_MS).then((): Msg => ({ type: "ValidationDue", scene: cmd.scene }));
      case "Validate":
        return attempt(
          () => validateScene(cmd.scene),
          (report): Msg => ({ type: "ValidationFinished", scene: cmd.scene, report }),
          (message): Msg => ({ type: "ValidationFailed", scene: cmd.scene, message }),
        );
      case "ShowAddress":
        if (cmd.sceneId !== null && String(cmd.sceneId) !== params.get("scene")) {
          setParams({ scene: String(cmd.sceneId) }, { replace: true });
        }
        if (cmd.sceneId === null) setParams({}, { replace: true });
        return;
      case "FetchScene":
        return attempt(
          () => getScene(cmd.id),
          (saved): Msg => ({ type: "SceneFetched", saved }),
          (message): Msg => ({ type: "SceneFetchFailed", id: cmd.id, message }),
        );
      case "Generate":
        return attempt(
          () => generateScene(cmd.prompt),
          (result): Msg => ({ type: "GenerateSucceeded", scene: result.scene, id: result.id, prompt: cmd.prompt, note: result.note, plan: result.plan }),
          (message): Msg => ({ type: "GenerateFailed", message }),
        );
      case "Refine":
        return attempt(
          () => refineScene(cmd.scene, cmd.prompt, cmd.plan),
          (result): Msg => ({ type: "RefineSucceeded", scene: result.scene, note: result.note, plan: result.plan }),
          (message): Msg => ({ type: "RefineFailed", message }),
        );
      case "Save":
        return attempt(
          () => saveScene({ id: cmd.id, scene: cmd.scene, name: cmd.name, prompt: cmd.prompt }),
          (id): Msg => ({ type: "SaveSucceeded", id, scene: cmd.saved }),
          (message): Msg => ({ type: "SaveFailed", message }),
        );
      case "StartRender": {
        const camera = cmd.fromView ? (viewportRef.current?.cameraState() ?? null) : null;
        return attempt(
          () => startRender({ ...cmd.request, camera }),
          (videoId): Msg => ({ type: "RenderQueued", videoId }),
          (message): Msg => ({ type: "RenderFailed", message: `The render was refused: ${message}` }),
        );
      }
      case "Download":
        download(cmd.fileName, cmd.text);
        return;
      case "ReadFile": {
        const fileName = cmd.file.name;
        return attempt(
          () => cmd.file.text(),
          (text): Msg => ({ type: "ImportRead", fileName, text }),
          (): Msg => ({ type: "ImportRead", fileName, text: null }),
        );
      }
    }
  };
  const [model, dispatch] = useProgram(() => init(), update, perform);
  const scene = model.history.present;
  useShortcuts(model.selection, dispatch);

  useEffect(() => dispatch({ type: "Opened" }), [dispatch]);

  // `/physics?scene=12` opens a saved scene (the Scenes page links here); update decides what an address means.
  const addressId = Number(params.get("scene"));
  useEffect(() => dispatch({ type: "AddressRead", sceneId: addressId }), [addressId, dispatch]);

  useEffect(() => {
    if (!hasUnsavedChanges(model)) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [model]);

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
      {model.opening !== null ? (
        <p className="loading" role="status">
          <span className="spinner small" aria-hidden="true" /> Opening scene {model.opening}…
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
          <PromptPanel model={model} dispatch={dispatch} />
          <ObjectList scene={scene} selection={model.selection} flagged={flagged} dispatch={dispatch} />
          <ValidationPanel model={model} dispatch={dispatch} />
        </aside>
        <ViewportPanel model={model} engine={model.engine} dispatch={dispatch} viewportRef={viewportRef} />
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
        <DocumentPanel model={model} dispatch={dispatch} />
        <RenderPanel
          model={model}
          dispatch={dispatch}
          onRender={() => dispatch({ type: "RenderSubmitted" })}
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
