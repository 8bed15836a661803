/** Render the scene on the server: settings, the job's progress, and the finished video. */
import { Link } from "react-router";
import { describeError } from "../../api/errors";
import { ErrorBox } from "../../components/Feedback";
import {
  CAMERA_MOVES,
  type CameraMove,
  GROUND_STYLES,
  type GroundStyle,
  type Model,
  type Msg,
  QUALITIES,
  type Quality,
  RENDER_LIMITS,
  RESOLUTIONS,
  renderProblem,
  scene,
} from "./editor";
import { useRender } from "../../scene/renderPolling";
import { RenderProgress, RenderVideo } from "../../scene/RenderView";

const MOVE_LABELS: Record<CameraMove, string> = {
  static: "Static",
  orbit: "Orbit around the scene",
  follow: "Follow the moving bodies",
  dolly: "Dolly in",
  editor: "The editor's current view",
};
const QUALITY_LABELS: Record<Quality, string> = {
  draft: "draft (fastest)",
  standard: "standard (smoothed edges)",
  high: "high (supersampled, motion blur)",
};

export function RenderPanel({
  model,
  dispatch,
  onRender,
  onPreviewMove,
}: {
  model: Model;
  dispatch: (msg: Msg) => void;
  onRender: () => void;
  /** Plays the chosen camera move in the editor's view. */
  onPreviewMove: () => void;
}) {
  const job = model.renderJob;
  const render = useRender(job.kind === "queued" ? job.videoId : null);
  const problem = renderProblem(model);
  const busy = job.kind === "submitting" || (render.data !== undefined && (render.data.status === "queued" || render.data.status === "rendering"));
  return (
    <section className="panel-section render-panel" aria-labelledby="render-title">
      <h2 id="render-title">Render a video</h2>
      <form
        className="render-form"
        onSubmit={(event) => {
          event.preventDefault();
          onRender();
        }}
      >
        <label className="field">
          <span>Duration (s)</span>
          <input
            type="number"
            min={RENDER_LIMITS.duration.min}
            max={RENDER_LIMITS.duration.max}
            step={0.5}
            value={model.render.duration}
            onChange={(e) => dispatch({ type: "RenderSettingsChanged", settings: { duration: e.target.valueAsNumber } })}
          />
        </label>
        <label className="field">
          <span>Frames per second</span>
          <input
            type="number"
            min={RENDER_LIMITS.fps.min}
            max={RENDER_LIMITS.fps.max}
            step={1}
            value={model.render.fps}
            onChange={(e) => dispatch({ type: "RenderSettingsChanged", settings: { fps: e.target.valueAsNumber } })}
          />
        </label>
        <label className="field">
          <span>Resolution</span>
          <select
            value={model.render.resolution}
            onChange={(e) => dispatch({ type: "RenderSettingsChanged", settings: { resolution: e.target.value } })}
          >
            {RESOLUTIONS.map((r) => (
              <option key={r} value={r}>
                {r.replace("x", " × ")}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Quality</span>
          <select
            value={model.render.quality}
            onChange={(e) => dispatch({ type: "RenderSettingsChanged", settings: { quality: e.target.value as Quality } })}
          >
            {QUALITIES.map((q) => (
              <option key={q} value={q}>
                {QUALITY_LABELS[q]}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Camera</span>
          <select
            value={model.render.cameraMove}
            onChange={(e) => dispatch({ type: "RenderSettingsChanged", settings: { cameraMove: e.target.value as CameraMove } })}
          >
            {CAMERA_MOVES.map((move) => (
              <option key={move} value={move}>
                {MOVE_LABELS[move]}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={onPreviewMove} disabled={model.render.cameraMove === "static" || model.render.cameraMove === "editor"}>
          Preview the camera
        </button>
        <label className="field">
          <span>Ground</span>
          <select
            value={model.render.groundStyle}
            onChange={(e) => dispatch({ type: "RenderSettingsChanged", settings: { groundStyle: e.target.value as GroundStyle | "scene" } })}
          >
            <option value="scene">the scene's ({scene(model).groundStyle ?? "checker"})</option>
            {GROUND_STYLES.map((style) => (
              <option key={style} value={style}>
                {style}
              </option>
            ))}
          </select>
        </label>
        <label className="check-field">
          <input
            type="checkbox"
            checked={model.render.fromView}
            onChange={(e) => dispatch({ type: "RenderSettingsChanged", settings: { fromView: e.target.checked } })}
          />
          <span>Film from the current view</span>
        </label>
        <button type="submit" className="primary" disabled={problem !== null || busy}>
          {job.kind === "submitting" ? "Sending…" : "Render"}
        </button>
      </form>
      {problem ? <p className="hint">{problem}</p> : null}
      <div aria-live="polite" data-testid="render-status">
        {job.kind === "failed" ? (
          <p className="error" role="alert">
            {job.message}
          </p>
        ) : null}
        {job.kind === "queued" && render.isPending ? <p className="hint">Render {job.videoId} queued…</p> : null}
        {job.kind === "queued" && render.isError ? (
          <ErrorBox
            error={new Error(`Could not follow render ${job.videoId}: ${describeError(render.error)}`)}
            action={
              <button type="button" onClick={() => void render.refetch()}>
                Try again
              </button>
            }
          />
        ) : null}
        {render.data ? (
          <>
            <RenderProgress render={render.data} />
            <RenderVideo render={render.data} label={`Rendered video of the scene (render ${render.data.id})`} />
            {render.data.status === "completed" ? (
              <p className="hint">
                It is also in <Link to="/simulations">Simulations</Link>.
              </p>
            ) : null}
          </>
        ) : null}
      </div>
    </section>
  );
}
