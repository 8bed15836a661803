import { describe, expect, it } from "vitest";
import { defaultValues, fieldHint, fieldsFromSchema, imageInputField, validate, valuesFromInput, type Field } from "./schemaForm";

// Shaped like the emulator's (and Replicate's) schemas, after the API resolved `$ref` enums.
const schema = {
  seed: { type: "integer", title: "Seed", "x-order": 4, description: "Random seed" },
  prompt: { type: "string", title: "Prompt", "x-order": 0, description: "Text prompt" },
  aspect_ratio: { allOf: [{ enum: ["1:1", "16:9"], type: "string" }], default: "1:1", "x-order": 1 },
  num_outputs: { type: "integer", title: "Num Outputs", default: 1, minimum: 1, maximum: 4, "x-order": 2 },
  guidance: { type: "number", title: "Guidance", default: 7.5, minimum: 0, maximum: 20, "x-order": 3 },
  go_fast: { type: "boolean", title: "Go Fast", default: true, "x-order": 5 },
  palette: { type: "array", title: "Palette", items: { type: "string" }, default: ["red", "blue"], "x-order": 6 },
  fps: { enum: [8, 24], type: "integer", title: "Fps", default: 24, "x-order": 7 },
  first_frame_image: { type: "string", format: "uri", title: "First Frame Image", "x-order": 8 },
  subject_reference: { type: "string", format: "uri", title: "Subject Reference", description: "An image of a face", "x-order": 9 },
  negative_prompt: { type: "string", title: "Negative Prompt", default: "", "x-order": 10 },
  audio: { type: "string", format: "uri", title: "Audio", description: "Soundtrack", "x-order": 11 },
  untitled_extra: { type: "string" },
};

const fields = fieldsFromSchema(schema, ["prompt"]);
const byName = (name: string): Field => {
  const field = fields.find((f) => f.name === name);
  if (!field) throw new Error(name);
  return field;
};

describe("fieldsFromSchema", () => {
  it("keeps x-order, and puts fields without one last", () => {
    expect(fields.map((f) => f.name)).toEqual([
      "prompt", "aspect_ratio", "num_outputs", "guidance", "seed", "go_fast", "palette", "fps",
      "first_frame_image", "subject_reference", "negative_prompt", "audio", "untitled_extra",
    ]);
  });

  it("knows every kind of input", () => {
    expect(byName("prompt")).toMatchObject({ kind: "longtext", required: true });
    expect(byName("negative_prompt")).toMatchObject({ kind: "longtext", required: false });
    expect(byName("aspect_ratio")).toMatchObject({ kind: "enum", options: ["1:1", "16:9"], default: "1:1" });
    expect(byName("num_outputs")).toMatchObject({ kind: "integer", minimum: 1, maximum: 4, default: 1 });
    expect(byName("guidance")).toMatchObject({ kind: "number", default: 7.5 });
    expect(byName("go_fast")).toMatchObject({ kind: "boolean", default: true });
    expect(byName("palette")).toMatchObject({ kind: "array", itemKind: "string", default: ["red", "blue"] });
    expect(byName("fps")).toMatchObject({ kind: "enum", options: [8, 24] });
    expect(byName("first_frame_image")).toMatchObject({ kind: "uri", accept: "image" });
    expect(byName("audio")).toMatchObject({ kind: "uri", accept: "audio" });
    expect(byName("untitled_extra")).toMatchObject({ kind: "text", title: "Untitled extra" });
    expect(byName("aspect_ratio").title).toBe("Aspect ratio");
  });

  it("reads nullable types written as anyOf", () => {
    const [field] = fieldsFromSchema({ steps: { anyOf: [{ type: "integer" }, { type: "null" }], maximum: 50 } }, []);
    expect(field).toMatchObject({ kind: "integer", maximum: 50 });
  });
});

describe("defaults", () => {
  it("fills each input with the model's default", () => {
    const values = defaultValues(fields);
    expect(values).toMatchObject({ prompt: "", aspect_ratio: "1:1", num_outputs: "1", guidance: "7.5", seed: "", go_fast: true, palette: "red\nblue", fps: "24" });
  });

  it("refills from an earlier run's inputs and drops unknown keys", () => {
    const values = valuesFromInput(fields, { prompt: "a cat", num_outputs: 3, palette: ["green"], go_fast: false, nonsense: 1 });
    expect(values).toMatchObject({ prompt: "a cat", num_outputs: "3", palette: "green", go_fast: false, aspect_ratio: "1:1" });
    expect(values).not.toHaveProperty("nonsense");
  });
});

describe("validate", () => {
  it("types the values and leaves out empty optional fields", () => {
    const values = { ...defaultValues(fields), prompt: "a red ball" };
    const result = validate(fields, values);
    expect(result).toEqual({
      ok: true,
      input: { prompt: "a red ball", aspect_ratio: "1:1", num_outputs: 1, guidance: 7.5, go_fast: true, palette: ["red", "blue"], fps: 24 },
    });
  });

  it("says what is wrong with each field", () => {
    const values = {
      ...defaultValues(fields),
      prompt: "  ",
      num_outputs: "5",
      guidance: "-1",
      seed: "1.5",
      aspect_ratio: "2:1",
      first_frame_image: "not a url",
    };
    const result = validate(fields, values);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual({
      prompt: "Required.",
      num_outputs: "Must be at most 4.",
      guidance: "Must be at least 0.",
      seed: "Enter a whole number.",
      aspect_ratio: "Choose one of the options.",
      first_frame_image: "Enter a URL that starts with https:// (or upload a file).",
    });
  });

  it("accepts https and data: URLs for uploads", () => {
    const base = { ...defaultValues(fields), prompt: "p" };
    expect(validate(fields, { ...base, first_frame_image: "https://example.com/a.png" }).ok).toBe(true);
    expect(validate(fields, { ...base, first_frame_image: "data:image/png;base64,AAAA" }).ok).toBe(true);
  });

  it("splits arrays by line and checks numeric items", () => {
    const numeric = fieldsFromSchema({ sizes: { type: "array", items: { type: "integer" } } }, []);
    expect(validate(numeric, { sizes: "1\n\n 2 \n" })).toEqual({ ok: true, input: { sizes: [1, 2] } });
    expect(validate(numeric, { sizes: "1\nx" })).toEqual({ ok: false, errors: { sizes: "“x” is not a whole number." } });
  });
});

describe("imageInputField", () => {
  const uri = (name: string, extra: Record<string, unknown> = {}) => ({ [name]: { type: "string", format: "uri", title: name, ...extra } });

  it.each(["image", "start_image", "first_frame_image", "input_image"])("finds %s", (name) => {
    const found = imageInputField(fieldsFromSchema({ ...uri("reference_images"), ...uri(name), prompt: { type: "string" } }, []));
    expect(found?.name).toBe(name);
  });

  it("prefers the main picture over references and masks", () => {
    const found = imageInputField(fieldsFromSchema({ ...uri("subject_reference"), ...uri("mask"), ...uri("source_photo") }, []));
    expect(found?.name).toBe("source_photo");
  });

  it("answers null for a model without an image input", () => {
    expect(imageInputField(fieldsFromSchema({ prompt: { type: "string" }, ...uri("audio_file") }, []))).toBeNull();
  });

  it("picks the emulator's image-to-video inputs", () => {
    expect(imageInputField(fields)?.name).toBe("first_frame_image");
  });
});

describe("fieldHint", () => {
  const hintOf = (prop: Record<string, unknown>) => fieldHint(fieldsFromSchema({ x: { title: "X", ...prop } }, [])[0]!);

  it("ends the description as a sentence before the range", () => {
    expect(hintOf({ type: "integer", minimum: 1, maximum: 4, description: "Number of outputs to generate" })).toBe(
      "Number of outputs to generate. From 1 to 4.",
    );
  });

  it("does not repeat a range the description already gives", () => {
    expect(hintOf({ type: "integer", minimum: 0, maximum: 100, description: "Quality, from 0 to 100" })).toBe("Quality, from 0 to 100.");
  });

  it("explains arrays even without a description", () => {
    expect(hintOf({ type: "array", items: { type: "string" } })).toBe("One entry per line.");
    expect(hintOf({ type: "string" })).toBe("");
  });
});
