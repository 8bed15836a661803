/**
 * The selected object's joints: what holds it, each joint's settings (axis, limits, motor, length,
 * spring), deleting one, and adding one to another object or the world.
 */
import { type JointChanges, jointsOf } from "../../scene/edit";
import { jointFrames, jointLength, springCoefficients } from "../../scene/joints";
import { degrees, radians } from "../../scene/math";
import {
  DEFAULT_MOTOR_FORCE,
  JOINT_TYPES,
  type Joint,
  type JointType,
  LIMITS,
  type Range,
  type Scene,
  type Vec3,
} from "../../scene/types";
import { type Model, type Msg, jointAddProblem, jointTarget, scene as sceneOf } from "./editor";
import { NumberField } from "./NumberField";

const AXES: { label: string; axis: Vec3 }[] = [
  { label: "X", axis: { x: 1, y: 0, z: 0 } },
  { label: "Y", axis: { x: 0, y: 1, z: 0 } },
  { label: "Z", axis: { x: 0, y: 0, z: 1 } },
];
const ANGLE_LIMIT: Range = { min: -360, max: 360 };
const MOTOR_FORCE: Range = { min: 0, max: 1e6, exclusiveMin: true };

function axisLabel(joint: Joint): string {
  const axis = joint.axis ?? (joint.type === "prismatic" ? AXES[0]?.axis : AXES[2]?.axis);
  const match = AXES.find((a) => axis && a.axis.x === axis.x && a.axis.y === axis.y && a.axis.z === axis.z);
  return match?.label ?? "custom";
}

/** The settings of one joint that its type uses. */
function JointSettings({ joint, scene, dispatch }: { joint: Joint; scene: Scene; dispatch: (msg: Msg) => void }) {
  const change = (changes: JointChanges, field: string | null = null) =>
    dispatch({ type: "JointEdited", id: joint.id, changes, burst: field === null ? null : `joint:${joint.id}:${field}` });
  const settle = () => dispatch({ type: "EditSettled" });
  const frames = jointFrames(joint, scene);
  const angular = joint.type === "revolute";
  const toUi = (v: number) => (angular ? degrees(v) : v);
  const fromUi = (v: number) => (angular ? radians(v) : v);
  const unit = angular ? "degrees" : "m";
  if (joint.type === "revolute" || joint.type === "prismatic") {
    const limits = joint.limits;
    return (
      <div className="joint-settings">
        <label className="field">
          <span>{angular ? "Hinge axis" : "Slide axis"} (in {joint.bodyA}'s frame)</span>
          <select
            value={axisLabel(joint)}
            onChange={(e) => change({ axis: AXES.find((a) => a.label === e.target.value)?.axis })}
          >
            {AXES.map((a) => (
              <option key={a.label} value={a.label}>
                {a.label}
              </option>
            ))}
            {axisLabel(joint) === "custom" ? <option value="custom">custom</option> : null}
          </select>
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={limits !== undefined}
            onChange={(e) => change({ limits: e.target.checked ? (angular ? [-Math.PI / 4, Math.PI / 4] : [-0.5, 0.5]) : undefined })}
          />{" "}
          Limits
        </label>
        {limits ? (
          <div className="vector">
            <NumberField
              label={`Lowest (${unit})`}
              value={toUi(limits[0])}
              range={angular ? { ...ANGLE_LIMIT, max: degrees(limits[1]) } : { ...LIMITS.jointLimit, max: limits[1] }}
              unit={unit}
              onCommit={(v) => change({ limits: [fromUi(v), limits[1]] }, "limit-min")}
              onSettle={settle}
            />
            <NumberField
              label={`Highest (${unit})`}
              value={toUi(limits[1])}
              range={angular ? { ...ANGLE_LIMIT, min: degrees(limits[0]) } : { ...LIMITS.jointLimit, min: limits[0] }}
              unit={unit}
              onCommit={(v) => change({ limits: [limits[0], fromUi(v)] }, "limit-max")}
              onSettle={settle}
            />
          </div>
        ) : null}
        <label className="check">
          <input
            type="checkbox"
            checked={joint.motor !== undefined}
            onChange={(e) => change({ motor: e.target.checked ? { targetVelocity: 1, maxForce: DEFAULT_MOTOR_FORCE } : undefined })}
          />{" "}
          Motor
        </label>
        {joint.motor ? (
          <div className="vector">
            <NumberField
              label={angular ? "Speed (rad/s)" : "Speed (m/s)"}
              value={joint.motor.targetVelocity}
              range={LIMITS.velocity}
              onCommit={(v) => joint.motor && change({ motor: { ...joint.motor, targetVelocity: v } }, "motor-speed")}
              onSettle={settle}
            />
            <NumberField
              label={angular ? "Max torque (N·m)" : "Max force (N)"}
              value={joint.motor.maxForce}
              range={MOTOR_FORCE}
              step={10}
              onCommit={(v) => joint.motor && change({ motor: { ...joint.motor, maxForce: v } }, "motor-force")}
              onSettle={settle}
            />
          </div>
        ) : null}
      </div>
    );
  }
  if (joint.type === "rope" || joint.type === "spring") {
    const { stiffness, damping } = springCoefficients(joint);
    return (
      <div className="joint-settings">
        <NumberField
          label={joint.type === "rope" ? "Rope length (m)" : "Rest length (m)"}
          value={frames ? jointLength(joint, frames) : (joint.length ?? 1)}
          range={LIMITS.jointLength}
          unit="m"
          onCommit={(v) => change({ length: v }, "length")}
          onSettle={settle}
        />
        {joint.type === "spring" ? (
          <>
            <NumberField
              label="Stiffness (N/m)"
              value={stiffness}
              range={LIMITS.springCoefficient}
              step={10}
              onCommit={(v) => change({ stiffness: v }, "stiffness")}
              onSettle={settle}
            />
            <NumberField
              label="Damping (N·s/m)"
              value={damping}
              range={LIMITS.springCoefficient}
              onCommit={(v) => change({ damping: v }, "damping")}
              onSettle={settle}
            />
          </>
        ) : null}
      </div>
    );
  }
  return null;
}

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
              <div className="joint-row">
                <span>{describe(joint, id)}</span>
                <button
                  type="button"
                  className="small"
                  aria-label={`Delete joint ${joint.id}`}
                  onClick={() => dispatch({ type: "JointDeleted", id: joint.id })}
                >
                  Delete
                </button>
              </div>
              <JointSettings joint={joint} scene={scene} dispatch={dispatch} />
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
