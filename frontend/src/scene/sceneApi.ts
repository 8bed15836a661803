/**
 * The simulation endpoints of API.md ("Scenes", "Simulation renders") for the pages that show scenes and renders. Every
 * scene coming back from the server goes through `parseScene`, so the editor only ever holds scenes
 * of the format it understands, whatever the server adds.
 */
import { api, unwrap } from "../api/client";
import { ApiError } from "../api/errors";
import { parseScene } from "./parse";
import type { Camera, Scene } from "./types";

export type Finding = { severity: "error" | "warning"; message: string; objects: string[] };
export type ValidationReport = { valid: boolean; message: string; errors: Finding[]; warnings: Finding[] };

export const QUALITIES = ["draft", "standard", "high"] as const;
export type Quality = (typeof QUALITIES)[number];
/** The ground looks of a render (simulation/render/looks.json "grounds"). */
export const GROUND_STYLES = ["checker", "tiles", "wood", "concrete", "plain"] as const;
export type GroundStyle = (typeof GROUND_STYLES)[number];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function sceneFrom(data: unknown, what: string): Scene {
  const parsed = parseScene(data);
  if (!parsed.ok) throw new ApiError(0, `The server sent ${what} the editor cannot read: ${parsed.errors.slice(0, 3).join("; ")}`);
  return parsed.scene;
}

function notesOf(data: unknown): string {
  if (!isRecord(data)) return "";
  for (const key of ["_notes", "notes"]) {
    const value = data[key];
    if (Array.isArray(value)) return value.filter((n): n is string => typeof n === "string").join(" ");
    if (typeof value === "string") return value;
  }
  return "";
}

/** One event the sentence describes, and whether the server's headless simulation saw it. */
export type PlanEvent = { event: string; happened: boolean; detail: string };

export type PlanSource = { sentence: string; edits: string[] };

/** How the server read a description, what should happen, and what its check by simulation saw (`_plan`). */
export type Plan = {
  /** What the server composed from (sentence and edits since): sent back with a refinement, so the
   * change is made to the plan and checked by simulation again. */
  source: PlanSource | null;
  readAs: string;
  willHappen: string[];
  notUnderstood: string[];
  check: { ran: boolean; passed: boolean; attempts: number; events: PlanEvent[] };
};

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** The `_plan` of a generate or refine answer, or null when the server sent none (or an unreadable one). */
export function planOf(data: unknown): Plan | null {
  if (!isRecord(data) || !isRecord(data._plan)) return null;
  const plan = data._plan;
  const check = isRecord(plan.check) ? plan.check : {};
  const events = Array.isArray(check.events) ? check.events : [];
  return {
    source: typeof plan.sentence === "string" && plan.sentence !== "" ? { sentence: plan.sentence, edits: strings(plan.edits) } : null,
    readAs: typeof plan.read_as === "string" ? plan.read_as : "",
    willHappen: strings(plan.will_happen),
    notUnderstood: strings(plan.not_understood),
    check: {
      ran: check.ran === true,
      passed: check.passed === true,
      attempts: typeof check.attempts === "number" ? check.attempts : 0,
      events: events.flatMap((e): PlanEvent[] =>
        isRecord(e) && typeof e.event === "string"
          ? [{ event: e.event, happened: e.happened === true, detail: typeof e.detail === "string" ? e.detail : "" }]
          : [],
      ),
    },
  };
}

export async function generateScene(prompt: string): Promise<{ scene: Scene; id: number | null; note: string; plan: Plan | null }> {
  const data: unknown = await unwrap(api.POST("/api/generate", { body: { prompt } }));
  const id = isRecord(data) && typeof data._id === "number" ? data._id : null;
  return { scene: sceneFrom(data, "a generated scene"), id, note: notesOf(data), plan: planOf(data) };
}

export async function refineScene(
  scene: Scene,
  prompt: string,
  plan: PlanSource | null,
): Promise<{ scene: Scene; note: string; plan: Plan | null }> {
  const data: unknown = await unwrap(api.POST("/api/refine", { body: plan === null ? { scene, prompt } : { scene, prompt, plan } }));
  return { scene: sceneFrom(data, "a refined scene"), note: notesOf(data), plan: planOf(data) };
}

function findings(value: unknown, severity: Finding["severity"]): Finding[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item): Finding[] => {
    if (typeof item === "string") return [{ severity, message: item, objects: [] }];
    if (!isRecord(item) || typeof item.message !== "string") return [];
    const objects = Array.isArray(item.objects) ? item.objects.filter((o): o is string => typeof o === "string") : [];
    return [{ severity, message: item.message, objects }];
  });
}

export async function validateScene(scene: Scene): Promise<ValidationReport> {
  const data = await unwrap(api.POST("/api/validate", { body: scene }));
  const details: unknown = data.details;
  return {
    valid: data.valid,
    message: data.message,
    errors: isRecord(details) ? findings(details.errors, "error") : [],
    warnings: isRecord(details) ? findings(details.warnings, "warning") : [],
  };
}

export type SavedScene = {
  id: number;
  name: string;
  prompt: string;
  model: string;
  createdAt: string;
  scene: Scene | null;
  /** Why `scene` is null: the stored document is not one the editor can read. */
  problem: string | null;
};

function savedSceneFrom(record: {
  id: number;
  name?: string | null;
  prompt?: string | null;
  model?: string | null;
  created_at: string;
  scene_data: unknown;
}): SavedScene {
  const parsed = parseScene(record.scene_data);
  return {
    id: record.id,
    name: record.name || record.prompt || `Scene ${record.id}`,
    prompt: record.prompt ?? "",
    model: record.model ?? "",
    createdAt: record.created_at,
    scene: parsed.ok ? parsed.scene : null,
    problem: parsed.ok ? null : parsed.errors.slice(0, 3).join("; "),
  };
}

export async function listScenes(limit: number, offset: number): Promise<{ scenes: SavedScene[]; total: number }> {
  const data = await unwrap(api.GET("/api/scenes", { params: { query: { limit, offset } } }));
  return { scenes: data.scenes.map(savedSceneFrom), total: data.total };
}

export async function getScene(id: number): Promise<SavedScene> {
  return savedSceneFrom(await unwrap(api.GET("/api/scenes/{scene_id}", { params: { path: { scene_id: id } } })));
}

export async function saveScene(args: { id: number | null; scene: Scene; name: string; prompt: string }): Promise<number> {
  const body = { scene: args.scene, name: args.name, prompt: args.prompt };
  const saved =
    args.id === null
      ? await unwrap(api.POST("/api/scenes", { body }))
      : await unwrap(api.PUT("/api/scenes/{scene_id}", { params: { path: { scene_id: args.id } }, body }));
  return saved.id;
}

export async function renameScene(id: number, name: string, scene: Scene, prompt: string): Promise<void> {
  await unwrap(api.PUT("/api/scenes/{scene_id}", { params: { path: { scene_id: id } }, body: { scene, name, prompt } }));
}

export async function deleteScene(id: number): Promise<void> {
  await unwrap(api.DELETE("/api/scenes/{scene_id}", { params: { path: { scene_id: id } } }));
}

export type RenderStatus = "queued" | "rendering" | "completed" | "failed" | "canceled";
export type Render = {
  id: number;
  status: RenderStatus;
  progress: number;
  error: string | null;
  videoUrl: string | null;
  thumbnailUrl: string | null;
  duration: number;
  fps: number;
  resolution: string;
  quality: string;
  /** How the camera moved and the ground's look (absent on records from before issue 14). */
  cameraMove: string | null;
  groundStyle: string | null;
  createdAt: string;
  objectCount: number;
  /** Frames in the video (what "make it real" may send one of). */
  framesTotal: number;
  /** The ids of the videos made from this render ("make it real"), newest first. */
  derivedVideos: number[];
  /** The prompt written from the scene that a to-video request without one is sent. */
  videoPrompt: string;
};

export function isFinal(status: RenderStatus): boolean {
  return status === "completed" || status === "failed" || status === "canceled";
}

const STATUSES: readonly RenderStatus[] = ["queued", "rendering", "completed", "failed", "canceled"];

function renderFrom(record: {
  id: number;
  status: string;
  progress?: number | null;
  error?: string | null;
  video_url?: string | null;
  thumbnail_url?: string | null;
  duration: number;
  fps: number;
  resolution: string;
  quality: string;
  camera_move?: string | null;
  ground_style?: string | null;
  created_at: string;
  scene_data?: unknown;
  frames_total?: number;
  derived_videos?: number[];
  video_prompt?: string;
}): Render {
  const status = (STATUSES as readonly string[]).includes(record.status) ? (record.status as RenderStatus) : "rendering";
  const sceneData = record.scene_data;
  const objects = isRecord(sceneData) && isRecord(sceneData.objects) ? Object.keys(sceneData.objects).length : 0;
  return {
    id: record.id,
    status,
    progress: Math.min(Math.max(record.progress ?? 0, 0), 1),
    error: record.error ?? null,
    videoUrl: record.video_url || null,
    thumbnailUrl: record.thumbnail_url || null,
    duration: record.duration,
    fps: record.fps,
    resolution: record.resolution,
    quality: record.quality,
    cameraMove: record.camera_move ?? null,
    groundStyle: record.ground_style ?? null,
    createdAt: record.created_at,
    objectCount: objects,
    framesTotal: record.frames_total || Math.max(1, Math.round(record.duration * record.fps)),
    derivedVideos: record.derived_videos ?? [],
    videoPrompt: record.video_prompt ?? "",
  };
}

export type RenderRequest = {
  scene: Scene;
  duration: number;
  fps: number;
  resolution: string;
  quality: Quality;
  camera: Camera | null;
  /** Defaults: "editor" when a camera is sent, else "static". */
  cameraMove?: "static" | "orbit" | "follow" | "dolly" | "editor";
  /** "scene" (or absent): the scene's groundStyle, else checker. */
  groundStyle?: GroundStyle | "scene";
};

/** The body of POST /api/genesis/render for the render form's settings. */
export function renderRequestBody(args: RenderRequest) {
  const [width, height] = args.resolution.split("x").map(Number);
  return {
    scene: args.scene,
    duration: args.duration,
    fps: args.fps,
    resolution: [width ?? 1280, height ?? 720],
    quality: args.quality,
    ...(args.camera ? { camera_config: args.camera } : {}),
    ...(args.cameraMove ? { camera_move: args.cameraMove } : {}),
    ...(args.groundStyle && args.groundStyle !== "scene" ? { ground_style: args.groundStyle } : {}),
  };
}

export async function startRender(args: RenderRequest): Promise<number> {
  const answer = await unwrap(api.POST("/api/genesis/render", { body: renderRequestBody(args) }));
  return answer.video_id;
}

export async function getRender(id: number): Promise<Render> {
  const data = await unwrap(api.GET("/api/genesis/videos/{render_id}", { params: { path: { render_id: id } } }));
  return renderFrom(data.video);
}

export async function listRenders(limit: number, offset: number): Promise<{ renders: Render[]; total: number }> {
  const data = await unwrap(api.GET("/api/genesis/videos", { params: { query: { limit, offset } } }));
  return { renders: data.videos.map(renderFrom), total: data.total };
}

export async function deleteRender(id: number): Promise<void> {
  await unwrap(api.DELETE("/api/genesis/videos/{render_id}", { params: { path: { render_id: id } } }));
}

export async function cancelRender(id: number): Promise<Render> {
  const data = await unwrap(api.POST("/api/genesis/videos/{render_id}/cancel", { params: { path: { render_id: id } } }));
  return renderFrom(data.video);
}

/** What POST /api/genesis/videos/{id}/to-video sends: a model, and optionally a prompt, a frame, other inputs. */
export type ToVideoRequest = { modelId: string; prompt?: string; frame?: number; input?: Record<string, unknown> };

/** Make a finished render real: its frame (or whole video) goes to a video model; the new video's id. */
export async function renderToVideo(renderId: number, request: ToVideoRequest): Promise<number> {
  const answer = await unwrap(
    api.POST("/api/genesis/videos/{render_id}/to-video", {
      params: { path: { render_id: renderId } },
      body: {
        model_id: request.modelId,
        ...(request.prompt !== undefined ? { prompt: request.prompt } : {}),
        ...(request.frame !== undefined ? { frame: request.frame } : {}),
        ...(request.input ? { input: request.input } : {}),
      },
    }),
  );
  return answer.video_id;
}
