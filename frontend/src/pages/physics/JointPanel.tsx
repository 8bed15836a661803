/** The selected object's joints: what holds it, deleting one, and adding one to another object or the world. */
import { jointsOf } from "../../scene/edit";
import { JOINT_TYPES, type Joint, type JointType, type Scene } from "../../scene/types";
import { type Model, type Msg, jointAddProblem, jointTarget, scene as sceneOf } from "./editor";

export const JOINT_LABELS: Record<JointType, string> = {
  fixed: "Fixed (weld)",
  revolute: "Hinge (revolute)",
  spherical: "Ball joint (spherical)",
  prismatic: "Slider (prismatic)",
  rope: "Rope (max length)",
  spring: "Spring",
};

function describe(joint: Joint, id: string): string {
  const other = joint.bodyA === id ? joint.bodyB : joint.bodyA;
  return `${JOINT_LABELS[joint.type]} to ${other === null ? "the world" : other}`;
}

export function JointPanel({ model, dispatch }: { model: Model; dispatch: (msg: Msg) => void }) {
  const scene: Scene = sceneOf(model);
  const id = model.selection;
  const total = Object.keys(scene.joints ?? {}).length;
  if (id === null || !(id in scene.objects)) {
    return (
      <p className="hint">
        {total === 0 ? "No joints yet." : `${total} joint${total === 1 ? "" : "s"} in the scene.`} Select an object to
        attach it to another object or to the world.
      </p>
    );
  }
  const joints = jointsOf(scene, id);
  const others = Object.keys(scene.objects).filter((other) => other !== id);
  const problem = jointAddProblem(model);
  const target = jointTarget(model);
  return (
    <div className="joint-panel" role="group" aria-label={`Joints of ${id}`}>
      {joints.length === 0 ? (
        <p className="hint">Nothing holds {id}.</p>
      ) : (
        <ul className="joint-list">
          {joints.map((joint) => (
            <li key={joint.id} data-joint-id={joint.id}>
              <span>{describe(joint, id)}</span>
              <button
                type="button"
                className="small"
                aria-label={`Delete joint ${joint.id}`}
                onClick={() => dispatch({ type: "JointDeleted", id: joint.id })}
              >
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        className="joint-add"
        onSubmit={(event) => {
          event.preventDefault();
          dispatch({ type: "JointAdded" });
        }}
      >
        <label className="field">
          <span>Joint type</span>
          <select
            value={model.jointDraft.type}
            onChange={(e) => dispatch({ type: "JointDraftChanged", draft: { type: e.target.value as JointType } })}
          >
            {JOINT_TYPES.map((type) => (
              <option key={type} value={type}>
                {JOINT_LABELS[type]}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Attach to</span>
          <select
            value={target ?? ""}
            onChange={(e) => dispatch({ type: "JointDraftChanged", draft: { to: e.target.value === "" ? null : e.target.value } })}
          >
            <option value="">The world (a fixed point)</option>
            {others.map((other) => (
              <option key={other} value={other}>
                {other}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={problem !== null} title={problem ?? undefined}>
          Add joint
        </button>
      </form>
    </div>
  );
}
