import { describe, expect, it } from "vitest";
import { pollInterval } from "../../scene/renderPolling";
import type { Render } from "../../scene/sceneApi";
import { init, listPollInterval, update } from "./simulations";

const render = (status: Render["status"]): Render => ({
  id: 1,
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
});

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
    let m = update(init, { type: "CancelSubmitted", id: 4 });
    expect(update(m, { type: "CancelSubmitted", id: 5 }).canceling).toBe(4);
    m = update(m, { type: "CancelFinished", error: "Could not cancel render 4: it already finished." });
    expect(m).toMatchObject({ canceling: null, error: "Could not cancel render 4: it already finished." });
    expect(update(m, { type: "ErrorDismissed" }).error).toBeNull();
  });

  it("deletes after confirmation", () => {
    let m = update(init, { type: "DeleteAsked", render: render("completed") });
    m = update(m, { type: "DeleteConfirmed" });
    expect(m.remove?.busy).toBe(true);
    expect(update(m, { type: "DeleteCancelled" }).remove).not.toBeNull();
    expect(update(m, { type: "DeleteSucceeded" }).remove).toBeNull();
  });
});
