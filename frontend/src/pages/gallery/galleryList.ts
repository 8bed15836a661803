/** The gallery's list request, shared by the page and the app's start-up (which sends it early). */
import type { QueryClient } from "@tanstack/react-query";
import { listItems, mediaKeys } from "../../media/api";
import { listRenders } from "../../scene/sceneApi";
import { cardOfItem, cardOfRender, listQuery, parseFilters, parseKind, type Card, type Filters, type GalleryKind } from "./gallery";

/** The simulation pages' key for renders: their lists and this one refresh together. */
export const RENDERS_KEY = ["simulation-renders"] as const;

/** How long a list fetched at start-up counts as fresh: the page that mounts a moment later uses it
 * instead of asking again. Polling, invalidation and refetch on focus are unchanged. */
export const LIST_FRESH_MS = 5_000;

export function galleryListKey(kind: GalleryKind, filters: Filters) {
  const query = listQuery(filters);
  return kind === "render" ? [...RENDERS_KEY, "gallery", query.offset] : mediaKeys.list(kind, query);
}

export async function listCards(kind: GalleryKind, filters: Filters): Promise<{ cards: Card[]; total: number }> {
  const query = listQuery(filters);
  if (kind === "render") {
    const page = await listRenders(query.limit ?? 24, query.offset ?? 0);
    return { cards: page.renders.map(cardOfRender), total: page.total };
  }
  const page = await listItems(kind, query);
  return { cards: page.items.map(cardOfItem), total: page.total };
}

/** The gallery kind a page path shows (`/gallery`, `/image-gallery`), or null for another page. */
export function galleryPathKind(pathname: string): GalleryKind | null {
  const path = pathname.replace(/\/+$/, "");
  if (path === "/gallery") return "video";
  if (path === "/image-gallery") return "image";
  return null;
}

/** On a gallery page, start its list request now, alongside the session check, instead of after it. */
export function prefetchGalleryList(client: QueryClient, pathname: string, search: string): boolean {
  const pathKind = galleryPathKind(pathname);
  if (pathKind === null) return false;
  const params = new URLSearchParams(search);
  const kind = parseKind(params, pathKind);
  const filters = parseFilters(params);
  void client.prefetchQuery({ queryKey: galleryListKey(kind, filters), queryFn: () => listCards(kind, filters), staleTime: LIST_FRESH_MS });
  return true;
}
