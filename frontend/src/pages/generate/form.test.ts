import { describe, expect, it } from "vitest";
import { init, serverFieldErrors, update } from "./form";
import { defaultValues, fieldsFromSchema } from "./schemaForm";

const fields = fieldsFromSchema(
  {
    prompt: { type: "string", "x-order": 0 },
    steps: { type: "integer", default: 4, minimum: 1, maximum: 8, "x-order": 1 },
    image: { type: "string", format: "uri", "x-order": 2 },
  },
  ["prompt"],
);

describe("generation form", () => {
  it("refuses to submit invalid values and marks the fields", () => {
    const model = update(init(defaultValues(fields)), { type: "Submitted", fields });
    expect(model.submit.kind).toBe("failed");
    expect(model.errors).toEqual({ prompt: "Required." });
  });

  it("submits the typed input", () => {
    let model = update(init(defaultValues(fields)), { type: "FieldChanged", name: "prompt", value: "a dog" });
    model = update(model, { type: "Submitted", fields });
    expect(model.submit).toEqual({ kind: "submitting", input: { prompt: "a dog", steps: 4 } });
    expect(update(model, { type: "Submitted", fields })).toBe(model);
  });

  it("waits for uploads to finish", () => {
    let model = update(init(defaultValues(fields)), { type: "FieldChanged", name: "prompt", value: "a dog" });
    model = update(model, { type: "UploadStarted", name: "image", filename: "dog.png" });
    model = update(model, { type: "Submitted", fields });
    expect(model.submit).toMatchObject({ kind: "failed", message: expect.stringMatching(/upload/) });
    model = update(model, { type: "UploadSucceeded", name: "image", url: "data:image/png;base64,AA", preview: "blob:x" });
    expect(model.values.image).toBe("data:image/png;base64,AA");
    expect(model.uploads.image).toMatchObject({ kind: "done", filename: "dog.png" });
  });

  it("puts the server's field errors under the fields", () => {
    expect(serverFieldErrors([{ field: "input.steps", message: "too big" }, { field: "prompt", message: "empty" }])).toEqual({
      steps: "too big",
      prompt: "empty",
    });
  });

  it("resets to the defaults", () => {
    let model = update(init(defaultValues(fields)), { type: "FieldChanged", name: "steps", value: "7" });
    model = update(model, { type: "ResetToDefaults", fields });
    expect(model.values.steps).toBe("4");
  });
});
