import { ConfirmDialog } from "../../components/ConfirmDialog";
import { MIN_ITEMS, SIZES, type Model, type Msg } from "./combine";

/** The videos and renders picked for "Combine videos", in order, and the dialog that sends them. */
export function CombineTray({ model, dispatch }: { model: Model; dispatch: (msg: Msg) => void }) {
  if (model.picks.length === 0) return null;
  const enough = model.picks.length >= MIN_ITEMS;
  return (
    <section className="card combine-tray" aria-labelledby="combine-title">
      <div className="combine-head">
        <h2 id="combine-title">Combine videos</h2>
        <span className="hint">{enough ? `${model.picks.length} picked, joined in this order` : `Pick at least ${MIN_ITEMS} videos or renders`}</span>
      </div>
      <ol className="combine-list" aria-label="Videos to combine, in order">
        {model.picks.map((pick, index) => (
          <li key={`${pick.kind}-${pick.id}`}>
            {pick.thumbnailUrl ? <img src={pick.thumbnailUrl} alt="" width={40} height={40} /> : <span className="thumb-placeholder small" aria-hidden="true" />}
            <span className="combine-label" title={pick.label}>
              {pick.kind === "render" ? "Render" : "Video"} #{pick.id}: {pick.label}
            </span>
            <button type="button" disabled={index === 0} onClick={() => dispatch({ type: "PickMoved", index, by: -1 })} aria-label={`Move ${pick.kind} #${pick.id} earlier`}>
              ↑
            </button>
            <button
              type="button"
              disabled={index === model.picks.length - 1}
              onClick={() => dispatch({ type: "PickMoved", index, by: 1 })}
              aria-label={`Move ${pick.kind} #${pick.id} later`}
            >
              ↓
            </button>
            <button type="button" onClick={() => dispatch({ type: "PickRemoved", index })} aria-label={`Remove ${pick.kind} #${pick.id} from the combine`}>
              ✕
            </button>
          </li>
        ))}
      </ol>
      <div className="form-actions">
        <button type="button" onClick={() => dispatch({ type: "PicksCleared" })}>
          Clear
        </button>
        <button type="button" className="primary" disabled={!enough} onClick={() => dispatch({ type: "DialogOpened" })}>
          Combine {model.picks.length} videos…
        </button>
      </div>
      <ConfirmDialog
        open={model.open}
        tone="primary"
        title={`Combine ${model.picks.length} videos`}
        confirmLabel="Combine"
        busy={model.submit.kind === "submitting"}
        busyLabel="Starting…"
        error={model.submit.kind === "failed" ? model.submit.message : null}
        onCancel={() => dispatch({ type: "DialogClosed" })}
        onConfirm={() => dispatch({ type: "Submitted" })}
      >
        <label className="field">
          <span>Transition</span>
          <select value={model.transition} onChange={(e) => dispatch({ type: "TransitionChosen", value: e.target.value === "crossfade" ? "crossfade" : "cut" })}>
            <option value="cut">Cut</option>
            <option value="crossfade">Crossfade</option>
          </select>
        </label>
        <label className="field">
          <span>Output size</span>
          <select value={model.size} onChange={(e) => dispatch({ type: "SizeChosen", key: e.target.value })}>
            {SIZES.map((s) => (
              <option key={s.key} value={s.key}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <p className="hint">The new video appears in your gallery; its page shows the progress.</p>
      </ConfirmDialog>
    </section>
  );
}
