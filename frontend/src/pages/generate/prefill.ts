/** What another page hands the generation form through the router's location state. */
export interface Prefill {
  /** An earlier run's inputs ("use these settings again"). */
  input?: Record<string, unknown>;
  /** A stored item of the person for the model's media input ("Upscale", "Caption this video", "Make a video from this image"). */
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
  const source = state.source;
  if (isRecord(source) && typeof source.id === "number" && (source.kind === "image" || source.kind === "video" || source.kind === "audio")) {
    prefill.source = { kind: source.kind, id: source.id };
    if (typeof state.sourcePreview === "string") prefill.sourcePreview = state.sourcePreview;
    if (typeof state.sourceLabel === "string") prefill.sourceLabel = state.sourceLabel;
  }
  return prefill;
}
