import { useQuery } from "@tanstack/react-query";
import { describeError } from "../../api/errors";
import { listItems, mediaKeys } from "../../media/api";
import type { FormSource, SourceKind } from "./form";

const NOUN: Record<SourceKind, string> = { image: "image", video: "video", audio: "audio clip" };
const TITLE: Record<SourceKind, string> = { image: "Image", video: "Video", audio: "Audio" };

/** The gallery item used for a media input, or a list of the person's finished ones to pick from. */
export function SourcePicker({
  field,
  title,
  kind,
  source,
  disabled,
  onPick,
  onClear,
}: {
  field: string;
  title: string;
  kind: SourceKind;
  source: FormSource | null;
  disabled: boolean;
  onPick: (source: FormSource) => void;
  onClear: () => void;
}) {
  const query = { status: "completed", limit: 24, offset: 0 };
  const items = useQuery({
    queryKey: mediaKeys.list(kind, query),
    queryFn: () => listItems(kind, query),
    staleTime: 30_000,
    enabled: source?.field !== field,
  });
  if (source?.field === field) {
    return (
      <div className="source-picker" data-testid={`source-${field}`}>
        {source.preview ? <img className="uri-preview" src={source.preview} alt={`Preview of ${title}`} /> : null}
        <p className="hint">
          Using <strong>{source.label}</strong> from your gallery.
        </p>
        <button type="button" onClick={onClear} disabled={disabled}>
          Use another file
        </button>
      </div>
    );
  }
  const usable = (items.data?.items ?? []).filter((i) => i.media_url && !i.text_output);
  return (
    <div className="source-picker">
      <label className="field">
        <span className="hint">Or pick one of your {NOUN[kind]}s</span>
        <select
          aria-label={`Pick ${title} from your gallery`}
          value=""
          disabled={disabled || usable.length === 0}
          onChange={(e) => {
            const item = usable.find((i) => String(i.id) === e.target.value);
            if (!item) return;
            onPick({
              field,
              kind,
              id: item.id,
              label: `${TITLE[kind]} #${item.id}`,
              preview: kind === "image" ? item.media_url : item.thumbnail_url,
            });
          }}
        >
          <option value="">
            {items.isPending ? "Loading…" : items.isError ? `Could not load: ${describeError(items.error)}` : usable.length === 0 ? `No finished ${NOUN[kind]}s yet` : "Choose…"}
          </option>
          {usable.map((item) => (
            <option key={item.id} value={item.id}>
              {TITLE[kind]} #{item.id}
              {item.prompt ? `: ${item.prompt.slice(0, 60)}` : ""}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
