import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, type ReactNode } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { attempt, delay, useProgram, type Perform } from "../../app/effects";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { EmptyState, ErrorBox, Loading } from "../../components/Feedback";
import { usePageTitle } from "../../components/usePageTitle";
import {
  ageMs,
  combineVideos,
  COLLECTIONS,
  deleteItem,
  isHidden,
  listModels,
  mediaKeys,
  pollInterval,
  setFavorite,
} from "../../media/api";
import { renderKey } from "../../scene/renderPolling";
import { deleteRender } from "../../scene/sceneApi";
import * as combine from "./combine";
import { CombineTray } from "./CombineTray";
import { FilterBar } from "./FilterBar";
import { GalleryCard, PlayerDialog } from "./GalleryCard";
import { galleryListKey, LIST_FRESH_MS, listCards, RENDERS_KEY } from "./galleryList";
import {
  archiveUrl,
  exportUrl,
  favouriteShown,
  filtersToParams,
  GALLERY_KINDS,
  init,
  isFiltered,
  kindInfo,
  kindPath,
  noFilters,
  pageCount,
  parseFilters,
  parseKind,
  SEARCH_DELAY_MS,
  update,
  type Card,
  type Cmd,
  type Filters,
  type GalleryKind,
  type Msg,
} from "./gallery";

/** The first cards' thumbnails load at once (the first rows on a desktop screen); the rest when
 * scrolled near, so a long page does not fetch and decode what nobody looks at. */
const EAGER_THUMBNAILS = 12;

/** Where each generation family is generated. */
const GENERATE: Partial<Record<GalleryKind, { path: string; label: string }>> = {
  video: { path: "/videos", label: "Generate a video" },
  image: { path: "/images", label: "Generate an image" },
  audio: { path: "/audio", label: "Generate audio" },
  render: { path: "/physics", label: "Make a simulation" },
};

/** One Gallery; `kind` is the path's kind (`/image-gallery`), `?kind=` picks another. */
export function GalleryPage({ kind: pathKind }: { kind: GalleryKind }) {
  const [params] = useSearchParams();
  const kind = parseKind(params, pathKind);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  // The combine picks outlive a change of kind (videos and renders are picked on two lists) and a reload.
  const performCombine: Perform<combine.Cmd, combine.Msg> = (cmd) => {
    switch (cmd.type) {
      case "Combine":
        return attempt(
          () => combineVideos(cmd.request),
          (id): combine.Msg => ({ type: "Started", id }),
          (message): combine.Msg => ({ type: "Failed", message }),
        );
      case "OpenVideo":
        void queryClient.invalidateQueries({ queryKey: mediaKeys.all("video") });
        navigate(`/video/${cmd.id}`);
        return;
    }
  };
  const [picks, dispatchCombine] = useProgram(() => combine.initFrom(sessionStorage), combine.update, performCombine);
  // The ordered picks survive a reload of this tab (sessionStorage), and go when combined or cleared.
  useEffect(() => combine.savePicks(sessionStorage, picks.picks), [picks.picks]);
  return (
    <div className="page gallery">
      {/* Keyed: each kind is its own list, with its own model. */}
      <Gallery key={kind} kind={kind} pathKind={pathKind} picks={picks} dispatchCombine={dispatchCombine}>
        <nav className="segmented kind-filter" aria-label="Kind">
          {GALLERY_KINDS.map((k) => (
            <Link key={k.kind} className="button" to={kindPath(k.kind)} aria-current={k.kind === kind ? "page" : undefined}>
              {k.label}
            </Link>
          ))}
        </nav>
        <CombineTray model={picks} dispatch={dispatchCombine} />
      </Gallery>
    </div>
  );
}

function Gallery({
  kind,
  pathKind,
  picks,
  dispatchCombine,
  children,
}: {
  kind: GalleryKind;
  pathKind: GalleryKind;
  picks: combine.Model;
  dispatchCombine: (msg: combine.Msg) => void;
  /** The kind filter and the combine tray, shown under the heading (they outlive this kind's list). */
  children: ReactNode;
}) {
  const info = kindInfo(kind);
  const title = info.title;
  usePageTitle(title);
  const [params, setParams] = useSearchParams();
  const search = params.toString();
  const filters = useMemo(() => parseFilters(new URLSearchParams(search)), [search]);
  const queryClient = useQueryClient();

  const perform: Perform<Cmd, Msg> = (cmd) => {
    switch (cmd.type) {
      case "ShowFilters": {
        const next = filtersToParams(cmd.filters);
        if (kind !== pathKind) next.set("kind", kind);
        setParams(next);
        return;
      }
      case "SearchLater":
        return delay(SEARCH_DELAY_MS).then((): Msg => ({ type: "SearchSettled", seq: cmd.seq }));
      case "DeleteOne":
        return attempt(
          () => (cmd.kind === "render" ? deleteRender(cmd.id) : deleteItem(cmd.kind, cmd.id)),
          (): Msg => ({ type: "DeleteProgressed", id: cmd.id, error: null }),
          (message): Msg => ({ type: "DeleteProgressed", id: cmd.id, error: message }),
        );
      case "Forget":
        queryClient.removeQueries({ queryKey: cmd.kind === "render" ? renderKey(cmd.id) : mediaKeys.item(cmd.kind, cmd.id) });
        return;
      case "SetFavourite": {
        const target = cmd.kind;
        if (target === "render") return;
        return attempt(
          () => setFavorite(target, cmd.id, cmd.value),
          (): Msg => ({ type: "FavouriteSaved", id: cmd.id }),
          (message): Msg => ({ type: "FavouriteFailed", id: cmd.id, message }),
        );
      }
      case "RefreshList":
        void queryClient.invalidateQueries({ queryKey: cmd.kind === "render" ? RENDERS_KEY : mediaKeys.all(cmd.kind) });
        return;
    }
  };
  const [model, dispatch] = useProgram(() => init(kind, filters), update, perform);

  const list = useQuery({
    queryKey: galleryListKey(kind, filters),
    queryFn: () => listCards(kind, filters),
    // The list the app's start-up requested (galleryList.ts) is used, not asked for twice.
    staleTime: LIST_FRESH_MS,
    // Keep showing the current grid while the next page or filter loads: no flash of emptiness.
    placeholderData: keepPreviousData,
    refetchInterval: (q) => {
      const running = q.state.data?.cards.filter((c) => c.status === "processing") ?? [];
      if (running.length === 0) return false;
      const youngest = Math.min(...running.map((c) => ageMs(c.createdAt)));
      return pollInterval("processing", youngest, isHidden());
    },
    refetchIntervalInBackground: true,
  });
  const items = useMemo(() => list.data?.cards ?? [], [list.data]);
  const total = list.data?.total ?? 0;
  const pages = pageCount(total);

  const models = useQuery({
    queryKey: ["models", kind, "all"],
    queryFn: async () => (kind === "render" ? [] : (await Promise.all(COLLECTIONS[kind].map((c) => listModels(c.slug).catch(() => [])))).flat()),
    staleTime: 5 * 60_000,
  });
  const modelOptions = useMemo(() => {
    const ids = new Set((models.data ?? []).map((m) => m.id));
    if (filters.model) ids.add(filters.model);
    return [...ids].sort();
  }, [models.data, filters.model]);

  useEffect(() => {
    dispatch({ type: "FiltersShown", filters });
  }, [filters, dispatch]);
  useEffect(() => {
    dispatch({ type: "PageShown", items: items.map((i) => ({ id: i.id, favorite: i.favorite === true })) });
  }, [items, dispatch]);

  const go = (next: Filters) => dispatch({ type: "FiltersChosen", filters: next });
  const playing = items.find((i) => i.id === model.playing) ?? null;
  const allSelected = items.length > 0 && items.every((i) => model.selected.includes(i.id));
  const confirmCount = model.confirm?.ids.length ?? 0;
  const noun = info.noun;
  const plural = `${noun}s`;
  const generate = GENERATE[kind];
  const archive = model.selected.length > 0 ? archiveUrl(kind, model.selected) : null;
  const combineControl = (card: Card) =>
    (card.kind === "video" || card.kind === "render") && card.status === "completed" && card.mediaUrl && !card.text
      ? {
          number: combine.pickNumber(picks, { kind: card.kind, id: card.id }),
          toggle: () =>
            dispatchCombine({
              type: "PickToggled",
              pick: { kind: card.kind === "render" ? "render" : "video", id: card.id, label: card.label, thumbnailUrl: card.thumbnailUrl },
            }),
        }
      : null;

  return (
    <>
      <div className="gallery-head">
        <h1>{title}</h1>
        {generate ? (
          <Link className="button primary" to={generate.path}>
            {generate.label}
          </Link>
        ) : null}
      </div>
      {children}

      {kind !== "render" ? (
        <FilterBar noun={noun} filters={filters} draft={model.search.draft} modelOptions={modelOptions} dispatch={dispatch} />
      ) : null}

      <div className="bulk-bar" role="toolbar" aria-label="Selection">
        <label className="switch">
          <input
            type="checkbox"
            checked={allSelected}
            disabled={items.length === 0}
            onChange={() => dispatch(allSelected ? { type: "SelectionCleared" } : { type: "AllSelected", ids: items.map((i) => i.id) })}
          />
          <span>Select all on this page</span>
        </label>
        <button
          type="button"
          className="danger"
          disabled={model.selected.length === 0}
          onClick={() => dispatch({ type: "DeleteAsked", ids: model.selected })}
        >
          Delete selected ({model.selected.length})
        </button>
        {archive ? (
          <a className="button" href={archive} download>
            Download selected ({model.selected.length})
          </a>
        ) : (
          <button type="button" disabled title={model.selected.length > 0 ? `Download each ${noun} from its page` : "Select items to download them as one ZIP"}>
            Download selected ({model.selected.length})
          </button>
        )}
        <a className="button" href={exportUrl()} download title="Everything of yours, with prompts and settings, as one ZIP">
          Export everything
        </a>
        <span className="hint" role="status" aria-live="polite">
          {list.data ? `${total} ${total === 1 ? noun : plural}` : ""}
          {list.isFetching && list.data ? " · refreshing…" : ""}
        </span>
      </div>

      {model.favouriteError ? (
        <p className="error" role="alert">
          Could not change the favourite: {model.favouriteError}
        </p>
      ) : null}
      {list.isPending ? <Loading label={`Loading your ${plural}…`} /> : null}
      {list.isError && !list.data ? (
        <ErrorBox
          error={list.error}
          action={
            <button type="button" onClick={() => void list.refetch()}>
              Try again
            </button>
          }
        />
      ) : null}
      {list.data && items.length === 0 ? (
        isFiltered(filters) || filters.page > 1 ? (
          <EmptyState title="Nothing matches these filters">
            <button type="button" onClick={() => go(noFilters)}>
              Clear filters
            </button>
          </EmptyState>
        ) : (
          <EmptyState title={`No ${plural} yet`}>
            <p>
              Your {plural} appear here.{" "}
              {generate ? <Link to={generate.path}>{kind === "render" ? "Make one in the editor" : "Generate one"}</Link> : null}.
            </p>
          </EmptyState>
        )
      ) : null}

      <ul className="grid" aria-label={info.label} aria-busy={list.isFetching}>
        {items.map((card, index) => (
          <GalleryCard
            key={card.id}
            card={card}
            eager={index < EAGER_THUMBNAILS}
            favorite={card.favorite === null ? null : favouriteShown(model, { id: card.id, favorite: card.favorite })}
            selected={model.selected.includes(card.id)}
            combine={combineControl(card)}
            dispatch={dispatch}
          />
        ))}
      </ul>

      {pages > 1 ? (
        <nav className="pagination" aria-label="Pagination">
          <button type="button" disabled={filters.page <= 1} onClick={() => go({ ...filters, page: filters.page - 1 })}>
            Previous page
          </button>
          <span>
            Page {filters.page} of {pages}
          </span>
          <button type="button" disabled={filters.page >= pages} onClick={() => go({ ...filters, page: filters.page + 1 })}>
            Next page
          </button>
        </nav>
      ) : null}

      <ConfirmDialog
        open={model.confirm !== null}
        title={confirmCount === 1 ? `Delete this ${noun}?` : `Delete ${confirmCount} ${plural}?`}
        confirmLabel="Delete"
        busy={model.deleting !== null}
        busyLabel={model.deleting ? `Deleting ${model.deleting.done + 1} of ${model.deleting.total}…` : "Deleting…"}
        error={
          model.failures.length > 0
            ? `${model.failures.length} could not be deleted: ${model.failures.map((f) => `#${f.id}: ${f.message}`).join("; ")}`
            : null
        }
        onCancel={() => dispatch({ type: "DeleteCancelled" })}
        onConfirm={() => dispatch({ type: "DeleteConfirmed" })}
      >
        <p>{confirmCount === 1 ? "It is" : "They are"} removed with their files for good.</p>
      </ConfirmDialog>
      {playing ? <PlayerDialog card={playing} onClose={() => dispatch({ type: "PlayerClosed" })} /> : null}
    </>
  );
}
