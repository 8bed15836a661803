/** The gallery page: its filters live in the URL; selection and deletion in Model/Msg/update. */
import type { ApiPaths } from "../../api/client";
import type { GenerationStatus, ListQuery } from "../../api/types";
import type { MediaKind } from "../../media/api";

export const PAGE_SIZE = 24;
const STATUSES: readonly GenerationStatus[] = ["processing", "completed", "failed", "canceled"];

export interface Filters {
  status: GenerationStatus | null;
  model: string | null;
  favorite: boolean;
  q: string;
  page: number;
}

export const noFilters: Filters = { status: null, model: null, favorite: false, q: "", page: 1 };

export function parseFilters(params: URLSearchParams): Filters {
  const status = params.get("status");
  const page = Number(params.get("page"));
  return {
    status: STATUSES.find((s) => s === status) ?? null,
    model: params.get("model") || null,
    favorite: params.get("favorite") === "1",
    q: params.get("q") ?? "",
    page: Number.isInteger(page) && page > 1 ? page : 1,
  };
}

/** Only what differs from the defaults goes in the URL, so links stay short. */
export function filtersToParams(filters: Filters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.q.trim()) params.set("q", filters.q.trim());
  if (filters.status) params.set("status", filters.status);
  if (filters.model) params.set("model", filters.model);
  if (filters.favorite) params.set("favorite", "1");
  if (filters.page > 1) params.set("page", String(filters.page));
  return params;
}

/** Changing any filter goes back to the first page; changing the page keeps the filters. */
export function withFilter(filters: Filters, change: Partial<Omit<Filters, "page">>): Filters {
  return { ...filters, ...change, page: 1 };
}

export function isFiltered(filters: Filters): boolean {
  return filters.status !== null || filters.model !== null || filters.favorite || filters.q.trim() !== "";
}

export function listQuery(filters: Filters): ListQuery {
  const query: ListQuery = { limit: PAGE_SIZE, offset: (filters.page - 1) * PAGE_SIZE };
  if (filters.status) query.status = filters.status;
  if (filters.model) query.model_id = filters.model;
  if (filters.favorite) query.favorite = true;
  if (filters.q.trim()) query.q = filters.q.trim();
  return query;
}

export function pageCount(total: number): number {
  return Math.max(1, Math.ceil(total / PAGE_SIZE));
}

export type Model = {
  selected: readonly number[];
  confirm: { ids: readonly number[] } | null;
  deleting: { done: number; total: number } | null;
  failures: readonly { id: number; message: string }[];
};

export type Msg =
  | { type: "SelectionToggled"; id: number }
  | { type: "AllSelected"; ids: readonly number[] }
  | { type: "SelectionCleared" }
  | { type: "DeleteAsked"; ids: readonly number[] }
  | { type: "DeleteCancelled" }
  | { type: "DeleteStarted" }
  | { type: "DeleteProgressed"; id: number; error: string | null }
  | { type: "DeleteFinished" }
  | { type: "PageShown"; ids: readonly number[] };

export const init: Model = { selected: [], confirm: null, deleting: null, failures: [] };

export function update(model: Model, msg: Msg): Model {
  switch (msg.type) {
    case "SelectionToggled":
      return {
        ...model,
        selected: model.selected.includes(msg.id) ? model.selected.filter((id) => id !== msg.id) : [...model.selected, msg.id],
      };
    case "AllSelected":
      return { ...model, selected: [...msg.ids] };
    case "SelectionCleared":
      return { ...model, selected: [] };
    case "DeleteAsked":
      return msg.ids.length === 0 || model.deleting ? model : { ...model, confirm: { ids: msg.ids }, failures: [] };
    case "DeleteCancelled":
      return model.deleting ? model : { ...model, confirm: null };
    case "DeleteStarted":
      return model.confirm ? { ...model, deleting: { done: 0, total: model.confirm.ids.length }, failures: [] } : model;
    case "DeleteProgressed": {
      if (!model.deleting) return model;
      return {
        ...model,
        deleting: { ...model.deleting, done: model.deleting.done + 1 },
        selected: msg.error === null ? model.selected.filter((id) => id !== msg.id) : model.selected,
        failures: msg.error === null ? model.failures : [...model.failures, { id: msg.id, message: msg.error }],
      };
    }
    case "DeleteFinished":
      // Failures keep the dialog open so the person sees which items stayed and why.
      return { ...model, deleting: null, confirm: model.failures.length > 0 ? model.confirm : null };
    case "PageShown":
      // Selection only ever covers what is on screen.
      return { ...model, selected: model.selected.filter((id) => msg.ids.includes(id)) };
  }
}

/** The API's ZIP downloads; plain GETs, so a link downloads them with the session cookie. */
const ARCHIVE_PATH = "/api/archive" satisfies keyof ApiPaths;
const EXPORT_PATH = "/api/archive/mine" satisfies keyof ApiPaths;
type ArchiveQuery = NonNullable<ApiPaths["/api/archive"]["get"]["parameters"]["query"]>;

/** A ZIP of the chosen items of this gallery, with their metadata.json. */
export function archiveUrl(kind: MediaKind, ids: readonly number[]): string {
  const key: keyof ArchiveQuery = kind === "video" ? "videos" : "images";
  return `${ARCHIVE_PATH}?${new URLSearchParams([[key, ids.join(",")]]).toString()}`;
}

/** Everything the signed-in person owns (images, videos, renders) as one ZIP. */
export function exportUrl(): string {
  return EXPORT_PATH;
}
