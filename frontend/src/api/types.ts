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
