/** `/scenes`: the user's saved scenes: open in the editor, rename, delete. */
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "react-router";
import { attempt, useProgram, type Perform } from "../../app/effects";
import { formatDate } from "../../app/format";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { EmptyState, ErrorBox, Loading } from "../../components/Feedback";
import { usePageTitle } from "../../components/usePageTitle";
import { deleteScene, listScenes, renameScene } from "../../scene/sceneApi";
import "../../scene/scene.css";
import { type Cmd, type Msg, PAGE_SIZE, init, update } from "./scenes";
import { OffsetPager } from "../../components/OffsetPager";

const scenesKey = ["simulation-scenes"] as const;

export default function ScenesPage() {
  usePageTitle("Scenes");
  const queryClient = useQueryClient();
  const perform: Perform<Cmd, Msg> = (cmd) => {
    switch (cmd.type) {
      case "RenameScene":
        return attempt(
          async () => {
            await renameScene(cmd.id, cmd.name, cmd.scene, cmd.prompt);
            await queryClient.invalidateQueries({ queryKey: scenesKey });
          },
          (): Msg => ({ type: "RenameSucceeded" }),
          (message): Msg => ({ type: "RenameFailed", message }),
        );
      case "DeleteScene":
        return attempt(
          async () => {
            await deleteScene(cmd.id);
            await queryClient.invalidateQueries({ queryKey: scenesKey });
          },
          (): Msg => ({ type: "DeleteSucceeded" }),
          (message): Msg => ({ type: "DeleteFailed", message }),
        );
    }
  };
  const [model, dispatch] = useProgram(() => init, update, perform);
  const scenes = useQuery({
    queryKey: [...scenesKey, model.offset],
    queryFn: () => listScenes(PAGE_SIZE, model.offset),
    placeholderData: keepPreviousData,
  });

  const data = scenes.data;
  return (
    <div className="page scenes-page">
      <div className="page-head">
        <h1>Scenes</h1>
        <Link className="button" to="/physics">
          New scene in the editor
        </Link>
      </div>
      {scenes.isPending ? <Loading label="Loading your scenes…" /> : null}
      {scenes.isError ? (
        <ErrorBox
          error={scenes.error}
          action={
            <button type="button" onClick={() => void scenes.refetch()}>
              Try again
            </button>
          }
        />
      ) : null}
      {data && data.total === 0 ? (
        <EmptyState title="No saved scenes yet">
          <p>
            Generate a scene from a description in the <Link to="/physics">editor</Link> and save it: it will be
            listed here.
          </p>
        </EmptyState>
      ) : null}
      {data && data.total > 0 && data.scenes.length === 0 ? (
        <p>
          This page is empty now.{" "}
          <button type="button" onClick={() => dispatch({ type: "PageChanged", offset: 0 })}>
            Back to the newest scenes
          </button>
        </p>
      ) : null}
      {data && data.scenes.length > 0 ? (
        <div className="card-grid">
          {data.scenes.map((scene) => {
            const renaming = model.rename?.scene.id === scene.id ? model.rename : null;
            const titleId = `scene-${scene.id}-title`;
            return (
              <article key={scene.id} className="card item-card" aria-labelledby={titleId}>
                <h2 id={titleId}>{scene.name}</h2>
                <p className="meta">
                  {scene.scene ? `${Object.keys(scene.scene.objects).length} objects` : "unreadable"} · saved{" "}
                  {formatDate(scene.createdAt)}
                  {scene.model ? ` · ${scene.model}` : ""}
                </p>
                {scene.prompt && scene.prompt !== scene.name ? <p className="meta">“{scene.prompt}”</p> : null}
                {scene.problem ? (
                  <p className="error">This scene cannot be opened: {scene.problem}</p>
                ) : null}
                {renaming ? (
                  <form
                    className="rename-form"
                    onSubmit={(event) => {
                      event.preventDefault();
                      dispatch({ type: "RenameSubmitted" });
                    }}
                  >
                    <label className="visually-hidden" htmlFor={`rename-${scene.id}`}>
                      New name
                    </label>
                    <input
                      id={`rename-${scene.id}`}
                      value={renaming.name}
                      maxLength={200}
                      autoFocus
                      onChange={(e) => dispatch({ type: "RenameChanged", name: e.target.value })}
                      onKeyDown={(e) => {
                        if (e.key === "Escape") dispatch({ type: "RenameCancelled" });
                      }}
                    />
                    <button type="submit" className="primary" disabled={renaming.busy}>
                      {renaming.busy ? "Saving…" : "Save name"}
                    </button>
                    <button type="button" disabled={renaming.busy} onClick={() => dispatch({ type: "RenameCancelled" })}>
                      Cancel
                    </button>
                  </form>
                ) : null}
                {renaming?.error ? (
                  <p className="error" role="alert">
                    {renaming.error}
                  </p>
                ) : null}
                <div className="actions">
                  {scene.scene ? (
                    <Link className="button" to={`/physics?scene=${scene.id}`}>
                      Open in the editor
                    </Link>
                  ) : null}
                  {!renaming && scene.scene ? (
                    <button type="button" onClick={() => dispatch({ type: "RenameStarted", scene })}>
                      Rename
                    </button>
                  ) : null}
                  <button type="button" className="danger" onClick={() => dispatch({ type: "DeleteAsked", scene })}>
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
          label="Pages of scenes"
          offset={model.offset}
          pageSize={PAGE_SIZE}
          total={data.total}
          onChange={(offset) => dispatch({ type: "PageChanged", offset })}
        />
      ) : null}
      <ConfirmDialog
        open={model.remove !== null}
        title="Delete this scene?"
        confirmLabel="Delete"
        busy={model.remove?.busy ?? false}
        busyLabel="Deleting…"
        error={model.remove?.error ?? null}
        onConfirm={() => dispatch({ type: "DeleteConfirmed" })}
        onCancel={() => dispatch({ type: "DeleteCancelled" })}
      >
        <p>
          “{model.remove?.scene.name}” will be deleted. Videos already rendered from it stay in Simulations.
        </p>
      </ConfirmDialog>
    </div>
  );
}
