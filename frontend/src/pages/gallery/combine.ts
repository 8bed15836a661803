/**
 * "Combine videos" on the gallery: the person picks videos and renders in order (the picks outlive
 * a change of kind filter and, through sessionStorage, a reload of the tab), chooses a transition and an output size, and sends them to
 * POST /api/videos/combine; the new video's page then shows its progress. Model, Msg, Cmd and a
 * pure update; GalleryPage.tsx performs the commands.
 */
import type { CombineItem, CombineRequest } from "../../api/types";
import { only, type Step } from "../../app/effects";

/** A picked item with what the tray shows of it. */
export type Pick = CombineItem & { label: string; thumbnailUrl: string | null };

export type Transition = CombineRequest["transition"];

export const SIZES: readonly { key: string; label: string; width?: number; height?: number }[] = [
  { key: "first", label: "Same as the first video" },
  { key: "1920x1080", label: "1920 × 1080 (landscape HD)", width: 1920, height: 1080 },
  { key: "1280x720", label: "1280 × 720 (landscape)", width: 1280, height: 720 },
  { key: "854x480", label: "854 × 480 (small)", width: 854, height: 480 },
  { key: "720x1280", label: "720 × 1280 (portrait)", width: 720, height: 1280 },
  { key: "720x720", label: "720 × 720 (square)", width: 720, height: 720 },
];

export const MIN_ITEMS = 2;

export type Model = {
  picks: readonly Pick[];
  open: boolean;
  transition: Transition;
  size: string;
  submit: { kind: "idle" } | { kind: "submitting" } | { kind: "failed"; message: string };
};

export type Msg =
  | { type: "PickToggled"; pick: Pick }
  | { type: "PickMoved"; index: number; by: -1 | 1 }
  | { type: "PickRemoved"; index: number }
  | { type: "PicksCleared" }
  | { type: "DialogOpened" }
  | { type: "DialogClosed" }
  | { type: "TransitionChosen"; value: Transition }
  | { type: "SizeChosen"; key: string }
  | { type: "Submitted" }
  | { type: "Started"; id: number }
  | { type: "Failed"; message: string };

export type Cmd =
  | { type: "Combine"; request: CombineRequest }
  /** The new video exists: lists must show it, and its page shows the progress. */
  | { type: "OpenVideo"; id: number };

export const init: Model = { picks: [], open: false, transition: "cut", size: "first", submit: { kind: "idle" } };

/** Where the ordered picks are kept for this tab, so a reload does not lose them. */
export const PICKS_KEY = "simpoc.combine.picks";

/** The storage calls the picks need (sessionStorage in the page, a fake in tests). */
export type PickStore = { getItem(key: string): string | null; setItem(key: string, value: string): void; removeItem(key: string): void };

function isPick(value: unknown): value is Pick {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    (v.kind === "video" || v.kind === "render") &&
    typeof v.id === "number" &&
    Number.isInteger(v.id) &&
    v.id > 0 &&
    typeof v.label === "string" &&
    (v.thumbnailUrl === null || typeof v.thumbnailUrl === "string")
  );
}

/** The picks saved in this tab, in order; anything unreadable or malformed counts as none. */
export function loadPicks(store: PickStore): Pick[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(store.getItem(PICKS_KEY) ?? "[]");
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const picks: Pick[] = [];
  for (const value of parsed) {
    if (isPick(value) && !picks.some((p) => p.kind === value.kind && p.id === value.id)) {
      picks.push({ kind: value.kind, id: value.id, label: value.label, thumbnailUrl: value.thumbnailUrl });
    }
  }
  return picks;
}

/** Keeps the picks for a reload; none left removes the key. Storage may be full or refused: the picks then live in memory only. */
export function savePicks(store: PickStore, picks: readonly Pick[]): void {
  try {
    if (picks.length === 0) store.removeItem(PICKS_KEY);
    else store.setItem(PICKS_KEY, JSON.stringify(picks.map(({ kind, id, label, thumbnailUrl }) => ({ kind, id, label, thumbnailUrl }))));
  } catch {
    // Quota or privacy settings: nothing to do, the tray still works until the reload.
  }
}

/** The model at page load: the saved picks, the rest as new. */
export function initFrom(store: PickStore): Model {
  return { ...init, picks: loadPicks(store) };
}

export function isPicked(model: Model, item: CombineItem): boolean {
  return model.picks.some((p) => p.kind === item.kind && p.id === item.id);
}

/** The position (1-based) of an item in the combine, or null. */
export function pickNumber(model: Model, item: CombineItem): number | null {
  const index = model.picks.findIndex((p) => p.kind === item.kind && p.id === item.id);
  return index < 0 ? null : index + 1;
}

export function request(model: Model): CombineRequest {
  const size = SIZES.find((s) => s.key === model.size);
  const body: CombineRequest = { items: model.picks.map(({ kind, id }) => ({ kind, id })), transition: model.transition };
  if (size?.width && size.height) {
    body.width = size.width;
    body.height = size.height;
  }
  return body;
}

function moved<T>(list: readonly T[], index: number, by: -1 | 1): readonly T[] {
  const to = index + by;
  if (index < 0 || index >= list.length || to < 0 || to >= list.length) return list;
  const next = [...list];
  [next[index], next[to]] = [next[to]!, next[index]!];
  return next;
}

export function update(model: Model, msg: Msg): Step<Model, Cmd> {
  const busy = model.submit.kind === "submitting";
  switch (msg.type) {
    case "PickToggled":
      if (busy) return only(model);
      return only({
        ...model,
        picks: isPicked(model, msg.pick)
          ? model.picks.filter((p) => p.kind !== msg.pick.kind || p.id !== msg.pick.id)
          : [...model.picks, msg.pick],
      });
    case "PickMoved":
      return only(busy ? model : { ...model, picks: moved(model.picks, msg.index, msg.by) });
    case "PickRemoved":
      return only(busy ? model : { ...model, picks: model.picks.filter((_, i) => i !== msg.index) });
    case "PicksCleared":
      return only(busy ? model : { ...model, picks: [], open: false });
    case "DialogOpened":
      return only(model.picks.length < MIN_ITEMS ? model : { ...model, open: true, submit: { kind: "idle" } });
    case "DialogClosed":
      return only(busy ? model : { ...model, open: false });
    case "TransitionChosen":
      return only({ ...model, transition: msg.value });
    case "SizeChosen":
      return only(SIZES.some((s) => s.key === msg.key) ? { ...model, size: msg.key } : model);
    case "Submitted":
      if (busy) return only(model);
      if (model.picks.length < MIN_ITEMS) return only({ ...model, submit: { kind: "failed", message: `Pick at least ${MIN_ITEMS} videos to combine.` } });
      return [{ ...model, submit: { kind: "submitting" } }, [{ type: "Combine", request: request(model) }]];
    case "Started":
      return [{ ...init, transition: model.transition, size: model.size }, [{ type: "OpenVideo", id: msg.id }]];
    case "Failed":
      return only({ ...model, submit: { kind: "failed", message: msg.message } });
  }
}
