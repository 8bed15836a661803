/** `/simulations`: the rendered simulation videos, playing in the page, with live progress. */
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "react-router";
import { attempt, useProgram, type Perform } from "../../app/effects";
import { formatDate } from "../../app/format";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { EmptyState, ErrorBox, Loading } from "../../components/Feedback";
import { usePageTitle } from "../../components/usePageTitle";
import { RenderProgress, RenderVideo } from "../../scene/RenderView";
import { cancelRender, deleteRender, isFinal, listRenders, renderToVideo } from "../../scene/sceneApi";
import "../../scene/scene.css";
import { type Cmd, type Msg, PAGE_SIZE, init, listPollInterval, update } from "./simulations";
import { OffsetPager } from "../../components/OffsetPager";
import { MakeRealPanel } from "./MakeRealPanel";

const rendersKey = ["simulation-renders"] as const;

export default function SimulationsPage() {
  usePageTitle("Simulations");
  const queryClient = useQueryClient();
  const perform: Perform<Cmd, Msg> = (cmd) => {
    switch (cmd.type) {
      case "DeleteRender":
        return attempt(
          async () => {
            await deleteRender(cmd.id);
            await queryClient.invalidateQueries({ queryKey: rendersKey });
          },
          (): Msg => ({ type: "DeleteSucceeded" }),
          (message): Msg => ({ type: "DeleteFailed", message }),
        );
      case "CancelRender":
        return attempt(
          async () => {
            await cancelRender(cmd.id);
            await queryClient.invalidateQueries({ queryKey: rendersKey });
          },
          (): Msg => ({ type: "CancelFinished", error: null }),
          (message): Msg => ({ type: "CancelFinished", error: `Could not cancel render ${cmd.id}: ${message}` }),
        );
      case "MakeReal":
        return attempt(
          async () => {
            const videoId = await renderToVideo(cmd.id, cmd.request);
            await queryClient.invalidateQueries({ queryKey: rendersKey });
            return videoId;
          },
          (videoId): Msg => ({ type: "MakeRealStarted", id: cmd.id, videoId }),
          (message): Msg => ({ type: "MakeRealFailed", id: cmd.id, message }),
        );
    }
  };
  const [model, dispatch] = useProgram(() => init, update, perform);
  const renders = useQuery({
    queryKey: [...rendersKey, model.offset],
    queryFn: () => listRenders(PAGE_SIZE, model.offset),
    placeholderData: keepPreviousData,
    refetchInterval: (query) => listPollInterval(query.state.data?.renders, document.visibilityState === "hidden"),
    refetchIntervalInBackground: true,
  });

  const data = renders.data;
  return (
    <div className="page simulations-page">
      <div className="page-head">
        <h1>Simulations</h1>
        <Link className="button" to="/physics">
          Open the scene editor
        </Link>
      </div>
      {model.error ? (
        <div className="notice-bar error" role="alert">
          <span>{model.error}</span>
          <button type="button" aria-label="Dismiss the message" onClick={() => dispatch({ type: "ErrorDismissed" })}>
            ✕
          </button>
        </div>
      ) : null}
      {renders.isPending ? <Loading label="Loading your rendered videos…" /> : null}
      {renders.isError ? (
        <ErrorBox
          error={renders.error}
          action={
            <button type="button" onClick={() => void renders.refetch()}>
              Try again
            </button>
          }
        />
      ) : null}
      {data && data.total === 0 ? (
        <EmptyState title="No rendered videos yet">
          <p>
            Build a scene in the <Link to="/physics">editor</Link> and press Render: the video will play here.
          </p>
        </EmptyState>
      ) : null}
      {data && data.total > 0 && data.renders.length === 0 ? (
        <p>
          This page is empty now.{" "}
          <button type="button" onClick={() => dispatch({ type: "PageChanged", offset: 0 })}>
            Back to the newest videos
          </button>
        </p>
      ) : null}
      {data && data.renders.length > 0 ? (
        <div className="card-grid">
          {data.renders.map((render) => {
            const titleId = `render-${render.id}-title`;
            return (
              <article key={render.id} className="card item-card" aria-labelledby={titleId}>
                <h2 id={titleId}>Render {render.id}</h2>
                <RenderProgress render={render} />
                <RenderVideo render={render} label={`Simulation video ${render.id}`} />
                <p className="meta">
                  {render.objectCount} objects · {render.duration} s at {render.fps} fps · {render.resolution.replace("x", " × ")} ·{" "}
                  {render.quality}
                  {render.cameraMove && render.cameraMove !== "static" ? ` · ${render.cameraMove} camera` : ""}
                  {render.groundStyle ? ` · ${render.groundStyle} ground` : ""} · {formatDate(render.createdAt)}
                </p>
                {render.status === "completed" && render.videoUrl ? <MakeRealPanel render={render} form={model.makeReal[render.id]} dispatch={dispatch} /> : null}
                <div className="actions">
                  {!isFinal(render.status) ? (
                    <button type="button" disabled={model.canceling !== null} onClick={() => dispatch({ type: "CancelSubmitted", id: render.id })}>
                      {model.canceling === render.id ? "Canceling…" : "Cancel"}
                    </button>
                  ) : null}
                  {render.status === "completed" && render.videoUrl ? (
                    <a className="button" href={render.videoUrl} download>
                      Download
                    </a>
                  ) : null}
                  <button
                    type="button"
                    className="danger"
                    aria-label={`Delete render ${render.id}`}
                    onClick={() => dispatch({ type: "DeleteAsked", render })}
                  >
                    Delete
                  </button>
                </div>
              </article>
            );
          })}
        </div>
      ) : null}
      {data ? (
        <OffsetPager
          label="Pages of videos"
          offset={model.offset}
          pageSize={PAGE_SIZE}
          total={data.total}
          onChange={(offset) => dispatch({ type: "PageChanged", offset })}
        />
      ) : null}
      <ConfirmDialog
        open={model.remove !== null}
        title="Delete this video?"
        confirmLabel="Delete"
        busy={model.remove?.busy ?? false}
        busyLabel="Deleting…"
        error={model.remove?.error ?? null}
        onConfirm={() => dispatch({ type: "DeleteConfirmed" })}
        onCancel={() => dispatch({ type: "DeleteCancelled" })}
      >
        <p>Render {model.remove?.render.id} and its video will be deleted for good.</p>
      </ConfirmDialog>
    </div>
  );
}
