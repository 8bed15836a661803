import { describe, expect, it } from "vitest";
import type { Camera } from "../scene/types";
import { cameraAt } from "./cameraMoves";

const base: Camera = { position: { x: 0, y: 2, z: 10 }, target: { x: 0, y: 1, z: 0 }, fov: 50 };

describe("camera moves (the server's paths, simulation/render/camera.py)", () => {
  it("orbits 40 degrees a second around the target", () => {
    const end = cameraAt("orbit", base, 4.5, 4.5);
    expect(end.position.x).toBeCloseTo(0, 6);
    expect(end.position.z).toBeCloseTo(-10, 6);
    expect(end.target).toEqual(base.target);
  });

  it("dollies in to 55% of the distance", () => {
    const end = cameraAt("dolly", base, 2, 2);
    expect(Math.hypot(end.position.x - 0, end.position.y - 1, end.position.z)).toBeCloseTo(0.55 * Math.hypot(1, 10), 6);
  });

  it("follows a centre, keeping the view's direction, and leaves static and editor alone", () => {
    const followed = cameraAt("follow", base, 2, 1, { x: 3, y: 0.5, z: -1 });
    expect(followed.target).toEqual({ x: 3, y: 0.5, z: -1 });
    expect(followed.position).toEqual({ x: 3, y: 1.5, z: 9 });
    expect(cameraAt("static", base, 2, 1)).toBe(base);
    expect(cameraAt("editor", base, 2, 1)).toBe(base);
  });
});
