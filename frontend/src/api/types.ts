/** Names for the API's shapes, so pages never spell out the generated paths' nesting. */
import type { components, paths } from "./schema";

type Schemas = components["schemas"];

export type Me = Schemas["MeOut"];
export type ApiRoot = Schemas["ApiRootOut"];
export type ApiKey = Schemas["ApiKeyOut"];
export type ApiKeyCreated = Schemas["ApiKeyCreatedOut"];

export type CatalogueModel = Schemas["CatalogueModelOut"];
export type ModelSchemaOut = Schemas["ModelSchemaOut"];
export type UploadOut = Schemas["UploadOut"];
export type VideoRecord = Schemas["VideoRecord"];
export type ImageRecord = Schemas["ImageRecord"];
export type ListQuery = NonNullable<paths["/api/videos"]["get"]["parameters"]["query"]>;

/** The API types `status` as a string; these are the values it documents. */
export type GenerationStatus = "processing" | "completed" | "failed" | "canceled";

/*
 * Issue 15's additions (KINDS_CONTRACT.md). Written out here from the contract so pages can use
 * them before the backend's openapi.json carries them; every field is optional on the records, so
 * the generated records (older or newer) both fit.
 */

/** One stored file of a generation; index 0 is the record's own file. */
export type OutputFile = {
  index: number;
  url: string;
  thumbnail_url: string | null;
  content_type: string | null;
  size_bytes: number | null;
  width: number | null;
  height: number | null;
  duration: number | null;
};

export type SourceKind = "render" | "image" | "video" | "audio" | "combine";
export type CombineItem = { kind: "video" | "render"; id: number };

/** What a generation was made from: a stored item, or for a combine the items joined, in order. */
export type SourceRef = { kind: SourceKind; id: number | null; asset_id: number | null; items: CombineItem[] | null };

/** A finished video-to-text run on a video, as the video's record lists it. */
export type Caption = { id: number; text: string; model_id: string; created_at: string };

export type KindFields = {
  text_output?: string | null;
  outputs?: OutputFile[];
  source?: SourceRef | null;
  captions?: Caption[];
};

/** A video or image record as the API sends it now, with issue 15's fields. */
export type VideoRecordOut = Omit<VideoRecord, "source"> & KindFields;
export type ImageRecordOut = Omit<ImageRecord, "source"> & KindFields;
/** `/api/audio/{id}`: the common record fields, `audio_url` ("" until stored) and `video_url` (the same). */
export type AudioRecord = Omit<VideoRecord, "source" | "video_url"> & KindFields & { audio_url: string; video_url?: string };
export type AudioPage = { audio: AudioRecord[]; total: number; next?: string | null };

/** Where a run's media input comes from when it is a stored item of the person (RunIn.source). */
export type RunSource = { kind: "image" | "video" | "audio"; id: number; input?: string };

export type CombineRequest = { items: CombineItem[]; transition: "cut" | "crossfade"; width?: number; height?: number };
export type CombineOut = { video_id: number; status: string };
