/** Name, save, new, open, export and import of the scene being edited. */
import { useRef } from "react";
import { Link } from "react-router";
import { type Model, type Msg, hasUnsavedChanges } from "./editor";

export function DocumentPanel({ model, dispatch }: { model: Model; dispatch: (msg: Msg) => void }) {
  const fileInput = useRef<HTMLInputElement>(null);
  const unsaved = hasUnsavedChanges(model);
  return (
    <section className="panel-section" aria-labelledby="document-title">
      <h2 id="document-title">Scene</h2>
      <form
        className="save-form"
        onSubmit={(event) => {
          event.preventDefault();
          dispatch({ type: "SaveSubmitted" });
        }}
      >
        <label className="field">
          <span>Name</span>
          <input
            value={model.document.name}
            maxLength={200}
            placeholder="e.g. Domino run"
            onChange={(e) => dispatch({ type: "NameChanged", value: e.target.value })}
          />
        </label>
        <button type="submit" className="primary" disabled={model.save.kind === "busy"}>
          {model.save.kind === "busy" ? "Saving…" : model.document.id === null ? "Save" : "Save changes"}
        </button>
      </form>
      <p className="hint" aria-live="polite">
        {model.document.id === null ? "Not saved yet." : `Saved scene #${model.document.id}.`}
        {unsaved && model.document.id !== null ? " Unsaved changes." : null}
      </p>
      {model.save.kind === "failed" ? (
        <p className="error" role="alert">
          {model.save.message}
        </p>
      ) : null}
      {model.save.kind === "done" ? (
        <p className="ok" role="status">
          {model.save.message}
        </p>
      ) : null}
      <div className="button-row">
        <button type="button" onClick={() => dispatch({ type: "NewScene" })}>
          New
        </button>
        <Link className="button-link" to="/scenes">
          Open…
        </Link>
        <button type="button" onClick={() => dispatch({ type: "ExportClicked" })} disabled={Object.keys(model.history.present.objects).length === 0}>
          Export JSON
        </button>
        <button type="button" onClick={() => fileInput.current?.click()}>
          Import JSON
        </button>
        <input
          ref={fileInput}
          type="file"
          accept="application/json,.json"
          className="visually-hidden"
          aria-label="Import a scene from a JSON file"
          tabIndex={-1}
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) dispatch({ type: "ImportChosen", file });
            e.target.value = "";
          }}
        />
      </div>
    </section>
  );
}
