/**
 * "Make it real" (issue 14): a finished render's frame goes to an image-to-video model on Replicate,
 * with a prompt written from the scene; the videos made from the render are listed with links.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";
import { describeError } from "../../api/errors";
import { listModels } from "../../media/api";
import { renderToVideo, type Render } from "../../scene/sceneApi";

export function MakeRealPanel({ render, listKey }: { render: Render; listKey: readonly unknown[] }) {
  const [open, setOpen] = useState(false);
  const [modelId, setModelId] = useState<string | null>(null);
  const [prompt, setPrompt] = useState(render.videoPrompt);
  const [frame, setFrame] = useState(0);
  const queryClient = useQueryClient();
  const models = useQuery({
    queryKey: ["models", "image-to-video"],
    queryFn: () => listModels("image-to-video"),
    staleTime: 5 * 60_000,
    enabled: open,
  });
  const chosen = modelId ?? models.data?.[0]?.id ?? "";
  const start = useMutation({
    // The scene's prompt is left to the server unless edited: it sends it only to models that take one.
    mutationFn: () =>
      renderToVideo(render.id, { modelId: chosen, frame, ...(prompt !== render.videoPrompt ? { prompt } : {}) }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: listKey }),
  });
  const lastFrame = Math.max(0, render.framesTotal - 1);
  const formId = `make-real-${render.id}`;
  return (
    <div className="make-real">
      {render.derivedVideos.length > 0 ? (
        <p className="meta" data-testid={`derived-videos-${render.id}`}>
          Made real:{" "}
          {render.derivedVideos.map((id, index) => (
            <span key={id}>
              {index > 0 ? ", " : null}
              <Link to={`/video/${id}`}>video {id}</Link>
            </span>
          ))}
        </p>
      ) : null}
      {!open ? (
        <button type="button" onClick={() => setOpen(true)} aria-controls={formId}>
          Make it real
        </button>
      ) : (
        <form
          id={formId}
          className="make-real-form"
          aria-label={`Make render ${render.id} real`}
          onSubmit={(event) => {
            event.preventDefault();
            if (chosen) start.mutate();
          }}
        >
          <label className="field">
            <span>Image-to-video model</span>
            <select value={chosen} onChange={(e) => setModelId(e.target.value)} disabled={!models.data?.length}>
              {models.isPending ? <option value="">Loading models…</option> : null}
              {models.data?.length === 0 ? <option value="">No image-to-video models available</option> : null}
              {models.data?.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.id}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>
              Frame sent as the image: {frame} of {lastFrame} ({(frame / Math.max(render.fps, 1)).toFixed(2)} s)
            </span>
            <input type="range" min={0} max={lastFrame} step={1} value={frame} onChange={(e) => setFrame(Number(e.target.value))} />
          </label>
          <label className="field">
            <span>Prompt (written from the scene)</span>
            <textarea rows={4} value={prompt} onChange={(e) => setPrompt(e.target.value)} />
          </label>
          {models.isError ? (
            <p className="error" role="alert">
              {describeError(models.error)}
            </p>
          ) : null}
          {start.isError ? (
            <p className="error" role="alert">
              {describeError(start.error)}
            </p>
          ) : null}
          {start.isSuccess ? (
            <p className="hint" role="status">
              Started: <Link to={`/video/${start.data}`}>video {start.data}</Link>
            </p>
          ) : null}
          <div className="actions">
            <button type="submit" className="primary" disabled={!chosen || start.isPending}>
              {start.isPending ? "Sending…" : "Send to the model"}
            </button>
            <button type="button" onClick={() => setOpen(false)}>
              Close
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
