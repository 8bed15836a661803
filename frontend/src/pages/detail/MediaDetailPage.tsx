import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { downloadUrl } from "../../api/client";
import { describeError } from "../../api/errors";
import { formatBytes, formatDate } from "../../app/format";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { ErrorBox, Loading } from "../../components/Feedback";
import { StatusBadge } from "../../components/StatusBadge";
import { usePageTitle } from "../../components/usePageTitle";
import {
  cancelItem,
  deleteItem,
  errorText,
  isCollection,
  listModels,
  mediaKeys,
  retryItem,
  setFavorite,
  uploadImage,
  type MediaItem,
  type MediaKind,
} from "../../media/api";
import { useMediaItem } from "../../media/hooks";
import { MediaView } from "../../components/MediaView";
import { progressView, type DownloadProgress } from "./progress";

export function MediaDetailPage({ kind }: { kind: MediaKind }) {
  const params = useParams();
  const id = Number(params.id);
  usePageTitle(`${kind === "video" ? "Video" : "Image"} #${params.id ?? ""}`);
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
  return <Detail kind={kind} id={id} />;
}

function galleryPath(kind: MediaKind): string {
  return kind === "video" ? "/gallery" : "/image-gallery";
}

function Detail({ kind, id }: { kind: MediaKind; id: number }) {
  const item = useMediaItem(kind, id);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [makeVideo, setMakeVideo] = useState(false);

  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: mediaKeys.all(kind) });
  };
  const cancel = useMutation({ mutationFn: () => cancelItem(kind, id), onSettled: refresh });
  const retry = useMutation({ mutationFn: () => retryItem(kind, id), onSettled: refresh });
  const favorite = useMutation({ mutationFn: (value: boolean) => setFavorite(kind, id, value), onSettled: refresh });
  const remove = useMutation({
    mutationFn: () => deleteItem(kind, id),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: mediaKeys.item(kind, id) });
      void queryClient.invalidateQueries({ queryKey: mediaKeys.all(kind) });
      navigate(galleryPath(kind), { replace: true });
    },
  });

  if (item.isPending) return <Loading label={`Loading ${kind} #${id}…`} />;
  if (item.isError) {
    return (
      <div className="page">
        <h1>
          {kind === "video" ? "Video" : "Image"} #{id}
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
  const actionError = [cancel, retry, favorite].find((m) => m.isError)?.error;
  const generatePath = kind === "video" ? "/videos" : "/images";
  const collection = record.collection ?? "";
  const againSearch = new URLSearchParams({ model: record.model_id });
  if (isCollection(kind, collection)) againSearch.set("collection", collection);

  return (
    <div className="page detail">
      <div className="detail-head">
        <h1>
          {kind === "video" ? "Video" : "Image"} #{record.id}
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
          {record.status === "completed" && !record.media_url ? (
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
              onClick={() => favorite.mutate(!(record.favorite === true))}
              disabled={favorite.isPending}
            >
              {record.favorite ? "★ Favourite" : "☆ Favourite"}
            </button>
            {record.status === "processing" ? (
              <button type="button" onClick={() => cancel.mutate()} disabled={cancel.isPending}>
                {cancel.isPending ? "Canceling…" : "Cancel"}
              </button>
            ) : null}
            {record.status === "failed" || record.status === "canceled" ? (
              <button type="button" onClick={() => retry.mutate()} disabled={retry.isPending}>
                {retry.isPending ? "Retrying…" : "Retry"}
              </button>
            ) : null}
            <Link className="button" to={{ pathname: generatePath, search: againSearch.toString() }} state={{ input: record.parameters ?? {} }}>
              Use these settings again
            </Link>
            {kind === "image" && record.status === "completed" && record.media_url ? (
              <button type="button" onClick={() => setMakeVideo(true)}>
                Make a video from this image
              </button>
            ) : null}
            <button type="button" className="danger" onClick={() => setConfirmDelete(true)}>
              Delete
            </button>
          </div>
          {actionError ? (
            <p className="error" role="alert">
              {describeError(actionError)}
            </p>
          ) : null}
          <Facts record={record} />
        </section>
      </div>

      <section className="card" aria-labelledby="inputs-title">
        <h2 id="inputs-title">Inputs used</h2>
        <Inputs parameters={record.parameters ?? {}} />
      </section>

      <ConfirmDialog
        open={confirmDelete}
        title={`Delete this ${kind}?`}
        confirmLabel="Delete"
        busy={remove.isPending}
        busyLabel="Deleting…"
        error={remove.isError ? describeError(remove.error) : null}
        onCancel={() => {
          setConfirmDelete(false);
          remove.reset();
        }}
        onConfirm={() => remove.mutate()}
      >
        <p>The {kind} and its file are removed for good.</p>
      </ConfirmDialog>
      {makeVideo && record.media_url ? <MakeVideoDialog image={record} onClose={() => setMakeVideo(false)} /> : null}
    </div>
  );
}

function DownloadProgressBar({ progress }: { progress: DownloadProgress | null | undefined }) {
  const view = progressView(progress);
  if (!view) return null;
  return (
    <div className="download-progress">
      {view.fraction === null ? (
        <progress aria-label="Copying the result into your gallery" style={{ width: "100%" }} />
      ) : (
        <progress aria-label="Copying the result into your gallery" max={1} value={view.fraction} style={{ width: "100%" }} />
      )}
      <p className="hint">{view.label}</p>
    </div>
  );
}

function Facts({ record }: { record: MediaItem }) {
  const rows: [string, string][] = [
    ["Model", record.model_id],
    ["Created", formatDate(record.created_at)],
  ];
  // Generations started through the API without a collection have none to show.
  if (record.collection) rows.splice(1, 0, ["Collection", record.collection]);
  if (record.updated_at) rows.push(["Updated", formatDate(record.updated_at)]);
  if (record.width && record.height) rows.push(["Size", `${record.width} × ${record.height}`]);
  if (record.duration) rows.push(["Duration", `${record.duration.toFixed(1)} s`]);
  if (record.size_bytes) rows.push(["File", `${formatBytes(record.size_bytes)}${record.content_type ? `, ${record.content_type}` : ""}`]);
  return (
    <dl className="facts">
      {rows.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function show(value: unknown): string {
  if (typeof value === "string") return value.startsWith("data:") ? `${value.slice(0, 40)}… (uploaded file)` : value;
  if (Array.isArray(value)) return value.map(show).join(", ");
  return JSON.stringify(value);
}

function Inputs({ parameters }: { parameters: Record<string, unknown> }) {
  const entries = Object.entries(parameters);
  if (entries.length === 0) return <p className="hint">No inputs were recorded for this generation.</p>;
  return (
    <dl className="facts inputs">
      {entries.map(([name, value]) => (
        <div key={name}>
          <dt>{name}</dt>
          <dd>{show(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Pick an image-to-video model; the image is uploaded so Replicate can fetch it, then the form opens filled. */
function MakeVideoDialog({ image, onClose }: { image: MediaItem; onClose: () => void }) {
  const models = useQuery({ queryKey: ["models", "image-to-video"], queryFn: () => listModels("image-to-video"), staleTime: 5 * 60_000 });
  const [modelId, setModelId] = useState("");
  const navigate = useNavigate();
  const prepare = useMutation({
    mutationFn: async () => {
      if (!image.media_url) throw new Error("The image has no file.");
      const response = await fetch(image.media_url, { credentials: "same-origin" });
      if (!response.ok) throw new Error(`Could not read the image (HTTP ${response.status}).`);
      const blob = await response.blob();
      const extension = blob.type.split("/")[1] ?? "png";
      return uploadImage(blob, `image-${image.id}.${extension}`);
    },
    onSuccess: (uploaded) => {
      const chosen = modelId || models.data?.[0]?.id || "";
      navigate(
        { pathname: "/videos", search: new URLSearchParams({ collection: "image-to-video", model: chosen }).toString() },
        // The image's prompt is a starting point for the video's (models without a prompt ignore it).
        { state: { imageUrl: uploaded.url, imagePreview: image.media_url, input: image.prompt ? { prompt: image.prompt } : undefined } },
      );
    },
  });
  const chosen = modelId || models.data?.[0]?.id || "";
  return (
    <ConfirmDialog
      open
      tone="primary"
      title="Make a video from this image"
      confirmLabel="Open the video form"
      busy={prepare.isPending || models.isPending}
      busyLabel={prepare.isPending ? "Preparing the image…" : "Loading models…"}
      error={prepare.isError ? describeError(prepare.error) : models.isError ? describeError(models.error) : null}
      onCancel={onClose}
      onConfirm={() => {
        if (chosen) prepare.mutate();
      }}
    >
      <label className="field">
        <span>Image-to-video model</span>
        <select value={chosen} onChange={(e) => setModelId(e.target.value)} disabled={!models.data?.length}>
          {models.data?.length === 0 ? <option value="">No image-to-video models available</option> : null}
          {models.data?.map((m) => (
            <option key={m.id} value={m.id}>
              {m.id}
            </option>
          ))}
        </select>
      </label>
      <p className="hint">The chosen model's image input is filled with this image; you can change the other settings before generating.</p>
    </ConfirmDialog>
  );
}
