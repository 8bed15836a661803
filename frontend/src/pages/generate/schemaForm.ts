/**
 * A model's input schema (Replicate's `Input.properties`) as form fields, their defaults, and the
 * validation that turns what a person typed into the typed `input` object the API expects.
 */

export type Accept = "image" | "audio" | "video" | "any";
export type Scalar = string | number;

interface FieldBase {
  name: string;
  title: string;
  description: string;
  required: boolean;
  order: number;
}

export type Field =
  | (FieldBase & { kind: "text" | "longtext"; default: string | null; maxLength: number | null })
  | (FieldBase & { kind: "integer" | "number"; default: number | null; minimum: number | null; maximum: number | null })
  | (FieldBase & { kind: "enum"; options: Scalar[]; default: Scalar | null })
  | (FieldBase & { kind: "boolean"; default: boolean | null })
  | (FieldBase & { kind: "array"; itemKind: "string" | "integer" | "number" | "uri"; default: Scalar[] | null })
  | (FieldBase & { kind: "uri"; accept: Accept; default: string | null });

export type UriField = Extract<Field, { kind: "uri" }>;

/** What the inputs hold: text for every field, except switches. */
export type FormValues = Record<string, string | boolean>;

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function num(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function str(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

function titleCase(name: string): string {
  const words = name.replace(/_/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Enum values, also when declared through `allOf: [{enum}]` (the API resolves `$ref`s to this). */
function enumOf(prop: Json): Scalar[] | null {
  const pick = (values: unknown): Scalar[] | null =>
    Array.isArray(values) && values.length > 0 && values.every((v) => typeof v === "string" || typeof v === "number")
      ? (values as Scalar[])
      : null;
  const direct = pick(prop.enum);
  if (direct) return direct;
  for (const key of ["allOf", "anyOf", "oneOf"] as const) {
    const list = prop[key];
    if (!Array.isArray(list)) continue;
    for (const part of list) {
      if (isRecord(part)) {
        const found = pick(part.enum);
        if (found) return found;
      }
    }
  }
  return null;
}

function typeOf(prop: Json): string | null {
  const type = prop.type;
  if (typeof type === "string") return type;
  // `type: ["integer", "null"]` or `anyOf: [{type: "integer"}, {type: "null"}]`
  if (Array.isArray(type)) return type.find((t): t is string => typeof t === "string" && t !== "null") ?? null;
  for (const key of ["anyOf", "allOf", "oneOf"] as const) {
    const list = prop[key];
    if (!Array.isArray(list)) continue;
    for (const part of list) {
      if (isRecord(part) && typeof part.type === "string" && part.type !== "null") return part.type;
    }
  }
  return null;
}

function isUriFormat(prop: Json): boolean {
  return prop.format === "uri" || prop.format === "url";
}

/** Which files a URL input wants, from what the schema says about it. */
export function acceptOf(name: string, prop: Json): Accept {
  const text = `${name} ${str(prop.title) ?? ""} ${str(prop.description) ?? ""}`.toLowerCase();
  if (/audio|sound|music|voice|speech/.test(text)) return "audio";
  if (/image|frame|photo|picture|mask|img/.test(text)) return "image";
  if (/video|clip/.test(text)) return "video";
  return "any";
}

function isLongText(name: string, prop: Json): boolean {
  return /(^|_)prompt$/.test(name) || (num(prop.maxLength) ?? 0) > 300;
}

/** The form's fields in the model's `x-order` (then by name, for fields without one). */
export function fieldsFromSchema(schema: Json, required: readonly string[]): Field[] {
  const fields: Field[] = [];
  for (const [name, raw] of Object.entries(schema)) {
    if (!isRecord(raw)) continue;
    // Enums resolved from `$ref` carry the enum's title, which is the bare field name.
    const rawTitle = str(raw.title);
    const base: FieldBase = {
      name,
      title: rawTitle && rawTitle !== name ? rawTitle : titleCase(name),
      description: str(raw.description) ?? "",
      required: required.includes(name),
      order: num(raw["x-order"]) ?? Number.MAX_SAFE_INTEGER,
    };
    const type = typeOf(raw);
    const options = enumOf(raw);
    if (options) {
      const fallback = raw.default;
      const def = typeof fallback === "string" || typeof fallback === "number" ? fallback : null;
      fields.push({ ...base, kind: "enum", options, default: def });
    } else if (type === "boolean") {
      fields.push({ ...base, kind: "boolean", default: typeof raw.default === "boolean" ? raw.default : null });
    } else if (type === "integer" || type === "number") {
      fields.push({
        ...base,
        kind: type,
        default: num(raw.default),
        minimum: num(raw.minimum) ?? num(raw.exclusiveMinimum),
        maximum: num(raw.maximum) ?? num(raw.exclusiveMaximum),
      });
    } else if (type === "array") {
      const items = isRecord(raw.items) ? raw.items : {};
      const itemType = typeOf(items);
      const itemKind = isUriFormat(items)
        ? "uri"
        : itemType === "integer" || itemType === "number"
          ? itemType
          : "string";
      const def = Array.isArray(raw.default)
        ? raw.default.filter((v): v is Scalar => typeof v === "string" || typeof v === "number")
        : null;
      fields.push({ ...base, kind: "array", itemKind, default: def });
    } else if (isUriFormat(raw)) {
      fields.push({ ...base, kind: "uri", accept: acceptOf(name, raw), default: str(raw.default) });
    } else {
      fields.push({
        ...base,
        kind: isLongText(name, raw) ? "longtext" : "text",
        default: raw.default === undefined || raw.default === null ? null : String(raw.default),
        maxLength: num(raw.maxLength),
      });
    }
  }
  return fields.sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
}

function valueOf(field: Field, value: unknown): string | boolean {
  if (field.kind === "boolean") return typeof value === "boolean" ? value : false;
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.map((v) => String(v)).join("\n");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** The form as a model's defaults fill it. */
export function defaultValues(fields: readonly Field[]): FormValues {
  return Object.fromEntries(fields.map((f) => [f.name, valueOf(f, f.default)]));
}

/** The form filled from an earlier run's inputs ("use these settings again"); unknown keys are dropped. */
export function valuesFromInput(fields: readonly Field[], input: Record<string, unknown>): FormValues {
  const values = defaultValues(fields);
  for (const field of fields) {
    if (field.name in input) values[field.name] = valueOf(field, input[field.name]);
  }
  return values;
}

const URL_PATTERN = /^(https?:\/\/\S+|data:[\w.+-]+\/[\w.+-]+[;,]\S*)$/i;

function parseNumber(text: string, integer: boolean): number | null {
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return null;
  const n = Number(text);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) return null;
  return n;
}

function checkRange(n: number, field: { minimum: number | null; maximum: number | null }): string | null {
  if (field.minimum !== null && n < field.minimum) return `Must be at least ${field.minimum}.`;
  if (field.maximum !== null && n > field.maximum) return `Must be at most ${field.maximum}.`;
  return null;
}

export type Validation =
  | { ok: true; input: Record<string, unknown> }
  | { ok: false; errors: Record<string, string> };

/** Checks every field and builds `input`: typed values, empty optional fields left out. */
export function validate(fields: readonly Field[], values: FormValues): Validation {
  const input: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const field of fields) {
    const raw = values[field.name];
    if (field.kind === "boolean") {
      input[field.name] = raw === true;
      continue;
    }
    const text = typeof raw === "string" ? raw.trim() : "";
    if (text === "") {
      if (field.required) errors[field.name] = "Required.";
      continue;
    }
    switch (field.kind) {
      case "text":
      case "longtext":
        if (field.maxLength !== null && text.length > field.maxLength) {
          errors[field.name] = `At most ${field.maxLength} characters.`;
        } else {
          input[field.name] = typeof raw === "string" ? raw : text;
        }
        break;
      case "integer":
      case "number": {
        const n = parseNumber(text, field.kind === "integer");
        if (n === null) {
          errors[field.name] = field.kind === "integer" ? "Enter a whole number." : "Enter a number.";
          break;
        }
        const range = checkRange(n, field);
        if (range) errors[field.name] = range;
        else input[field.name] = n;
        break;
      }
      case "enum": {
        const match = field.options.find((option) => String(option) === text);
        if (match === undefined) errors[field.name] = "Choose one of the options.";
        else input[field.name] = match;
        break;
      }
      case "uri":
        if (!URL_PATTERN.test(text)) {
          errors[field.name] = "Enter a URL that starts with https:// (or upload a file).";
        } else {
          input[field.name] = text;
        }
        break;
      case "array": {
        const lines = text
          .split("\n")
          .map((line) => line.trim())
          .filter((line) => line !== "");
        if (field.itemKind === "integer" || field.itemKind === "number") {
          const numbers = lines.map((line) => parseNumber(line, field.itemKind === "integer"));
          const bad = lines.find((_, i) => numbers[i] === null);
          if (bad !== undefined) errors[field.name] = `“${bad}” is not a ${field.itemKind === "integer" ? "whole number" : "number"}.`;
          else input[field.name] = numbers;
        } else if (field.itemKind === "uri") {
          const bad = lines.find((line) => !URL_PATTERN.test(line));
          if (bad !== undefined) errors[field.name] = `“${bad}” is not a URL.`;
          else input[field.name] = lines;
        } else {
          input[field.name] = lines;
        }
        break;
      }
    }
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, input };
}

const IMAGE_INPUT_NAMES = ["image", "start_image", "first_frame_image", "input_image", "init_image", "first_frame", "image_url"];

/**
 * The input an image-to-video model takes its picture in, whatever it is called: a well-known
 * name first, then any image URL input that is not a reference, mask or end frame.
 */
export function imageInputField(fields: readonly Field[]): UriField | null {
  const uris = fields.filter((f): f is UriField => f.kind === "uri");
  for (const name of IMAGE_INPUT_NAMES) {
    const found = uris.find((f) => f.name === name);
    if (found) return found;
  }
  const secondary = /reference|mask|end|last|tail|style|face/;
  const imageLike = uris.filter((f) => f.accept === "image" && !secondary.test(f.name));
  return imageLike.find((f) => f.required) ?? imageLike[0] ?? uris.find((f) => f.accept === "image") ?? null;
}

function rangeHint(field: Field): string {
  if (field.kind !== "integer" && field.kind !== "number") return "";
  const { minimum: min, maximum: max } = field;
  if (min !== null && max !== null) {
    // Many schemas say the range in words already ("from 0 to 100"): do not say it twice.
    const said = field.description.toLowerCase();
    return said.includes(`${min} to ${max}`) || said.includes(`${min} and ${max}`) ? "" : `From ${min} to ${max}.`;
  }
  if (min !== null) return `At least ${min}.`;
  if (max !== null) return `At most ${max}.`;
  return "";
}

/** The line under a field: its description as a sentence, then its range or how to fill it. */
export function fieldHint(field: Field): string {
  const description = field.description.trim();
  const parts = [description && !/[.!?:)]$/.test(description) ? `${description}.` : description, rangeHint(field)];
  if (field.kind === "array") parts.push("One entry per line.");
  return parts.filter(Boolean).join(" ");
}
