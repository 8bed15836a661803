import { describe, expect, it } from "vitest";
import { replay } from "../../app/effects";
import { init, initFrom, isPicked, loadPicks, pickNumber, PICKS_KEY, request, savePicks, update, type Msg, type Pick, type PickStore } from "./combine";

const video = (id: number): Pick => ({ kind: "video", id, label: `video ${id}`, thumbnailUrl: null });
const render = (id: number): Pick => ({ kind: "render", id, label: `render ${id}`, thumbnailUrl: null });
const run = (...msgs: Msg[]) => replay(update, init, ...msgs);

describe("combine picks", () => {
  it("keeps the order of picking across kinds, and a second click unpicks", () => {
    const [model] = run({ type: "PickToggled", pick: video(3) }, { type: "PickToggled", pick: render(3) }, { type: "PickToggled", pick: video(1) });
    expect(model.picks.map((p) => `${p.kind}${p.id}`)).toEqual(["video3", "render3", "video1"]);
    expect(pickNumber(model, { kind: "render", id: 3 })).toBe(2);
    const [after] = replay(update, model, { type: "PickToggled", pick: video(3) });
    expect(isPicked(after, { kind: "video", id: 3 })).toBe(false);
    expect(isPicked(after, { kind: "render", id: 3 })).toBe(true);
  });
  it("moves and removes, ignoring moves past the ends", () => {
    const [model] = run({ type: "PickToggled", pick: video(1) }, { type: "PickToggled", pick: video(2) }, { type: "PickMoved", index: 1, by: -1 }, { type: "PickMoved", index: 1, by: 1 });
    expect(model.picks.map((p) => p.id)).toEqual([2, 1]);
    expect(update(model, { type: "PickRemoved", index: 0 })[0].picks.map((p) => p.id)).toEqual([1]);
  });
});

describe("combine submit", () => {
  it("opens only with two picks and sends the contract's body", () => {
    expect(run({ type: "PickToggled", pick: video(1) }, { type: "DialogOpened" })[0].open).toBe(false);
    const [model, cmds] = run(
      { type: "PickToggled", pick: video(1) },
      { type: "PickToggled", pick: render(2) },
      { type: "DialogOpened" },
      { type: "TransitionChosen", value: "crossfade" },
      { type: "SizeChosen", key: "1280x720" },
      { type: "Submitted" },
      { type: "Submitted" },
    );
    expect(model.open).toBe(true);
    expect(cmds).toEqual([
      {
        type: "Combine",
        request: { items: [{ kind: "video", id: 1 }, { kind: "render", id: 2 }], transition: "crossfade", width: 1280, height: 720 },
      },
    ]);
    // While it is sent, the picks stay as they are.
    expect(update(model, { type: "PickRemoved", index: 0 })[0]).toBe(model);
    const [done, next] = update(model, { type: "Started", id: 40 });
    expect(next).toEqual([{ type: "OpenVideo", id: 40 }]);
    expect(done.picks).toEqual([]);
    expect(done.open).toBe(false);
  });
  it("leaves the size out when it is the first video's, and shows a failure", () => {
    const [model] = run({ type: "PickToggled", pick: video(1) }, { type: "PickToggled", pick: video(2) });
    expect(request(model)).toEqual({ items: [{ kind: "video", id: 1 }, { kind: "video", id: 2 }], transition: "cut" });
    const [failed] = replay(update, model, { type: "DialogOpened" }, { type: "Submitted" }, { type: "Failed", message: "Video 2 is not stored yet." });
    expect(failed.submit).toEqual({ kind: "failed", message: "Video 2 is not stored yet." });
    expect(failed.picks).toHaveLength(2);
  });
});

/** An in-memory sessionStorage. */
function memoryStore(initial: Record<string, string> = {}): PickStore & { data: Record<string, string> } {
  const data = { ...initial };
  return {
    data,
    getItem: (key) => data[key] ?? null,
    setItem: (key, value) => {
      data[key] = value;
    },
    removeItem: (key) => {
      delete data[key];
    },
  };
}

describe("combine picks survive a reload", () => {
  it("saves the ordered picks and a new page starts from them", () => {
    const store = memoryStore();
    const [model] = run({ type: "PickToggled", pick: render(4) }, { type: "PickToggled", pick: video(2) }, { type: "PickToggled", pick: video(9) }, { type: "PickMoved", index: 2, by: -1 });
    savePicks(store, model.picks);
    const reloaded = initFrom(store);
    expect(reloaded.picks).toEqual([render(4), video(9), video(2)]);
    expect(reloaded.open).toBe(false);
    expect(request(reloaded).items).toEqual([
      { kind: "render", id: 4 },
      { kind: "video", id: 9 },
      { kind: "video", id: 2 },
    ]);
  });

  it("forgets them once cleared", () => {
    const store = memoryStore();
    savePicks(store, [video(1), video(2)]);
    savePicks(store, run({ type: "PickToggled", pick: video(1) }, { type: "PicksCleared" })[0].picks);
    expect(store.data).toEqual({});
    expect(initFrom(store).picks).toEqual([]);
  });

  it("ignores what it cannot read: bad JSON, other shapes, unknown kinds, repeats", () => {
    expect(loadPicks(memoryStore({ [PICKS_KEY]: "{not json" }))).toEqual([]);
    expect(loadPicks(memoryStore({ [PICKS_KEY]: '{"kind":"video"}' }))).toEqual([]);
    const mixed = JSON.stringify([video(1), { kind: "image", id: 2, label: "x", thumbnailUrl: null }, { kind: "video", id: "3", label: "x", thumbnailUrl: null }, video(1), render(5)]);
    expect(loadPicks(memoryStore({ [PICKS_KEY]: mixed }))).toEqual([video(1), render(5)]);
  });

  it("keeps working in memory when the storage refuses", () => {
    const full: PickStore = {
      getItem: () => {
        throw new Error("denied");
      },
      setItem: () => {
        throw new Error("QuotaExceededError");
      },
      removeItem: () => undefined,
    };
    expect(() => savePicks(full, [video(1)])).not.toThrow();
    expect(() => initFrom(full)).not.toThrow();
    expect(initFrom(full).picks).toEqual([]);
  });
});
