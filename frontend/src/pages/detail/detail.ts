/**
 * One generation's page (`/video/:id`, `/image/:id`): Model, Msg, Cmd and a pure update. The record
 * itself is server data, polled through the query cache; the model holds what the person is doing
 * with it (actions in flight, the delete dialog, "make a video from this image").
 * MediaDetailPage.tsx performs the commands.
 */
import type { SourceRef } from "../../api/types";
import { only, type Step } from "../../app/effects";
import type { Collection, MediaItem, MediaKind } from "../../media/api";

export type Action = "cancel" | "retry" | "favourite";

/** The image a video is made from, as the page shows it. */
export type SourceImage = { id: number; mediaUrl: string; prompt: string };

/** The dialog's state: the model the person picked (null: the first one listed). */
export type MakeVideo = { modelId: string | null };

export type Model = {
  kind: MediaKind;
  id: number;
  /** Actions sent and not answered yet: each button waits for its own. */
  pending: readonly Action[];
  actionError: string | null;
  remove: { busy: boolean; error: string | null } | null;
  makeVideo: MakeVideo | null;
};

export type Msg =
  | { type: "CancelClicked" }
  | { type: "RetryClicked" }
  | { type: "FavouriteClicked"; value: boolean }
  | { type: "ActionDone"; action: Action }
  | { type: "ActionFailed"; action: Action; message: string }
  | { type: "DeleteClicked" }
  | { type: "DeleteCancelled" }
  | { type: "DeleteConfirmed" }
  | { type: "Deleted" }
  | { type: "DeleteFailed"; message: string }
  | { type: "MakeVideoOpened" }
  | { type: "MakeVideoModelChosen"; modelId: string }
  /** `modelId`: the model shown as chosen (the first one until the person picks another). */
  | { type: "MakeVideoConfirmed"; modelId: string; image: SourceImage }
  | { type: "MakeVideoClosed" };

export type Item = { kind: MediaKind; id: number };

export type Cmd =
  | { type: "Cancel"; item: Item }
  | { type: "Retry"; item: Item }
  | { type: "SetFavourite"; item: Item; value: boolean }
  | { type: "Delete"; item: Item }
  /** Ask the server again for this kind's records (this one, the lists). */
  | { type: "Refresh"; kind: MediaKind }
  /** Drop the deleted record from the cache so nothing polls it. */
  | { type: "Forget"; item: Item }
  | { type: "GoToGallery"; kind: MediaKind }
  /**
   * Open the image-to-video form with the stored image as the run's source (RunIn.source), so the
   * server sends its own asset to the model and the video records what it was made from.
   */
  | { type: "OpenVideoForm"; modelId: string; source: { kind: "image"; id: number }; preview: string; label: string; prompt: string };

export function init(kind: MediaKind, id: number): Model {
  return { kind, id, pending: [], actionError: null, remove: null, makeVideo: null };
}

export function galleryPath(kind: MediaKind): string {
  if (kind === "video") return "/gallery";
  return kind === "image" ? "/image-gallery" : `/gallery?kind=${kind}`;
}

export const KIND_TITLE: Record<MediaKind, string> = { video: "Video", image: "Image", audio: "Audio" };

/** Where a collection's form is, per family. */
const GENERATE_PATH: Record<MediaKind, string> = { video: "/videos", image: "/images", audio: "/audio" };

/** A link that opens a collection's form with this record as the model's media input (RunIn.source). */
export type RunFromLink = {
  label: string;
  to: { pathname: string; search: string };
  state: { source: { kind: MediaKind; id: number }; sourcePreview: string | null; sourceLabel: string };
};

/** What a finished record can be sent on to: an image to upscaling and editing, a video to captioning. */
export function runFromLinks(record: Pick<MediaItem, "kind" | "id" | "status" | "media_url" | "thumbnail_url" | "text_output">): RunFromLink[] {
  if (record.status !== "completed" || !record.media_url || record.text_output) return [];
  const targets: { collection: Collection; family: MediaKind; label: string }[] =
    record.kind === "image"
      ? [
          { collection: "super-resolution", family: "image", label: "Upscale" },
          { collection: "image-editing", family: "image", label: "Edit with a prompt" },
        ]
      : record.kind === "video"
        ? [{ collection: "video-to-text", family: "video", label: "Caption this video" }]
        : [];
  const preview = record.kind === "image" ? record.media_url : record.thumbnail_url;
  return targets.map((t) => ({
    label: t.label,
    to: { pathname: GENERATE_PATH[t.family], search: new URLSearchParams({ collection: t.collection }).toString() },
    state: { source: { kind: record.kind, id: record.id }, sourcePreview: preview, sourceLabel: `${KIND_TITLE[record.kind]} #${record.id}` },
  }));
}

/** The "made from" links of a record's source: one item, or a combine's items in order. */
export function sourceLinks(source: SourceRef | null): { label: string; to: string }[] {
  if (!source) return [];
  const one = (kind: string, id: number): { label: string; to: string } =>
    kind === "render" ? { label: `simulation render ${id}`, to: "/simulations" } : { label: `${kind} #${id}`, to: `/${kind}/${id}` };
  if (source.kind === "combine") return (source.items ?? []).map((i) => one(i.kind, i.id));
  return source.id === null ? [] : [one(source.kind, source.id)];
}

function item(model: Model): Item {
  return { kind: model.kind, id: model.id };
}

function start(model: Model, action: Action, cmd: Cmd): Step<Model, Cmd> {
  if (model.pending.includes(action)) return only(model);
  return [{ ...model, pending: [...model.pending, action], actionError: null }, [cmd]];
}

function settle(model: Model, action: Action, error: string | null): Step<Model, Cmd> {
  const next = { ...model, pending: model.pending.filter((a) => a !== action), actionError: error ?? model.actionError };
  // Either way the record may have moved on (a cancel that lost to completion): ask again.
  return [next, [{ type: "Refresh", kind: model.kind }]];
}

export function update(model: Model, msg: Msg): Step<Model, Cmd> {
  switch (msg.type) {
    case "CancelClicked":
      return start(model, "cancel", { type: "Cancel", item: item(model) });
    case "RetryClicked":
      return start(model, "retry", { type: "Retry", item: item(model) });
    case "FavouriteClicked":
      return start(model, "favourite", { type: "SetFavourite", item: item(model), value: msg.value });
    case "ActionDone":
      return settle(model, msg.action, null);
    case "ActionFailed":
      return settle(model, msg.action, msg.message);
    case "DeleteClicked":
      return only(model.remove ? model : { ...model, remove: { busy: false, error: null } });
    case "DeleteCancelled":
      return only(model.remove?.busy ? model : { ...model, remove: null });
    case "DeleteConfirmed":
      if (!model.remove || model.remove.busy) return only(model);
      return [{ ...model, remove: { busy: true, error: null } }, [{ type: "Delete", item: item(model) }]];
    case "Deleted":
      return [
        { ...model, remove: null },
        [{ type: "Forget", item: item(model) }, { type: "Refresh", kind: model.kind }, { type: "GoToGallery", kind: model.kind }],
      ];
    case "DeleteFailed":
      return only(model.remove ? { ...model, remove: { busy: false, error: msg.message } } : model);
    case "MakeVideoOpened":
      return only(model.makeVideo ? model : { ...model, makeVideo: { modelId: null } });
    case "MakeVideoModelChosen":
      return only(model.makeVideo ? { ...model, makeVideo: { modelId: msg.modelId } } : model);
    case "MakeVideoConfirmed": {
      if (!model.makeVideo || msg.modelId === "") return only(model);
      const { image } = msg;
      return [
        { ...model, makeVideo: null },
        [
          {
            type: "OpenVideoForm",
            modelId: msg.modelId,
            source: { kind: "image", id: image.id },
            preview: image.mediaUrl,
            label: `Image #${image.id}`,
            prompt: image.prompt,
          },
        ],
      ];
    }
    case "MakeVideoClosed":
      return only({ ...model, makeVideo: null });
  }
}
