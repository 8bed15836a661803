import { useId, useState } from "react";
import { roundForDisplay } from "../../scene/math";
import { type Range, inRange } from "../../scene/types";

/**
 * A number input that commits each valid value as the user types (one undo step per burst, see
 * `burst`) and says what is wrong with an invalid one instead of committing it.
 */
export function NumberField({
  label,
  value,
  range,
  unit,
  step = 0.1,
  onCommit,
  onSettle,
}: {
  label: string;
  value: number;
  range: Range;
  unit?: string;
  step?: number;
  onCommit: (value: number) => void;
  onSettle: () => void;
}) {
  const id = useId();
  const [draft, setDraft] = useState<string | null>(null);
  const text = draft ?? roundForDisplay(value);
  const parsed = text.trim() === "" ? Number.NaN : Number(text);
  const invalid = draft !== null && !inRange(parsed, range);
  const rangeText = `${range.exclusiveMin ? ">" : ""}${range.min} to ${range.max}${unit ? ` ${unit}` : ""}`;
  return (
    <label className="number-field" htmlFor={id}>
      <span>{label}</span>
      <input
        id={id}
        type="number"
        inputMode="decimal"
        step={step}
        min={range.min}
        max={range.max}
        value={text}
        aria-invalid={invalid}
        aria-describedby={invalid ? `${id}-error` : undefined}
        title={`${label}: ${rangeText}`}
        onFocus={() => setDraft((current) => current ?? roundForDisplay(value))}
        onKeyDown={(event) => {
          // Escape gives up an invalid entry and shows the value the scene still has.
          if (event.key === "Escape") setDraft(null);
        }}
        onChange={(event) => {
          const next = event.target.value;
          setDraft(next);
          const number = next.trim() === "" ? Number.NaN : Number(next);
          if (inRange(number, range)) onCommit(number);
        }}
        onBlur={() => {
          // An invalid entry stays on screen with its message rather than silently reverting.
          if (!invalid) setDraft(null);
          onSettle();
        }}
      />
      {invalid ? (
        <small id={`${id}-error`} className="field-error" role="alert">
          {rangeText}
        </small>
      ) : null}
    </label>
  );
}
