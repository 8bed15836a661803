import { describe, expect, it } from "vitest";
import { replay } from "../../app/effects";
import { galleryPath, init, runFromLinks, sourceLinks, update, type Model, type Msg } from "./detail";

const run = (model: Model, ...msgs: Msg[]) => replay(update, model, ...msgs);
const video = init("video", 7);
const item = { kind: "video", id: 7 } as const;
const image = { id: 3, mediaUrl: "/api/images/3/data", prompt: "a red fox" };

describe("cancel, retry and favourite", () => {
  it("sends each action once until it is answered, then asks for the record again", () => {
    const [busy, cmds] = run(video, { type: "CancelClicked" }, { type: "CancelClicked" }, { type: "FavouriteClicked", value: true });
    expect(cmds).toEqual([
      { type: "Cancel", item },
      { type: "SetFavourite", item, value: true },
    ]);
    expect(busy.pending).toEqual(["cancel", "favourite"]);
    const [done, after] = update(busy, { type: "ActionDone", action: "cancel" });
    expect(done.pending).toEqual(["favourite"]);
    expect(after).toEqual([{ type: "Refresh", kind: "video" }]);
  });

  it("says why an action failed, still refreshes, and clears the message on the next try", () => {
    const [failed, cmds] = run(video, { type: "RetryClicked" }, { type: "ActionFailed", action: "retry", message: "Not found" });
    expect(failed).toMatchObject({ pending: [], actionError: "Not found" });
    expect(cmds).toContainEqual({ type: "Refresh", kind: "video" });
    expect(update(failed, { type: "RetryClicked" })[0].actionError).toBeNull();
  });
});

describe("delete", () => {
  it("asks first, deletes once, then forgets the record and goes to the gallery", () => {
    const [asked, none] = run(video, { type: "DeleteClicked" });
    expect(asked.remove).toEqual({ busy: false, error: null });
    expect(none).toEqual([]);
    const [busy, cmds] = run(asked, { type: "DeleteConfirmed" }, { type: "DeleteConfirmed" }, { type: "DeleteCancelled" });
    expect(cmds).toEqual([{ type: "Delete", item }]);
    expect(busy.remove).toEqual({ busy: true, error: null });
    const [, after] = update(busy, { type: "Deleted" });
    expect(after).toEqual([
      { type: "Forget", item },
      { type: "Refresh", kind: "video" },
      { type: "GoToGallery", kind: "video" },
    ]);
  });

  it("keeps the dialog open with the reason when it fails, and can be cancelled then", () => {
    const [failed] = run(video, { type: "DeleteClicked" }, { type: "DeleteConfirmed" }, { type: "DeleteFailed", message: "Server error" });
    expect(failed.remove).toEqual({ busy: false, error: "Server error" });
    expect(update(failed, { type: "DeleteCancelled" })[0].remove).toBeNull();
  });

  it("does not delete without being asked", () => {
    expect(run(video, { type: "DeleteConfirmed" })).toEqual([video, []]);
  });

  it("knows each kind's gallery", () => {
    expect(galleryPath("video")).toBe("/gallery");
    expect(galleryPath("image")).toBe("/image-gallery");
    expect(galleryPath("audio")).toBe("/gallery?kind=audio");
  });
});

describe("make a video from this image", () => {
  const picture = init("image", 3);

  it("opens the video form with the stored image as the run's source, not a copy", () => {
    const [closed, cmds] = run(picture, { type: "MakeVideoOpened" }, { type: "MakeVideoConfirmed", modelId: "wan/i2v", image });
    expect(closed.makeVideo).toBeNull();
    expect(cmds).toEqual([
      {
        type: "OpenVideoForm",
        modelId: "wan/i2v",
        source: { kind: "image", id: 3 },
        preview: "/api/images/3/data",
        label: "Image #3",
        prompt: "a red fox",
      },
    ]);
    // Confirmed once: a second click on a closed dialog opens nothing.
    expect(update(closed, { type: "MakeVideoConfirmed", modelId: "wan/i2v", image })[1]).toEqual([]);
  });

  it("remembers the model the person picked", () => {
    const [model] = run(picture, { type: "MakeVideoOpened" }, { type: "MakeVideoModelChosen", modelId: "kling/i2v" });
    expect(model.makeVideo).toEqual({ modelId: "kling/i2v" });
    expect(run(model, { type: "MakeVideoClosed" })[0].makeVideo).toBeNull();
  });

  it("needs a model and an open dialog", () => {
    const [open] = run(picture, { type: "MakeVideoOpened" });
    expect(update(open, { type: "MakeVideoConfirmed", modelId: "", image })[1]).toEqual([]);
    expect(update(picture, { type: "MakeVideoConfirmed", modelId: "wan/i2v", image })[1]).toEqual([]);
  });
});

describe("sending a record on (issue 15)", () => {
  const done = { id: 4, status: "completed" as const, media_url: "/api/images/4/data", thumbnail_url: "/t/4", text_output: null };
  it("offers upscaling and editing for a finished image, with it as the source", () => {
    const links = runFromLinks({ ...done, kind: "image" });
    expect(links.map((l) => l.label)).toEqual(["Upscale", "Edit with a prompt"]);
    expect(links[0]).toEqual({
      label: "Upscale",
      to: { pathname: "/images", search: "collection=super-resolution" },
      state: { source: { kind: "image", id: 4 }, sourcePreview: "/api/images/4/data", sourceLabel: "Image #4" },
    });
  });
  it("offers captions for a finished video, nothing for unfinished ones or text results", () => {
    const links = runFromLinks({ ...done, kind: "video", media_url: "/api/videos/4/data" });
    expect(links.map((l) => [l.label, l.to.search])).toEqual([["Caption this video", "collection=video-to-text"]]);
    expect(links[0]?.state.sourcePreview).toBe("/t/4");
    expect(runFromLinks({ ...done, kind: "image", status: "processing" })).toEqual([]);
    expect(runFromLinks({ ...done, kind: "video", text_output: "A clip" })).toEqual([]);
    expect(runFromLinks({ ...done, kind: "audio" })).toEqual([]);
  });
  it("links what a record was made from", () => {
    expect(sourceLinks(null)).toEqual([]);
    expect(sourceLinks({ kind: "image", id: 3, asset_id: 9, items: null })).toEqual([{ label: "image #3", to: "/image/3" }]);
    expect(sourceLinks({ kind: "render", id: 2, asset_id: null, items: null })).toEqual([{ label: "simulation render 2", to: "/simulations" }]);
    expect(
      sourceLinks({ kind: "combine", id: null, asset_id: null, items: [{ kind: "video", id: 1 }, { kind: "render", id: 5 }] }),
    ).toEqual([
      { label: "video #1", to: "/video/1" },
      { label: "simulation render 5", to: "/simulations" },
    ]);
  });
});
