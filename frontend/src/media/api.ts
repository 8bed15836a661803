/**
 * Generations (videos and images) through the typed client: one function per action, generic over
 * the media kind so the pages are written once.
 */
import { api, postForm, unwrap } from "../api/client";
import type { CatalogueModel, GenerationStatus, ImageRecord, ListQuery, ModelSchemaOut, UploadOut, VideoRecord } from "../api/types";

export type MediaKind = "video" | "image";

/** "video-to-video" is not a tab of the generate page: only "make it real" sends a video (a render). */
export type Collection = "text-to-video" | "image-to-video" | "video-to-video" | "text-to-image";

export const COLLECTIONS: Record<MediaKind, { slug: Collection; label: string }[]> = {
  video: [
    { slug: "text-to-video", label: "Text to video" },
    { slug: "image-to-video", label: "Image to video" },
  ],
  image: [{ slug: "text-to-image", label: "Text to image" }],
};

export function isCollection(kind: MediaKind, value: string | null): value is Collection {
  return COLLECTIONS[kind].some((c) => c.slug === value);
}

/** A video or an image record with its media URL under one name (null until stored; the API sends "")
 * and its status checked. */
export type MediaItem = Omit<VideoRecord, "video_url" | "status"> & {
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

export function fromVideo(record: VideoRecord): MediaItem {
  const { video_url, status, ...rest } = record;
  return { ...rest, kind: "video", media_url: video_url || null, status: toStatus(status) };
}

export function fromImage(record: ImageRecord): MediaItem {
  const { image_url, video_url: _sameUrl, status, ...rest } = record; // video_url: the same URL, for the original client
  return { ...rest, kind: "image", media_url: image_url || null, status: toStatus(status) };
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
  return kind === "video"
    ? fromVideo(await unwrap(api.GET("/api/videos/{generation_id}", params)))
    : fromImage(await unwrap(api.GET("/api/images/{generation_id}", params)));
}

export async function listItems(kind: MediaKind, query: ListQuery): Promise<{ items: MediaItem[]; total: number }> {
  if (kind === "video") {
    const page = await unwrap(api.GET("/api/videos", { params: { query } }));
    return { items: page.videos.map(fromVideo), total: page.total };
  }
  const page = await unwrap(api.GET("/api/images", { params: { query } }));
  return { items: page.images.map(fromImage), total: page.total };
}

export async function setFavorite(kind: MediaKind, id: number, favorite: boolean): Promise<void> {
  const options = { params: { path: { generation_id: id } }, body: { favorite } };
  await (kind === "video" ? unwrap(api.PATCH("/api/videos/{generation_id}", options)) : unwrap(api.PATCH("/api/images/{generation_id}", options)));
}

export async function deleteItem(kind: MediaKind, id: number): Promise<void> {
  const params = { params: { path: { generation_id: id } } };
  await (kind === "video" ? unwrap(api.DELETE("/api/videos/{generation_id}", params)) : unwrap(api.DELETE("/api/images/{generation_id}", params)));
}

export async function cancelItem(kind: MediaKind, id: number): Promise<void> {
  const params = { params: { path: { generation_id: id } } };
  await (kind === "video"
    ? unwrap(api.POST("/api/videos/{generation_id}/cancel", params))
    : unwrap(api.POST("/api/images/{generation_id}/cancel", params)));
}

export async function retryItem(kind: MediaKind, id: number): Promise<void> {
  const params = { params: { path: { generation_id: id } } };
  await (kind === "video"
    ? unwrap(api.POST("/api/videos/{generation_id}/retry", params))
    : unwrap(api.POST("/api/images/{generation_id}/retry", params)));
}

export function kindOfCollection(collection: Collection): MediaKind {
  return collection === "text-to-image" ? "image" : "video";
}

export async function listModels(collection: Collection): Promise<CatalogueModel[]> {
  const params = { params: { query: { collection } } };
  const answer =
    kindOfCollection(collection) === "video"
      ? await unwrap(api.GET("/api/video-models", params))
      : await unwrap(api.GET("/api/image-models", params));
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
  return kind === "video"
    ? unwrap(api.GET("/api/video-models/{owner}/{name}/schema", params))
    : unwrap(api.GET("/api/image-models/{owner}/{name}/schema", params));
}

export interface RunRequest {
  model_id: string;
  input: Record<string, unknown>;
  collection: Collection;
  version: string | null;
}

export async function runModel(kind: MediaKind, body: RunRequest): Promise<number> {
  if (kind === "video") return (await unwrap(api.POST("/api/run-video-model", { body }))).video_id;
  return (await unwrap(api.POST("/api/run-image-model", { body }))).image_id;
}

export async function uploadImage(file: Blob, filename: string): Promise<UploadOut> {
  const form = new FormData();
  form.append("file", file, filename);
  return postForm<UploadOut>("/api/upload-image", form);
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
