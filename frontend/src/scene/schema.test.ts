/**
 * The TypeScript side of "one scene schema": every example scene validates against
 * `simulation/scene.schema.json` and parses into the editor's types, the types' limits equal the
 * schema's, and scenes the editor produces validate against the schema.
 */
import Ajv2020 from "ajv/dist/2020";
import { describe, expect, it } from "vitest";
import { addJoint, addObject, duplicateObject, sceneForExport, setBodyType, setPhysics } from "./edit";
import { parseScene } from "./parse";
import { BODY_TYPES, JOINT_TYPES, LIMITS, MAX_DESCRIPTION_LENGTH, MAX_ID_LENGTH, SHAPES, type Scene } from "./types";

type JsonSchema = Record<string, unknown> & { $defs: Record<string, { properties: Record<string, Record<string, unknown>> }> };

const schemaFiles = import.meta.glob<JsonSchema>("../../../simulation/scene.schema.json", { eager: true, import: "default" });
const schema = Object.values(schemaFiles)[0];
const examples = import.meta.glob<unknown>("../../../examples/scenes/*.json", { eager: true, import: "default" });
const vectors = import.meta.glob<{ scene: unknown }>("../../../examples/physics/*.json", { eager: true, import: "default" });

if (!schema) throw new Error("simulation/scene.schema.json is missing");
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);

function schemaErrors(data: unknown): string[] {
  return validate(data) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ""}`);
}

function prop(def: string, name: string): Record<string, unknown> {
  const value = schema?.$defs[def]?.properties[name];
  if (!value) throw new Error(`${def}.${name} is not in the schema`);
  return value;
}

describe("example scenes", () => {
  it("exist", () => {
    expect(Object.keys(examples).length).toBeGreaterThanOrEqual(3);
  });

  for (const [path, scene] of Object.entries({ ...examples, ...Object.fromEntries(Object.entries(vectors).map(([p, v]) => [p, v.scene])) })) {
    it(`${path.split("/").slice(-2).join("/")} validates against the schema and parses`, () => {
      expect(schemaErrors(scene)).toEqual([]);
      const parsed = parseScene(scene);
      expect(parsed.ok ? [] : parsed.errors).toEqual([]);
      if (parsed.ok) expect(schemaErrors(parsed.scene)).toEqual([]);
    });
  }
});

describe("the editor's types and limits", () => {
  it("match the schema's ranges", () => {
    for (const axis of ["x", "y", "z"]) {
      expect(prop("Position", axis)).toMatchObject({ minimum: LIMITS.position.min, maximum: LIMITS.position.max });
      expect(prop("Rotation", axis)).toMatchObject({ minimum: LIMITS.rotation.min, maximum: LIMITS.rotation.max });
      expect(prop("Scale", axis)).toMatchObject({ exclusiveMinimum: LIMITS.scale.min, maximum: LIMITS.scale.max });
      expect(prop("Velocity", axis)).toMatchObject({ minimum: LIMITS.velocity.min, maximum: LIMITS.velocity.max });
      expect(prop("Gravity", axis)).toMatchObject({ minimum: LIMITS.gravity.min, maximum: LIMITS.gravity.max });
    }
    expect(prop("PhysicsProperties", "mass")).toMatchObject({ minimum: LIMITS.mass.min, maximum: LIMITS.mass.max });
    expect(prop("PhysicsProperties", "friction")).toMatchObject({ minimum: LIMITS.friction.min, maximum: LIMITS.friction.max });
    expect(prop("PhysicsProperties", "restitution")).toMatchObject({
      minimum: LIMITS.restitution.min,
      maximum: LIMITS.restitution.max,
    });
    expect(prop("SceneObject", "id")).toMatchObject({ maxLength: MAX_ID_LENGTH });
    expect(JSON.stringify(prop("SceneObject", "description"))).toContain(`"maxLength":${MAX_DESCRIPTION_LENGTH}`);
  });

  it("match the schema's shapes and body types", () => {
    expect(prop("VisualProperties", "shape").enum).toEqual([...SHAPES]);
    expect(JSON.stringify(prop("SceneObject", "bodyType"))).toContain(JSON.stringify([...BODY_TYPES]));
    expect(prop("Joint", "type").enum).toEqual([...JOINT_TYPES]);
    for (const axis of ["x", "y", "z"]) expect(prop("Axis", axis)).toMatchObject({ minimum: LIMITS.anchor.min, maximum: LIMITS.anchor.max });
    expect(JSON.stringify(prop("Joint", "length"))).toContain(`"exclusiveMinimum":${LIMITS.jointLength.min},"maximum":${LIMITS.jointLength.max}`);
  });

  it("produce scenes the schema accepts", () => {
    let scene: Scene = { objects: {}, selectedObject: null };
    for (const shape of SHAPES) scene = addObject(scene, shape).scene;
    scene = duplicateObject(scene, "sphere")?.scene ?? scene;
    scene = setBodyType(scene, "box", "kinematic");
    scene = setPhysics(scene, "cylinder", { mass: 0 });
    for (const type of JOINT_TYPES) scene = addJoint(scene, type, "box", type === "rope" ? null : "sphere")?.scene ?? scene;
    expect(Object.keys(scene.joints ?? {})).toHaveLength(JOINT_TYPES.length);
    expect(schemaErrors(sceneForExport(scene, "box"))).toEqual([]);
  });

  it("and the schema refuses what the parser refuses", () => {
    const bad = {
      objects: {
        a: {
          id: "a",
          transform: { position: { x: 0, y: 0, z: 0 }, scale: { x: 0, y: 1, z: 1 } },
          visualProperties: { color: "red", shape: "Cone" },
        },
      },
    };
    expect(schemaErrors(bad).length).toBeGreaterThan(0);
    const parsed = parseScene(bad);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.errors.join("\n")).toContain("object 'a' field transform.scale.x");
      expect(parsed.errors.join("\n")).toContain("object 'a' field visualProperties.color");
      expect(parsed.errors.join("\n")).toContain("object 'a' field visualProperties.shape");
    }
  });
});
