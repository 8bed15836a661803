/**
 * Generations (videos, images and audio) through the typed client: one function per action,
 * generic over the media kind so the pages are written once. Issue 15's record fields (text
 * results, output sets, sources, captions) are read defensively by `extrasOf`.
 */
import { api, postForm, unwrap } from "../api/client";
import type {
  AudioRecord,
  Caption,
  CatalogueModel,
  CombineItem,
  CombineRequest,
  GenerationStatus,
  ImageRecord,
  ListQuery,
  ModelSchemaOut,
  OutputFile,
  RunSource,
  SourceKind,
  SourceRef,
  UploadOut,
  VideoRecord,
} from "../api/types";

export type MediaKind = "video" | "image" | "audio";
export const MEDIA_KINDS: readonly MediaKind[] = ["video", "image", "audio"];

export type Collection =
  | "text-to-video"
  | "image-to-video"
  | "video-to-video"
  | "video-to-text"
  | "text-to-image"
  | "super-resolution"
  | "image-editing"
  | "ai-music-generation"
  | "text-to-speech";

/** The collections of each family, in the order the generate page offers them. */
export const COLLECTIONS: Record<MediaKind, { slug: Collection; label: string }[]> = {
  video: [
    { slug: "text-to-video", label: "Text to video" },
    { slug: "image-to-video", label: "Image to video" },
    { slug: "video-to-video", label: "Video to video" },
    { slug: "video-to-text", label: "Captions" },
  ],
  image: [
    { slug: "text-to-image", label: "Text to image" },
    { slug: "super-resolution", label: "Upscale" },
    { slug: "image-editing", label: "Edit an image" },
  ],
  audio: [
    { slug: "ai-music-generation", label: "Music" },
    { slug: "text-to-speech", label: "Speech" },
  ],
};

export function isCollection(kind: MediaKind, value: string | null): value is Collection {
  return COLLECTIONS[kind].some((c) => c.slug === value);
}

export function kindOfCollection(collection: Collection): MediaKind {
  return MEDIA_KINDS.find((kind) => isCollection(kind, collection)) ?? "video";
}

/** The record fields issue 15 adds, read defensively: a record from before them has none. */
type Extras = { source: SourceRef | null; text_output: string | null; outputs: OutputFile[]; captions: Caption[] };
type Replaced = "video_url" | "image_url" | "audio_url" | "status" | keyof Extras;

/**
 * A video, image or audio record with its media URL under one name (null until stored; the API
 * sends "") and its status checked.
 */
export type MediaItem = Omit<VideoRecord, Replaced> &
  Extras & {
    kind: MediaKind;
    media_url: string | null;
    status: GenerationStatus;
  };

const STATUSES: readonly GenerationStatus[] = ["processing", "completed", "failed", "canceled"];

/** An unknown status is treated as still running, so the page keeps asking rather than freezing. */
export function toStatus(value: string): GenerationStatus {
  return STATUSES.find((s) => s === value) ?? "processing";
}

export const FINAL_STATUSES: ReadonlySet<GenerationStatus> = new Set(["completed", "failed", "canceled"]);

export function isFinal(status: GenerationStatus): boolean {
  return FINAL_STATUSES.has(status);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const num = (value: unknown): number | null => (typeof value === "number" && Number.isFinite(value) ? value : null);
const str = (value: unknown): string | null => (typeof value === "string" ? value : null);
const SOURCE_KINDS: readonly SourceKind[] = ["render", "image", "video", "audio", "combine"];

function combineItemOf(value: unknown): CombineItem | null {
  if (!isObject(value)) return null;
  const id = num(value.id);
  const kind = value.kind === "video" || value.kind === "render" ? value.kind : null;
  return kind && id !== null ? { kind, id } : null;
}

export function sourceOf(value: unknown): SourceRef | null {
  if (!isObject(value)) return null;
  const kind = SOURCE_KINDS.find((k) => k === value.kind);
  if (!kind) return null;
  const items = Array.isArray(value.items) ? value.items.map(combineItemOf).filter((i): i is CombineItem => i !== null) : null;
  return { kind, id: num(value.id), asset_id: num(value.asset_id), items };
}

function outputOf(value: unknown, position: number): OutputFile | null {
  if (!isObject(value) || typeof value.url !== "string" || value.url === "") return null;
  return {
    index: num(value.index) ?? position,
    url: value.url,
    thumbnail_url: str(value.thumbnail_url) || null,
    content_type: str(value.content_type),
    size_bytes: num(value.size_bytes),
    width: num(value.width),
    height: num(value.height),
    duration: num(value.duration),
  };
}

function captionOf(value: unknown): Caption | null {
  if (!isObject(value)) return null;
  const id = num(value.id);
  const text = str(value.text);
  return id !== null && text !== null ? { id, text, model_id: str(value.model_id) ?? "", created_at: str(value.created_at) ?? "" } : null;
}

/** Issue 15's fields of any record (typed by the generated schema or not). */
export function extrasOf(record: object): Extras {
  const raw: Record<string, unknown> = { ...record };
  const list = <T,>(value: unknown, read: (v: unknown, i: number) => T | null): T[] =>
    Array.isArray(value) ? value.map(read).filter((v): v is T => v !== null) : [];
  return {
    source: sourceOf(raw.source),
    text_output: str(raw.text_output) || null,
    outputs: list(raw.outputs, outputOf),
    captions: list(raw.captions, captionOf),
  };
}

export function fromVideo(record: VideoRecord): MediaItem {
  const { video_url, status, source: _source, ...rest } = record;
  return { ...rest, ...extrasOf(record), kind: "video", media_url: video_url || null, status: toStatus(status) };
}

export function fromImage(record: ImageRecord): MediaItem {
  const { image_url, video_url: _sameUrl, status, source: _source, ...rest } = record; // video_url: the same URL, for the original client
  return { ...rest, ...extrasOf(record), kind: "image", media_url: image_url || null, status: toStatus(status) };
}

export function fromAudio(record: AudioRecord): MediaItem {
  const { audio_url, video_url: _sameUrl, status, source: _s, text_output: _t, outputs: _o, ...rest } = record;
  return { ...rest, ...extrasOf(record), kind: "audio", media_url: audio_url || null, status: toStatus(status) };
}

/** The error text of a failed generation (top-level `error`, else `metadata.error`). */
export function errorText(item: MediaItem): string | null {
  if (item.error) return item.error;
  const fromMetadata = item.metadata?.["error"];
  return typeof fromMetadata === "string" && fromMetadata !== "" ? fromMetadata : null;
}

export const mediaKeys = {
  all: (kind: MediaKind) => ["media", kind] as const,
  list: (kind: MediaKind, query: ListQuery) => ["media", kind, "list", query] as const,
  item: (kind: MediaKind, id: number) => ["media", kind, "item", id] as const,
};

export async function getItem(kind: MediaKind, id: number): Promise<MediaItem> {
  const params = { params: { path: { generation_id: id } } };
  if (kind === "audio") return fromAudio(await unwrap(api.GET("/api/audio/{generation_id}", params)));
  return kind === "video"
    ? fromVideo(await unwrap(api.GET("/api/videos/{generation_id}", params)))
    : fromImage(await unwrap(api.GET("/api/images/{generation_id}", params)));
}

export async function listItems(kind: MediaKind, query: ListQuery): Promise<{ items: MediaItem[]; total: number }> {
  if (kind === "video") {
    const page = await unwrap(api.GET("/api/videos", { params: { query } }));
    return { items: page.videos.map(fromVideo), total: page.total };
  }
  if (kind === "audio") {
    const page = await unwrap(api.GET("/api/audio", { params: { query } }));
    return { items: page.audio.map(fromAudio), total: page.total };
  }
  const page = await unwrap(api.GET("/api/images", { params: { query } }));
  return { items: page.images.map(fromImage), total: page.total };
}

export async function setFavorite(kind: MediaKind, id: number, favorite: boolean): Promise<void> {
  const options = { params: { path: { generation_id: id } }, body: { favorite } };
  if (kind === "audio") await unwrap(api.PATCH("/api/audio/{generation_id}", options));
  else await (kind === "video" ? unwrap(api.PATCH("/api/videos/{generation_id}", options)) : unwrap(api.PATCH("/api/images/{generation_id}", options)));
}

export async function deleteItem(kind: MediaKind, id: number): Promise<void> {
  const params = { params: { path: { generation_id: id } } };
  if (kind === "audio") await unwrap(api.DELETE("/api/audio/{generation_id}", params));
  else await (kind === "video" ? unwrap(api.DELETE("/api/videos/{generation_id}", params)) : unwrap(api.DELETE("/api/images/{generation_id}", params)));
}

export async function cancelItem(kind: MediaKind, id: number): Promise<void> {
  const params = { params: { path: { generation_id: id } } };
  if (kind === "audio") await unwrap(api.POST("/api/audio/{generation_id}/cancel", params));
  else
    await (kind === "video"
      ? unwrap(api.POST("/api/videos/{generation_id}/cancel", params))
      : unwrap(api.POST("/api/images/{generation_id}/cancel", params)));
}

export async function retryItem(kind: MediaKind, id: number): Promise<void> {
  const params = { params: { path: { generation_id: id } } };
  if (kind === "audio") await unwrap(api.POST("/api/audio/{generation_id}/retry", params));
  else
    await (kind === "video"
      ? unwrap(api.POST("/api/videos/{generation_id}/retry", params))
      : unwrap(api.POST("/api/images/{generation_id}/retry", params)));
}

export async function listModels(collection: Collection): Promise<CatalogueModel[]> {
  const kind = kindOfCollection(collection);
  if (kind === "audio") return (await unwrap(api.GET("/api/audio-models", { params: { query: { collection } } }))).models;
  // The generated query type names the collections it knew; the contract's new ones are accepted too.
  const params = { params: { query: { collection } } };
  const answer =
    kind === "video" ? await unwrap(api.GET("/api/video-models", params)) : await unwrap(api.GET("/api/image-models", params));
  return answer.models;
}

export function splitModelId(modelId: string): { owner: string; name: string } | null {
  const [owner, name, ...rest] = modelId.split("/");
  return owner && name && rest.length === 0 ? { owner, name } : null;
}

export async function getModelSchema(kind: MediaKind, modelId: string): Promise<ModelSchemaOut> {
  const parts = splitModelId(modelId);
  if (!parts) throw new Error(`“${modelId}” is not a model id of the form owner/name.`);
  const params = { params: { path: parts } };
  if (kind === "audio") return unwrap(api.GET("/api/audio-models/{owner}/{name}/schema", params));
  return kind === "video"
    ? unwrap(api.GET("/api/video-models/{owner}/{name}/schema", params))
    : unwrap(api.GET("/api/image-models/{owner}/{name}/schema", params));
}

export interface RunRequest {
  model_id: string;
  input: Record<string, unknown>;
  collection: Collection;
  version: string | null;
  /** A stored item of the person sent as the model's media input (the record keeps it as its source). */
  source?: RunSource;
}

export async function runModel(kind: MediaKind, body: RunRequest): Promise<number> {
  if (kind === "audio") return (await unwrap(api.POST("/api/run-audio-model", { body }))).audio_id;
  if (kind === "video") return (await unwrap(api.POST("/api/run-video-model", { body }))).video_id;
  return (await unwrap(api.POST("/api/run-image-model", { body }))).image_id;
}

export async function uploadImage(file: Blob, filename: string): Promise<UploadOut> {
  const form = new FormData();
  form.append("file", file, filename);
  return postForm<UploadOut>("/api/upload-image", form);
}

/** Any image, video or audio file, as an input URL Replicate can fetch. */
export async function uploadMedia(file: Blob, filename: string): Promise<UploadOut> {
  const form = new FormData();
  form.append("file", file, filename);
  return postForm<UploadOut>("/api/upload-media", form);
}

/** Join stored videos and renders, in order, into a new video; answers with its id. */
export async function combineVideos(request: CombineRequest): Promise<number> {
  return (await unwrap(api.POST("/api/videos/combine", { body: request }))).video_id;
}

/** The page of one record of a kind. */
export function itemPath(kind: MediaKind, id: number): string {
  return `/${kind}/${id}`;
}

/**
 * How long to wait before asking again about an unfinished generation: quick at first, slower as it
 * drags on, and much slower while the tab is hidden. Final states stop polling.
 */
export function pollInterval(status: GenerationStatus | undefined, ageMs: number, hidden: boolean): number | false {
  if (status !== undefined && isFinal(status)) return false;
  const base = ageMs < 30_000 ? 2_000 : ageMs < 5 * 60_000 ? 5_000 : 15_000;
  return hidden ? Math.max(base * 4, 30_000) : base;
}

export function ageMs(createdAt: string | undefined, now: number = Date.now()): number {
  const created = createdAt ? new Date(createdAt).getTime() : NaN;
  return Number.isNaN(created) ? 0 : Math.max(0, now - created);
}

export function isHidden(): boolean {
  return typeof document !== "undefined" && document.visibilityState === "hidden";
}
