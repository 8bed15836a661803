import { describe, expect, it } from "vitest";
import { ageMs, errorText, fromImage, fromVideo, pollInterval, splitModelId, type MediaItem } from "./api";

describe("pollInterval", () => {
  it("stops at every final state", () => {
    for (const status of ["completed", "failed", "canceled"] as const) expect(pollInterval(status, 0, false)).toBe(false);
  });
  it("slows down as a generation drags on", () => {
    expect(pollInterval("processing", 1_000, false)).toBe(2_000);
    expect(pollInterval("processing", 60_000, false)).toBe(5_000);
    expect(pollInterval("processing", 3_600_000, false)).toBe(15_000);
  });
  it("backs off while the tab is hidden", () => {
    expect(pollInterval("processing", 1_000, true)).toBe(30_000);
    expect(pollInterval("processing", 3_600_000, true)).toBe(60_000);
  });
  it("polls while the status is not known yet", () => {
    expect(pollInterval(undefined, 0, false)).toBe(2_000);
  });
});

describe("helpers", () => {
  it("measures age and tolerates bad dates", () => {
    expect(ageMs("2026-01-01T00:00:10Z", Date.parse("2026-01-01T00:00:20Z"))).toBe(10_000);
    expect(ageMs("garbage")).toBe(0);
  });
  it("splits model ids", () => {
    expect(splitModelId("minimax/video-01")).toEqual({ owner: "minimax", name: "video-01" });
    expect(splitModelId("nope")).toBeNull();
    expect(splitModelId("a/b/c")).toBeNull();
  });
  it("finds the error text at the top or in metadata", () => {
    const base: MediaItem = {
      id: 1, kind: "image", media_url: null, model_id: "a/b", status: "failed", created_at: "", prompt: "",
      parameters: {}, collection: "text-to-image", metadata: {}, thumbnail_url: null, error: null, content_type: null,
      size_bytes: null, width: null, height: null, duration: null, updated_at: "", favorite: false,
    };
    expect(errorText({ ...base, error: "NSFW" })).toBe("NSFW");
    expect(errorText({ ...base, metadata: { error: "Download failed" } })).toBe("Download failed");
    expect(errorText(base)).toBeNull();
  });
});

describe("records as the API sends them", () => {
  const record = {
    id: 2, model_id: "a/b", status: "processing", created_at: "", prompt: "", parameters: {}, collection: "text-to-image",
    metadata: {}, thumbnail_url: null, error: null, content_type: null, size_bytes: null, width: null, height: null,
    duration: null, updated_at: "", favorite: false,
  };
  it("reads the empty URL of an unstored output as no media yet", () => {
    expect(fromVideo({ ...record, video_url: "" }).media_url).toBeNull();
    expect(fromImage({ ...record, image_url: "", video_url: "" }).media_url).toBeNull();
  });
  it("keeps a stored output's URL", () => {
    const url = "/api/images/2/data?v=abc";
    const item = fromImage({ ...record, status: "completed", image_url: url, video_url: url });
    expect(item.media_url).toBe(url);
    expect(item.kind).toBe("image");
  });
});
