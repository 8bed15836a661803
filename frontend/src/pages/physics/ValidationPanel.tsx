/** What `/api/validate` says about the scene being edited, refreshed as the user edits. */
import type { Model, Msg } from "./editor";

export function ValidationPanel({ model, dispatch }: { model: Model; dispatch: (msg: Msg) => void }) {
  const validation = model.validation;
  const stale = validation.kind !== "idle" && validation.scene !== model.history.present;
  return (
    <section className="panel-section" aria-labelledby="validation-title">
      <h2 id="validation-title">Validation</h2>
      <div role="status" aria-live="polite" data-testid="validation-status">
        {validation.kind === "idle" ? <p className="hint">The scene is checked as you edit it.</p> : null}
        {validation.kind === "checking" || stale ? (
          <p className="hint">
            <span className="spinner small" aria-hidden="true" /> Checking the scene…
          </p>
        ) : null}
        {validation.kind === "failed" && !stale ? (
          <p className="error">Could not check the scene: {validation.message}</p>
        ) : null}
        {validation.kind === "checked" && !stale ? (
          <>
            <p className={validation.report.valid ? "ok" : "error"}>{validation.report.valid ? "✓ " : "✕ "}
              {validation.report.errors.length === 0 && validation.report.warnings.length === 0
                ? validation.report.message
                : validation.report.valid
                  ? "Valid, with warnings:"
                  : "Not valid:"}
            </p>
            {validation.report.errors.length + validation.report.warnings.length > 0 ? (
              <ul className="findings">
                {[...validation.report.errors, ...validation.report.warnings].map((finding, index) => (
                  <li key={`${finding.severity}-${index}`} className={`finding-${finding.severity}`}>
                    <span className="visually-hidden">{finding.severity}: </span>
                    {finding.message}
                    {finding.objects[0] !== undefined ? (
                      <button
                        type="button"
                        className="link"
                        onClick={() => dispatch({ type: "Selected", id: finding.objects[0] ?? null })}
                      >
                        select {finding.objects[0]}
                      </button>
                    ) : null}
                  </li>
                ))}
              </ul>
            ) : null}
          </>
        ) : null}
      </div>
    </section>
  );
}
