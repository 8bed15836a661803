/** The left panel's object list: select, add, duplicate, delete. */
import { type Scene, SHAPES, bodyTypeOf } from "../../scene/types";
import type { Msg } from "./editor";

export function ObjectList({
  scene,
  selection,
  flagged,
  dispatch,
}: {
  scene: Scene;
  selection: string | null;
  /** Objects the validation names, with the most severe finding about them. */
  flagged: Map<string, "error" | "warning">;
  dispatch: (msg: Msg) => void;
}) {
  const objects = Object.values(scene.objects);
  return (
    <section className="panel-section" aria-labelledby="objects-title">
      <h2 id="objects-title">
        Objects <span className="count">{objects.length}</span>
      </h2>
      <div className="button-row" role="group" aria-label="Add an object">
        {SHAPES.map((shape) => (
          <button key={shape} type="button" onClick={() => dispatch({ type: "ObjectAdded", shape })}>
            + {shape}
          </button>
        ))}
      </div>
      {objects.length === 0 ? (
        <p className="hint">No objects yet: generate a scene from a prompt, or add a box, sphere or cylinder.</p>
      ) : (
        <ul className="object-list" aria-label="Objects in the scene">
          {objects.map((object) => {
            const selected = object.id === selection;
            const flag = flagged.get(object.id);
            return (
              <li key={object.id} className={selected ? "selected" : undefined}>
                <button
                  type="button"
                  className="object-name"
                  aria-pressed={selected}
                  onClick={() => dispatch({ type: "Selected", id: selected ? null : object.id })}
                >
                  <span className="swatch" style={{ background: object.visualProperties.color }} aria-hidden="true" />
                  <span className="name">{object.id}</span>
                  <span className="hint">
                    {object.visualProperties.shape}
                    {bodyTypeOf(object) !== "dynamic" ? `, ${bodyTypeOf(object)}` : ""}
                  </span>
                  {flag ? (
                    <span className={`flag flag-${flag}`} title={`The validation reports a ${flag} about ${object.id}`}>
                      {flag === "error" ? "error" : "warning"}
                    </span>
                  ) : null}
                </button>
                <button
                  type="button"
                  className="icon"
                  aria-label={`Duplicate ${object.id}`}
                  title="Duplicate"
                  onClick={() => dispatch({ type: "ObjectDuplicated", id: object.id })}
                >
                  Copy
                </button>
                <button
                  type="button"
                  className="icon danger"
                  aria-label={`Delete ${object.id}`}
                  title="Delete"
                  onClick={() => dispatch({ type: "ObjectDeleted", id: object.id })}
                >
                  ✕
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
