/**
 * The gallery (`/gallery?kind=video|image|audio|render`, and the older `/image-gallery`): one page
 * with a kind filter. Model, Msg, Cmd and a pure update. The filters
 * live in the URL (the model mirrors them to build the next ones); the list is server data in the
 * query cache. The model holds selection, the bulk delete (one item at a time, with progress),
 * favourites waiting for the server, the search box and the player. GalleryPage.tsx performs the
 * commands.
 */
import type { ApiPaths } from "../../api/client";
import type { GenerationStatus, ListQuery } from "../../api/types";
import { only, type Step } from "../../app/effects";
import type { MediaItem, MediaKind } from "../../media/api";
import type { Render } from "../../scene/sceneApi";

/** What the gallery lists: the three generation families and the simulation renders. */
export type GalleryKind = MediaKind | "render";

export const GALLERY_KINDS: readonly { kind: GalleryKind; label: string; title: string; noun: string }[] = [
  { kind: "video", label: "Videos", title: "Video gallery", noun: "video" },
  { kind: "image", label: "Images", title: "Image gallery", noun: "image" },
  { kind: "audio", label: "Audio", title: "Audio gallery", noun: "audio clip" },
  { kind: "render", label: "Renders", title: "Simulation renders", noun: "render" },
];

export function kindInfo(kind: GalleryKind): (typeof GALLERY_KINDS)[number] {
  return GALLERY_KINDS.find((k) => k.kind === kind) ?? GALLERY_KINDS[0]!;
}

/** `?kind=` of the URL; the path's own kind (`/image-gallery`) when it has none. */
export function parseKind(params: URLSearchParams, fallback: GalleryKind): GalleryKind {
  const value = params.get("kind");
  return GALLERY_KINDS.find((k) => k.kind === value)?.kind ?? fallback;
}

/** The link of a kind's gallery: videos stay at `/gallery`, images at their old path. */
export function kindPath(kind: GalleryKind): string {
  if (kind === "video") return "/gallery";
  if (kind === "image") return "/image-gallery";
  return `/gallery?kind=${kind}`;
}

/** One tile of the grid, whatever it lists. */
export type Card = {
  kind: GalleryKind;
  id: number;
  label: string;
  status: GenerationStatus;
  thumbnailUrl: string | null;
  mediaUrl: string | null;
  modelId: string;
  createdAt: string;
  /** null where the kind has no favourites (renders). */
  favorite: boolean | null;
  /** Files of a multi-file generation (1 for a single file). */
  fileCount: number;
  /** A text result (a caption) shown in place of a picture. */
  text: string | null;
  /** Where the card links. */
  href: string;
};

export function cardOfItem(item: MediaItem): Card {
  return {
    kind: item.kind,
    id: item.id,
    label: item.prompt?.trim() || `${item.kind} #${item.id}`,
    status: item.status,
    thumbnailUrl: item.thumbnail_url,
    mediaUrl: item.media_url,
    modelId: item.model_id,
    createdAt: item.created_at,
    favorite: item.favorite === true,
    fileCount: Math.max(1, item.outputs.length),
    text: item.text_output,
    href: `/${item.kind}/${item.id}`,
  };
}

const RENDER_STATUS: Record<Render["status"], GenerationStatus> = {
  queued: "processing",
  rendering: "processing",
  completed: "completed",
  failed: "failed",
  canceled: "canceled",
};

export function cardOfRender(render: Render): Card {
  return {
    kind: "render",
    id: render.id,
    label: `Render #${render.id}: ${render.objectCount} object${render.objectCount === 1 ? "" : "s"}, ${render.duration} s at ${render.resolution}`,
    status: RENDER_STATUS[render.status],
    thumbnailUrl: render.thumbnailUrl,
    mediaUrl: render.videoUrl,
    modelId: `simulation, ${render.quality}`,
    createdAt: render.createdAt,
    favorite: null,
    fileCount: 1,
    text: null,
    href: "/simulations",
  };
}

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

/** How long the search box waits after the last keystroke before searching. */
export const SEARCH_DELAY_MS = 400;

/** A favourite clicked and not yet confirmed by a fresh list: `saves` requests still in flight. */
export type PendingFavourite = { value: boolean; saves: number };

export type Model = {
  kind: GalleryKind;
  /** The URL's filters, as last shown. */
  filters: Filters;
  /** What is typed in the search box; `seq` tells the latest keystroke's timer from older ones. */
  search: { draft: string; seq: number };
  selected: readonly number[];
  confirm: { ids: readonly number[] } | null;
  /** The bulk delete in progress: `queue` still to go, first one in flight. */
  deleting: { queue: readonly number[]; done: number; total: number } | null;
  failures: readonly { id: number; message: string }[];
  favourites: Readonly<Record<number, PendingFavourite>>;
  favouriteError: string | null;
  /** The video playing in the player dialog. */
  playing: number | null;
};

/** What the page shows of a listed item, for the model to follow the list. */
export type Shown = { id: number; favorite: boolean };

export type Msg =
  | { type: "FiltersShown"; filters: Filters }
  | { type: "FiltersChosen"; filters: Filters }
  | { type: "SearchTyped"; value: string }
  | { type: "SearchSettled"; seq: number }
  | { type: "SearchSubmitted" }
  | { type: "PageShown"; items: readonly Shown[] }
  | { type: "SelectionToggled"; id: number }
  | { type: "AllSelected"; ids: readonly number[] }
  | { type: "SelectionCleared" }
  | { type: "DeleteAsked"; ids: readonly number[] }
  | { type: "DeleteCancelled" }
  | { type: "DeleteConfirmed" }
  | { type: "DeleteProgressed"; id: number; error: string | null }
  | { type: "FavouriteToggled"; id: number; value: boolean }
  | { type: "FavouriteSaved"; id: number }
  | { type: "FavouriteFailed"; id: number; message: string }
  | { type: "PlayClicked"; id: number }
  | { type: "PlayerClosed" };

export type Cmd =
  /** Put these filters in the URL. */
  | { type: "ShowFilters"; filters: Filters }
  /** Answer `SearchSettled` after SEARCH_DELAY_MS. */
  | { type: "SearchLater"; seq: number }
  | { type: "DeleteOne"; kind: GalleryKind; id: number }
  /** Drop a deleted item's record from the cache so nothing polls it. */
  | { type: "Forget"; kind: GalleryKind; id: number }
  | { type: "SetFavourite"; kind: GalleryKind; id: number; value: boolean }
  /** Ask the server for this kind's lists again. */
  | { type: "RefreshList"; kind: GalleryKind };

export function init(kind: GalleryKind, filters: Filters = noFilters): Model {
  return {
    kind,
    filters,
    search: { draft: filters.q, seq: 0 },
    selected: [],
    confirm: null,
    deleting: null,
    failures: [],
    favourites: {},
    favouriteError: null,
    playing: null,
  };
}

/** The favourite the page shows: the person's click until a fresh list confirms or a save fails. */
export function favouriteShown(model: Model, item: Shown): boolean {
  return model.favourites[item.id]?.value ?? item.favorite;
}

function withoutKey<T>(record: Readonly<Record<number, T>>, id: number): Record<number, T> {
  const { [id]: _, ...rest } = record;
  return rest;
}

/** One item of the bulk delete answered: count it, then send the next or finish. */
function deleteProgressed(model: Model, id: number, error: string | null): Step<Model, Cmd> {
  if (!model.deleting || model.deleting.queue[0] !== id) return only(model);
  const queue = model.deleting.queue.slice(1);
  const counted: Model = {
    ...model,
    deleting: { ...model.deleting, queue, done: model.deleting.done + 1 },
    selected: error === null ? model.selected.filter((s) => s !== id) : model.selected,
    failures: error === null ? model.failures : [...model.failures, { id, message: error }],
  };
  const forget: Cmd[] = error === null ? [{ type: "Forget", kind: model.kind, id }] : [];
  const next = queue[0];
  if (next !== undefined) return [counted, [...forget, { type: "DeleteOne", kind: model.kind, id: next }]];
  // Failures keep the dialog open so the person sees which items stayed and why.
  return [
    { ...counted, deleting: null, confirm: counted.failures.length > 0 ? counted.confirm : null },
    [...forget, { type: "RefreshList", kind: model.kind }],
  ];
}

export function update(model: Model, msg: Msg): Step<Model, Cmd> {
  switch (msg.type) {
    case "FiltersShown": {
      if (msg.filters === model.filters) return only(model);
      // The URL changed from outside (back button, "Clear filters", a finished search): the box follows.
      const search = msg.filters.q === model.filters.q ? model.search : { draft: msg.filters.q, seq: model.search.seq + 1 };
      return only({ ...model, filters: msg.filters, search });
    }
    case "FiltersChosen":
      return [model, [{ type: "ShowFilters", filters: msg.filters }]];
    case "SearchTyped": {
      const seq = model.search.seq + 1;
      return [{ ...model, search: { draft: msg.value, seq } }, [{ type: "SearchLater", seq }]];
    }
    case "SearchSettled":
      if (msg.seq !== model.search.seq || model.search.draft.trim() === model.filters.q.trim()) return only(model);
      return [model, [{ type: "ShowFilters", filters: withFilter(model.filters, { q: model.search.draft }) }]];
    case "SearchSubmitted":
      // Search now; the timer of the last keystroke finds a newer seq and does nothing.
      return [
        { ...model, search: { ...model.search, seq: model.search.seq + 1 } },
        [{ type: "ShowFilters", filters: withFilter(model.filters, { q: model.search.draft }) }],
      ];
    case "PageShown": {
      const ids = msg.items.map((i) => i.id);
      // A fresh list is the server's word on every favourite no save is still waiting for.
      const favourites = Object.fromEntries(
        Object.entries(model.favourites).filter(([id, pending]) => pending.saves > 0 && ids.includes(Number(id))),
      );
      return only({
        ...model,
        // Selection only ever covers what is on screen.
        selected: model.selected.filter((id) => ids.includes(id)),
        favourites,
        playing: model.playing !== null && ids.includes(model.playing) ? model.playing : null,
      });
    }
    case "SelectionToggled":
      return only({
        ...model,
        selected: model.selected.includes(msg.id) ? model.selected.filter((id) => id !== msg.id) : [...model.selected, msg.id],
      });
    case "AllSelected":
      return only({ ...model, selected: [...msg.ids] });
    case "SelectionCleared":
      return only({ ...model, selected: [] });
    case "DeleteAsked":
      return only(msg.ids.length === 0 || model.deleting ? model : { ...model, confirm: { ids: msg.ids }, failures: [] });
    case "DeleteCancelled":
      return only(model.deleting ? model : { ...model, confirm: null });
    case "DeleteConfirmed": {
      const first = model.confirm?.ids[0];
      if (!model.confirm || model.deleting || first === undefined) return only(model);
      const ids = model.confirm.ids;
      return [
        { ...model, deleting: { queue: ids, done: 0, total: ids.length }, failures: [] },
        [{ type: "DeleteOne", kind: model.kind, id: first }],
      ];
    }
    case "DeleteProgressed":
      return deleteProgressed(model, msg.id, msg.error);
    case "FavouriteToggled": {
      const saves = (model.favourites[msg.id]?.saves ?? 0) + 1;
      return [
        { ...model, favourites: { ...model.favourites, [msg.id]: { value: msg.value, saves } }, favouriteError: null },
        [{ type: "SetFavourite", kind: model.kind, id: msg.id, value: msg.value }],
      ];
    }
    case "FavouriteSaved": {
      const pending = model.favourites[msg.id];
      const favourites = pending ? { ...model.favourites, [msg.id]: { ...pending, saves: pending.saves - 1 } } : model.favourites;
      return [{ ...model, favourites }, [{ type: "RefreshList", kind: model.kind }]];
    }
    case "FavouriteFailed":
      // Show the server's value again, and say why the click did not stick.
      return [
        { ...model, favourites: withoutKey(model.favourites, msg.id), favouriteError: msg.message },
        [{ type: "RefreshList", kind: model.kind }],
      ];
    case "PlayClicked":
      return only({ ...model, playing: msg.id });
    case "PlayerClosed":
      return only({ ...model, playing: null });
  }
}

/** The API's ZIP downloads; plain GETs, so a link downloads them with the session cookie. */
const ARCHIVE_PATH = "/api/archive" satisfies keyof ApiPaths;
const EXPORT_PATH = "/api/archive/mine" satisfies keyof ApiPaths;
type ArchiveQuery = NonNullable<ApiPaths["/api/archive"]["get"]["parameters"]["query"]>;

const ARCHIVE_KEYS: Partial<Record<GalleryKind, keyof ArchiveQuery>> = { video: "videos", image: "images", audio: "audio", render: "renders" };

/** A ZIP of the chosen items of this gallery, with their metadata.json; null where the archive takes none of this kind. */
export function archiveUrl(kind: GalleryKind, ids: readonly number[]): string | null {
  const key = ARCHIVE_KEYS[kind];
  return key ? `${ARCHIVE_PATH}?${new URLSearchParams([[key, ids.join(",")]]).toString()}` : null;
}

/** Everything the signed-in person owns (images, videos, renders) as one ZIP. */
export function exportUrl(): string {
  return EXPORT_PATH;
}
