/** What another page hands the generation form through the router's location state. */
export interface Prefill {
  /** An earlier run's inputs ("use these settings again"). */
  input?: Record<string, unknown>;
  /** A fetchable URL of an image for the model's image input ("make a video from this image"). */
  imageUrl?: string;
  /** What to show as that image's preview (our own URL, which the browser can load). */
  imagePreview?: string;
  /** A stored item of the person for the model's media input ("Upscale", "Caption this video"). */
  source?: { kind: "image" | "video" | "audio"; id: number };
  sourcePreview?: string;
  sourceLabel?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function readPrefill(state: unknown): Prefill {
  if (!isRecord(state)) return {};
  const prefill: Prefill = {};
  if (isRecord(state.input)) prefill.input = state.input;
  if (typeof state.imageUrl === "string") prefill.imageUrl = state.imageUrl;
  if (typeof state.imagePreview === "string") prefill.imagePreview = state.imagePreview;
  const source = state.source;
  if (isRecord(source) && typeof source.id === "number" && (source.kind === "image" || source.kind === "video" || source.kind === "audio")) {
    prefill.source = { kind: source.kind, id: source.id };
    if (typeof state.sourcePreview === "string") prefill.sourcePreview = state.sourcePreview;
    if (typeof state.sourceLabel === "string") prefill.sourceLabel = state.sourceLabel;
  }
  return prefill;
}
