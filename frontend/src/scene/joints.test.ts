/** Joints in the editor's scene model: parsing, the frames both engines use, and the pure edits. */
import { describe, expect, it } from "vitest";
import { addJoint, addObject, deleteJoint, deleteObject, jointProblem, jointsOf, setJoint } from "./edit";
import { commit, historyOf, redo, undo } from "./history";
import { jointFrames } from "./joints";
import { parseScene } from "./parse";
import { type Scene, emptyScene } from "./types";

function twoBoxes(): Scene {
  let scene = addObject(emptyScene(), "Box").scene;
  scene = addObject(scene, "Box").scene;
  return scene;
}

function box(id: string, position: { x: number; y: number; z: number }, rotation = { x: 0, y: 0, z: 0 }) {
  return { id, transform: { position, rotation, scale: { x: 1, y: 1, z: 1 } } };
}

describe("parsing joints", () => {
  it("keeps a valid joint, with the world as a null bodyB and its motor's default force", () => {
    const parsed = parseScene({
      objects: { a: box("a", { x: 0, y: 1, z: 0 }) },
      joints: {
        j: { id: "j", type: "revolute", bodyA: "a", bodyB: null, axis: { x: 0, y: 1, z: 0 }, limits: [-1, 1], motor: { targetVelocity: 2 } },
      },
    });
    if (!parsed.ok) throw new Error(parsed.errors.join("; "));
    expect(parsed.scene.joints?.j).toMatchObject({ type: "revolute", bodyA: "a", bodyB: null, limits: [-1, 1], motor: { targetVelocity: 2, maxForce: 1000 } });
  });

  it("leaves joints out of a scene that has none", () => {
    const parsed = parseScene({ objects: { a: box("a", { x: 0, y: 1, z: 0 }) } });
    expect(parsed.ok && "joints" in parsed.scene).toBe(false);
  });

  it.each([
    [{ bodyA: "ghost" }, `joint 'j' field bodyA: no object "ghost" in the scene`],
    [{ bodyB: "ghost" }, `joint 'j' field bodyB: no object "ghost" in the scene`],
    [{ bodyB: "a" }, "joint 'j': bodyA and bodyB must differ"],
    [{ type: "weld" }, "joint 'j' field type: must be one of fixed, revolute"],
    [{ axis: { x: 0, y: 0, z: 0 } }, "joint 'j' field axis: the axis must not be the zero vector"],
    [{ anchorA: { x: Number.NaN, y: 0, z: 0 } }, "joint 'j' field anchorA.x: must be a finite number"],
    [{ limits: [1, -1] }, "joint 'j' field limits: limits must be [min, max] with min <= max"],
    [{ length: 0 }, "joint 'j' field length"],
    [{ id: "k" }, "joint 'j': the key differs from its id 'k'"],
  ])("refuses %j with a message naming the joint and field", (change, message) => {
    const parsed = parseScene({
      objects: { a: box("a", { x: 0, y: 1, z: 0 }), b: box("b", { x: 2, y: 1, z: 0 }) },
      joints: { j: { id: "j", type: "revolute", bodyA: "a", bodyB: "b", ...change } },
    });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors.join("\n")).toContain(message);
  });
});

describe("joint frames", () => {
  it("put anchorB where anchorA starts, in bodyB's turned frame", () => {
    const parsed = parseScene({
      objects: { a: box("a", { x: 0, y: 1, z: 0 }), b: box("b", { x: 2, y: 1, z: 0 }, { x: 0, y: 0, z: Math.PI / 2 }) },
      joints: { j: { id: "j", type: "revolute", bodyA: "a", bodyB: "b", anchorA: { x: 1, y: 0, z: 0 } } },
    });
    if (!parsed.ok) throw new Error(parsed.errors.join("; "));
    const joint = parsed.scene.joints?.j;
    if (!joint) throw new Error("no joint");
    const frames = jointFrames(joint, parsed.scene);
    expect(frames?.worldA).toEqual({ x: 1, y: 1, z: 0 });
    // (1, 1, 0) is 1 m along -x of b's centre; b is turned 90° about z, so that is -y in b's frame
    expect(frames?.anchorB.x).toBeCloseTo(0, 9);
    expect(frames?.anchorB.y).toBeCloseTo(1, 9);
    expect(frames?.startDistance).toBeCloseTo(0, 9);
    // the default hinge axis is z, in both bodies' frames (b's turn is about z too)
    expect(frames?.worldAxis.z).toBeCloseTo(1, 9);
  });
});

describe("joint edits", () => {
  it("add a hinge halfway between two objects, or hang one from the world", () => {
    const scene = twoBoxes();
    const added = addJoint(scene, "revolute", "box", "box-2");
    if (!added) throw new Error("not added");
    const joint = added.scene.joints?.[added.id];
    const a = scene.objects.box?.transform.position;
    const b = scene.objects["box-2"]?.transform.position;
    if (!joint || !a || !b) throw new Error("missing");
    expect(joint).toMatchObject({ type: "revolute", bodyA: "box", bodyB: "box-2" });
    expect(joint.anchorA).toEqual({ x: (b.x - a.x) / 2, y: 0, z: (b.z - a.z) / 2 });
    expect(scene.joints).toBeUndefined(); // the argument is untouched

    const rope = addJoint(added.scene, "rope", "box", null);
    expect(rope?.scene.joints?.[rope.id]).toMatchObject({ bodyB: null, anchorA: { x: 0, y: 0.5, z: 0 }, anchorB: { x: a.x, y: 2, z: a.z } });
    expect(rope?.id).toBe("rope");
    expect(addJoint(added.scene, "revolute", "box", null)?.id).toBe("revolute-2");
  });

  it("refuse a joint to the object itself or to a missing object", () => {
    const scene = twoBoxes();
    expect(jointProblem(scene, "box", "box")).toContain("two different objects");
    expect(jointProblem(scene, "box", "nothing")).toContain("no object");
    expect(addJoint(scene, "fixed", "box", "box")).toBeNull();
    expect(jointProblem(scene, "box", null)).toBeNull();
  });

  it("delete a joint, and deleting an object deletes its joints", () => {
    let scene = twoBoxes();
    scene = addJoint(scene, "spherical", "box", "box-2")?.scene ?? scene;
    scene = addJoint(scene, "rope", "box-2", null)?.scene ?? scene;
    expect(jointsOf(scene, "box-2")).toHaveLength(2);
    const withoutBox = deleteObject(scene, "box");
    expect(Object.keys(withoutBox.joints ?? {})).toEqual(["rope"]);
    expect(deleteObject(withoutBox, "box-2").joints).toBeUndefined();
    expect(deleteJoint(scene, "spherical").joints).toEqual({ rope: scene.joints?.rope });
    expect(deleteJoint(deleteJoint(scene, "spherical"), "rope").joints).toBeUndefined();
  });

  it("change a joint's settings, and undefined puts a field back to its default", () => {
    const added = addJoint(twoBoxes(), "revolute", "box", null);
    if (!added) throw new Error("not added");
    let scene = setJoint(added.scene, "revolute", { limits: [-1, 1], motor: { targetVelocity: 2, maxForce: 50 }, axis: { x: 0, y: 1, z: 0 } });
    expect(scene.joints?.revolute).toMatchObject({ limits: [-1, 1], motor: { targetVelocity: 2, maxForce: 50 }, axis: { x: 0, y: 1, z: 0 } });
    scene = setJoint(scene, "revolute", { limits: undefined });
    expect(scene.joints?.revolute && "limits" in scene.joints.revolute).toBe(false);
    expect(setJoint(scene, "missing", { length: 2 })).toBe(scene);
    expect(added.scene.joints?.revolute?.limits).toBeUndefined();
  });

  it("are undone and redone like any edit", () => {
    const scene = twoBoxes();
    const added = addJoint(scene, "fixed", "box", "box-2");
    if (!added) throw new Error("not added");
    let h = commit(historyOf(scene), added.scene);
    h = undo(h);
    expect(h.present.joints).toBeUndefined();
    h = redo(h);
    expect(Object.keys(h.present.joints ?? {})).toEqual(["fixed"]);
  });
});
