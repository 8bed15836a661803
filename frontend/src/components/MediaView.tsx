import type { MediaItem } from "../media/api";

/** The player or the picture of a finished generation. */
export function MediaView({ item }: { item: MediaItem }) {
  if (!item.media_url) return null;
  const label = item.prompt ? item.prompt : `${item.kind} #${item.id}`;
  if (item.kind === "video") {
    return (
      <video
        className="media"
        controls
        preload="metadata"
        src={item.media_url}
        poster={item.thumbnail_url ?? undefined}
        aria-label={`Video: ${label}`}
        width={item.width ?? undefined}
        height={item.height ?? undefined}
      />
    );
  }
  return (
    <img
      className="media"
      src={item.media_url}
      alt={label}
      width={item.width ?? undefined}
      height={item.height ?? undefined}
    />
  );
}
