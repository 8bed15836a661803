/**
 * The rendered-videos page: Model, Msg, Cmd and a pure update; the list and its polling live in the
 * query cache. SimulationsPage.tsx performs the commands.
 */
import { only, type Step } from "../../app/effects";
import type { Render, ToVideoRequest } from "../../scene/sceneApi";
import { isFinal } from "../../scene/sceneApi";

export const PAGE_SIZE = 12;

/**
 * "Make it real" on one finished render: the form's values (kept while it is closed, so reopening
 * shows them again), the request in flight, and its outcome. `modelId` null: the list's first model.
 */
export type MakeRealForm = {
  open: boolean;
  modelId: string | null;
  /** The prompt written from the scene; sent only when the person changed it. */
  scenePrompt: string;
  prompt: string;
  frame: number;
  sending: boolean;
  error: string | null;
  /** The video the last request started. */
  started: number | null;
};

export type MakeRealChanges = Partial<Pick<MakeRealForm, "modelId" | "prompt" | "frame">>;

export type Model = {
  offset: number;
  makeReal: Readonly<Record<number, MakeRealForm>>;
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
  | { type: "ErrorDismissed" }
  | { type: "MakeRealOpened"; render: Render }
  | { type: "MakeRealClosed"; id: number }
  | { type: "MakeRealEdited"; id: number; changes: MakeRealChanges }
  /** `modelId`: the model the form shows as chosen (the list's first one unless the person chose). */
  /** `wholeVideo`: the model is a video-to-video one; the render's video goes, not a frame. */
  | { type: "MakeRealSubmitted"; id: number; modelId: string; wholeVideo?: boolean }
  | { type: "MakeRealStarted"; id: number; videoId: number }
  | { type: "MakeRealFailed"; id: number; message: string };

export type Cmd =
  /** Delete the render, refresh the lists, answer DeleteSucceeded or DeleteFailed. */
  | { type: "DeleteRender"; id: number }
  /** Cancel the render, refresh the lists, answer CancelFinished. */
  | { type: "CancelRender"; id: number }
  /** Send the render's frame to the model, refresh the lists, answer MakeRealStarted or MakeRealFailed. */
  | { type: "MakeReal"; id: number; request: ToVideoRequest };

export const init: Model = { offset: 0, makeReal: {}, remove: null, canceling: null, error: null };

/** Poll while any render on the page is still in flight; slower when the tab is hidden. */
export function listPollInterval(renders: Render[] | undefined, hidden: boolean): number | false {
  if (!renders || renders.every((render) => isFinal(render.status))) return false;
  return hidden ? 10_000 : 1_500;
}

function withForm(model: Model, id: number, change: (form: MakeRealForm) => MakeRealForm): Model {
  const form = model.makeReal[id];
  return form ? { ...model, makeReal: { ...model.makeReal, [id]: change(form) } } : model;
}

function makeRealSubmitted(model: Model, id: number, modelId: string, wholeVideo: boolean): Step<Model, Cmd> {
  const form = model.makeReal[id];
  if (!form || form.sending || modelId === "") return only(model);
  // The scene's prompt is left to the server unless edited: it sends it only to models that take one.
  const request: ToVideoRequest = {
    modelId,
    ...(wholeVideo ? {} : { frame: form.frame }),
    ...(form.prompt !== form.scenePrompt ? { prompt: form.prompt } : {}),
  };
  return [withForm(model, id, (f) => ({ ...f, sending: true, error: null, started: null })), [{ type: "MakeReal", id, request }]];
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
    case "MakeRealOpened": {
      const { id, videoPrompt } = msg.render;
      const form = model.makeReal[id] ?? {
        open: true,
        modelId: null,
        scenePrompt: videoPrompt,
        prompt: videoPrompt,
        frame: 0,
        sending: false,
        error: null,
        started: null,
      };
      return only({ ...model, makeReal: { ...model.makeReal, [id]: { ...form, open: true } } });
    }
    case "MakeRealClosed":
      return only(withForm(model, msg.id, (f) => ({ ...f, open: false })));
    case "MakeRealEdited":
      return only(withForm(model, msg.id, (f) => ({ ...f, ...msg.changes })));
    case "MakeRealSubmitted":
      return makeRealSubmitted(model, msg.id, msg.modelId, msg.wholeVideo === true);
    case "MakeRealStarted":
      return only(withForm(model, msg.id, (f) => ({ ...f, sending: false, started: msg.videoId })));
    case "MakeRealFailed":
      return only(withForm(model, msg.id, (f) => ({ ...f, sending: false, error: msg.message })));
  }
}
