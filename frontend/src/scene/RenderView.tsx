/** One render: its progress while it runs, the video once done, the error when it failed. */
import type { Render } from "./sceneApi";

const STATUS_LABELS: Record<Render["status"], string> = {
  queued: "Queued",
  rendering: "Rendering",
  completed: "Finished",
  failed: "Failed",
  canceled: "Canceled",
};

export function RenderProgress({ render }: { render: Render }) {
  const percent = Math.round(render.progress * 100);
  return (
    <div className="render-progress">
      <span className={`badge badge-render-${render.status}`} data-status={render.status}>
        {STATUS_LABELS[render.status]}
      </span>
      {render.status === "queued" || render.status === "rendering" ? (
        <>
          <progress max={1} value={render.progress} aria-label={`Render ${render.id} progress`}>
            {percent}%
          </progress>
          <span className="hint">{percent}%</span>
        </>
      ) : null}
    </div>
  );
}

export function RenderVideo({ render, label }: { render: Render; label: string }) {
  if (render.status === "failed") {
    return (
      <p className="error" role="alert">
        The render failed: {render.error || "the server gave no reason"}.
      </p>
    );
  }
  if (render.status === "canceled") return <p className="hint">The render was canceled.</p>;
  if (render.status !== "completed") return null;
  if (!render.videoUrl) {
    return (
      <p className="error" role="alert">
        The render finished but the server lists no video for it.
      </p>
    );
  }
  return (
    <video
      className="render-video"
      src={render.videoUrl}
      poster={render.thumbnailUrl ?? undefined}
      controls
      autoPlay
      muted
      loop
      playsInline
      preload="metadata"
      aria-label={label}
      data-testid={`render-video-${render.id}`}
    />
  );
}
