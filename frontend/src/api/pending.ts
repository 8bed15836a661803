/**
 * Types for the media endpoints of API.md that are not yet in openapi.json (the gallery and
 * Replicate backends are being written). Delete this module, and its use in client.ts and
 * types.ts, once `npm run gen:api` produces these paths from the exported document.
 */

export type GenerationStatus = "processing" | "completed" | "failed" | "canceled";

export interface CatalogueModel {
  id: string;
  name: string;
  owner: string;
  description?: string | null;
  cover_image_url?: string | null;
  latest_version?: string | null;
  run_count?: number | null;
}

export interface ModelListOut {
  models: CatalogueModel[];
}

export interface ModelSchemaOut {
  input_schema: Record<string, unknown>;
  required: string[];
  version?: string | null;
}

export interface RunIn {
  model_id: string;
  input: Record<string, unknown>;
  collection?: string | null;
  version?: string | null;
}

interface MediaRecordBase {
  id: number;
  prompt?: string | null;
  model_id: string;
  parameters?: Record<string, unknown> | null;
  /** processing, completed, failed or canceled */
  status: string;
  created_at: string;
  updated_at?: string | null;
  collection?: string | null;
  metadata?: Record<string, unknown> | null;
  thumbnail_url?: string | null;
  error?: string | null;
  content_type?: string | null;
  size_bytes?: number | null;
  width?: number | null;
  height?: number | null;
  duration?: number | null;
  favorite?: boolean;
}

export interface VideoRecord extends MediaRecordBase {
  video_url?: string | null;
}

export interface ImageRecord extends MediaRecordBase {
  image_url?: string | null;
}

export interface UploadOut {
  success: boolean;
  url: string;
  filename: string;
}

interface Detail {
  detail: string;
}

type Json<T> = { headers: { [name: string]: unknown }; content: { "application/json": T } };
type Answers<T> = { 200: Json<T>; 400: Json<Detail>; 401: Json<Detail>; 404: Json<Detail>; 422: Json<Detail> };
type Body<T> = { content: { "application/json": T } };
type NoParams = { query?: never; header?: never; path?: never; cookie?: never };
type IdPath = { query?: never; header?: never; path: { generation_id: number }; cookie?: never };
type ModelPath = { query?: never; header?: never; path: { owner: string; name: string }; cookie?: never };

interface Get<P, R> {
  parameters: P;
  requestBody?: never;
  responses: Answers<R>;
}
interface Send<P, B, R> {
  parameters: P;
  requestBody: Body<B>;
  responses: Answers<R>;
}

export interface ListQuery {
  limit?: number;
  offset?: number;
  model_id?: string;
  collection?: string;
  status?: GenerationStatus;
  q?: string;
  favorite?: boolean;
  before?: string;
}
type ListParams = { query?: ListQuery; header?: never; path?: never; cookie?: never };
type CollectionParams = { query?: { collection?: string }; header?: never; path?: never; cookie?: never };

interface MediaPaths<Rec, ListOut> {
  list: { get: Get<ListParams, ListOut> };
  item: {
    parameters: IdPath;
    get: Get<IdPath, Rec>;
    patch: Send<IdPath, { favorite?: boolean }, Rec>;
    delete: Get<IdPath, { message?: string; success?: boolean }>;
  };
  action: { parameters: IdPath; post: Get<IdPath, Rec | { message?: string; status?: string }> };
}

type Videos = MediaPaths<VideoRecord, { videos: VideoRecord[]; total: number }>;
type Images = MediaPaths<ImageRecord, { images: ImageRecord[]; total: number }>;

export interface PendingPaths {
  "/api/video-models": { get: Get<CollectionParams, ModelListOut> };
  "/api/image-models": { get: Get<CollectionParams, ModelListOut> };
  "/api/video-models/{owner}/{name}/schema": { parameters: ModelPath; get: Get<ModelPath, ModelSchemaOut> };
  "/api/image-models/{owner}/{name}/schema": { parameters: ModelPath; get: Get<ModelPath, ModelSchemaOut> };
  "/api/run-video-model": { post: Send<NoParams, RunIn, { video_id: number; status: string }> };
  "/api/run-image-model": { post: Send<NoParams, RunIn, { image_id: number; status: string }> };
  "/api/videos": Videos["list"];
  "/api/videos/{generation_id}": Videos["item"];
  "/api/videos/{generation_id}/cancel": Videos["action"];
  "/api/videos/{generation_id}/retry": Videos["action"];
  "/api/images": Images["list"];
  "/api/images/{generation_id}": Images["item"];
  "/api/images/{generation_id}/cancel": Images["action"];
  "/api/images/{generation_id}/retry": Images["action"];
  "/api/upload-image": { post: Get<NoParams, UploadOut> };
}
