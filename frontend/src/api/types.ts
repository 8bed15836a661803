/** Names for the API's shapes, so pages never spell out the generated paths' nesting. */
import type { components } from "./schema";

type Schemas = components["schemas"];

export type Me = Schemas["MeOut"];
export type ApiRoot = Schemas["ApiRootOut"];
export type ApiKey = Schemas["ApiKeyOut"];
export type ApiKeyCreated = Schemas["ApiKeyCreatedOut"];

export type {
  CatalogueModel,
  GenerationStatus,
  ImageRecord,
  ListQuery,
  ModelSchemaOut,
  UploadOut,
  VideoRecord,
} from "./pending";
