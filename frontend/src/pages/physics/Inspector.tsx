/** The right panel: the selected object's transform, physics, looks and description. */
import { degrees, radians } from "../../scene/math";
import {
  BODY_TYPES,
  type BodyType,
  LIMITS,
  type Range,
  type SceneObject,
  SHAPES,
  type Shape,
  type Vec3,
  bodyTypeOf,
} from "../../scene/types";
import type { Msg } from "./editor";
import { NumberField } from "./NumberField";

const ROTATION_DEGREES: Range = { min: -degrees(LIMITS.rotation.max), max: degrees(LIMITS.rotation.max) };
const AXES = ["x", "y", "z"] as const;

const BODY_TYPE_LABELS: Record<BodyType, string> = {
  dynamic: "Dynamic (falls and collides)",
  static: "Static (never moves)",
  kinematic: "Kinematic (moves at its set velocity)",
};

function VectorFields({
  legend,
  value,
  range,
  unit,
  toUi = (v) => v,
  fromUi = (v) => v,
  step,
  onChange,
  onSettle,
}: {
  legend: string;
  value: Vec3;
  range: Range;
  unit: string;
  toUi?: (v: number) => number;
  fromUi?: (v: number) => number;
  step?: number;
  onChange: (value: Vec3) => void;
  onSettle: () => void;
}) {
  return (
    <fieldset className="vector">
      <legend>
        {legend} <span className="hint">({unit})</span>
      </legend>
      {AXES.map((axis) => (
        <NumberField
          key={axis}
          label={`${legend} ${axis.toUpperCase()}`}
          value={toUi(value[axis])}
          range={range}
          unit={unit}
          {...(step !== undefined ? { step } : {})}
          onCommit={(v) => onChange({ ...value, [axis]: fromUi(v) })}
          onSettle={onSettle}
        />
      ))}
    </fieldset>
  );
}

export function Inspector({ object, dispatch }: { object: SceneObject | null; dispatch: (msg: Msg) => void }) {
  if (!object) {
    return (
      <div className="inspector empty">
        <p className="hint">Select an object in the list or click it in the view to edit its properties.</p>
      </div>
    );
  }
  const id = object.id;
  const settle = () => dispatch({ type: "EditSettled" });
  const { transform, physicsProperties: physics, visualProperties: visual } = object;
  const bodyType = bodyTypeOf(object);
  return (
    <div className="inspector" aria-label={`Properties of ${id}`} role="group">
      <h3 className="object-title">{id}</h3>

      <VectorFields
        legend="Position"
        value={transform.position}
        range={LIMITS.position}
        unit="m"
        onChange={(position) =>
          dispatch({ type: "TransformEdited", id, transform: { ...transform, position }, burst: `${id}:position` })
        }
        onSettle={settle}
      />
      <VectorFields
        legend="Rotation"
        value={transform.rotation}
        range={ROTATION_DEGREES}
        unit="degrees"
        step={5}
        toUi={degrees}
        fromUi={radians}
        onChange={(rotation) =>
          dispatch({ type: "TransformEdited", id, transform: { ...transform, rotation }, burst: `${id}:rotation` })
        }
        onSettle={settle}
      />
      <VectorFields
        legend="Size"
        value={transform.scale}
        range={LIMITS.scale}
        unit="m"
        onChange={(scale) =>
          dispatch({ type: "TransformEdited", id, transform: { ...transform, scale }, burst: `${id}:scale` })
        }
        onSettle={settle}
      />
      {visual.shape !== "Box" ? (
        <p className="hint">
          {visual.shape === "Sphere" ? "A sphere's diameter is its X size." : "A cylinder's diameter is its X size, its height its Y size."}
        </p>
      ) : null}

      <fieldset>
        <legend>Physics</legend>
        <label className="field">
          <span>Body type</span>
          <select
            value={bodyType}
            onChange={(e) => dispatch({ type: "BodyTypeEdited", id, bodyType: e.target.value as BodyType })}
          >
            {BODY_TYPES.map((type) => (
              <option key={type} value={type}>
                {BODY_TYPE_LABELS[type]}
              </option>
            ))}
          </select>
        </label>
        <NumberField
          label="Mass"
          value={physics.mass}
          range={LIMITS.mass}
          unit="kg"
          onCommit={(mass) => dispatch({ type: "PhysicsEdited", id, physics: { mass }, burst: `${id}:mass` })}
          onSettle={settle}
        />
        <NumberField
          label="Friction"
          value={physics.friction}
          range={LIMITS.friction}
          step={0.05}
          onCommit={(friction) =>
            dispatch({ type: "PhysicsEdited", id, physics: { friction }, burst: `${id}:friction` })
          }
          onSettle={settle}
        />
        <NumberField
          label="Restitution (bounciness)"
          value={physics.restitution}
          range={LIMITS.restitution}
          step={0.05}
          onCommit={(restitution) =>
            dispatch({ type: "PhysicsEdited", id, physics: { restitution }, burst: `${id}:restitution` })
          }
          onSettle={settle}
        />
        {physics.mass === 0 ? <p className="hint">Mass 0 makes the body static.</p> : null}
      </fieldset>

      <fieldset>
        <legend>Looks</legend>
        <label className="field">
          <span>Shape</span>
          <select
            value={visual.shape}
            onChange={(e) => dispatch({ type: "VisualEdited", id, visual: { shape: e.target.value as Shape }, burst: null })}
          >
            {SHAPES.map((shape) => (
              <option key={shape} value={shape}>
                {shape}
              </option>
            ))}
          </select>
        </label>
        <label className="field color-field">
          <span>Colour</span>
          <input
            type="color"
            value={visual.color}
            onChange={(e) =>
              dispatch({ type: "VisualEdited", id, visual: { color: e.target.value }, burst: `${id}:color` })
            }
            onBlur={settle}
          />
        </label>
        <label className="field">
          <span>Description</span>
          <textarea
            rows={2}
            maxLength={500}
            placeholder="What it looks like, e.g. a wooden crate"
            value={object.description ?? ""}
            onChange={(e) =>
              dispatch({ type: "DescriptionEdited", id, description: e.target.value, burst: `${id}:description` })
            }
            onBlur={settle}
          />
        </label>
      </fieldset>
    </div>
  );
}
