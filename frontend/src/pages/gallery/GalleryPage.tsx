import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo } from "react";
import { Link, useSearchParams } from "react-router";
import { attempt, delay, useProgram, type Perform } from "../../app/effects";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { EmptyState, ErrorBox, Loading } from "../../components/Feedback";
import { usePageTitle } from "../../components/usePageTitle";
import {
  ageMs,
  COLLECTIONS,
  deleteItem,
  isHidden,
  listItems,
  listModels,
  mediaKeys,
  pollInterval,
  setFavorite,
  type MediaKind,
} from "../../media/api";
import { FilterBar } from "./FilterBar";
import { GalleryCard, PlayerDialog } from "./GalleryCard";
import {
  archiveUrl,
  exportUrl,
  favouriteShown,
  filtersToParams,
  init,
  isFiltered,
  listQuery,
  noFilters,
  pageCount,
  parseFilters,
  SEARCH_DELAY_MS,
  update,
  type Cmd,
  type Filters,
  type Msg,
} from "./gallery";

export function GalleryPage({ kind }: { kind: MediaKind }) {
  // Keyed: the video and the image gallery are two pages, each with its own model.
  return <Gallery key={kind} kind={kind} />;
}

function Gallery({ kind }: { kind: MediaKind }) {
  const title = kind === "video" ? "Video gallery" : "Image gallery";
  usePageTitle(title);
  const [params, setParams] = useSearchParams();
  const search = params.toString();
  const filters = useMemo(() => parseFilters(new URLSearchParams(search)), [search]);
  const query = listQuery(filters);
  const queryClient = useQueryClient();

  const perform: Perform<Cmd, Msg> = (cmd) => {
    switch (cmd.type) {
      case "ShowFilters":
        setParams(filtersToParams(cmd.filters));
        return;
      case "SearchLater":
        return delay(SEARCH_DELAY_MS).then((): Msg => ({ type: "SearchSettled", seq: cmd.seq }));
      case "DeleteOne":
        return attempt(
          () => deleteItem(cmd.kind, cmd.id),
          (): Msg => ({ type: "DeleteProgressed", id: cmd.id, error: null }),
          (message): Msg => ({ type: "DeleteProgressed", id: cmd.id, error: message }),
        );
      case "Forget":
        queryClient.removeQueries({ queryKey: mediaKeys.item(cmd.kind, cmd.id) });
        return;
      case "SetFavourite":
        return attempt(
          () => setFavorite(cmd.kind, cmd.id, cmd.value),
          (): Msg => ({ type: "FavouriteSaved", id: cmd.id }),
          (message): Msg => ({ type: "FavouriteFailed", id: cmd.id, message }),
        );
      case "RefreshList":
        void queryClient.invalidateQueries({ queryKey: mediaKeys.all(cmd.kind) });
        return;
    }
  };
  const [model, dispatch] = useProgram(() => init(kind, filters), update, perform);

  const list = useQuery({
    queryKey: mediaKeys.list(kind, query),
    queryFn: () => listItems(kind, query),
    // Keep showing the current grid while the next page or filter loads: no flash of emptiness.
    placeholderData: keepPreviousData,
    refetchInterval: (q) => {
      const running = q.state.data?.items.filter((i) => i.status === "processing") ?? [];
      if (running.length === 0) return false;
      const youngest = Math.min(...running.map((i) => ageMs(i.created_at)));
      return pollInterval("processing", youngest, isHidden());
    },
    refetchIntervalInBackground: true,
  });
  const items = useMemo(() => list.data?.items ?? [], [list.data]);
  const total = list.data?.total ?? 0;
  const pages = pageCount(total);

  const models = useQuery({
    queryKey: ["models", kind, "all"],
    queryFn: async () => (await Promise.all(COLLECTIONS[kind].map((c) => listModels(c.slug)))).flat(),
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

  return (
    <div className="page gallery">
      <div className="gallery-head">
        <h1>{title}</h1>
        <Link className="button primary" to={kind === "video" ? "/videos" : "/images"}>
          {kind === "video" ? "Generate a video" : "Generate an image"}
        </Link>
      </div>

      <FilterBar kind={kind} filters={filters} draft={model.search.draft} modelOptions={modelOptions} dispatch={dispatch} />

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
        {model.selected.length > 0 ? (
          <a className="button" href={archiveUrl(kind, model.selected)} download>
            Download selected ({model.selected.length})
          </a>
        ) : (
          <button type="button" disabled title="Select items to download them as one ZIP">
            Download selected (0)
          </button>
        )}
        <a className="button" href={exportUrl()} download title="Every image, video and render of yours, with their prompts and settings, as one ZIP">
          Export everything
        </a>
        <span className="hint" role="status" aria-live="polite">
          {list.data ? `${total} ${kind === "video" ? "video" : "image"}${total === 1 ? "" : "s"}` : ""}
          {list.isFetching && list.data ? " · refreshing…" : ""}
        </span>
      </div>

      {model.favouriteError ? (
        <p className="error" role="alert">
          Could not change the favourite: {model.favouriteError}
        </p>
      ) : null}
      {list.isPending ? <Loading label={`Loading your ${kind}s…`} /> : null}
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
          <EmptyState title={`No ${kind}s yet`}>
            <p>
              Your generated {kind}s appear here. <Link to={kind === "video" ? "/videos" : "/images"}>Generate one</Link>.
            </p>
          </EmptyState>
        )
      ) : null}

      <ul className="grid" aria-label={`${kind === "video" ? "Videos" : "Images"}`} aria-busy={list.isFetching}>
        {items.map((item) => (
          <GalleryCard
            key={item.id}
            item={item}
            favorite={favouriteShown(model, { id: item.id, favorite: item.favorite === true })}
            selected={model.selected.includes(item.id)}
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
        title={confirmCount === 1 ? `Delete this ${kind}?` : `Delete ${confirmCount} ${kind}s?`}
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
      {playing ? <PlayerDialog item={playing} onClose={() => dispatch({ type: "PlayerClosed" })} /> : null}
    </div>
  );
}
