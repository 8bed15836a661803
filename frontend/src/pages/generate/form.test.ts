import { describe, expect, it } from "vitest";
import { replay } from "../../app/effects";
import { init, initFromPrefill, playableFile, serverFieldErrors, sourceField, update, uploadProblem, type Model, type Msg } from "./form";
import { readPrefill } from "./prefill";
import { defaultValues, fieldsFromSchema } from "./schemaForm";

const fields = fieldsFromSchema(
  {
    prompt: { type: "string", "x-order": 0 },
    steps: { type: "integer", default: 4, minimum: 1, maximum: 8, "x-order": 1 },
    image: { type: "string", format: "uri", "x-order": 2 },
  },
  ["prompt"],
);
const fresh = init(defaultValues(fields));
const run = (model: Model, ...msgs: Msg[]) => replay(update, model, ...msgs);
const png = (size = 1000) => new File([new Uint8Array(size)], "dog.png", { type: "image/png" });

describe("generation form", () => {
  it("refuses to submit invalid values and marks the fields, sending nothing", () => {
    const [model, cmds] = run(fresh, { type: "Submitted", fields });
    expect(model.submit.kind).toBe("failed");
    expect(model.errors).toEqual({ prompt: "Required." });
    expect(cmds).toEqual([]);
  });

  it("runs the typed input once, however often it is submitted", () => {
    const [model, cmds] = run(fresh, { type: "FieldChanged", name: "prompt", value: "a dog" }, { type: "Submitted", fields }, { type: "Submitted", fields });
    expect(model.submit).toEqual({ kind: "submitting", input: { prompt: "a dog", steps: 4 } });
    expect(cmds).toEqual([{ type: "Run", input: { prompt: "a dog", steps: 4 } }]);
  });

  it("reports the new generation and opens it when asked to", () => {
    const [submitting] = run(fresh, { type: "FieldChanged", name: "prompt", value: "a dog" }, { type: "Submitted", fields });
    const [done, cmds] = update(submitting, { type: "SubmitSucceeded", id: 9 });
    expect(done.submit.kind).toBe("editing");
    expect(cmds).toEqual([
      { type: "ReportStarted", id: 9 },
      { type: "OpenResult", id: 9 },
    ]);
    const [stay] = run(submitting, { type: "OpenAfterChanged", value: false });
    expect(update(stay, { type: "SubmitSucceeded", id: 9 })[1]).toEqual([{ type: "ReportStarted", id: 9 }]);
  });

  it("remembers the open-after choice", () => {
    const [model, cmds] = run(fresh, { type: "OpenAfterChanged", value: false });
    expect(model.openAfter).toBe(false);
    expect(cmds).toEqual([{ type: "RememberOpenAfter", value: false }]);
    expect(update(model, { type: "ResetToDefaults", fields })[0].openAfter).toBe(false);
  });

  it("uploads a chosen image and waits for it before submitting", () => {
    const file = png();
    let [model, cmds] = run(fresh, { type: "FieldChanged", name: "prompt", value: "a dog" }, { type: "FileChosen", name: "image", file });
    expect(cmds).toEqual([{ type: "Upload", name: "image", file, accept: "image" }]);
    [model, cmds] = update(model, { type: "Submitted", fields });
    expect(model.submit).toMatchObject({ kind: "failed", message: expect.stringMatching(/upload/) });
    expect(cmds).toEqual([]);
    [model] = update(model, { type: "UploadSucceeded", name: "image", url: "data:image/png;base64,AA", preview: "blob:x" });
    expect(model.values.image).toBe("data:image/png;base64,AA");
    expect(model.uploads.image).toMatchObject({ kind: "done", filename: "dog.png" });
  });

  it("refuses files it cannot upload without sending them", () => {
    const pdf = new File(["%PDF"], "notes.pdf", { type: "application/pdf" });
    const [model, cmds] = run(fresh, { type: "FileChosen", name: "image", file: pdf });
    expect(cmds).toEqual([]);
    expect(model.uploads.image).toEqual({ kind: "failed", filename: "notes.pdf", message: "choose a JPEG, PNG, GIF or WebP image." });
    expect(uploadProblem({ type: "image/png", size: 11 * 1024 * 1024 })).toMatch(/10 MB/);
    expect(uploadProblem({ type: "image/webp", size: 10 })).toBeNull();
  });

  it("puts the server's field errors under the fields", () => {
    expect(serverFieldErrors([{ field: "input.steps", message: "too big" }, { field: "prompt", message: "empty" }])).toEqual({
      steps: "too big",
      prompt: "empty",
    });
  });

  it("resets to the defaults", () => {
    const [model] = run(fresh, { type: "FieldChanged", name: "steps", value: "7" }, { type: "ResetToDefaults", fields });
    expect(model.values.steps).toBe("4");
  });
});

describe("a form handed over by another page", () => {
  it("starts from an earlier run's inputs", () => {
    const model = initFromPrefill(fields, { input: { prompt: "again", steps: 6 } }, true);
    expect(model.values).toMatchObject({ prompt: "again", steps: "6" });
  });

  it("takes no image URL from another page: a stored image comes as the run's source", () => {
    const model = initFromPrefill(fields, readPrefill({ imageUrl: "data:image/png;base64,AA", imagePreview: "/api/images/3/data" }), false);
    expect(model.values.image).toBe("");
    expect(model.uploads).toEqual({});
    expect(model.source).toBeNull();
    expect(model.openAfter).toBe(false);
  });
});

describe("media inputs from the gallery or an upload (issue 15)", () => {
  const captioner = fieldsFromSchema(
    {
      video: { type: "string", format: "uri", title: "Video", "x-order": 0 },
      question: { type: "string", "x-order": 1 },
    },
    ["video"],
  );
  const upscaler = fieldsFromSchema(
    { image: { type: "string", format: "uri", "x-order": 0 }, scale: { type: "integer", default: 2, "x-order": 1 } },
    ["image"],
  );

  it("puts a handed-over stored item in the model's input of its media and runs with it as the source", () => {
    const prefill = readPrefill({ source: { kind: "video", id: 12 }, sourcePreview: "/t/12", sourceLabel: "Video #12" });
    const model = initFromPrefill(captioner, prefill, false);
    expect(model.source).toEqual({ field: "video", kind: "video", id: 12, label: "Video #12", preview: "/t/12" });
    const [, cmds] = run(model, { type: "Submitted", fields: captioner });
    expect(cmds).toEqual([{ type: "Run", input: {}, source: { kind: "video", id: 12, input: "video" } }]);
  });

  it("a video made from a stored image keeps the image's prompt and runs with the image as the source", () => {
    const prefill = readPrefill({ source: { kind: "image", id: 3 }, sourcePreview: "/api/images/3/data", sourceLabel: "Image #3", input: { prompt: "a red fox" } });
    const model = initFromPrefill(fields, prefill, false);
    expect(model.values.prompt).toBe("a red fox");
    expect(model.source).toEqual({ field: "image", kind: "image", id: 3, label: "Image #3", preview: "/api/images/3/data" });
    const [, cmds] = run(model, { type: "Submitted", fields });
    expect(cmds).toEqual([{ type: "Run", input: { prompt: "a red fox", steps: 4 }, source: { kind: "image", id: 3, input: "image" } }]);
  });

  it("keeps a picked audio or video file to play while it uploads and after; not an image, not a refused file", () => {
    const speech = fieldsFromSchema({ audio: { type: "string", format: "uri", "x-order": 0 } }, ["audio"]);
    const clip = new File([new Uint8Array(100)], "tune.wav", { type: "audio/wav" });
    const [uploading, cmds] = update(init(defaultValues(speech)), { type: "FileChosen", name: "audio", file: clip, accept: "audio" });
    expect(cmds).toEqual([{ type: "Upload", name: "audio", file: clip, accept: "audio" }]);
    expect(playableFile(uploading.uploads.audio)).toBe(clip);
    const [done] = update(uploading, { type: "UploadSucceeded", name: "audio", url: "/media/tune.wav", preview: "" });
    expect(done.uploads.audio).toMatchObject({ kind: "done", filename: "tune.wav" });
    expect(playableFile(done.uploads.audio)).toBe(clip);
    // Another file replaces it; a refused one (a picture for an audio input) leaves nothing to play.
    const other = new File([new Uint8Array(10)], "take2.mp3", { type: "audio/mpeg" });
    expect(playableFile(update(done, { type: "FileChosen", name: "audio", file: other, accept: "audio" })[0].uploads.audio)).toBe(other);
    expect(playableFile(update(done, { type: "FileChosen", name: "audio", file: png(), accept: "audio" })[0].uploads.audio)).toBeNull();
    expect(playableFile(update(fresh, { type: "FileChosen", name: "image", file: png(), accept: "image" })[0].uploads.image)).toBeNull();
  });

  it("finds the image input of an upscaler, and nothing where the model takes no such media", () => {
    expect(sourceField(upscaler, "image")?.name).toBe("image");
    expect(sourceField(upscaler, "audio")).toBeNull();
    const model = initFromPrefill(upscaler, readPrefill({ source: { kind: "audio", id: 3 } }), true);
    expect(model.source).toBeNull();
  });

  it("a picked item replaces a typed URL; typing or uploading on that input drops the item", () => {
    const picked = { field: "image", kind: "image" as const, id: 4, label: "Image #4", preview: null };
    const fresh = init(defaultValues(upscaler));
    const [model] = run(fresh, { type: "FieldChanged", name: "image", value: "https://x/y.png" }, { type: "SourcePicked", source: picked });
    expect(model.values.image).toBe("");
    expect(model.source).toEqual(picked);
    expect(update(model, { type: "FieldChanged", name: "scale", value: "4" })[0].source).toEqual(picked);
    expect(update(model, { type: "FieldChanged", name: "image", value: "https://a/b.png" })[0].source).toBeNull();
    const [uploading, cmds] = update(model, { type: "FileChosen", name: "image", file: png(), accept: "image" });
    expect(uploading.source).toBeNull();
    expect(cmds).toEqual([{ type: "Upload", name: "image", file: expect.any(File), accept: "image" }]);
    expect(update(model, { type: "ResetToDefaults", fields: upscaler })[0].source).toEqual(picked);
  });

  it("checks audio and video uploads by their own types", () => {
    const mp3 = { type: "audio/mpeg", size: 5_000_000 };
    expect(uploadProblem(mp3, "audio")).toBeNull();
    expect(uploadProblem(mp3, "video")).toMatch(/video file/);
    expect(uploadProblem({ type: "video/mp4", size: 200 * 1024 * 1024 }, "video")).toMatch(/100 MB/);
    expect(uploadProblem(mp3)).toMatch(/JPEG/);
  });

  it("ignores a malformed handed-over source", () => {
    expect(readPrefill({ source: { kind: "render", id: 1 } }).source).toBeUndefined();
    expect(readPrefill({ source: { kind: "image", id: "1" } }).source).toBeUndefined();
  });
});
