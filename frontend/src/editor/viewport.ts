/**
 * The three.js view of a scene: meshes kept in step with the scene data, orbit controls, a grid and
 * the ground, soft shadows, click to select, and transform gizmos. It never edits the scene itself:
 * it reports selections and gizmo edits through `ViewportEvents`, and the page decides.
 */
import * as THREE from "three";
import { OrbitControls } from "three/addons/controls/OrbitControls.js";
import { TransformControls } from "three/addons/controls/TransformControls.js";
import type { Quat } from "../scene/math";
import { type Camera, DEFAULT_CAMERA, type Scene, type SceneObject, type Shape, type Transform } from "../scene/types";
import { JointView, jointSegments } from "./jointView";
import { type CameraMove, cameraAt } from "./cameraMoves";
import { applyLook, dropLook, glowLook } from "./lookMeshes";
import { jointedIds } from "./looks";
import type { Pose } from "./physics";
import { shadeOffset } from "./shade";

export type GizmoMode = "translate" | "rotate" | "scale";

export interface ViewportEvents {
  select(id: string | null): void;
  /** A gizmo moved an object; `drag` numbers the drag, so one drag becomes one undo step. */
  transform(id: string, transform: Transform, drag: number): void;
  /** The gizmo was let go. */
  transformEnd(): void;
}

const GEOMETRIES: Record<Shape, THREE.BufferGeometry> = {
  Box: new THREE.BoxGeometry(1, 1, 1),
  Sphere: new THREE.SphereGeometry(0.5, 32, 16),
  Cylinder: new THREE.CylinderGeometry(0.5, 0.5, 1, 32),
};

// Outlines that keep stacked boxes and cylinders of one colour apart (spheres are told apart by shade).
const EDGES: Record<Shape, THREE.EdgesGeometry | null> = {
  Box: new THREE.EdgesGeometry(GEOMETRIES.Box),
  Sphere: null,
  Cylinder: new THREE.EdgesGeometry(GEOMETRIES.Cylinder, 30),
};
const EDGE_MATERIAL = new THREE.LineBasicMaterial({ color: "#000000", transparent: true, opacity: 0.35 });

type Entry = {
  mesh: THREE.Mesh<THREE.BufferGeometry, THREE.MeshStandardMaterial>;
  object: SceneObject;
  edges: THREE.LineSegments | null;
};

/** The mesh scale that draws an object of this shape and size (SCENE.md "Shapes and sizes"). */
function meshScale(object: SceneObject): THREE.Vector3 {
  const { x, y, z } = object.transform.scale;
  if (object.visualProperties.shape === "Sphere") return new THREE.Vector3(x, x, x);
  if (object.visualProperties.shape === "Cylinder") return new THREE.Vector3(x, y, x);
  return new THREE.Vector3(x, y, z);
}

/** The object's size after a gizmo scaled its mesh: spheres stay round, cylinders circular. */
function scaleFromMesh(object: SceneObject, scale: THREE.Vector3): Transform["scale"] {
  const clamp = (value: number) => Math.min(Math.max(Math.abs(value), 0.01), 100);
  const before = meshScale(object);
  if (object.visualProperties.shape === "Box") return { x: clamp(scale.x), y: clamp(scale.y), z: clamp(scale.z) };
  const changes = [scale.x - before.x, scale.y - before.y, scale.z - before.z].map(Math.abs);
  if (object.visualProperties.shape === "Sphere") {
    const axis = changes.indexOf(Math.max(...changes));
    const s = clamp([scale.x, scale.y, scale.z][axis] ?? scale.x);
    return { x: s, y: s, z: s };
  }
  const radius = clamp((changes[2] ?? 0) > (changes[0] ?? 0) ? scale.z : scale.x);
  return { x: radius, y: clamp(scale.y), z: radius };
}

export class Viewport {
  private readonly renderer: THREE.WebGLRenderer;
  private readonly scene3d = new THREE.Scene();
  private readonly camera: THREE.PerspectiveCamera;
  private readonly orbit: OrbitControls;
  private readonly gizmo: TransformControls;
  private readonly ground: THREE.Mesh;
  private readonly entries = new Map<string, Entry>();
  private readonly joints = new JointView();
  private shownScene: Scene | null = null;
  private readonly resizeObserver: ResizeObserver;
  private readonly raycaster = new THREE.Raycaster();
  private selected: string | null = null;
  private gizmoEnabled = true;
  private dragCount = 0;
  private pointerDown: { x: number; y: number } | null = null;
  private frame = 0;
  private lastTime: number | null = null;
  private frameCallback: ((seconds: number) => void) | null = null;
  private preview: ((seconds: number) => void) | null = null;

  constructor(
    private readonly container: HTMLElement,
    private readonly events: ViewportEvents,
  ) {
    this.renderer = new THREE.WebGLRenderer({ antialias: true });
    this.renderer.setPixelRatio(Math.min(window.devicePixelRatio, 2));
    this.renderer.shadowMap.enabled = true;
    this.renderer.shadowMap.type = THREE.PCFShadowMap;
    this.renderer.domElement.setAttribute("aria-label", "3D view of the scene: click an object to select it");
    this.renderer.domElement.setAttribute("role", "img");
    this.renderer.domElement.dataset.testid = "scene-canvas";
    container.appendChild(this.renderer.domElement);

    this.scene3d.background = new THREE.Color("#dfe7ef");
    this.camera = new THREE.PerspectiveCamera(DEFAULT_CAMERA.fov, 1, 0.05, 500);
    this.orbit = new OrbitControls(this.camera, this.renderer.domElement);
    this.orbit.enableDamping = true;
    // Keeps the camera a valid scene camera (positions within ±1000 m) when the view is filmed.
    this.orbit.maxDistance = 200;
    this.setCamera(DEFAULT_CAMERA);

    this.scene3d.add(new THREE.HemisphereLight("#ffffff", "#8d8d8d", 1.6));
    const sun = new THREE.DirectionalLight("#ffffff", 2.2);
    sun.position.set(6, 12, 5);
    sun.castShadow = true;
    sun.shadow.mapSize.set(2048, 2048);
    sun.shadow.radius = 4;
    sun.shadow.bias = -0.0005;
    const area = 12;
    Object.assign(sun.shadow.camera, { left: -area, right: area, top: area, bottom: -area, near: 0.5, far: 40 });
    this.scene3d.add(sun);

    // The ground's top face is y = 0, like the physics ground (a 20 m × 20 m slab).
    this.ground = new THREE.Mesh(
      new THREE.BoxGeometry(20, 0.2, 20),
      new THREE.MeshStandardMaterial({ color: "#c9d2bd", roughness: 0.95 }),
    );
    this.ground.position.y = -0.1;
    this.ground.receiveShadow = true;
    this.scene3d.add(this.ground);
    const grid = new THREE.GridHelper(20, 20, "#6b7a67", "#9aa596");
    grid.position.y = 0.002;
    this.scene3d.add(grid);

    this.scene3d.add(this.joints.group);

    this.gizmo = new TransformControls(this.camera, this.renderer.domElement);
    this.gizmo.addEventListener("dragging-changed", (event) => {
      this.orbit.enabled = !event.value;
      if (event.value) this.dragCount += 1;
      else this.events.transformEnd();
    });
    this.gizmo.addEventListener("objectChange", () => this.reportGizmoChange());
    this.scene3d.add(this.gizmo.getHelper());

    this.renderer.domElement.addEventListener("pointerdown", this.onPointerDown);
    this.renderer.domElement.addEventListener("pointerup", this.onPointerUp);
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(container);
    this.resize();
    this.frame = requestAnimationFrame(this.tick);
  }

  /** Called every animation frame with the seconds since the previous one (the player hooks in here). */
  onFrame(callback: ((seconds: number) => void) | null): void {
    this.frameCallback = callback;
  }

  setCamera(camera: Camera): void {
    this.camera.position.set(camera.position.x, camera.position.y, camera.position.z);
    this.camera.fov = camera.fov;
    this.camera.updateProjectionMatrix();
    this.orbit.target.set(camera.target.x, camera.target.y, camera.target.z);
    this.orbit.update();
  }

  /**
   * Plays a render's camera move for `duration` seconds from `base`, then puts the view back.
   * `follow` follows the moving bodies as the view shows them (play the scene to see them move).
   */
  previewCameraMove(move: CameraMove, base: Camera, duration: number): void {
    const before = this.cameraState();
    let elapsed = 0;
    let centre: { x: number; y: number; z: number } | null = null;
    this.preview = (seconds) => {
      elapsed += seconds;
      if (elapsed > duration) {
        this.preview = null;
        this.setCamera(before);
        return;
      }
      if (move === "follow") {
        const moving = [...this.entries.values()].filter((e) => e.object.bodyType !== "static" && e.object.physicsProperties.mass > 0);
        if (moving.length > 0) {
          const sum = moving.reduce((acc, e) => acc.add(e.mesh.position), new THREE.Vector3());
          const now = sum.divideScalar(moving.length);
          const k = centre === null ? 1 : 1 - Math.exp(-seconds / 0.35);
          const c = centre ?? now;
          centre = { x: c.x + (now.x - c.x) * k, y: c.y + (now.y - c.y) * k, z: c.z + (now.z - c.z) * k };
        }
      }
      this.setCamera(cameraAt(move, base, duration, elapsed, centre));
    };
  }

  /** Where the view looks from now (after any orbiting), as a scene camera. */
  cameraState(): Camera {
    const round = (v: number) => Math.round(v * 1000) / 1000;
    const p = this.camera.position;
    const t = this.orbit.target;
    return {
      position: { x: round(p.x), y: round(p.y), z: round(p.z) },
      target: { x: round(t.x), y: round(t.y), z: round(t.z) },
      fov: this.camera.fov,
    };
  }

  /** Brings the meshes in line with the scene: new objects appear, removed ones go, edits show. */
  setScene(scene: Scene): void {
    this.ground.visible = scene.ground ?? true;
    for (const [id, entry] of this.entries) {
      if (!(id in scene.objects)) {
        if (this.gizmo.object === entry.mesh) this.gizmo.detach();
        this.scene3d.remove(entry.mesh);
        entry.mesh.material.dispose();
        dropLook(entry.mesh);
        this.entries.delete(id);
      }
    }
    const jointed = jointedIds(scene);
    for (const [id, object] of Object.entries(scene.objects)) {
      let entry = this.entries.get(id);
      if (!entry) {
        const mesh = new THREE.Mesh(GEOMETRIES[object.visualProperties.shape], new THREE.MeshStandardMaterial());
        mesh.castShadow = true;
        mesh.receiveShadow = true;
        mesh.userData.objectId = id;
        this.scene3d.add(mesh);
        entry = { mesh, object, edges: null };
        this.entries.set(id, entry);
      }
      entry.object = object;
      entry.mesh.geometry = GEOMETRIES[object.visualProperties.shape];
      entry.mesh.material.color.set(object.visualProperties.color).offsetHSL(0, 0, shadeOffset(id));
      this.outline(entry);
      entry.mesh.material.roughness = 0.55;
      applyLook(entry.mesh, object, jointed.has(id));
      this.placeAtRest(entry);
    }
    this.shownScene = scene;
    this.joints.show(jointSegments(scene));
    this.updateGizmo();
  }

  setSelection(id: string | null): void {
    this.selected = id;
    for (const [entryId, entry] of this.entries) {
      entry.mesh.material.emissive.set(entryId === id ? "#303030" : "#000000");
      glowLook(entry.mesh);
    }
    this.updateGizmo();
  }

  setGizmoMode(mode: GizmoMode): void {
    this.gizmo.setMode(mode);
  }

  /** Gizmos are off while a simulation shows poses other than the scene's. */
  setGizmoEnabled(enabled: boolean): void {
    this.gizmoEnabled = enabled;
    this.updateGizmo();
  }

  /** Shows simulated poses (during play); `showScene()` returns to the scene's own transforms. */
  showPoses(poses: Map<string, Pose>): void {
    for (const [id, pose] of poses) {
      const entry = this.entries.get(id);
      if (!entry) continue;
      entry.mesh.position.set(pose.position.x, pose.position.y, pose.position.z);
      const q: Quat = pose.rotation;
      entry.mesh.quaternion.set(q.x, q.y, q.z, q.w);
    }
    if (this.shownScene) this.joints.show(jointSegments(this.shownScene, (id) => poses.get(id) ?? null));
  }

  showScene(): void {
    for (const entry of this.entries.values()) this.placeAtRest(entry);
    if (this.shownScene) this.joints.show(jointSegments(this.shownScene));
  }

  dispose(): void {
    cancelAnimationFrame(this.frame);
    this.resizeObserver.disconnect();
    this.renderer.domElement.removeEventListener("pointerdown", this.onPointerDown);
    this.renderer.domElement.removeEventListener("pointerup", this.onPointerUp);
    this.gizmo.detach();
    this.gizmo.dispose();
    this.orbit.dispose();
    for (const entry of this.entries.values()) entry.mesh.material.dispose();
    this.joints.dispose();
    this.renderer.dispose();
    this.renderer.domElement.remove();
  }

  private outline(entry: Entry): void {
    const edges = EDGES[entry.object.visualProperties.shape];
    if (entry.edges && entry.edges.geometry !== edges) {
      entry.mesh.remove(entry.edges);
      entry.edges = null;
    }
    if (edges && !entry.edges) {
      entry.edges = new THREE.LineSegments(edges, EDGE_MATERIAL);
      entry.mesh.add(entry.edges);
    }
  }

  private placeAtRest(entry: Entry): void {
    const { position, rotation } = entry.object.transform;
    entry.mesh.position.set(position.x, position.y, position.z);
    entry.mesh.rotation.set(rotation.x, rotation.y, rotation.z, "XYZ");
    entry.mesh.scale.copy(meshScale(entry.object));
  }

  private updateGizmo(): void {
    const entry = this.selected !== null ? this.entries.get(this.selected) : undefined;
    if (entry && this.gizmoEnabled) {
      if (this.gizmo.object !== entry.mesh) this.gizmo.attach(entry.mesh);
    } else if (this.gizmo.object) {
      this.gizmo.detach();
    }
  }

  private reportGizmoChange(): void {
    const mesh = this.gizmo.object;
    const id = mesh?.userData.objectId;
    const entry = typeof id === "string" ? this.entries.get(id) : undefined;
    if (!mesh || !entry || typeof id !== "string") return;
    const scale = scaleFromMesh(entry.object, mesh.scale);
    const euler = new THREE.Euler().setFromQuaternion(mesh.quaternion, "XYZ");
    const transform: Transform = {
      position: { x: mesh.position.x, y: mesh.position.y, z: mesh.position.z },
      rotation: { x: euler.x, y: euler.y, z: euler.z },
      scale,
    };
    this.events.transform(id, transform, this.dragCount);
  }

  private readonly onPointerDown = (event: PointerEvent) => {
    this.pointerDown = { x: event.clientX, y: event.clientY };
  };

  private readonly onPointerUp = (event: PointerEvent) => {
    const start = this.pointerDown;
    this.pointerDown = null;
    // A drag (orbiting, or a gizmo) is not a click.
    if (!start || Math.hypot(event.clientX - start.x, event.clientY - start.y) > 4 || this.gizmo.dragging || this.gizmo.axis !== null) return;
    const rect = this.renderer.domElement.getBoundingClientRect();
    const pointer = new THREE.Vector2(
      ((event.clientX - rect.left) / rect.width) * 2 - 1,
      -((event.clientY - rect.top) / rect.height) * 2 + 1,
    );
    this.raycaster.setFromCamera(pointer, this.camera);
    const meshes = [...this.entries.values()].map((entry) => entry.mesh);
    const hit = this.raycaster.intersectObjects(meshes, false)[0];
    const id = hit?.object.userData.objectId;
    this.events.select(typeof id === "string" ? id : null);
  };

  private resize(): void {
    const width = Math.max(this.container.clientWidth, 1);
    const height = Math.max(this.container.clientHeight, 1);
    this.renderer.setSize(width, height);
    this.camera.aspect = width / height;
    this.camera.updateProjectionMatrix();
  }

  private readonly tick = (time: number) => {
    this.frame = requestAnimationFrame(this.tick);
    const seconds = this.lastTime === null ? 0 : (time - this.lastTime) / 1000;
    this.lastTime = time;
    this.frameCallback?.(seconds);
    this.preview?.(seconds);
    this.orbit.update();
    this.renderer.render(this.scene3d, this.camera);
  };
}
