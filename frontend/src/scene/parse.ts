/**
 * Decodes untrusted JSON (an imported file, an API answer) into a Scene, with the structural rules
 * of SCENE.md "Validation". Defaults follow the server's schema (absent rotation is 0, absent scale
 * is 1, absent physics is mass 1 / friction 0.5 / restitution 0.3, absent colour grey Box); unknown
 * keys such as `_id` are dropped. Every problem is reported with the object and field it concerns.
 */
import {
  BODY_TYPES,
  type BodyType,
  type Camera,
  COLOR_PATTERN,
  DEFAULT_MOTOR_FORCE,
  JOINT_TYPES,
  type Joint,
  type JointType,
  LIMITS,
  MAX_DESCRIPTION_LENGTH,
  MAX_ID_LENGTH,
  MAX_JOINTS,
  MAX_OBJECTS,
  type Range,
  type Scene,
  type SceneObject,
  SHAPES,
  type Shape,
  type Vec3,
  inRange,
} from "./types";

export type ParseResult = { ok: true; scene: Scene } | { ok: false; errors: string[] };

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describeRange(range: Range): string {
  return `${range.exclusiveMin ? "above" : "from"} ${range.min} ${range.exclusiveMin ? "and at most" : "to"} ${range.max}`;
}

class Reader {
  readonly errors: string[] = [];

  number(value: unknown, where: string, fallback: number, range: Range): number {
    if (value === undefined || value === null) return fallback;
    if (typeof value !== "number" || !Number.isFinite(value)) {
      this.errors.push(`${where}: must be a finite number`);
      return fallback;
    }
    if (!inRange(value, range)) this.errors.push(`${where}: ${value} is out of range (${describeRange(range)})`);
    return value;
  }

  vec(value: unknown, where: string, fallback: Vec3, range: Range): Vec3 {
    if (value === undefined || value === null) return { ...fallback };
    if (!isRecord(value)) {
      this.errors.push(`${where}: must be an object {x, y, z}`);
      return { ...fallback };
    }
    return {
      x: this.number(value.x, `${where}.x`, fallback.x, range),
      y: this.number(value.y, `${where}.y`, fallback.y, range),
      z: this.number(value.z, `${where}.z`, fallback.z, range),
    };
  }

  object(key: string, value: unknown): SceneObject | null {
    const where = `object '${key}'`;
    if (!isRecord(value)) {
      this.errors.push(`${where}: must be a JSON object`);
      return null;
    }
    const id = value.id;
    if (typeof id !== "string" || id.length === 0) this.errors.push(`${where} field id: must be a non-empty string`);
    else if (id.length > MAX_ID_LENGTH) this.errors.push(`${where} field id: at most ${MAX_ID_LENGTH} characters`);
    else if (id !== key) this.errors.push(`${where}: the key differs from its id '${id}'`);

    const transform = isRecord(value.transform) ? value.transform : null;
    if (!transform) this.errors.push(`${where} field transform: required, with position, rotation and scale`);
    else if (transform.position === undefined) this.errors.push(`${where} field transform.position: required`);
    const physics = isRecord(value.physicsProperties) ? value.physicsProperties : {};
    const visual = isRecord(value.visualProperties) ? value.visualProperties : {};

    const color = visual.color ?? "#888888";
    if (typeof color !== "string" || !COLOR_PATTERN.test(color)) {
      this.errors.push(`${where} field visualProperties.color: must be a colour like #ff0000`);
    }
    const shape = visual.shape ?? "Box";
    if (typeof shape !== "string" || !(SHAPES as readonly string[]).includes(shape)) {
      this.errors.push(`${where} field visualProperties.shape: must be one of ${SHAPES.join(", ")}`);
    }
    const object: SceneObject = {
      id: typeof id === "string" ? id : key,
      transform: {
        position: this.vec(transform?.position, `${where} field transform.position`, { x: 0, y: 0, z: 0 }, LIMITS.position),
        rotation: this.vec(transform?.rotation, `${where} field transform.rotation`, { x: 0, y: 0, z: 0 }, LIMITS.rotation),
        scale: this.vec(transform?.scale, `${where} field transform.scale`, { x: 1, y: 1, z: 1 }, LIMITS.scale),
      },
      physicsProperties: {
        mass: this.number(physics.mass, `${where} field physicsProperties.mass`, 1, LIMITS.mass),
        friction: this.number(physics.friction, `${where} field physicsProperties.friction`, 0.5, LIMITS.friction),
        restitution: this.number(
          physics.restitution,
          `${where} field physicsProperties.restitution`,
          0.3,
          LIMITS.restitution,
        ),
      },
      visualProperties: {
        color: typeof color === "string" && COLOR_PATTERN.test(color) ? color.toLowerCase() : "#888888",
        shape: typeof shape === "string" && (SHAPES as readonly string[]).includes(shape) ? (shape as Shape) : "Box",
      },
    };
    if (value.description !== undefined && value.description !== null) {
      if (typeof value.description !== "string") this.errors.push(`${where} field description: must be text`);
      else if (value.description.length > MAX_DESCRIPTION_LENGTH) {
        this.errors.push(`${where} field description: at most ${MAX_DESCRIPTION_LENGTH} characters`);
      } else object.description = value.description;
    }
    if (value.bodyType !== undefined && value.bodyType !== null) {
      if (typeof value.bodyType === "string" && (BODY_TYPES as readonly string[]).includes(value.bodyType)) {
        object.bodyType = value.bodyType as BodyType;
        if (object.bodyType === "dynamic" && object.physicsProperties.mass === 0) {
          this.errors.push(`${where}: a dynamic body needs a mass above 0 (mass 0 means static)`);
        }
      } else this.errors.push(`${where} field bodyType: must be one of ${BODY_TYPES.join(", ")}`);
    }
    if (value.linearVelocity !== undefined && value.linearVelocity !== null) {
      object.linearVelocity = this.vec(value.linearVelocity, `${where} field linearVelocity`, { x: 0, y: 0, z: 0 }, LIMITS.velocity);
    }
    if (value.angularVelocity !== undefined && value.angularVelocity !== null) {
      object.angularVelocity = this.vec(
        value.angularVelocity,
        `${where} field angularVelocity`,
        { x: 0, y: 0, z: 0 },
        LIMITS.velocity,
      );
    }
    return object;
  }

  /** One joint; `objects` are the scene's object ids, to check that both ends exist. */
  joint(key: string, value: unknown, objects: Record<string, SceneObject>): Joint | null {
    const where = `joint '${key}'`;
    if (!isRecord(value)) {
      this.errors.push(`${where}: must be a JSON object`);
      return null;
    }
    const before = this.errors.length;
    const id = value.id;
    if (typeof id !== "string" || id.length === 0) this.errors.push(`${where} field id: must be a non-empty string`);
    else if (id.length > MAX_ID_LENGTH) this.errors.push(`${where} field id: at most ${MAX_ID_LENGTH} characters`);
    else if (id !== key) this.errors.push(`${where}: the key differs from its id '${id}'`);
    const type = value.type;
    if (typeof type !== "string" || !(JOINT_TYPES as readonly string[]).includes(type)) {
      this.errors.push(`${where} field type: must be one of ${JOINT_TYPES.join(", ")}`);
    }
    const bodyA = value.bodyA;
    const bodyB = value.bodyB ?? null;
    if (typeof bodyA !== "string" || !(bodyA in objects)) {
      this.errors.push(`${where} field bodyA: no object ${JSON.stringify(bodyA ?? null)} in the scene`);
    }
    if (bodyB !== null && (typeof bodyB !== "string" || !(bodyB in objects))) {
      this.errors.push(`${where} field bodyB: no object ${JSON.stringify(bodyB)} in the scene`);
    }
    if (bodyA === bodyB) this.errors.push(`${where}: bodyA and bodyB must differ (null bodyB attaches to the world)`);
    const joint: Joint = {
      id: typeof id === "string" ? id : key,
      type: (typeof type === "string" ? type : "fixed") as JointType,
      bodyA: typeof bodyA === "string" ? bodyA : "",
      bodyB: typeof bodyB === "string" ? bodyB : null,
      anchorA: this.vec(value.anchorA, `${where} field anchorA`, { x: 0, y: 0, z: 0 }, LIMITS.anchor),
    };
    if (value.anchorB !== undefined && value.anchorB !== null) {
      joint.anchorB = this.vec(value.anchorB, `${where} field anchorB`, { x: 0, y: 0, z: 0 }, LIMITS.anchor);
    }
    if (value.axis !== undefined && value.axis !== null) {
      const axis = this.vec(value.axis, `${where} field axis`, { x: 1, y: 0, z: 0 }, LIMITS.anchor);
      if (axis.x * axis.x + axis.y * axis.y + axis.z * axis.z < 1e-12) {
        this.errors.push(`${where} field axis: the axis must not be the zero vector`);
      }
      joint.axis = axis;
    }
    if (value.limits !== undefined && value.limits !== null) {
      const limits = value.limits;
      const ok =
        Array.isArray(limits) &&
        limits.length === 2 &&
        limits.every((v) => typeof v === "number" && inRange(v, LIMITS.jointLimit)) &&
        (limits[0] as number) <= (limits[1] as number);
      if (!ok) this.errors.push(`${where} field limits: limits must be [min, max] with min <= max, within ±1000`);
      else joint.limits = [limits[0] as number, limits[1] as number];
    }
    if (value.motor !== undefined && value.motor !== null) {
      if (!isRecord(value.motor)) this.errors.push(`${where} field motor: must be an object {targetVelocity, maxForce}`);
      else {
        if (value.motor.targetVelocity === undefined) this.errors.push(`${where} field motor.targetVelocity: required`);
        joint.motor = {
          targetVelocity: this.number(value.motor.targetVelocity, `${where} field motor.targetVelocity`, 0, LIMITS.velocity),
          maxForce: this.number(value.motor.maxForce, `${where} field motor.maxForce`, DEFAULT_MOTOR_FORCE, LIMITS.jointForce),
        };
      }
    }
    for (const [field, range] of [
      ["length", LIMITS.jointLength],
      ["stiffness", LIMITS.springCoefficient],
      ["damping", LIMITS.springCoefficient],
    ] as const) {
      if (value[field] !== undefined && value[field] !== null) joint[field] = this.number(value[field], `${where} field ${field}`, 1, range);
    }
    return this.errors.length === before ? joint : null;
  }

  camera(value: unknown): Camera | undefined {
    if (value === undefined || value === null) return undefined;
    if (!isRecord(value)) {
      this.errors.push("camera: must be an object {position, target, fov}");
      return undefined;
    }
    const camera: Camera = {
      position: this.vec(value.position, "camera.position", { x: 6, y: 5, z: 8 }, LIMITS.position),
      target: this.vec(value.target, "camera.target", { x: 0, y: 0, z: 0 }, LIMITS.position),
      fov: 50,
    };
    if (value.fov !== undefined && value.fov !== null) {
      if (typeof value.fov !== "number" || !(value.fov > 1 && value.fov < 179)) {
        this.errors.push("camera.fov: must be a number of degrees above 1 and below 179");
      } else camera.fov = value.fov;
    }
    const { position: p, target: t } = camera;
    if (p.x === t.x && p.y === t.y && p.z === t.z) this.errors.push("camera: position and target must differ");
    return camera;
  }
}

export function parseScene(data: unknown): ParseResult {
  if (!isRecord(data)) return { ok: false, errors: ["scene: expected a JSON object with an 'objects' map"] };
  const reader = new Reader();
  const objects: Record<string, SceneObject> = {};
  const rawObjects = data.objects ?? {};
  if (!isRecord(rawObjects)) {
    reader.errors.push("objects: must be a map from object id to object");
  } else {
    const entries = Object.entries(rawObjects);
    if (entries.length > MAX_OBJECTS) {
      reader.errors.push(`objects: a scene holds at most ${MAX_OBJECTS} objects, this one has ${entries.length}`);
    }
    for (const [key, value] of entries) {
      const object = reader.object(key, value);
      if (object) objects[key] = object;
    }
  }
  const scene: Scene = {
    objects,
    selectedObject:
      typeof data.selectedObject === "string" && data.selectedObject in objects ? data.selectedObject : null,
  };
  if (data.gravity !== undefined && data.gravity !== null) {
    scene.gravity = reader.vec(data.gravity, "gravity", { x: 0, y: -9.81, z: 0 }, LIMITS.gravity);
  }
  if (data.ground !== undefined && data.ground !== null) {
    if (typeof data.ground !== "boolean") reader.errors.push("ground: must be true or false");
    else scene.ground = data.ground;
  }
  const camera = reader.camera(data.camera);
  if (camera) scene.camera = camera;
  if (data.joints !== undefined && data.joints !== null) {
    if (!isRecord(data.joints)) reader.errors.push("joints: must be a map from joint id to joint");
    else {
      const entries = Object.entries(data.joints);
      if (entries.length > MAX_JOINTS) {
        reader.errors.push(`joints: a scene holds at most ${MAX_JOINTS} joints, this one has ${entries.length}`);
      }
      const joints: Record<string, Joint> = {};
      for (const [key, value] of entries) {
        const joint = reader.joint(key, value, objects);
        if (joint) joints[key] = joint;
      }
      scene.joints = joints;
    }
  }
  return reader.errors.length > 0 ? { ok: false, errors: reader.errors } : { ok: true, scene };
}
