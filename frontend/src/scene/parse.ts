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
  LIMITS,
  MAX_DESCRIPTION_LENGTH,
  MAX_ID_LENGTH,
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
  return reader.errors.length > 0 ? { ok: false, errors: reader.errors } : { ok: true, scene };
}
