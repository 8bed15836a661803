/**
 * Undo history of the edited scene as plain data. Every edit is one `commit`; consecutive commits
 * that share a coalescing key (one gizmo drag, typing in one field) form a single undo step until
 * `settle` ends the burst.
 */
import type { Scene } from "./types";

export const HISTORY_LIMIT = 200;

export type History = {
  past: Scene[];
  present: Scene;
  future: Scene[];
  /** The key of the burst of edits in progress, if any. */
  burst: string | null;
};

export function historyOf(scene: Scene): History {
  return { past: [], present: scene, future: [], burst: null };
}

export function commit(history: History, scene: Scene, burst: string | null = null): History {
  if (scene === history.present) return history;
  if (burst !== null && burst === history.burst) {
    return { ...history, present: scene, future: [] };
  }
  const past = [...history.past, history.present];
  return {
    past: past.length > HISTORY_LIMIT ? past.slice(past.length - HISTORY_LIMIT) : past,
    present: scene,
    future: [],
    burst,
  };
}

/** Ends the current burst: the next edit, even with the same key, is a new undo step. */
export function settle(history: History): History {
  return history.burst === null ? history : { ...history, burst: null };
}

export function canUndo(history: History): boolean {
  return history.past.length > 0;
}

export function canRedo(history: History): boolean {
  return history.future.length > 0;
}

export function undo(history: History): History {
  const previous = history.past[history.past.length - 1];
  if (previous === undefined) return history;
  return {
    past: history.past.slice(0, -1),
    present: previous,
    future: [history.present, ...history.future],
    burst: null,
  };
}

export function redo(history: History): History {
  const [next, ...rest] = history.future;
  if (next === undefined) return history;
  return { past: [...history.past, history.present], present: next, future: rest, burst: null };
}
