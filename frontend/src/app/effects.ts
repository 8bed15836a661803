/**
 * The one runner for the pages' effects (the Elm architecture's runtime, in a few lines).
 *
 * A page's `update(model, msg)` is pure: it returns the next model and the commands it wants run,
 * as plain data. The page's `perform(cmd)` is the only code that touches the world (HTTP, the
 * query cache, navigation, storage, timers); it answers with the message to feed back, now or as
 * a promise, or with nothing. So the rules (what may start when) live in `update` and are tested
 * without a browser, and components only send messages.
 */
import { useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore } from "react";
import { describeError } from "../api/errors";

/** The next model and the commands to run, in order. */
export type Step<Model, Cmd> = readonly [Model, readonly Cmd[]];

export type Update<Model, Msg, Cmd> = (model: Model, msg: Msg) => Step<Model, Cmd>;

/** A command's answer: a message to feed back (now or later) or nothing. */
export type Answer<Msg> = Msg | void | Promise<Msg | void>;

export type Perform<Cmd, Msg> = (cmd: Cmd) => Answer<Msg>;

/** A step with no commands, for the many messages that only change the model. */
export function only<Model>(model: Model): Step<Model, never> {
  return [model, []];
}

export interface Program<Model, Msg> {
  model: () => Model;
  dispatch: (msg: Msg) => void;
  subscribe: (listener: () => void) => () => void;
  /** Answers are delivered again (StrictMode unmounts and remounts once). */
  start: () => void;
  /** The page has gone: answers that arrive from now on are dropped. */
  stop: () => void;
}

export function program<Model, Msg, Cmd>(
  init: Model,
  update: Update<Model, Msg, Cmd>,
  perform: Perform<Cmd, Msg>,
): Program<Model, Msg> {
  let model = init;
  let live = true;
  const listeners = new Set<() => void>();

  const deliver = (answer: Msg | void) => {
    if (answer !== undefined && live) dispatch(answer);
  };

  function dispatch(msg: Msg): void {
    const [next, cmds] = update(model, msg);
    if (next !== model) {
      model = next;
      for (const listener of listeners) listener();
    }
    for (const cmd of cmds) {
      const answer = perform(cmd);
      if (answer instanceof Promise) {
        answer.then(deliver, (error: unknown) => {
          // perform turns expected failures into messages; anything else is a bug worth seeing.
          console.error("A page command failed without a message to report it", cmd, error);
        });
      } else {
        deliver(answer);
      }
    }
  }

  return {
    model: () => model,
    dispatch,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start() {
      live = true;
    },
    stop() {
      live = false;
    },
  };
}

/**
 * A page's model and `dispatch`, with its commands run by `perform`. `perform` may close over this
 * render's hooks (navigate, the query client, props): the latest one runs each command. `init` and
 * `update` are read once, at mount; a page that shows another record is keyed by it (a new model).
 */
export function useProgram<Model, Msg, Cmd>(
  init: () => Model,
  update: Update<Model, Msg, Cmd>,
  perform: Perform<Cmd, Msg>,
): [Model, (msg: Msg) => void] {
  const latest = useRef(perform);
  useLayoutEffect(() => {
    latest.current = perform;
  });
  const [running] = useState(() => program(init(), update, (cmd: Cmd) => latest.current(cmd)));
  useEffect(() => {
    running.start();
    return running.stop;
  }, [running]);
  const model = useSyncExternalStore(running.subscribe, running.model);
  return [model, running.dispatch];
}

/**
 * A command's answer from work that may fail: `ok` with its result, or `failed` with the error as a
 * sentence for the person (also when `work` throws before returning a promise).
 */
export function attempt<T, Msg>(work: () => Promise<T>, ok: (value: T) => Msg, failed: (message: string) => Msg): Promise<Msg> {
  return Promise.resolve()
    .then(work)
    .then(ok, (error: unknown) => failed(describeError(error)));
}

/** A promise that settles after `ms` milliseconds, for commands that wait (debounces). */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Feeds messages through `update` one after another: the last model and every command, in order (for tests). */
export function replay<Model, Msg, Cmd>(update: Update<Model, Msg, Cmd>, model: Model, ...msgs: Msg[]): [Model, readonly Cmd[]] {
  const cmds: Cmd[] = [];
  for (const msg of msgs) {
    const [next, more] = update(model, msg);
    model = next;
    cmds.push(...more);
  }
  return [model, cmds];
}
