import { useEffect, useId, useRef } from "react";
import { Link } from "react-router";
import { formatDate } from "../../app/format";
import { MediaView } from "../../components/MediaView";
import { StatusBadge } from "../../components/StatusBadge";
import type { MediaItem } from "../../media/api";
import type { Msg } from "./gallery";

export function GalleryCard({
  item,
  favorite,
  selected,
  dispatch,
}: {
  item: MediaItem;
  /** The favourite as the person last set it (the list may not have caught up yet). */
  favorite: boolean;
  selected: boolean;
  dispatch: (msg: Msg) => void;
}) {
  const label = item.prompt?.trim() || `${item.kind} #${item.id}`;
  const checkboxId = useId();
  return (
    <li className={`tile${selected ? " selected" : ""}`} data-status={item.status}>
      <Link to={`/${item.kind}/${item.id}`} className="thumb" aria-label={`Open ${item.kind} #${item.id}: ${label}`}>
        {item.thumbnail_url && item.status === "completed" ? (
          <img src={item.thumbnail_url} alt="" loading="lazy" />
        ) : (
          <span className="thumb-placeholder" aria-hidden="true">
            {item.status === "processing" ? <span className="spinner" /> : item.status === "completed" ? "no preview" : item.status}
          </span>
        )}
      </Link>
      <div className="tile-body">
        <div className="tile-row">
          <input type="checkbox" id={checkboxId} checked={selected} onChange={() => dispatch({ type: "SelectionToggled", id: item.id })} aria-label={`Select ${item.kind} #${item.id}`} />
          <StatusBadge status={item.status} />
          <button
            type="button"
            className="icon"
            aria-pressed={favorite}
            aria-label={`Favourite ${item.kind} #${item.id}`}
            onClick={() => dispatch({ type: "FavouriteToggled", id: item.id, value: !favorite })}
          >
            {favorite ? "★" : "☆"}
          </button>
        </div>
        <p className="tile-prompt" title={label}>
          {label}
        </p>
        <p className="hint tile-meta" title={item.model_id}>
          {item.model_id}
        </p>
        <p className="hint tile-meta">
          <time dateTime={item.created_at}>{formatDate(item.created_at)}</time>
        </p>
        <div className="tile-row">
          {item.kind === "video" && item.status === "completed" && item.media_url ? (
            <button type="button" onClick={() => dispatch({ type: "PlayClicked", id: item.id })} aria-label={`Play video #${item.id}`}>
              Play
            </button>
          ) : null}
          <button type="button" className="danger" onClick={() => dispatch({ type: "DeleteAsked", ids: [item.id] })} aria-label={`Delete ${item.kind} #${item.id}`}>
            Delete
          </button>
        </div>
      </div>
    </li>
  );
}
export function PlayerDialog({ item, onClose }: { item: MediaItem; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  return (
    <dialog ref={ref} className="dialog wide" aria-labelledby={titleId} onClose={onClose}>
      <h2 id={titleId}>Video #{item.id}</h2>
      <MediaView item={item} />
      <p className="hint">{item.prompt}</p>
      <div className="dialog-actions">
        <Link className="button" to={`/video/${item.id}`}>
          Open the video page
        </Link>
        <button type="button" onClick={() => ref.current?.close()}>
          Close
        </button>
      </div>
    </dialog>
  );
}
