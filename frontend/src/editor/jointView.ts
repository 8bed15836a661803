/**
 * How the editor's view draws joints: a rod, rope or spring between the two anchors as they are now,
 * an arm from each body's centre out to its anchor (so a pendulum bob hangs from a visible rod), a
 * dot on each anchor (a dark block where it meets the world), and a short orange line along a
 * hinge's or slider's axis. `jointSegments` is the pure part; `JointView` turns it into meshes.
 */
import * as THREE from "three";
import { type BodyPose, anchorNow, jointFrames } from "../scene/joints";
import { eulerXyzToQuaternion, quatMultiply, quatRotate } from "../scene/math";
import type { JointType, Scene, Vec3 } from "../scene/types";

export type JointSegment = {
  id: string;
  type: JointType;
  from: Vec3; // bodyA's anchor, now
  to: Vec3; // bodyB's (or the world's) anchor, now
  toWorld: boolean;
  axis: { from: Vec3; to: Vec3 } | null;
  /** From each body's centre to its anchor, when the anchor lies away from the centre. */
  arms: { from: Vec3; to: Vec3 }[];
};

const MIN_ARM = 0.05;

const AXIS_HALF_LENGTH = 0.3;

/** Where each joint is drawn, given each object's pose now (`poseOf` null: the scene's own pose). */
export function jointSegments(scene: Scene, poseOf: (id: string) => BodyPose | null = () => null): JointSegment[] {
  const segments: JointSegment[] = [];
  const pose = (id: string | null): BodyPose | null => {
    if (id === null) return null;
    const object = scene.objects[id];
    if (!object) return null;
    return poseOf(id) ?? { position: object.transform.position, rotation: eulerXyzToQuaternion(object.transform.rotation) };
  };
  for (const joint of Object.values(scene.joints ?? {})) {
    const frames = jointFrames(joint, scene);
    const poseA = pose(joint.bodyA);
    if (!frames || !poseA) continue;
    const from = anchorNow(poseA, frames.anchorA);
    const to = anchorNow(pose(joint.bodyB), frames.anchorB);
    let axis: JointSegment["axis"] = null;
    if (joint.type === "revolute" || joint.type === "prismatic") {
      const d = quatRotate(quatMultiply(poseA.rotation, frames.frameA), { x: AXIS_HALF_LENGTH, y: 0, z: 0 });
      axis = { from: { x: from.x - d.x, y: from.y - d.y, z: from.z - d.z }, to: { x: from.x + d.x, y: from.y + d.y, z: from.z + d.z } };
    }
    const arms: JointSegment["arms"] = [];
    const poseB = pose(joint.bodyB);
    for (const [body, anchor] of [
      [poseA, from],
      [poseB, to],
    ] as const) {
      if (body && Math.hypot(anchor.x - body.position.x, anchor.y - body.position.y, anchor.z - body.position.z) > MIN_ARM) {
        arms.push({ from: body.position, to: anchor });
      }
    }
    segments.push({ id: joint.id, type: joint.type, from, to, toWorld: joint.bodyB === null, axis, arms });
  }
  return segments;
}

const ROD_COLORS: Record<JointType, string> = {
  fixed: "#37474f",
  revolute: "#455a64",
  spherical: "#455a64",
  prismatic: "#455a64",
  rope: "#8d6e63",
  spring: "#2e7d32",
};
const ROD_RADIUS: Record<JointType, number> = {
  fixed: 0.025,
  revolute: 0.02,
  spherical: 0.02,
  prismatic: 0.02,
  rope: 0.008,
  spring: 0.012,
};

const UNIT_CYLINDER = new THREE.CylinderGeometry(1, 1, 1, 10);
/** A coil of radius 1 along Y from -0.5 to 0.5 (ten turns), stretched between a spring's anchors. */
const COIL = (() => {
  const points: THREE.Vector3[] = [];
  const turns = 10;
  const count = turns * 24;
  for (let i = 0; i <= count; i += 1) {
    const t = i / count;
    const angle = t * turns * Math.PI * 2;
    points.push(new THREE.Vector3(Math.cos(angle), t - 0.5, Math.sin(angle)));
  }
  return new THREE.BufferGeometry().setFromPoints(points);
})();
const COIL_RADIUS = 0.06;
const DOT = new THREE.SphereGeometry(1, 12, 8);
const BLOCK = new THREE.BoxGeometry(1, 1, 1);
const Y = new THREE.Vector3(0, 1, 0);

type Drawn = { rod: THREE.Object3D; dotA: THREE.Mesh; dotB: THREE.Mesh; axis: THREE.Line | null; arms: THREE.Mesh[] };
const ARM_RADIUS = 0.018;

export class JointView {
  readonly group = new THREE.Group();
  private readonly drawn = new Map<string, Drawn>();
  private readonly materials = new Map<string, THREE.Material>();

  constructor() {
    this.group.name = "joints";
  }

  /** `line` draws over everything (a hinge's axis); `coil` is a line hidden behind bodies (a spring). */
  private material(color: string, kind: "mesh" | "line" | "coil"): THREE.Material {
    const key = `${kind}:${color}`;
    let material = this.materials.get(key);
    if (!material) {
      material =
        kind === "mesh"
          ? new THREE.MeshStandardMaterial({ color, roughness: 0.6, metalness: 0.2 })
          : new THREE.LineBasicMaterial({ color, depthTest: kind === "coil" });
      this.materials.set(key, material);
    }
    return material;
  }

  /** Draws `segments`, adding and removing meshes as joints come and go. */
  show(segments: JointSegment[]): void {
    const seen = new Set<string>();
    for (const segment of segments) {
      seen.add(segment.id);
      const drawn = this.entry(segment);
      placeRod(drawn.rod, segment.from, segment.to, segment.type === "spring" ? COIL_RADIUS : ROD_RADIUS[segment.type]);
      drawn.dotA.position.set(segment.from.x, segment.from.y, segment.from.z);
      drawn.dotB.position.set(segment.to.x, segment.to.y, segment.to.z);
      this.placeArms(drawn, segment);
      if (drawn.axis && segment.axis) {
        const positions = drawn.axis.geometry.getAttribute("position") as THREE.BufferAttribute;
        positions.setXYZ(0, segment.axis.from.x, segment.axis.from.y, segment.axis.from.z);
        positions.setXYZ(1, segment.axis.to.x, segment.axis.to.y, segment.axis.to.z);
        positions.needsUpdate = true;
        drawn.axis.geometry.computeBoundingSphere();
      }
    }
    for (const [id, drawn] of this.drawn) {
      if (!seen.has(id)) this.remove(id, drawn);
    }
  }

  dispose(): void {
    for (const [id, drawn] of this.drawn) this.remove(id, drawn);
    for (const material of this.materials.values()) material.dispose();
    this.materials.clear();
  }

  private placeArms(drawn: Drawn, segment: JointSegment): void {
    while (drawn.arms.length < segment.arms.length) {
      const arm = new THREE.Mesh(UNIT_CYLINDER, this.material("#455a64", "mesh"));
      arm.castShadow = true;
      arm.userData.jointId = segment.id;
      this.group.add(arm);
      drawn.arms.push(arm);
    }
    drawn.arms.forEach((arm, i) => {
      const span = segment.arms[i];
      arm.visible = span !== undefined;
      if (span) placeRod(arm, span.from, span.to, ARM_RADIUS);
    });
  }

  private entry(segment: JointSegment): Drawn {
    const existing = this.drawn.get(segment.id);
    const wantsAxis = segment.axis !== null;
    if (existing && existing.rod.userData.jointType === segment.type && (existing.axis !== null) === wantsAxis) {
      existing.dotB.geometry = segment.toWorld ? BLOCK : DOT;
      existing.dotB.scale.setScalar(segment.toWorld ? 0.1 : 0.045);
      return existing;
    }
    if (existing) this.remove(segment.id, existing);
    const rod: THREE.Object3D =
      segment.type === "spring"
        ? new THREE.Line(COIL, this.material(ROD_COLORS.spring, "coil"))
        : new THREE.Mesh(UNIT_CYLINDER, this.material(ROD_COLORS[segment.type], "mesh"));
    rod.userData.jointType = segment.type;
    rod.castShadow = true;
    const dotA = new THREE.Mesh(DOT, this.material("#263238", "mesh"));
    dotA.scale.setScalar(0.045);
    const dotB = new THREE.Mesh(segment.toWorld ? BLOCK : DOT, this.material("#263238", "mesh"));
    dotB.scale.setScalar(segment.toWorld ? 0.1 : 0.045);
    let axis: THREE.Line | null = null;
    if (wantsAxis) {
      const geometry = new THREE.BufferGeometry();
      geometry.setAttribute("position", new THREE.BufferAttribute(new Float32Array(6), 3));
      axis = new THREE.Line(geometry, this.material("#ff8f00", "line"));
      axis.renderOrder = 2;
    }
    for (const part of [rod, dotA, dotB, axis]) {
      if (part) {
        part.userData.jointId = segment.id;
        this.group.add(part);
      }
    }
    const drawn = { rod, dotA, dotB, axis, arms: [] };
    this.drawn.set(segment.id, drawn);
    return drawn;
  }

  private remove(id: string, drawn: Drawn): void {
    for (const part of [drawn.rod, drawn.dotA, drawn.dotB, drawn.axis, ...drawn.arms]) if (part) this.group.remove(part);
    drawn.axis?.geometry.dispose();
    this.drawn.delete(id);
  }
}

function placeRod(rod: THREE.Object3D, from: Vec3, to: Vec3, radius: number): void {
  const a = new THREE.Vector3(from.x, from.y, from.z);
  const b = new THREE.Vector3(to.x, to.y, to.z);
  const length = a.distanceTo(b);
  rod.visible = length > 1e-4;
  if (!rod.visible) return;
  rod.position.copy(a).add(b).multiplyScalar(0.5);
  rod.quaternion.setFromUnitVectors(Y, b.sub(a).normalize());
  rod.scale.set(radius, length, radius);
}
