/**
 * The rendered-videos page: Model, Msg, Cmd and a pure update; the list and its polling live in the
 * query cache. SimulationsPage.tsx performs the commands.
 */
import { only, type Step } from "../../app/effects";
import type { Render } from "../../scene/sceneApi";
import { isFinal } from "../../scene/sceneApi";

export const PAGE_SIZE = 12;

export type Model = {
  offset: number;
  remove: { render: Render; busy: boolean; error: string | null } | null;
  canceling: number | null;
  error: string | null;
};

export type Msg =
  | { type: "PageChanged"; offset: number }
  | { type: "DeleteAsked"; render: Render }
  | { type: "DeleteConfirmed" }
  | { type: "DeleteSucceeded" }
  | { type: "DeleteFailed"; message: string }
  | { type: "DeleteCancelled" }
  | { type: "CancelSubmitted"; id: number }
  | { type: "CancelFinished"; error: string | null }
  | { type: "ErrorDismissed" };

export type Cmd =
  /** Delete the render, refresh the lists, answer DeleteSucceeded or DeleteFailed. */
  | { type: "DeleteRender"; id: number }
  /** Cancel the render, refresh the lists, answer CancelFinished. */
  | { type: "CancelRender"; id: number };

export const init: Model = { offset: 0, remove: null, canceling: null, error: null };

/** Poll while any render on the page is still in flight; slower when the tab is hidden. */
export function listPollInterval(renders: Render[] | undefined, hidden: boolean): number | false {
  if (!renders || renders.every((render) => isFinal(render.status))) return false;
  return hidden ? 10_000 : 1_500;
}

export function update(model: Model, msg: Msg): Step<Model, Cmd> {
  switch (msg.type) {
    case "PageChanged":
      return only({ ...model, offset: Math.max(0, msg.offset) });
    case "DeleteAsked":
      return only(model.remove?.busy ? model : { ...model, remove: { render: msg.render, busy: false, error: null } });
    case "DeleteConfirmed":
      if (!model.remove || model.remove.busy) return only(model);
      return [{ ...model, remove: { ...model.remove, busy: true, error: null } }, [{ type: "DeleteRender", id: model.remove.render.id }]];
    case "DeleteSucceeded":
      return only({ ...model, remove: null });
    case "DeleteFailed":
      return only(model.remove ? { ...model, remove: { ...model.remove, busy: false, error: msg.message } } : model);
    case "DeleteCancelled":
      return only(model.remove?.busy ? model : { ...model, remove: null });
    case "CancelSubmitted":
      // One cancel at a time: the buttons are disabled meanwhile, and a second click changes nothing.
      if (model.canceling !== null) return only(model);
      return [{ ...model, canceling: msg.id, error: null }, [{ type: "CancelRender", id: msg.id }]];
    case "CancelFinished":
      return only({ ...model, canceling: null, error: msg.error });
    case "ErrorDismissed":
      return only({ ...model, error: null });
  }
}
