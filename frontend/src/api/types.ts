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
 * Issue 15's additions (KINDS_CONTRACT.md), as the pages use them: media/api.ts reads the records'
 * fields into these (checked at run time, so a record from before issue 15 reads as having none).
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

/** `/api/audio/{id}`: the common record fields, `audio_url` ("" until stored) and `video_url` (the same). */
export type AudioRecord = Schemas["AudioRecord"];

/** Where a run's media input comes from when it is a stored item of the person (RunIn.source). */
export type RunSource = Schemas["RunSourceIn"];

/** POST /api/videos/combine, with the transitions it documents. */
export type CombineRequest = Omit<Schemas["CombineIn"], "items" | "transition"> & { items: CombineItem[]; transition: "cut" | "crossfade" };
