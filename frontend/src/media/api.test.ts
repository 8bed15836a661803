import { describe, expect, it } from "vitest";
import { ageMs, errorText, extrasOf, fromAudio, fromImage, fromVideo, kindOfCollection, pollInterval, splitModelId, type MediaItem } from "./api";

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
      source: null, text_output: null, outputs: [], captions: [],
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

describe("issue 15's records (contract fixtures)", () => {
  const common = {
    id: 7, model_id: "simpoc/tones", status: "completed", created_at: "2026-12-01T10:00:00Z", prompt: "a calm tune",
    parameters: {}, collection: "ai-music-generation", metadata: {}, thumbnail_url: "/api/audio/7/thumbnail", error: null,
    content_type: "audio/wav", size_bytes: 1000, width: null, height: null, duration: 4.5, updated_at: "", favorite: false,
  };
  it("reads an audio record: its URL, kind and duration", () => {
    const item = fromAudio({ ...common, audio_url: "/api/audio/7/data", video_url: "/api/audio/7/data", text_output: null, outputs: [], source: null });
    expect(item).toMatchObject({ kind: "audio", media_url: "/api/audio/7/data", duration: 4.5, status: "completed" });
    expect(fromAudio({ ...common, status: "processing", audio_url: "", video_url: "", text_output: null, outputs: [], source: null }).media_url).toBeNull();
  });
  it("reads text outputs, multi-file outputs, sources and captions", () => {
    const extras = extrasOf({
      text_output: "A 4.0 s video, 640x360.",
      outputs: [
        { index: 0, url: "/api/images/3/data", thumbnail_url: "/t0", content_type: "image/png", size_bytes: 1, width: 2, height: 2, duration: null },
        { index: 1, url: "/api/images/3/data?output=1", thumbnail_url: null, content_type: "image/png", size_bytes: 1, width: 2, height: 2, duration: null },
        { index: 2, url: "", thumbnail_url: null },
      ],
      source: { kind: "combine", id: null, asset_id: null, items: [{ kind: "video", id: 1 }, { kind: "render", id: 4 }, { kind: "bogus", id: 5 }] },
      captions: [{ id: 9, text: "hello", model_id: "a/b", created_at: "x" }, { id: "no" }],
    });
    expect(extras.text_output).toBe("A 4.0 s video, 640x360.");
    expect(extras.outputs.map((o) => o.url)).toEqual(["/api/images/3/data", "/api/images/3/data?output=1"]);
    expect(extras.source).toEqual({ kind: "combine", id: null, asset_id: null, items: [{ kind: "video", id: 1 }, { kind: "render", id: 4 }] });
    expect(extras.captions).toEqual([{ id: 9, text: "hello", model_id: "a/b", created_at: "x" }]);
  });
  it("treats a record from before issue 15 as having none of it", () => {
    expect(extrasOf({ source: { kind: "render", id: 3, asset_id: null } })).toEqual({
      source: { kind: "render", id: 3, asset_id: null, items: null },
      text_output: null,
      outputs: [],
      captions: [],
    });
    expect(extrasOf({ text_output: "", source: { kind: "nonsense" } })).toMatchObject({ text_output: null, source: null });
  });
  it("knows each collection's family", () => {
    expect(kindOfCollection("super-resolution")).toBe("image");
    expect(kindOfCollection("video-to-text")).toBe("video");
    expect(kindOfCollection("text-to-speech")).toBe("audio");
  });
});
