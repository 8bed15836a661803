/**
 * The scene format of SCENE.md as TypeScript types, plus its limits. `simulation/scene.schema.json`
 * is the one definition; `schema.test.ts` checks these types and limits against it, and `parse.ts`
 * decodes untrusted JSON (imports, API answers) into them.
 */

export type Vec3 = { x: number; y: number; z: number };

export const SHAPES = ["Box", "Sphere", "Cylinder"] as const;
export type Shape = (typeof SHAPES)[number];

export const BODY_TYPES = ["dynamic", "static", "kinematic"] as const;
export type BodyType = (typeof BODY_TYPES)[number];

export type Transform = { position: Vec3; rotation: Vec3; scale: Vec3 };
export type PhysicsProperties = { mass: number; friction: number; restitution: number };
/** How an object is drawn (simulation/render/looks.json); absent: from its description, else plastic. */
export type Material = "plastic" | "metal" | "rubber" | "wood" | "glass" | "stone" | "ice" | "foam";
export type VisualProperties = { color: string; shape: Shape; material?: Material | null };

export type SceneObject = {
  id: string;
  transform: Transform;
  physicsProperties: PhysicsProperties;
  visualProperties: VisualProperties;
  description?: string | null;
  bodyType?: BodyType;
  linearVelocity?: Vec3;
  angularVelocity?: Vec3;
};

export type Camera = { position: Vec3; target: Vec3; fov: number };

export const JOINT_TYPES = ["fixed", "revolute", "spherical", "prismatic", "rope", "spring"] as const;
export type JointType = (typeof JOINT_TYPES)[number];

/** docs/scene.md "Joints": revolute (rad/s, N·m) or prismatic (m/s, N). */
export type JointMotor = { targetVelocity: number; maxForce: number };

/**
 * A constraint between object `bodyA` and object `bodyB`, or the fixed world when `bodyB` is null.
 * `anchorA` and `axis` are in bodyA's frame; `anchorB` in bodyB's frame (a world point for the
 * world), by default where anchorA starts. Limits and motors say how A moves relative to B.
 */
export type Joint = {
  id: string;
  type: JointType;
  bodyA: string;
  bodyB: string | null;
  anchorA?: Vec3;
  anchorB?: Vec3;
  axis?: Vec3;
  limits?: [number, number];
  motor?: JointMotor;
  length?: number;
  stiffness?: number;
  damping?: number;
};

export type Scene = {
  objects: Record<string, SceneObject>;
  selectedObject: string | null;
  gravity?: Vec3;
  ground?: boolean;
  camera?: Camera;
  joints?: Record<string, Joint>;
  /** The ground's look in renders; absent: checker. */
  groundStyle?: "checker" | "tiles" | "wood" | "concrete" | "plain";
};

/** Inclusive numeric ranges of SCENE.md "Validation" (`exclusiveMin`: the lower bound itself is refused). */
export type Range = { min: number; max: number; exclusiveMin?: boolean };

export const LIMITS = {
  position: { min: -1000, max: 1000 },
  rotation: { min: -100, max: 100 },
  scale: { min: 0, max: 100, exclusiveMin: true },
  mass: { min: 0, max: 1e6 },
  friction: { min: 0, max: 10 },
  restitution: { min: 0, max: 1 },
  velocity: { min: -1000, max: 1000 },
  gravity: { min: -1000, max: 1000 },
  anchor: { min: -1000, max: 1000 },
  jointLimit: { min: -1000, max: 1000 },
  jointLength: { min: 0, max: 1000, exclusiveMin: true },
  jointForce: { min: 0, max: 1e9, exclusiveMin: true },
  springCoefficient: { min: 0, max: 1e9 },
} as const satisfies Record<string, Range>;

export const MAX_OBJECTS = 500;
export const MAX_JOINTS = 500;
/** Used when a revolute (hinge) or prismatic (slider) joint gives no axis. */
export const DEFAULT_REVOLUTE_AXIS: Vec3 = { x: 0, y: 0, z: 1 };
export const DEFAULT_PRISMATIC_AXIS: Vec3 = { x: 1, y: 0, z: 0 };
export const DEFAULT_MOTOR_FORCE = 1000;
export const DEFAULT_SPRING_STIFFNESS = 100;
export const DEFAULT_SPRING_DAMPING = 1;
export const MAX_ID_LENGTH = 64;
export const MAX_DESCRIPTION_LENGTH = 500;
export const COLOR_PATTERN = /^#[0-9a-fA-F]{6}$/;
export const DEFAULT_GRAVITY: Vec3 = { x: 0, y: -9.81, z: 0 };
export const DEFAULT_CAMERA: Camera = { position: { x: 6, y: 5, z: 8 }, target: { x: 0, y: 0, z: 0 }, fov: 50 };

/** SCENE.md: static when mass is 0, else dynamic, unless the object says otherwise. */
export function bodyTypeOf(object: SceneObject): BodyType {
  if (object.bodyType) return object.bodyType;
  return object.physicsProperties.mass === 0 ? "static" : "dynamic";
}

export function inRange(value: number, range: Range): boolean {
  if (!Number.isFinite(value)) return false;
  const aboveMin = range.exclusiveMin ? value > range.min : value >= range.min;
  return aboveMin && value <= range.max;
}

export function emptyScene(): Scene {
  return { objects: {}, selectedObject: null };
}
