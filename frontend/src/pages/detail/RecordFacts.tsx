/** What the detail page shows about a record: its facts, the inputs it ran with, the copy progress. */
import { formatBytes, formatDate } from "../../app/format";
import type { MediaItem } from "../../media/api";
import { progressView, type DownloadProgress } from "./progress";

export function DownloadProgressBar({ progress }: { progress: DownloadProgress | null | undefined }) {
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

export function Facts({ record }: { record: MediaItem }) {
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

export function Inputs({ parameters }: { parameters: Record<string, unknown> }) {
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
