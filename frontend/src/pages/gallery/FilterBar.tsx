import type { GenerationStatus } from "../../api/types";
import { withFilter, type Filters, type Msg } from "./gallery";

const STATUS_OPTIONS: { value: GenerationStatus; label: string }[] = [
  { value: "processing", label: "Processing" },
  { value: "completed", label: "Completed" },
  { value: "failed", label: "Failed" },
  { value: "canceled", label: "Canceled" },
];

/** Search box and filters; every change goes to the URL through the page's update. */
export function FilterBar({
  noun,
  filters,
  draft,
  modelOptions,
  dispatch,
}: {
  noun: string;
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
      aria-label={`Filter ${noun}s`}
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
