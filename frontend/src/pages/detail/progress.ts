/** What the detail page says about a generation's output being copied into storage. */
import { formatBytes } from "../../app/format";
import type { VideoRecord } from "../../api/types";

export type DownloadProgress = NonNullable<VideoRecord["download_progress"]>;

export interface ProgressView {
  label: string;
  /** 0–1 when the share is known; null shows an indeterminate bar. */
  fraction: number | null;
}

export function progressView(progress: DownloadProgress | null | undefined): ProgressView | null {
  if (!progress) return null;
  const { phase, bytes_received: received } = progress;
  const total = progress.bytes_total ?? null;
  switch (phase) {
    case "queued":
      return { label: "Finished on Replicate; waiting to copy the result into your gallery…", fraction: null };
    case "downloading": {
      if (total !== null && total > 0) {
        const fraction = Math.min(1, received / total);
        return { label: `Copying the result: ${formatBytes(received)} of ${formatBytes(total)} (${Math.floor(fraction * 100)} %)`, fraction };
      }
      return { label: `Copying the result: ${formatBytes(received)} so far`, fraction: null };
    }
    case "storing":
      return { label: `Storing ${formatBytes(received)} and making the thumbnail…`, fraction: 1 };
    case "done":
      return { label: "Stored.", fraction: 1 };
    default:
      return null;
  }
}
