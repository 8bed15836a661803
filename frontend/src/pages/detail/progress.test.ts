import { describe, expect, it } from "vitest";
import { progressView } from "./progress";

describe("progressView", () => {
  it("shows nothing before any download", () => {
    expect(progressView(null)).toBeNull();
    expect(progressView(undefined)).toBeNull();
  });
  it("waits without a share while queued", () => {
    expect(progressView({ phase: "queued", bytes_received: 0, bytes_total: null })?.fraction).toBeNull();
  });
  it("shows bytes of the total while downloading", () => {
    expect(progressView({ phase: "downloading", bytes_received: 512 * 1024, bytes_total: 2 * 1024 * 1024 })).toEqual({
      label: "Copying the result: 512.0 KB of 2.0 MB (25 %)",
      fraction: 0.25,
    });
  });
  it("counts bytes when the total is unknown", () => {
    expect(progressView({ phase: "downloading", bytes_received: 2048, bytes_total: null })).toEqual({
      label: "Copying the result: 2.0 KB so far",
      fraction: null,
    });
  });
  it("is full while storing", () => {
    expect(progressView({ phase: "storing", bytes_received: 10, bytes_total: 10 })?.fraction).toBe(1);
  });
  it("ignores a phase it does not know", () => {
    expect(progressView({ phase: "teleporting", bytes_received: 0, bytes_total: null })).toBeNull();
  });
});
