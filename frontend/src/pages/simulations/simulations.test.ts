import { describe, expect, it } from "vitest";
import { replay } from "../../app/effects";
import { pollInterval } from "../../scene/renderPolling";
import type { Render } from "../../scene/sceneApi";
import { type Model, type Msg, init, listPollInterval, update } from "./simulations";

// Only what the page's update and the polling read; the record's other fields do not matter here.
const render = (status: Render["status"], id = 1): Render =>
  ({
    id,
    status,
    progress: 0.5,
    error: null,
    videoUrl: null,
    thumbnailUrl: null,
    duration: 3,
    fps: 30,
    resolution: "1280x720",
    quality: "draft",
    cameraMove: "orbit",
    groundStyle: "wood",
    createdAt: "2026-01-01T00:00:00Z",
    objectCount: 2,
  }) as Render;

const run = (model: Model, ...msgs: Msg[]) => replay(update, model, ...msgs);

describe("polling", () => {
  it("stops once every render is final and backs off while hidden", () => {
    expect(listPollInterval([render("completed"), render("failed")], false)).toBe(false);
    expect(listPollInterval([render("completed"), render("rendering")], false)).toBe(1500);
    expect(listPollInterval([render("queued")], true)).toBe(10_000);
    expect(pollInterval(render("canceled"), false)).toBe(false);
    expect(pollInterval(render("rendering"), false)).toBe(1000);
    expect(pollInterval(undefined, true)).toBe(10_000);
  });
});

describe("simulations page", () => {
  it("cancels one render at a time and keeps the error", () => {
    let [m, cmds] = run(init, { type: "CancelSubmitted", id: 4 }, { type: "CancelSubmitted", id: 5 });
    expect(m.canceling).toBe(4);
    expect(cmds).toEqual([{ type: "CancelRender", id: 4 }]);
    [m, cmds] = run(m, { type: "CancelFinished", error: "Could not cancel render 4: it already finished." });
    expect(m).toMatchObject({ canceling: null, error: "Could not cancel render 4: it already finished." });
    expect(cmds).toEqual([]);
    [m] = run(m, { type: "ErrorDismissed" });
    expect(m.error).toBeNull();
    // A new cancel clears the previous message.
    [m] = run(m, { type: "CancelFinished", error: "old" }, { type: "CancelSubmitted", id: 6 });
    expect(m).toMatchObject({ canceling: 6, error: null });
  });

  it("deletes after confirmation, once, and keeps the dialog open while it runs", () => {
    let [m, cmds] = run(init, { type: "DeleteConfirmed" });
    expect(cmds).toEqual([]);
    [m, cmds] = run(m, { type: "DeleteAsked", render: render("completed", 7) }, { type: "DeleteConfirmed" }, { type: "DeleteConfirmed" });
    expect(m.remove?.busy).toBe(true);
    expect(cmds).toEqual([{ type: "DeleteRender", id: 7 }]);
    expect(update(m, { type: "DeleteCancelled" })[0]).toBe(m);
    expect(update(m, { type: "DeleteAsked", render: render("completed", 8) })[0]).toBe(m);
    expect(update(m, { type: "DeleteSucceeded" })[0].remove).toBeNull();
  });

  it("shows a failed delete and lets the person try again or leave", () => {
    let [m, cmds] = run(init, { type: "DeleteAsked", render: render("failed", 3) }, { type: "DeleteConfirmed" }, { type: "DeleteFailed", message: "Not found." });
    expect(m.remove).toMatchObject({ busy: false, error: "Not found." });
    [m, cmds] = run(m, { type: "DeleteConfirmed" });
    expect(cmds).toEqual([{ type: "DeleteRender", id: 3 }]);
    expect(m.remove).toMatchObject({ busy: true, error: null });
    [m] = run(m, { type: "DeleteFailed", message: "again" }, { type: "DeleteCancelled" });
    expect(m.remove).toBeNull();
    expect(run(init, { type: "PageChanged", offset: -12 })[0].offset).toBe(0);
  });
});

describe("make it real", () => {
  const finished: Render = { ...render("completed", 9), videoPrompt: "A red ball rolls down a ramp.", framesTotal: 90 };

  it("opens a form with the scene's prompt, keeps its values when closed, and sends once", () => {
    let [m, cmds] = run(init, { type: "MakeRealOpened", render: finished });
    expect(m.makeReal[9]).toMatchObject({ open: true, modelId: null, prompt: "A red ball rolls down a ramp.", frame: 0 });
    [m, cmds] = run(
      m,
      { type: "MakeRealEdited", id: 9, changes: { frame: 45 } },
      { type: "MakeRealClosed", id: 9 },
      { type: "MakeRealOpened", render: finished },
    );
    expect(m.makeReal[9]).toMatchObject({ open: true, frame: 45 });
    expect(cmds).toEqual([]);
    // No model to send to yet (the list is still loading): nothing is sent.
    expect(run(m, { type: "MakeRealSubmitted", id: 9, modelId: "" })[1]).toEqual([]);
    [m, cmds] = run(m, { type: "MakeRealSubmitted", id: 9, modelId: "stability-ai/svd" }, { type: "MakeRealSubmitted", id: 9, modelId: "stability-ai/svd" });
    // The scene's own prompt is left to the server, which gives it only to models that take one.
    expect(cmds).toEqual([{ type: "MakeReal", id: 9, request: { modelId: "stability-ai/svd", frame: 45 } }]);
    expect(m.makeReal[9]?.sending).toBe(true);
    [m] = run(m, { type: "MakeRealStarted", id: 9, videoId: 31 });
    expect(m.makeReal[9]).toMatchObject({ sending: false, started: 31, error: null });
  });

  it("sends an edited prompt, and a failure says why and clears the last start", () => {
    let [m, cmds] = run(
      init,
      { type: "MakeRealOpened", render: finished },
      { type: "MakeRealEdited", id: 9, changes: { prompt: "A ball, slowly.", modelId: "a/b" } },
      { type: "MakeRealSubmitted", id: 9, modelId: "a/b" },
      { type: "MakeRealStarted", id: 9, videoId: 2 },
      { type: "MakeRealSubmitted", id: 9, modelId: "a/b" },
    );
    expect(cmds).toEqual([
      { type: "MakeReal", id: 9, request: { modelId: "a/b", frame: 0, prompt: "A ball, slowly." } },
      { type: "MakeReal", id: 9, request: { modelId: "a/b", frame: 0, prompt: "A ball, slowly." } },
    ]);
    expect(m.makeReal[9]?.started).toBeNull();
    [m] = run(m, { type: "MakeRealFailed", id: 9, message: "This model takes no image." });
    expect(m.makeReal[9]).toMatchObject({ sending: false, error: "This model takes no image." });
    // Messages about a render without a form change nothing.
    expect(run(m, { type: "MakeRealStarted", id: 4, videoId: 1 }, { type: "MakeRealClosed", id: 4 })).toEqual([m, []]);
  });
});

describe("make it real with a video-to-video model", () => {
  it("sends the render's whole video: no frame", () => {
    const opened = update(init, { type: "MakeRealOpened", render: render("completed", 9) })[0];
    const [, cmds] = update(opened, { type: "MakeRealSubmitted", id: 9, modelId: "luma/modify", wholeVideo: true });
    expect(cmds).toEqual([{ type: "MakeReal", id: 9, request: { modelId: "luma/modify" } }]);
  });
});
