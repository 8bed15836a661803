/** The rendered-videos page: Model, Msg, update; the list and its polling live in the query cache. */
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

export const init: Model = { offset: 0, remove: null, canceling: null, error: null };

/** Poll while any render on the page is still in flight; slower when the tab is hidden. */
export function listPollInterval(renders: Render[] | undefined, hidden: boolean): number | false {
  if (!renders || renders.every((render) => isFinal(render.status))) return false;
  return hidden ? 10_000 : 1_500;
}

export function update(model: Model, msg: Msg): Model {
  switch (msg.type) {
    case "PageChanged":
      return { ...model, offset: Math.max(0, msg.offset) };
    case "DeleteAsked":
      return { ...model, remove: { render: msg.render, busy: false, error: null } };
    case "DeleteConfirmed":
      return model.remove ? { ...model, remove: { ...model.remove, busy: true, error: null } } : model;
    case "DeleteSucceeded":
      return { ...model, remove: null };
    case "DeleteFailed":
      return model.remove ? { ...model, remove: { ...model.remove, busy: false, error: msg.message } } : model;
    case "DeleteCancelled":
      return model.remove?.busy ? model : { ...model, remove: null };
    case "CancelSubmitted":
      return model.canceling !== null ? model : { ...model, canceling: msg.id, error: null };
    case "CancelFinished":
      return { ...model, canceling: null, error: msg.error };
    case "ErrorDismissed":
      return { ...model, error: null };
  }
}
