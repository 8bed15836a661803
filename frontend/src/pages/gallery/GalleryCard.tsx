import { useEffect, useId, useRef } from "react";
import { Link } from "react-router";
import { formatDate } from "../../app/format";
import { StatusBadge } from "../../components/StatusBadge";
import type { Card, Msg } from "./gallery";

/** What the card offers for "Combine videos": null where the card cannot be combined. */
export type CombineControl = { number: number | null; toggle: () => void } | null;

export function GalleryCard({
  card,
  eager = false,
  favorite,
  selected,
  combine,
  dispatch,
}: {
  card: Card;
  /** Load the thumbnail at once rather than when scrolled near (the cards first in view). */
  eager?: boolean;
  /** The favourite as the person last set it (the list may not have caught up yet). */
  favorite: boolean | null;
  selected: boolean;
  combine: CombineControl;
  dispatch: (msg: Msg) => void;
}) {
  const name = `${card.kind} #${card.id}`;
  const checkboxId = useId();
  const completed = card.status === "completed";
  return (
    <li className={`tile${selected ? " selected" : ""}`} data-status={card.status} data-kind={card.kind}>
      <Link to={card.href} className="thumb" aria-label={`Open ${name}: ${card.label}`}>
        {card.thumbnailUrl && completed ? (
          <img src={card.thumbnailUrl} alt="" loading={eager ? "eager" : "lazy"} decoding="async" />
        ) : completed && card.text ? (
          <span className="thumb-text" data-testid="text-output">
            {card.text}
          </span>
        ) : (
          <span className="thumb-placeholder" aria-hidden="true">
            {card.status === "processing" ? <span className="spinner" /> : completed ? "no preview" : card.status}
          </span>
        )}
        {card.fileCount > 1 ? (
          <span className="count-badge" aria-label={`A set of ${card.fileCount} files`}>
            {card.fileCount} files
          </span>
        ) : null}
      </Link>
      <div className="tile-body">
        <div className="tile-row">
          <input type="checkbox" id={checkboxId} checked={selected} onChange={() => dispatch({ type: "SelectionToggled", id: card.id })} aria-label={`Select ${name}`} />
          <StatusBadge status={card.status} />
          {favorite !== null ? (
            <button
              type="button"
              className="icon"
              aria-pressed={favorite}
              aria-label={`Favourite ${name}`}
              onClick={() => dispatch({ type: "FavouriteToggled", id: card.id, value: !favorite })}
            >
              {favorite ? "★" : "☆"}
            </button>
          ) : null}
        </div>
        <p className="tile-prompt" title={card.label}>
          {card.label}
        </p>
        {card.kind === "audio" && completed && card.mediaUrl ? (
          <audio className="tile-audio" controls preload="none" src={card.mediaUrl} aria-label={`Play audio #${card.id}`} />
        ) : null}
        <p className="hint tile-meta" title={card.modelId}>
          {card.modelId}
        </p>
        <p className="hint tile-meta">
          <time dateTime={card.createdAt}>{formatDate(card.createdAt)}</time>
        </p>
        <div className="tile-row wrap">
          {(card.kind === "video" || card.kind === "render") && completed && card.mediaUrl ? (
            <button type="button" onClick={() => dispatch({ type: "PlayClicked", id: card.id })} aria-label={`Play ${name}`}>
              Play
            </button>
          ) : null}
          {combine ? (
            <button type="button" aria-pressed={combine.number !== null} onClick={combine.toggle} aria-label={`Combine ${name}`}>
              {combine.number !== null ? `Combine #${combine.number}` : "Combine"}
            </button>
          ) : null}
          <button type="button" className="danger" onClick={() => dispatch({ type: "DeleteAsked", ids: [card.id] })} aria-label={`Delete ${name}`}>
            Delete
          </button>
        </div>
      </div>
    </li>
  );
}

export function PlayerDialog({ card, onClose }: { card: Card; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  const title = `${card.kind === "render" ? "Render" : "Video"} #${card.id}`;
  return (
    <dialog ref={ref} className="dialog wide" aria-labelledby={titleId} onClose={onClose}>
      <h2 id={titleId}>{title}</h2>
      {card.mediaUrl ? (
        <video className="media" controls preload="metadata" src={card.mediaUrl} poster={card.thumbnailUrl ?? undefined} aria-label={`Video: ${card.label}`} />
      ) : null}
      <p className="hint">{card.label}</p>
      <div className="dialog-actions">
        <Link className="button" to={card.href}>
          {card.kind === "render" ? "Open the simulations page" : "Open the video page"}
        </Link>
        <button type="button" onClick={() => ref.current?.close()}>
          Close
        </button>
      </div>
    </dialog>
  );
}
