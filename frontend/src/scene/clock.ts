/**
 * The fixed-step clock of SCENE.md: physics advances in whole 1/60 s steps, and an accumulator turns
 * the browser's irregular frame times into a number of steps, so the speed of a simulation does not
 * depend on the monitor's refresh rate.
 */
export const TIME_STEP = 1 / 60;
/** A frame longer than this (a hidden tab, a breakpoint) is cut short rather than caught up. */
export const MAX_FRAME_SECONDS = 0.25;

export type Clock = { accumulator: number };

export function advanceClock(clock: Clock, elapsedSeconds: number): { clock: Clock; steps: number } {
  const elapsed = Math.min(Math.max(elapsedSeconds, 0), MAX_FRAME_SECONDS);
  let accumulator = clock.accumulator + elapsed;
  // The small epsilon keeps 1/60 + 1/60 + 1/60 from counting as 2.9999 steps.
  const steps = Math.floor(accumulator / TIME_STEP + 1e-9);
  accumulator = Math.max(accumulator - steps * TIME_STEP, 0);
  return { clock: { accumulator }, steps };
}
