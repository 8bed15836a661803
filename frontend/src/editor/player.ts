/**
 * Plays a scene: a Rapier world stepped on the fixed 1/60 s clock while the view shows its poses.
 * The scene itself never changes; `dispose()` (reset) returns the view to the scene's transforms.
 */
import { type Clock, advanceClock } from "../scene/clock";
import type { Scene } from "../scene/types";
import { type Pose, type Rapier, SceneWorld } from "./physics";
import type { Viewport } from "./viewport";

const COST_SAMPLES = 600;

/** The median resists the odd slow frame (garbage collection, another busy process) that a mean would not. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export class Player {
  private readonly world: SceneWorld;
  private clock: Clock = { accumulator: 0 };
  private playing = false;
  /** Milliseconds per step of the latest advances; their median is the cost shown to the user. */
  private readonly stepCosts: number[] = [];

  constructor(
    rapier: Rapier,
    scene: Scene,
    private readonly viewport: Viewport,
    /** Told the number of steps taken whenever it changes, and the typical (median) milliseconds one step costs lately. */
    private readonly onSteps: (steps: number, msPerStep: number) => void,
  ) {
    this.world = new SceneWorld(rapier, scene);
    viewport.onFrame((seconds) => this.frame(seconds));
  }

  play(): void {
    this.playing = true;
  }

  pause(): void {
    this.playing = false;
    this.clock = { accumulator: 0 };
  }

  /** Where object `id` is in the simulation now (null: no such body). */
  pose(id: string): Pose | null {
    return this.world.pose(id);
  }

  /** One fixed step, whether playing or not. */
  stepOnce(): void {
    this.advance(1);
  }

  dispose(): void {
    this.viewport.onFrame(null);
    this.world.free();
    this.viewport.showScene();
  }

  private frame(seconds: number): void {
    if (!this.playing) return;
    const { clock, steps } = advanceClock(this.clock, seconds);
    this.clock = clock;
    if (steps > 0) this.advance(steps);
  }

  private advance(steps: number): void {
    const started = performance.now();
    this.world.step(steps);
    this.stepCosts.push((performance.now() - started) / steps);
    if (this.stepCosts.length > COST_SAMPLES) this.stepCosts.shift();
    this.viewport.showPoses(this.world.poses());
    this.onSteps(this.world.steps, median(this.stepCosts));
  }
}
