import { describe, expect, it } from "vitest";
import { replay } from "../../app/effects";
import type { MediaItem } from "../../media/api";
import type { Render } from "../../scene/sceneApi";
import {
  archiveUrl,
  cardOfItem,
  cardOfRender,
  kindPath,
  parseKind,
  exportUrl,
  favouriteShown,
  filtersToParams,
  init,
  listQuery,
  noFilters,
  pageCount,
  parseFilters,
  update,
  withFilter,
  type Model,
  type Msg,
} from "./gallery";

describe("gallery filters in the URL", () => {
  it("round-trips through the query string", () => {
    const filters = { status: "completed" as const, model: "minimax/video-01", favorite: true, q: "cat", page: 3 };
    expect(parseFilters(filtersToParams(filters))).toEqual(filters);
  });

  it("ignores nonsense", () => {
    expect(parseFilters(new URLSearchParams("status=exploded&page=-2&favorite=yes"))).toEqual(noFilters);
  });

  it("keeps the URL empty for the defaults", () => {
    expect(filtersToParams(noFilters).toString()).toBe("");
  });

  it("goes back to page one when a filter changes", () => {
    expect(withFilter({ ...noFilters, page: 4 }, { status: "failed" })).toMatchObject({ page: 1, status: "failed" });
  });

  it("builds the API query", () => {
    expect(listQuery({ status: "processing", model: "a/b", favorite: true, q: " dog ", page: 2 })).toEqual({
      limit: 24, offset: 24, status: "processing", model_id: "a/b", favorite: true, q: "dog",
    });
    expect(listQuery(noFilters)).toEqual({ limit: 24, offset: 0 });
    expect(pageCount(0)).toBe(1);
    expect(pageCount(49)).toBe(3);
  });
});

const run = (model: Model, ...msgs: Msg[]) => replay(update, model, ...msgs);
const videos = init("video");

describe("gallery selection", () => {
  it("toggles and clears", () => {
    const [model] = run(videos, { type: "SelectionToggled", id: 1 }, { type: "SelectionToggled", id: 2 }, { type: "SelectionToggled", id: 1 });
    expect(model.selected).toEqual([2]);
    expect(update(model, { type: "SelectionCleared" })[0].selected).toEqual([]);
  });

  it("forgets selected items that are no longer on the page", () => {
    const [model] = run(videos, { type: "AllSelected", ids: [1, 2, 3] }, { type: "PageShown", items: [2, 3, 4].map((id) => ({ id, favorite: false })) });
    expect(model.selected).toEqual([2, 3]);
  });
});

describe("gallery bulk delete", () => {
  it("asks, deletes one item at a time with progress, and closes when all went well", () => {
    let [model, cmds] = run(videos, { type: "AllSelected", ids: [1, 2] }, { type: "DeleteAsked", ids: [1, 2] });
    expect(cmds).toEqual([]);
    [model, cmds] = run(model, { type: "DeleteConfirmed" }, { type: "DeleteConfirmed" });
    expect(cmds).toEqual([{ type: "DeleteOne", kind: "video", id: 1 }]);
    expect(model.deleting).toMatchObject({ done: 0, total: 2 });
    expect(update(model, { type: "DeleteCancelled" })[0]).toBe(model);
    [model, cmds] = update(model, { type: "DeleteProgressed", id: 1, error: null });
    expect(model.deleting).toMatchObject({ done: 1, total: 2 });
    expect(cmds).toEqual([
      { type: "Forget", kind: "video", id: 1 },
      { type: "DeleteOne", kind: "video", id: 2 },
    ]);
    [model, cmds] = update(model, { type: "DeleteProgressed", id: 2, error: null });
    expect(cmds).toEqual([
      { type: "Forget", kind: "video", id: 2 },
      { type: "RefreshList", kind: "video" },
    ]);
    expect(model).toEqual(videos);
  });

  it("goes on after a failure and keeps the dialog open with it", () => {
    const [model, cmds] = run(
      videos,
      { type: "AllSelected", ids: [1, 2] },
      { type: "DeleteAsked", ids: [1, 2] },
      { type: "DeleteConfirmed" },
      { type: "DeleteProgressed", id: 1, error: "Not found" },
      { type: "DeleteProgressed", id: 2, error: null },
    );
    expect(cmds.map((c) => c.type)).toEqual(["DeleteOne", "DeleteOne", "Forget", "RefreshList"]);
    expect(model.deleting).toBeNull();
    expect(model.confirm).not.toBeNull();
    expect(model.failures).toEqual([{ id: 1, message: "Not found" }]);
    expect(model.selected).toEqual([1]);
  });

  it("ignores an answer about an item it is not deleting", () => {
    const [model] = run(videos, { type: "DeleteAsked", ids: [1, 2] }, { type: "DeleteConfirmed" });
    expect(update(model, { type: "DeleteProgressed", id: 2, error: null })).toEqual([model, []]);
    expect(update(videos, { type: "DeleteProgressed", id: 1, error: null })).toEqual([videos, []]);
  });

  it("does not ask about nothing", () => {
    expect(update(videos, { type: "DeleteAsked", ids: [] })[0]).toBe(videos);
    expect(update(videos, { type: "DeleteConfirmed" })).toEqual([videos, []]);
  });
});

describe("gallery favourites", () => {
  const item = { id: 5, favorite: false };

  it("shows the click at once and keeps it until a fresh list agrees", () => {
    let [model, cmds] = run(videos, { type: "FavouriteToggled", id: 5, value: true });
    expect(cmds).toEqual([{ type: "SetFavourite", kind: "video", id: 5, value: true }]);
    expect(favouriteShown(model, item)).toBe(true);
    // A poll that started before the save still says false: the click stays.
    [model] = update(model, { type: "PageShown", items: [item] });
    expect(favouriteShown(model, item)).toBe(true);
    [model, cmds] = update(model, { type: "FavouriteSaved", id: 5 });
    expect(cmds).toEqual([{ type: "RefreshList", kind: "video" }]);
    [model] = update(model, { type: "PageShown", items: [{ id: 5, favorite: true }] });
    expect(model.favourites).toEqual({});
    expect(favouriteShown(model, { id: 5, favorite: true })).toBe(true);
  });

  it("goes back to the server's value and says why when the save fails", () => {
    const [model, cmds] = run(videos, { type: "FavouriteToggled", id: 5, value: true }, { type: "FavouriteFailed", id: 5, message: "Not found" });
    expect(favouriteShown(model, item)).toBe(false);
    expect(model.favouriteError).toBe("Not found");
    expect(cmds).toContainEqual({ type: "RefreshList", kind: "video" });
    expect(update(model, { type: "FavouriteToggled", id: 5, value: true })[0].favouriteError).toBeNull();
  });

  it("keeps the last click while two saves are in flight", () => {
    const [model] = run(
      videos,
      { type: "FavouriteToggled", id: 5, value: true },
      { type: "FavouriteToggled", id: 5, value: false },
      { type: "FavouriteSaved", id: 5 },
      { type: "PageShown", items: [{ id: 5, favorite: true }] },
    );
    expect(favouriteShown(model, { id: 5, favorite: true })).toBe(false);
  });
});

describe("gallery player", () => {
  it("plays a video and closes", () => {
    const [model] = run(videos, { type: "PlayClicked", id: 4 });
    expect(model.playing).toBe(4);
    expect(update(model, { type: "PlayerClosed" })[0].playing).toBeNull();
  });

  it("closes when the video leaves the page", () => {
    const [model] = run(videos, { type: "PlayClicked", id: 4 }, { type: "PageShown", items: [{ id: 5, favorite: false }] });
    expect(model.playing).toBeNull();
  });
});

describe("gallery search box", () => {
  const onPage3 = init("video", { ...noFilters, status: "completed", page: 3 });

  it("searches a moment after the last keystroke, from page one, keeping the other filters", () => {
    const [model, cmds] = run(onPage3, { type: "SearchTyped", value: "ca" }, { type: "SearchTyped", value: "cat" });
    expect(cmds).toEqual([
      { type: "SearchLater", seq: 1 },
      { type: "SearchLater", seq: 2 },
    ]);
    expect(update(model, { type: "SearchSettled", seq: 1 })[1]).toEqual([]);
    expect(update(model, { type: "SearchSettled", seq: 2 })[1]).toEqual([
      { type: "ShowFilters", filters: { ...noFilters, status: "completed", q: "cat", page: 1 } },
    ]);
  });

  it("does not search for what is already shown", () => {
    const shown = init("video", { ...noFilters, q: "cat" });
    expect(run(shown, { type: "SearchTyped", value: "cat " }, { type: "SearchSettled", seq: 1 })[1]).toEqual([{ type: "SearchLater", seq: 1 }]);
  });

  it("searches at once on Enter, and the pending timer then does nothing", () => {
    const [model, cmds] = run(onPage3, { type: "SearchTyped", value: "dog" }, { type: "SearchSubmitted" });
    expect(cmds[1]).toEqual({ type: "ShowFilters", filters: { ...noFilters, status: "completed", q: "dog", page: 1 } });
    expect(update(model, { type: "SearchSettled", seq: 1 })[1]).toEqual([]);
  });

  it("follows the URL when it changes from outside", () => {
    const searched = init("video", { ...noFilters, q: "cat" });
    const [model] = run(searched, { type: "SearchTyped", value: "half typed" }, { type: "FiltersShown", filters: noFilters });
    expect(model.search.draft).toBe("");
    expect(model.filters).toEqual(noFilters);
    const [same] = run(onPage3, { type: "SearchTyped", value: "half typed" }, { type: "FiltersShown", filters: { ...onPage3.filters, page: 4 } });
    expect(same.search.draft).toBe("half typed");
  });

  it("puts chosen filters in the URL", () => {
    expect(update(videos, { type: "FiltersChosen", filters: { ...noFilters, favorite: true } })[1]).toEqual([
      { type: "ShowFilters", filters: { ...noFilters, favorite: true } },
    ]);
  });
});

describe("ZIP downloads", () => {
  it("asks for the chosen items of this gallery's kind", () => {
    expect(archiveUrl("image", [3, 1, 2])).toBe("/api/archive?images=3%2C1%2C2");
    expect(archiveUrl("video", [7])).toBe("/api/archive?videos=7");
    expect(archiveUrl("render", [2])).toBe("/api/archive?renders=2");
    expect(archiveUrl("audio", [2])).toBe("/api/archive?audio=2");
  });

  it("exports everything of mine from one path", () => {
    expect(exportUrl()).toBe("/api/archive/mine");
  });
});

describe("the gallery's kind filter", () => {
  it("reads ?kind= and falls back to the path's kind", () => {
    expect(parseKind(new URLSearchParams("kind=audio"), "video")).toBe("audio");
    expect(parseKind(new URLSearchParams("kind=render&page=2"), "video")).toBe("render");
    expect(parseKind(new URLSearchParams("kind=nonsense"), "image")).toBe("image");
    expect(parseKind(new URLSearchParams(""), "image")).toBe("image");
  });
  it("keeps the old deep links for videos and images", () => {
    expect(kindPath("video")).toBe("/gallery");
    expect(kindPath("image")).toBe("/image-gallery");
    expect(kindPath("audio")).toBe("/gallery?kind=audio");
  });
});

describe("gallery cards", () => {
  const item: MediaItem = {
    id: 5, kind: "image", media_url: "/api/images/5/data", model_id: "a/b", status: "completed", created_at: "", prompt: " cats ",
    parameters: {}, collection: "text-to-image", metadata: {}, thumbnail_url: "/t", error: null, content_type: null,
    size_bytes: null, width: null, height: null, duration: null, updated_at: "", favorite: true,
    source: null, text_output: null, outputs: [], captions: [],
  };
  it("shows a set's file count and a text result", () => {
    const output = { index: 0, url: "/u", thumbnail_url: null, content_type: null, size_bytes: null, width: null, height: null, duration: null };
    expect(cardOfItem(item)).toMatchObject({ label: "cats", fileCount: 1, favorite: true, href: "/image/5", text: null });
    expect(cardOfItem({ ...item, outputs: [output, { ...output, index: 1 }, { ...output, index: 2 }] }).fileCount).toBe(3);
    expect(cardOfItem({ ...item, kind: "video", prompt: "", text_output: "A 4 s clip" })).toMatchObject({ label: "video #5", text: "A 4 s clip", href: "/video/5" });
  });
  it("shows a render as a video without favourites", () => {
    const render: Render = {
      id: 3, status: "rendering", progress: 0.5, error: null, videoUrl: null, thumbnailUrl: null, duration: 4, fps: 30,
      resolution: "640x360", quality: "draft", cameraMove: null, groundStyle: null, createdAt: "", objectCount: 1,
      framesTotal: 120, derivedVideos: [], videoPrompt: "",
    };
    expect(cardOfRender(render)).toMatchObject({ kind: "render", status: "processing", favorite: null, label: "Render #3: 1 object, 4 s at 640x360" });
  });
});
