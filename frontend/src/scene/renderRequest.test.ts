/** The render form's settings as the body of POST /api/genesis/render (camera move and ground, issue 14). */
import { describe, expect, it } from "vitest";
import { renderRequestBody } from "./sceneApi";
import { type Scene, DEFAULT_CAMERA } from "./types";

const scene: Scene = { objects: {}, selectedObject: null };
const base = { scene, duration: 3, fps: 30, resolution: "640x360", quality: "high" as const, camera: null };

describe("renderRequestBody", () => {
  it("sends the camera move and the ground the form chose", () => {
    expect(renderRequestBody({ ...base, camera: DEFAULT_CAMERA, cameraMove: "orbit", groundStyle: "wood" })).toEqual({
      scene,
      duration: 3,
      fps: 30,
      resolution: [640, 360],
      quality: "high",
      camera_config: DEFAULT_CAMERA,
      camera_move: "orbit",
      ground_style: "wood",
    });
  });

  it("leaves the ground to the scene and the move to the server's default when not chosen", () => {
    const body = renderRequestBody({ ...base, groundStyle: "scene" });
    expect(body).not.toHaveProperty("ground_style");
    expect(body).not.toHaveProperty("camera_move");
    expect(body).not.toHaveProperty("camera_config");
  });
});
