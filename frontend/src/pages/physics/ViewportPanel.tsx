/** The centre of the editor: the three.js view, its gizmo modes and the play controls. */
import { type RefObject, useEffect, useRef, useState } from "react";
import { Player } from "../../editor/player";
import { type GizmoMode, Viewport } from "../../editor/viewport";
import { TIME_STEP } from "../../scene/clock";
import { canRedo, canUndo } from "../../scene/history";
import { DEFAULT_CAMERA } from "../../scene/types";
import type { EngineState, Model, Msg } from "./editor";

const GIZMO_MODES: { mode: GizmoMode; label: string; key: string }[] = [
  { mode: "translate", label: "Move", key: "G" },
  { mode: "rotate", label: "Rotate", key: "R" },
  { mode: "scale", label: "Scale", key: "S" },
];

export function ViewportPanel({
  model,
  engine,
  dispatch,
  viewportRef,
}: {
  model: Model;
  engine: EngineState;
  dispatch: (msg: Msg) => void;
  /** The page reads the view's camera through this when it renders "from the current view". */
  viewportRef: RefObject<Viewport | null>;
}) {
  const containerRef = useRef<HTMLDivElement>(null);
  const playerRef = useRef<Player | null>(null);
  const stepsHandled = useRef(0);
  const dispatchRef = useRef(dispatch);
  dispatchRef.current = dispatch;
  const [viewError, setViewError] = useState<string | null>(null);
  const scene = model.history.present;
  const sim = model.sim;
  const playing = sim.kind === "simulating" && sim.playing;
  const playingRef = useRef(playing);
  playingRef.current = playing;
  const selectionRef = useRef(model.selection);
  selectionRef.current = model.selection;

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    try {
      const viewport = new Viewport(container, {
        select: (id) => dispatchRef.current({ type: "Selected", id }),
        transform: (id, transform, drag) =>
          dispatchRef.current({ type: "TransformEdited", id, transform, burst: `gizmo:${drag}` }),
        transformEnd: () => dispatchRef.current({ type: "EditSettled" }),
      });
      viewportRef.current = viewport;
      return () => {
        viewport.dispose();
        viewportRef.current = null;
      };
    } catch (error) {
      setViewError(
        `The 3D view could not start (${error instanceof Error ? error.message : "WebGL is unavailable"}). ` +
          "You can still edit the scene with the panels, play it is not possible without the view.",
      );
      return undefined;
    }
  }, []);

  useEffect(() => viewportRef.current?.setScene(scene), [scene]);
  useEffect(() => viewportRef.current?.setCamera(scene.camera ?? DEFAULT_CAMERA), [scene.camera]);
  useEffect(() => viewportRef.current?.setSelection(model.selection), [model.selection, scene]);
  useEffect(() => viewportRef.current?.setGizmoMode(model.gizmo), [model.gizmo]);
  useEffect(() => viewportRef.current?.setGizmoEnabled(sim.kind === "editing"), [sim.kind]);

  // The player exists while simulating; leaving the simulation (reset, an edit) puts the scene back.
  const simulating = sim.kind === "simulating";
  const rapier = engine.kind === "ready" ? engine.rapier : null;
  useEffect(() => {
    const viewport = viewportRef.current;
    if (!simulating || !rapier || !viewport) return;
    let reported = 0;
    const player = new Player(rapier, scene, viewport, (steps, msPerStep) => {
      // The page re-renders ten times a second at most while playing.
      const now = performance.now();
      if (playingRef.current && now - reported < 100) return;
      reported = now;
      const id = selectionRef.current;
      const pose = id === null ? null : player.pose(id);
      dispatchRef.current({ type: "StepsTaken", steps, msPerStep, tracked: id !== null && pose ? { id, position: pose.position } : null });
    });
    playerRef.current = player;
    stepsHandled.current = 0;
    return () => {
      player.dispose();
      playerRef.current = null;
    };
  }, [simulating, rapier, scene]);

  useEffect(() => {
    if (playing) playerRef.current?.play();
    else playerRef.current?.pause();
  }, [playing, simulating, rapier]);

  const stepRequests = sim.kind === "simulating" ? sim.stepRequests : 0;
  useEffect(() => {
    const player = playerRef.current;
    if (!player) return;
    while (stepsHandled.current < stepRequests) {
      player.stepOnce();
      stepsHandled.current += 1;
    }
  }, [stepRequests, simulating, rapier]);

  const empty = Object.keys(scene.objects).length === 0;
  const engineReady = engine.kind === "ready" && viewError === null;
  const time = sim.kind === "simulating" ? sim.steps * TIME_STEP : 0;
  return (
    <section className="viewport-panel" aria-label="Scene view">
      <div className="toolbar" role="toolbar" aria-label="View tools">
        <div className="button-row" role="group" aria-label="Gizmo">
          {GIZMO_MODES.map(({ mode, label, key }) => (
            <button
              key={mode}
              type="button"
              aria-pressed={model.gizmo === mode}
              title={`${label} the selected object (${key})`}
              onClick={() => dispatch({ type: "GizmoModeChanged", mode })}
            >
              {label} <kbd>{key}</kbd>
            </button>
          ))}
        </div>
        <div className="button-row" role="group" aria-label="History">
          <button type="button" disabled={!canUndo(model.history)} onClick={() => dispatch({ type: "Undo" })} title="Undo (Ctrl+Z)">
            Undo
          </button>
          <button type="button" disabled={!canRedo(model.history)} onClick={() => dispatch({ type: "Redo" })} title="Redo (Ctrl+Shift+Z or Ctrl+Y)">
            Redo
          </button>
        </div>
        <div className="button-row" role="group" aria-label="Simulation">
          {playing ? (
            <button type="button" onClick={() => dispatch({ type: "Paused" })}>
              Pause
            </button>
          ) : (
            <button type="button" className="primary" disabled={!engineReady || empty} onClick={() => dispatch({ type: "Played" })}>
              Play
            </button>
          )}
          <button type="button" disabled={!engineReady || empty} onClick={() => dispatch({ type: "Stepped" })} title="Advance one 1/60 s step">
            Step
          </button>
          <button type="button" disabled={sim.kind === "editing"} onClick={() => dispatch({ type: "Reset" })} title="Back to the scene before play">
            Reset
          </button>
          <output className="sim-time" aria-live="off" data-testid="sim-time" aria-label="Simulated time">
            t = {time.toFixed(2)} s
          </output>
          {sim.kind === "simulating" && sim.msPerStep !== null ? (
            <output className="sim-time" data-testid="step-cost" title="Typical time Rapier spends on one 1/60 s step (median of the latest frames)">
              {sim.msPerStep.toFixed(2)} ms/step
            </output>
          ) : null}
        </div>
      </div>
      <div className="viewport" ref={containerRef} data-sim={sim.kind === "simulating" ? (playing ? "playing" : "paused") : "editing"}>
        {sim.kind === "simulating" && sim.tracked !== null && sim.tracked.id === model.selection ? (
          // Over the view rather than in the toolbar, so the layout never shifts while playing.
          <output className="viewport-readout" data-testid="tracked-position" aria-label={`Where ${sim.tracked.id} is now`}>
            {sim.tracked.id}: {(["x", "y", "z"] as const).map((axis) => `${axis} ${sim.tracked?.position[axis].toFixed(2)}`).join(" ")} m
          </output>
        ) : null}
        {engine.kind === "loading" ? (
          <p className="viewport-note" role="status">
            <span className="spinner small" aria-hidden="true" /> Loading the physics engine…
          </p>
        ) : null}
        {engine.kind === "failed" ? (
          <p className="viewport-note error" role="alert">
            The physics engine did not load: {engine.message}. Reload the page to try again.
          </p>
        ) : null}
        {viewError ? (
          <p className="viewport-note error" role="alert">
            {viewError}
          </p>
        ) : null}
        {empty && engine.kind === "ready" ? (
          <p className="viewport-note">Empty scene: describe one on the left, or add objects.</p>
        ) : null}
      </div>
      <p className="hint viewport-help">
        Drag to orbit, scroll to zoom, right-drag to pan. Click an object to select it; drag the gizmo to move,
        rotate or scale it.
      </p>
    </section>
  );
}
