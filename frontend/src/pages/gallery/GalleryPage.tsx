import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useMemo, useRef } from "react";
import { Link, useSearchParams } from "react-router";
import type { GenerationStatus } from "../../api/types";
import { attempt, delay, useProgram, type Perform } from "../../app/effects";
import { formatDate } from "../../app/format";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { EmptyState, ErrorBox, Loading } from "../../components/Feedback";
import { MediaView } from "../../components/MediaView";
import { StatusBadge } from "../../components/StatusBadge";
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
  type MediaItem,
  type MediaKind,
} from "../../media/api";
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
  withFilter,
  type Cmd,
  type Filters,
  type Msg,
} from "./gallery";

const STATUS_OPTIONS: { value: GenerationStatus; label: string }[] = [
  { value: "processing", label: "Processing" },
  { value: "completed", label: "Completed" },
  { value: "failed", label: "Failed" },
  { value: "canceled", label: "Canceled" },
];

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

function FilterBar({
  kind,
  filters,
  draft,
  modelOptions,
  dispatch,
}: {
  kind: MediaKind;
  filters: Filters;
  draft: string;
  modelOptions: string[];
  dispatch: (msg: Msg) => void;
}) {
  const onChange = (next: Filters) => dispatch({ type: "FiltersChosen", filters: next });
  return (
    <form
      className="filters card"
      role="search"
      aria-label={`Filter ${kind}s`}
      onSubmit={(event) => {
        event.preventDefault();
        dispatch({ type: "SearchSubmitted" });
      }}
    >
      <label className="field grow">
        <span>Search prompts</span>
        <input type="search" value={draft} onChange={(e) => dispatch({ type: "SearchTyped", value: e.target.value })} placeholder="words in the prompt" />
      </label>
      <label className="field">
        <span>Status</span>
        <select
          value={filters.status ?? ""}
          onChange={(e) => onChange(withFilter(filters, { status: STATUS_OPTIONS.find((o) => o.value === e.target.value)?.value ?? null }))}
        >
          <option value="">Any status</option>
          {STATUS_OPTIONS.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Model</span>
        <select value={filters.model ?? ""} onChange={(e) => onChange(withFilter(filters, { model: e.target.value || null }))}>
          <option value="">Any model</option>
          {modelOptions.map((id) => (
            <option key={id} value={id}>
              {id}
            </option>
          ))}
        </select>
      </label>
      <label className="switch">
        <input type="checkbox" checked={filters.favorite} onChange={(e) => onChange(withFilter(filters, { favorite: e.target.checked }))} />
        <span>Favourites only</span>
      </label>
    </form>
  );
}

function GalleryCard({
  item,
  favorite,
  selected,
  dispatch,
}: {
  item: MediaItem;
  /** The favourite as the person last set it (the list may not have caught up yet). */
  favorite: boolean;
  selected: boolean;
  dispatch: (msg: Msg) => void;
}) {
  const label = item.prompt?.trim() || `${item.kind} #${item.id}`;
  const checkboxId = useId();
  return (
    <li className={`tile${selected ? " selected" : ""}`} data-status={item.status}>
      <Link to={`/${item.kind}/${item.id}`} className="thumb" aria-label={`Open ${item.kind} #${item.id}: ${label}`}>
        {item.thumbnail_url && item.status === "completed" ? (
          <img src={item.thumbnail_url} alt="" loading="lazy" />
        ) : (
          <span className="thumb-placeholder" aria-hidden="true">
            {item.status === "processing" ? <span className="spinner" /> : item.status === "completed" ? "no preview" : item.status}
          </span>
        )}
      </Link>
      <div className="tile-body">
        <div className="tile-row">
          <input type="checkbox" id={checkboxId} checked={selected} onChange={() => dispatch({ type: "SelectionToggled", id: item.id })} aria-label={`Select ${item.kind} #${item.id}`} />
          <StatusBadge status={item.status} />
          <button
            type="button"
            className="icon"
            aria-pressed={favorite}
            aria-label={`Favourite ${item.kind} #${item.id}`}
            onClick={() => dispatch({ type: "FavouriteToggled", id: item.id, value: !favorite })}
          >
            {favorite ? "★" : "☆"}
          </button>
        </div>
        <p className="tile-prompt" title={label}>
          {label}
        </p>
        <p className="hint tile-meta" title={item.model_id}>
          {item.model_id}
        </p>
        <p className="hint tile-meta">
          <time dateTime={item.created_at}>{formatDate(item.created_at)}</time>
        </p>
        <div className="tile-row">
          {item.kind === "video" && item.status === "completed" && item.media_url ? (
            <button type="button" onClick={() => dispatch({ type: "PlayClicked", id: item.id })} aria-label={`Play video #${item.id}`}>
              Play
            </button>
          ) : null}
          <button type="button" className="danger" onClick={() => dispatch({ type: "DeleteAsked", ids: [item.id] })} aria-label={`Delete ${item.kind} #${item.id}`}>
            Delete
          </button>
        </div>
      </div>
    </li>
  );
}

function PlayerDialog({ item, onClose }: { item: MediaItem; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  return (
    <dialog ref={ref} className="dialog wide" aria-labelledby={titleId} onClose={onClose}>
      <h2 id={titleId}>Video #{item.id}</h2>
      <MediaView item={item} />
      <p className="hint">{item.prompt}</p>
      <div className="dialog-actions">
        <Link className="button" to={`/video/${item.id}`}>
          Open the video page
        </Link>
        <button type="button" onClick={() => ref.current?.close()}>
          Close
        </button>
      </div>
    </dialog>
  );
}
