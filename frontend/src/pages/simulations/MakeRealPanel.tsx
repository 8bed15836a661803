/**
 * "Make it real" (issue 14): a finished render's frame goes to an image-to-video model on Replicate
 * (or its whole video to a video-to-video model),
 * with a prompt written from the scene; the videos made from the render are listed with links. The
 * form's state is the page's model (`simulations.ts`); the list of models is server data.
 */
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { describeError } from "../../api/errors";
import { listModels } from "../../media/api";
import type { Render } from "../../scene/sceneApi";
import type { MakeRealForm, Msg } from "./simulations";

export function MakeRealPanel({
  render,
  form,
  dispatch,
}: {
  render: Render;
  form: MakeRealForm | undefined;
  dispatch: (msg: Msg) => void;
}) {
  const open = form?.open ?? false;
  const imageModels = useQuery({
    queryKey: ["models", "image-to-video"],
    queryFn: () => listModels("image-to-video"),
    staleTime: 5 * 60_000,
    enabled: open,
  });
  const videoModels = useQuery({
    queryKey: ["models", "video-to-video"],
    queryFn: () => listModels("video-to-video"),
    staleTime: 5 * 60_000,
    enabled: open,
  });
  const models = {
    isPending: imageModels.isPending || videoModels.isPending,
    // One list failing leaves the other usable; both failing is the error shown.
    isError: imageModels.isError && videoModels.isError,
    error: imageModels.error ?? videoModels.error,
    data: imageModels.data || videoModels.data ? [...(imageModels.data ?? []), ...(videoModels.data ?? [])] : undefined,
  };
  const chosen = form?.modelId ?? models.data?.[0]?.id ?? "";
  const wholeVideo = (videoModels.data ?? []).some((m) => m.id === chosen) && !(imageModels.data ?? []).some((m) => m.id === chosen);
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
      {!form?.open ? (
        <button type="button" onClick={() => dispatch({ type: "MakeRealOpened", render })} aria-controls={formId}>
          Make it real
        </button>
      ) : (
        <form
          id={formId}
          className="make-real-form"
          aria-label={`Make render ${render.id} real`}
          onSubmit={(event) => {
            event.preventDefault();
            dispatch({ type: "MakeRealSubmitted", id: render.id, modelId: chosen, wholeVideo });
          }}
        >
          <label className="field">
            <span>Image-to-video model or video-to-video model</span>
            <select value={chosen} onChange={(e) => dispatch({ type: "MakeRealEdited", id: render.id, changes: { modelId: e.target.value } })} disabled={!models.data?.length}>
              {models.isPending && !models.data ? <option value="">Loading models…</option> : null}
              {models.data?.length === 0 ? <option value="">No image-to-video or video-to-video models available</option> : null}
              {imageModels.data?.length ? (
                <optgroup label="Image to video">
                  {imageModels.data.map((m) => (
                    <option key={m.id} value={m.id}>
                      {m.id}
                    </option>
                  ))}
                </optgroup>
              ) : null}
              {videoModels.data?.length ? (
                <optgroup label="Video to video">
                  {videoModels.data.map((m) => (
                    <option key={`v-${m.id}`} value={m.id}>
                      {m.id}
                    </option>
                  ))}
                </optgroup>
              ) : null}
            </select>
          </label>
          {wholeVideo ? (
            <p className="hint">A video-to-video model: the whole render goes to it, not one frame.</p>
          ) : (
          <label className="field">
            <span>
              Frame sent as the image: {form.frame} of {lastFrame} ({(form.frame / Math.max(render.fps, 1)).toFixed(2)} s)
            </span>
            <input
              type="range"
              min={0}
              max={lastFrame}
              step={1}
              value={form.frame}
              onChange={(e) => dispatch({ type: "MakeRealEdited", id: render.id, changes: { frame: Number(e.target.value) } })}
            />
          </label>
          )}
          <label className="field">
            <span>Prompt (written from the scene)</span>
            <textarea
              rows={4}
              value={form.prompt}
              onChange={(e) => dispatch({ type: "MakeRealEdited", id: render.id, changes: { prompt: e.target.value } })}
            />
          </label>
          {models.isError ? (
            <p className="error" role="alert">
              {describeError(models.error)}
            </p>
          ) : null}
          {form.error !== null ? (
            <p className="error" role="alert">
              {form.error}
            </p>
          ) : null}
          {form.started !== null ? (
            <p className="hint" role="status">
              Started: <Link to={`/video/${form.started}`}>video {form.started}</Link>
            </p>
          ) : null}
          <div className="actions">
            <button type="submit" className="primary" disabled={!chosen || form.sending}>
              {form.sending ? "Sending…" : "Send to the model"}
            </button>
            <button type="button" onClick={() => dispatch({ type: "MakeRealClosed", id: render.id })}>
              Close
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
