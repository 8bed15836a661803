import { useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate, useParams } from "react-router";
import { downloadUrl } from "../../api/client";
import { attempt, useProgram, type Perform } from "../../app/effects";
import { formatDate } from "../../app/format";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { ErrorBox, Loading } from "../../components/Feedback";
import { MediaView } from "../../components/MediaView";
import { StatusBadge } from "../../components/StatusBadge";
import { usePageTitle } from "../../components/usePageTitle";
import {
  cancelItem,
  deleteItem,
  errorText,
  isCollection,
  mediaKeys,
  retryItem,
  setFavorite,
  type MediaItem,
  type MediaKind,
} from "../../media/api";
import { useMediaItem } from "../../media/hooks";
import { galleryPath, init, KIND_TITLE, runFromLinks, sourceLinks, update, type Action, type Cmd, type Msg } from "./detail";
import { MakeVideoDialog } from "./MakeVideoDialog";
import { DownloadProgressBar, Facts, Inputs } from "./RecordFacts";

export function MediaDetailPage({ kind }: { kind: MediaKind }) {
  const params = useParams();
  const id = Number(params.id);
  usePageTitle(`${KIND_TITLE[kind]} #${params.id ?? ""}`);
  if (!Number.isInteger(id) || id <= 0) {
    return (
      <div className="page">
        <h1>Not found</h1>
        <p>
          “{params.id}” is not a {kind} number. Go to the <Link to={galleryPath(kind)}>gallery</Link>.
        </p>
      </div>
    );
  }
  // Keyed: another record is another page, with its own model.
  return <Detail key={`${kind}-${id}`} kind={kind} id={id} />;
}

function Detail({ kind, id }: { kind: MediaKind; id: number }) {
  const item = useMediaItem(kind, id);
  const queryClient = useQueryClient();
  const navigate = useNavigate();

  const perform: Perform<Cmd, Msg> = (cmd) => {
    const answer = (action: Action, work: () => Promise<void>) =>
      attempt(
        work,
        (): Msg => ({ type: "ActionDone", action }),
        (message): Msg => ({ type: "ActionFailed", action, message }),
      );
    switch (cmd.type) {
      case "Cancel":
        return answer("cancel", () => cancelItem(cmd.item.kind, cmd.item.id));
      case "Retry":
        return answer("retry", () => retryItem(cmd.item.kind, cmd.item.id));
      case "SetFavourite":
        return answer("favourite", () => setFavorite(cmd.item.kind, cmd.item.id, cmd.value));
      case "Delete":
        return attempt(
          () => deleteItem(cmd.item.kind, cmd.item.id),
          (): Msg => ({ type: "Deleted" }),
          (message): Msg => ({ type: "DeleteFailed", message }),
        );
      case "Refresh":
        void queryClient.invalidateQueries({ queryKey: mediaKeys.all(cmd.kind) });
        return;
      case "Forget":
        queryClient.removeQueries({ queryKey: mediaKeys.item(cmd.item.kind, cmd.item.id) });
        return;
      case "GoToGallery":
        navigate(galleryPath(cmd.kind), { replace: true });
        return;
      case "OpenVideoForm":
        navigate(
          { pathname: "/videos", search: new URLSearchParams({ collection: "image-to-video", model: cmd.modelId }).toString() },
          // The image's prompt is a starting point for the video's (models without a prompt ignore it).
          {
            state: {
              source: cmd.source,
              sourcePreview: cmd.preview,
              sourceLabel: cmd.label,
              input: cmd.prompt ? { prompt: cmd.prompt } : undefined,
            },
          },
        );
        return;
    }
  };
  const [model, dispatch] = useProgram(() => init(kind, id), update, perform);

  if (item.isPending) return <Loading label={`Loading ${kind} #${id}…`} />;
  if (item.isError) {
    return (
      <div className="page">
        <h1>
          {KIND_TITLE[kind]} #{id}
        </h1>
        <ErrorBox
          error={item.error}
          action={
            <p>
              <button type="button" onClick={() => void item.refetch()}>
                Try again
              </button>{" "}
              or go to the <Link to={galleryPath(kind)}>gallery</Link>.
            </p>
          }
        />
      </div>
    );
  }
  const record = item.data;
  const failure = errorText(record);
  const generatePath = { video: "/videos", image: "/images", audio: "/audio" }[kind];
  const collection = record.collection ?? "";
  const againSearch = new URLSearchParams({ model: record.model_id });
  if (isCollection(kind, collection)) againSearch.set("collection", collection);

  return (
    <div className="page detail">
      <div className="detail-head">
        <h1>
          {KIND_TITLE[kind]} #{record.id}
        </h1>
        <StatusBadge status={record.status} />
      </div>

      <div className="detail-layout">
        <section className="card media-panel" aria-label="Result">
          {record.status === "processing" ? (
            <div className="media-placeholder" role="status" aria-live="polite">
              <span className="spinner" aria-hidden="true" />
              <p>
                Generating with {record.model_id}… started {formatDate(record.created_at)}. This page updates by itself.
              </p>
              <DownloadProgressBar progress={record.download_progress} />
            </div>
          ) : null}
          {record.status === "completed" && record.media_url ? <MediaView item={record} /> : null}
          {record.status === "completed" && record.text_output ? (
            <div className="text-result" data-testid="text-output">
              <h2>Result</h2>
              <p className="text-output">{record.text_output}</p>
            </div>
          ) : null}
          {record.outputs.length > 1 ? <OutputSet record={record} /> : null}
          {record.status === "completed" && !record.media_url && !record.text_output ? (
            <p className="error" role="alert">The generation finished but its file is missing. Retry to fetch it again.</p>
          ) : null}
          {record.status === "failed" ? (
            <div className="error-box" role="alert">
              <p>
                <strong>The generation failed.</strong> {failure ?? "No reason was given."}
              </p>
              <p>Retry it, or change the settings and generate again.</p>
            </div>
          ) : null}
          {record.status === "canceled" ? <p className="hint">This generation was canceled. Retry to run it again.</p> : null}
        </section>

        <section className="card" aria-labelledby="actions-title">
          <h2 id="actions-title">Actions</h2>
          <div className="actions">
            {record.status === "completed" && record.media_url ? (
              <a className="button" href={downloadUrl(record.media_url)} download>
                Download
              </a>
            ) : null}
            <button
              type="button"
              aria-pressed={record.favorite === true}
              onClick={() => dispatch({ type: "FavouriteClicked", value: !(record.favorite === true) })}
              disabled={model.pending.includes("favourite")}
            >
              {record.favorite ? "★ Favourite" : "☆ Favourite"}
            </button>
            {record.status === "processing" ? (
              <button type="button" onClick={() => dispatch({ type: "CancelClicked" })} disabled={model.pending.includes("cancel")}>
                {model.pending.includes("cancel") ? "Canceling…" : "Cancel"}
              </button>
            ) : null}
            {record.status === "failed" || record.status === "canceled" ? (
              <button type="button" onClick={() => dispatch({ type: "RetryClicked" })} disabled={model.pending.includes("retry")}>
                {model.pending.includes("retry") ? "Retrying…" : "Retry"}
              </button>
            ) : null}
            <Link className="button" to={{ pathname: generatePath, search: againSearch.toString() }} state={{ input: record.parameters ?? {} }}>
              Use these settings again
            </Link>
            {/* A video's "Caption this video" sits with its captions, below. */}
            {(kind === "image" ? runFromLinks(record) : []).map((link) => (
              <Link key={link.label} className="button" to={link.to} state={link.state}>
                {link.label}
              </Link>
            ))}
            {kind === "image" && record.status === "completed" && record.media_url ? (
              <button type="button" onClick={() => dispatch({ type: "MakeVideoOpened" })}>
                Make a video from this image
              </button>
            ) : null}
            <button type="button" className="danger" onClick={() => dispatch({ type: "DeleteClicked" })}>
              Delete
            </button>
          </div>
          {model.actionError ? (
            <p className="error" role="alert">
              {model.actionError}
            </p>
          ) : null}
          <MadeFrom record={record} />
          <Facts record={record} />
        </section>
      </div>

      {kind === "video" && !record.text_output ? <Captions record={record} /> : null}

      <section className="card" aria-labelledby="inputs-title">
        <h2 id="inputs-title">Inputs used</h2>
        <Inputs parameters={record.parameters ?? {}} />
      </section>

      <ConfirmDialog
        open={model.remove !== null}
        title={`Delete this ${KIND_TITLE[kind].toLowerCase()}?`}
        confirmLabel="Delete"
        busy={model.remove?.busy ?? false}
        busyLabel="Deleting…"
        error={model.remove?.error ?? null}
        onCancel={() => dispatch({ type: "DeleteCancelled" })}
        onConfirm={() => dispatch({ type: "DeleteConfirmed" })}
      >
        <p>The {KIND_TITLE[kind].toLowerCase()} and its files are removed for good.</p>
      </ConfirmDialog>
      {model.makeVideo && record.media_url ? <MakeVideoDialog image={record} state={model.makeVideo} dispatch={dispatch} /> : null}
    </div>
  );
}

/** What the record was made from: a render ("made real"), a stored image, video or audio, or a combine's items. */
function MadeFrom({ record }: { record: MediaItem }) {
  const links = sourceLinks(record.source);
  if (!record.source || links.length === 0) return null;
  const verb = record.source.kind === "render" ? "Made real from" : record.source.kind === "combine" ? "Combined from" : "Made from";
  return (
    <p className="meta" data-testid="generation-source">
      {verb}{" "}
      {links.map((link, index) => (
        <span key={`${link.to}-${index}`}>
          {index > 0 ? ", " : null}
          <Link to={link.to}>{link.label}</Link>
        </span>
      ))}
      {record.source.kind !== "combine" && record.source.asset_id === null ? " (the file it was sent has been deleted)" : ""}.
    </p>
  );
}

/** Every file of a multi-file generation, in order. */
function OutputSet({ record }: { record: MediaItem }) {
  return (
    <section aria-label={`All ${record.outputs.length} files`}>
      <h2>All {record.outputs.length} files</h2>
      <ul className="output-set">
        {record.outputs.map((output) => (
          <li key={output.index}>
            <a href={output.url} target="_blank" rel="noreferrer" aria-label={`Open file ${output.index + 1} of ${record.outputs.length}`}>
              {record.kind === "image" ? (
                <img src={output.thumbnail_url ?? output.url} alt={`File ${output.index + 1}`} loading="lazy" />
              ) : output.thumbnail_url ? (
                <img src={output.thumbnail_url} alt={`File ${output.index + 1}`} loading="lazy" />
              ) : (
                <span>File {output.index + 1}</span>
              )}
            </a>
            <a className="hint" href={downloadUrl(output.url)} download>
              Download {output.index + 1}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The captions made of this video (video-to-text runs whose source it is), newest first. */
function Captions({ record }: { record: MediaItem }) {
  const caption = runFromLinks(record).find((l) => l.to.search.includes("video-to-text"));
  return (
    <section className="card" aria-labelledby="captions-title">
      <h2 id="captions-title">Captions</h2>
      {record.captions.length === 0 ? (
        <p className="hint">No captions yet.{caption ? " “Caption this video” runs a video-to-text model on it." : ""}</p>
      ) : (
        <ul className="caption-list">
          {record.captions.map((c) => (
            <li key={c.id}>
              <p>{c.text}</p>
              <span className="hint">
                <Link to={`/video/${c.id}`}>{c.model_id}</Link> · {formatDate(c.created_at)}
              </span>
            </li>
          ))}
        </ul>
      )}
      {caption ? (
        <Link className="button" to={caption.to} state={caption.state}>
          {caption.label}
        </Link>
      ) : null}
    </section>
  );
}
