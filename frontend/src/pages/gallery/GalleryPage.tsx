import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useMemo, useReducer, useRef, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { describeError } from "../../api/errors";
import type { GenerationStatus } from "../../api/types";
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
  filtersToParams,
  init,
  isFiltered,
  listQuery,
  noFilters,
  pageCount,
  parseFilters,
  update,
  withFilter,
  type Filters,
} from "./gallery";

const STATUS_OPTIONS: { value: GenerationStatus; label: string }[] = [
  { value: "processing", label: "Processing" },
  { value: "completed", label: "Completed" },
  { value: "failed", label: "Failed" },
  { value: "canceled", label: "Canceled" },
];

export function GalleryPage({ kind }: { kind: MediaKind }) {
  const title = kind === "video" ? "Video gallery" : "Image gallery";
  usePageTitle(title);
  const [params, setParams] = useSearchParams();
  const filters = parseFilters(params);
  const query = listQuery(filters);
  const queryClient = useQueryClient();
  const [model, dispatch] = useReducer(update, init);
  const [playing, setPlaying] = useState<MediaItem | null>(null);

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
    dispatch({ type: "PageShown", ids: items.map((i) => i.id) });
  }, [items]);

  function go(next: Filters) {
    setParams(filtersToParams(next));
  }

  const favorite = useMutation({
    mutationFn: ({ id, value }: { id: number; value: boolean }) => setFavorite(kind, id, value),
    onMutate: ({ id, value }) => {
      const key = mediaKeys.list(kind, query);
      const before = queryClient.getQueryData<{ items: MediaItem[]; total: number }>(key);
      if (before) {
        queryClient.setQueryData(key, { ...before, items: before.items.map((i) => (i.id === id ? { ...i, favorite: value } : i)) });
      }
      return { key, before };
    },
    onError: (_error, _vars, context) => {
      if (context?.before) queryClient.setQueryData(context.key, context.before);
    },
    onSettled: () => void queryClient.invalidateQueries({ queryKey: mediaKeys.all(kind) }),
  });

  async function deleteConfirmed() {
    const ids = model.confirm?.ids ?? [];
    dispatch({ type: "DeleteStarted" });
    for (const id of ids) {
      try {
        await deleteItem(kind, id);
        queryClient.removeQueries({ queryKey: mediaKeys.item(kind, id) });
        dispatch({ type: "DeleteProgressed", id, error: null });
      } catch (error) {
        dispatch({ type: "DeleteProgressed", id, error: describeError(error) });
      }
    }
    dispatch({ type: "DeleteFinished" });
    await queryClient.invalidateQueries({ queryKey: mediaKeys.all(kind) });
  }

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

      <FilterBar kind={kind} filters={filters} modelOptions={modelOptions} onChange={go} />

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

      {favorite.isError ? (
        <p className="error" role="alert">
          Could not change the favourite: {describeError(favorite.error)}
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
            selected={model.selected.includes(item.id)}
            onToggleSelected={() => dispatch({ type: "SelectionToggled", id: item.id })}
            onFavorite={() => favorite.mutate({ id: item.id, value: !item.favorite })}
            onDelete={() => dispatch({ type: "DeleteAsked", ids: [item.id] })}
            onPlay={() => setPlaying(item)}
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
        onConfirm={() => void deleteConfirmed()}
      >
        <p>{confirmCount === 1 ? "It is" : "They are"} removed with their files for good.</p>
      </ConfirmDialog>
      {playing ? <PlayerDialog item={playing} onClose={() => setPlaying(null)} /> : null}
    </div>
  );
}

function FilterBar({
  kind,
  filters,
  modelOptions,
  onChange,
}: {
  kind: MediaKind;
  filters: Filters;
  modelOptions: string[];
  onChange: (next: Filters) => void;
}) {
  const [draft, setDraft] = useState(filters.q);
  const latest = useRef({ filters, onChange });
  latest.current = { filters, onChange };
  // Follow the URL when it changes from outside (back button, "Clear filters").
  useEffect(() => setDraft(filters.q), [filters.q]);
  useEffect(() => {
    if (draft.trim() === latest.current.filters.q.trim()) return;
    const timer = window.setTimeout(() => latest.current.onChange(withFilter(latest.current.filters, { q: draft })), 400);
    return () => window.clearTimeout(timer);
  }, [draft]);

  return (
    <form
      className="filters card"
      role="search"
      aria-label={`Filter ${kind}s`}
      onSubmit={(event) => {
        event.preventDefault();
        onChange(withFilter(filters, { q: draft }));
      }}
    >
      <label className="field grow">
        <span>Search prompts</span>
        <input type="search" value={draft} onChange={(e) => setDraft(e.target.value)} placeholder="words in the prompt" />
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
  selected,
  onToggleSelected,
  onFavorite,
  onDelete,
  onPlay,
}: {
  item: MediaItem;
  selected: boolean;
  onToggleSelected: () => void;
  onFavorite: () => void;
  onDelete: () => void;
  onPlay: () => void;
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
          <input type="checkbox" id={checkboxId} checked={selected} onChange={onToggleSelected} aria-label={`Select ${item.kind} #${item.id}`} />
          <StatusBadge status={item.status} />
          <button
            type="button"
            className="icon"
            aria-pressed={item.favorite === true}
            aria-label={`Favourite ${item.kind} #${item.id}`}
            onClick={onFavorite}
          >
            {item.favorite ? "★" : "☆"}
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
            <button type="button" onClick={onPlay} aria-label={`Play video #${item.id}`}>
              Play
            </button>
          ) : null}
          <button type="button" className="danger" onClick={onDelete} aria-label={`Delete ${item.kind} #${item.id}`}>
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
