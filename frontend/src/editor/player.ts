/**
 * Plays a scene: a Rapier world stepped on the fixed 1/60 s clock while the view shows its poses.
 * The scene itself never changes; `dispose()` (reset) returns the view to the scene's transforms.
 */
import { type Clock, advanceClock } from "../scene/clock";
import type { Scene } from "../scene/types";
import { type Rapier, SceneWorld } from "./physics";
import type { Viewport } from "./viewport";

export class Player {
  private readonly world: SceneWorld;
  private clock: Clock = { accumulator: 0 };
  private playing = false;

  constructor(
    rapier: Rapier,
    scene: Scene,
    private readonly viewport: Viewport,
    /** Told the number of steps taken whenever it changes. */
    private readonly onSteps: (steps: number) => void,
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
    this.world.step(steps);
    this.viewport.showPoses(this.world.poses());
    this.onSteps(this.world.steps);
  }
}
