import type { MediaItem } from "../media/api";

/** The player or the picture of a finished generation; audio shows its waveform above the player. */
export function MediaView({ item }: { item: MediaItem }) {
  if (!item.media_url) return null;
  const label = item.prompt ? item.prompt : `${item.kind} #${item.id}`;
  if (item.kind === "audio") {
    return (
      <div className="audio-view">
        {item.thumbnail_url ? <img className="waveform" src={item.thumbnail_url} alt={`Waveform of audio #${item.id}`} /> : null}
        <audio className="audio-player" controls preload="metadata" src={item.media_url} aria-label={`Audio: ${label}`} data-testid="audio-player" />
      </div>
    );
  }
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
