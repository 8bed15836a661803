import { describe, expect, it } from "vitest";
import { archiveUrl, exportUrl, filtersToParams, init, listQuery, noFilters, pageCount, parseFilters, update, withFilter, type Model } from "./gallery";

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

describe("gallery selection and bulk delete", () => {
  const run = (model: Model, ...msgs: Parameters<typeof update>[1][]) => msgs.reduce(update, model);

  it("toggles and clears", () => {
    const model = run(init, { type: "SelectionToggled", id: 1 }, { type: "SelectionToggled", id: 2 }, { type: "SelectionToggled", id: 1 });
    expect(model.selected).toEqual([2]);
    expect(update(model, { type: "SelectionCleared" }).selected).toEqual([]);
  });

  it("forgets selected items that are no longer on the page", () => {
    const model = run(init, { type: "AllSelected", ids: [1, 2, 3] }, { type: "PageShown", ids: [2, 3, 4] });
    expect(model.selected).toEqual([2, 3]);
  });

  it("asks, deletes with progress, and closes when all went well", () => {
    let model = run(init, { type: "AllSelected", ids: [1, 2] }, { type: "DeleteAsked", ids: [1, 2] }, { type: "DeleteStarted" });
    expect(model.deleting).toEqual({ done: 0, total: 2 });
    expect(update(model, { type: "DeleteCancelled" })).toBe(model);
    model = run(model, { type: "DeleteProgressed", id: 1, error: null }, { type: "DeleteProgressed", id: 2, error: null });
    expect(model.deleting).toEqual({ done: 2, total: 2 });
    model = update(model, { type: "DeleteFinished" });
    expect(model).toEqual(init);
  });

  it("keeps the dialog open with the failures", () => {
    const model = run(
      init,
      { type: "AllSelected", ids: [1, 2] },
      { type: "DeleteAsked", ids: [1, 2] },
      { type: "DeleteStarted" },
      { type: "DeleteProgressed", id: 1, error: null },
      { type: "DeleteProgressed", id: 2, error: "Not found" },
      { type: "DeleteFinished" },
    );
    expect(model.confirm).not.toBeNull();
    expect(model.failures).toEqual([{ id: 2, message: "Not found" }]);
    expect(model.selected).toEqual([2]);
  });

  it("does not ask about nothing", () => {
    expect(update(init, { type: "DeleteAsked", ids: [] })).toBe(init);
  });
});

describe("ZIP downloads", () => {
  it("asks for the chosen items of this gallery's kind", () => {
    expect(archiveUrl("image", [3, 1, 2])).toBe("/api/archive?images=3%2C1%2C2");
    expect(archiveUrl("video", [7])).toBe("/api/archive?videos=7");
  });

  it("exports everything of mine from one path", () => {
    expect(exportUrl()).toBe("/api/archive/mine");
  });
});
