/**
 * The generation page (`/videos`, `/images`): Model, Msg, Cmd and a pure update. The collection and
 * the model live in the URL; the catalogue is server data. The model holds the search box and the
 * generations started from this page. GeneratePage.tsx performs the commands.
 */
import type { CatalogueModel } from "../../api/types";
import { only, type Step } from "../../app/effects";
import type { Collection, MediaKind } from "../../media/api";

export type Started = { kind: MediaKind; id: number };

export type Model = { search: string; recent: readonly Started[] };

export type Msg =
  | { type: "SearchChanged"; value: string }
  | { type: "CollectionChosen"; collection: Collection }
  | { type: "ModelChosen"; collection: Collection; modelId: string }
  /** The catalogue of the URL's collection arrived; `modelId` is the URL's choice. */
  | { type: "ModelsShown"; collection: Collection; modelId: string | null; first: string | null }
  | { type: "GenerationStarted"; kind: MediaKind; id: number };

export type Cmd =
  /**
   * Put the choice in the URL. `replace` (with the page's handed-over state kept) when the page
   * picks for the person, so Back does not land on the choice-less URL.
   */
  { type: "ShowChoice"; collection: Collection; modelId: string | null; replace: boolean };

export const init: Model = { search: "", recent: [] };

/** The catalogue entries that match the search box (id, name or description). */
export function matching(models: readonly CatalogueModel[], search: string): readonly CatalogueModel[] {
  const needle = search.trim().toLowerCase();
  if (!needle) return models;
  return models.filter((m) => `${m.id} ${m.name} ${m.description ?? ""}`.toLowerCase().includes(needle));
}

export function update(model: Model, msg: Msg): Step<Model, Cmd> {
  switch (msg.type) {
    case "SearchChanged":
      return only({ ...model, search: msg.value });
    case "CollectionChosen":
      return [{ ...model, search: "" }, [{ type: "ShowChoice", collection: msg.collection, modelId: null, replace: false }]];
    case "ModelChosen":
      return [model, [{ type: "ShowChoice", collection: msg.collection, modelId: msg.modelId, replace: false }]];
    case "ModelsShown":
      // Without a chosen model, take the collection's first so the form is there at once.
      if (msg.modelId || !msg.first) return only(model);
      return [model, [{ type: "ShowChoice", collection: msg.collection, modelId: msg.first, replace: true }]];
    case "GenerationStarted": {
      const started = { kind: msg.kind, id: msg.id };
      return only({ ...model, recent: [started, ...model.recent.filter((r) => r.kind !== msg.kind || r.id !== msg.id)] });
    }
  }
}
