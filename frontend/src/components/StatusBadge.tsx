import type { GenerationStatus } from "../api/types";

const LABELS: Record<GenerationStatus, string> = {
  processing: "Processing",
  completed: "Completed",
  failed: "Failed",
  canceled: "Canceled",
};

export function StatusBadge({ status }: { status: GenerationStatus }) {
  return (
    <span className={`badge badge-${status}`} data-status={status}>
      {status === "processing" ? <span className="spinner small" aria-hidden="true" /> : null}
      {LABELS[status] ?? status}
    </span>
  );
}
