/** "Newer / 1–20 of 57 / Older" for a list paged by offset; hidden when everything fits on one page. */
export function OffsetPager({
  label,
  offset,
  pageSize,
  total,
  onChange,
}: {
  label: string;
  offset: number;
  pageSize: number;
  total: number;
  onChange: (offset: number) => void;
}) {
  if (total <= pageSize) return null;
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" disabled={offset === 0} onClick={() => onChange(Math.max(offset - pageSize, 0))}>
        Newer
      </button>
      <span>
        {offset + 1}–{Math.min(offset + pageSize, total)} of {total}
      </span>
      <button type="button" disabled={offset + pageSize >= total} onClick={() => onChange(offset + pageSize)}>
        Older
      </button>
    </nav>
  );
}
