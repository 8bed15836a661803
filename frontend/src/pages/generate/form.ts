/**
 * The generation form's state: Model, Msg, Cmd and a pure update. Fields come from schemaForm.ts;
 * GenerationForm.tsx performs the commands.
 */
import type { FieldError } from "../../api/errors";
import { only, type Step } from "../../app/effects";
import type { Prefill } from "./prefill";
import { defaultValues, imageInputField, validate, valuesFromInput, type Accept, type Field, type FormValues, type UriField } from "./schemaForm";

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
/** Audio and video go through /api/upload-media, which takes larger files (the server has the last word). */
export const MAX_MEDIA_UPLOAD_BYTES = 100 * 1024 * 1024;
export const UPLOAD_TYPES: readonly string[] = ["image/jpeg", "image/png", "image/gif", "image/webp"];

export type SourceKind = "image" | "video" | "audio";

/** A stored item of the person used as one media input (sent as RunIn.source, not as a URL). */
export type FormSource = { field: string; kind: SourceKind; id: number; label: string; preview: string | null };

/**
 * `file`: the picked local audio or video file, kept so the form can play it (from an object URL
 * the player makes and revokes) while it uploads and after; images are previewed from `preview`.
 */
export type Upload =
  | { kind: "uploading"; filename: string; file?: File }
  | { kind: "failed"; filename: string; message: string }
  | { kind: "done"; filename: string; preview: string; file?: File };

/** The picked local file an audio or video input can play, if any. */
export function playableFile(upload: Upload | undefined): File | null {
  return upload && upload.kind !== "failed" && upload.file ? upload.file : null;
}

export type Model = {
  values: FormValues;
  errors: Record<string, string>;
  uploads: Record<string, Upload>;
  submit: { kind: "editing" } | { kind: "submitting"; input: Record<string, unknown> } | { kind: "failed"; message: string };
  /** At most one input comes from the gallery: the API takes one source per run. */
  source: FormSource | null;
  /** Open the result page after starting (remembered in the browser). */
  openAfter: boolean;
};

export type Msg =
  | { type: "FieldChanged"; name: string; value: string | boolean }
  | { type: "ResetToDefaults"; fields: readonly Field[] }
  | { type: "FileChosen"; name: string; file: File; accept?: Accept }
  | { type: "SourcePicked"; source: FormSource }
  | { type: "SourceCleared" }
  | { type: "UploadSucceeded"; name: string; url: string; preview: string }
  | { type: "UploadFailed"; name: string; message: string }
  | { type: "OpenAfterChanged"; value: boolean }
  | { type: "Submitted"; fields: readonly Field[] }
  | { type: "SubmitSucceeded"; id: number }
  | { type: "SubmitFailed"; message: string; fieldErrors: FieldError[] };

export type Cmd =
  /** Upload the file; answers with its URL and a preview, or why it failed. */
  | { type: "Upload"; name: string; file: File; accept: Accept }
  /** Start the generation with this input (and the gallery item for one input); answers with its id. */
  | { type: "Run"; input: Record<string, unknown>; source?: { kind: SourceKind; id: number; input: string } }
  | { type: "RememberOpenAfter"; value: boolean }
  /** A generation started: lists must show it, and the page lists it under the form. */
  | { type: "ReportStarted"; id: number }
  | { type: "OpenResult"; id: number };

export function init(values: FormValues, openAfter = true): Model {
  return { values, errors: {}, uploads: {}, submit: { kind: "editing" }, openAfter, source: null };
}

/** The input a stored item of this kind goes to: the image input by its well-known names, else the first input of that media. */
export function sourceField(fields: readonly Field[], kind: SourceKind): UriField | null {
  if (kind === "image") return imageInputField(fields);
  const uris = fields.filter((f): f is UriField => f.kind === "uri");
  const media = uris.filter((f) => f.accept === kind);
  return media.find((f) => f.required) ?? media[0] ?? uris.find((f) => f.accept === "any") ?? null;
}

/** The form as another page hands it over: an earlier run's inputs and/or a stored item for a media input. */
export function initFromPrefill(fields: readonly Field[], prefill: Prefill, openAfter: boolean): Model {
  const values = prefill.input ? valuesFromInput(fields, prefill.input) : defaultValues(fields);
  if (prefill.source) {
    const field = sourceField(fields, prefill.source.kind);
    const model = init(values, openAfter);
    if (!field) return model;
    const { kind, id } = prefill.source;
    return { ...model, values: { ...values, [field.name]: "" }, source: { field: field.name, kind, id, label: prefill.sourceLabel ?? `${kind} #${id}`, preview: prefill.sourcePreview ?? null } };
  }
  return init(values, openAfter);
}

function without<T>(record: Record<string, T>, key: string): Record<string, T> {
  const { [key]: _, ...rest } = record;
  return rest;
}

/** Server field errors name `input.<field>` (or just the field); map them onto our inputs. */
export function serverFieldErrors(errors: FieldError[]): Record<string, string> {
  const mapped: Record<string, string> = {};
  for (const error of errors) {
    const name = error.field.replace(/^input\./, "").split(".")[0] ?? "";
    if (name !== "" && !(name in mapped)) mapped[name] = error.message;
  }
  return mapped;
}

/** Why a chosen file cannot be uploaded, checked before anything is sent. */
export function uploadProblem(file: Pick<File, "type" | "size">, accept: Accept = "image"): string | null {
  if (accept === "audio" || accept === "video") {
    if (!file.type.startsWith(`${accept}/`)) return `choose ${accept === "audio" ? "an audio" : "a video"} file.`;
    if (file.size > MAX_MEDIA_UPLOAD_BYTES) return "the file is larger than 100 MB; choose a smaller one.";
    return null;
  }
  if (!UPLOAD_TYPES.includes(file.type)) return "choose a JPEG, PNG, GIF or WebP image.";
  if (file.size > MAX_UPLOAD_BYTES) return "the file is larger than 10 MB; choose a smaller one.";
  return null;
}

function withoutSourceOn(model: Model, name: string): FormSource | null {
  return model.source?.field === name ? null : model.source;
}

function uploadFailed(model: Model, name: string, message: string): Model {
  const previous = model.uploads[name];
  return { ...model, uploads: { ...model.uploads, [name]: { kind: "failed", filename: previous?.filename ?? "file", message } } };
}

export function update(model: Model, msg: Msg): Step<Model, Cmd> {
  switch (msg.type) {
    case "FieldChanged": {
      // Typing a URL by hand replaces an uploaded file's preview.
      const uploads = typeof msg.value === "string" ? without(model.uploads, msg.name) : model.uploads;
      const source = typeof msg.value === "string" ? withoutSourceOn(model, msg.name) : model.source;
      return only({ ...model, values: { ...model.values, [msg.name]: msg.value }, errors: without(model.errors, msg.name), uploads, source });
    }
    case "SourcePicked":
      return only({
        ...model,
        source: msg.source,
        values: { ...model.values, [msg.source.field]: "" },
        uploads: without(model.uploads, msg.source.field),
        errors: without(model.errors, msg.source.field),
      });
    case "SourceCleared":
      return only({ ...model, source: null });
    case "ResetToDefaults":
      // The gallery item stays: it is what the person came here with, not a setting.
      return only({ ...init(defaultValues(msg.fields), model.openAfter), source: model.source });
    case "FileChosen": {
      const accept = msg.accept ?? "image";
      const playable = accept === "audio" || accept === "video" ? { file: msg.file } : {};
      const uploading: Model = { ...model, uploads: { ...model.uploads, [msg.name]: { kind: "uploading", filename: msg.file.name, ...playable } } };
      const problem = uploadProblem(msg.file, accept);
      if (problem) return only(uploadFailed(uploading, msg.name, problem));
      return [{ ...uploading, source: withoutSourceOn(model, msg.name) }, [{ type: "Upload", name: msg.name, file: msg.file, accept }]];
    }
    case "UploadSucceeded": {
      const previous = model.uploads[msg.name];
      return only({
        ...model,
        values: { ...model.values, [msg.name]: msg.url },
        errors: without(model.errors, msg.name),
        uploads: {
          ...model.uploads,
          [msg.name]: {
            kind: "done",
            filename: previous?.filename ?? "image",
            preview: msg.preview,
            ...(previous?.kind === "uploading" && previous.file ? { file: previous.file } : {}),
          },
        },
      });
    }
    case "UploadFailed":
      return only(uploadFailed(model, msg.name, msg.message));
    case "OpenAfterChanged":
      return [{ ...model, openAfter: msg.value }, [{ type: "RememberOpenAfter", value: msg.value }]];
    case "Submitted": {
      if (model.submit.kind === "submitting") return only(model);
      if (Object.values(model.uploads).some((u) => u.kind === "uploading")) {
        return only({ ...model, submit: { kind: "failed", message: "Wait for the upload to finish, then generate." } });
      }
      // The gallery item fills its input on the server: that field needs no value here.
      const source = model.source;
      const fields = source ? msg.fields.map((f) => (f.name === source.field ? { ...f, required: false } : f)) : msg.fields;
      const result = validate(fields, model.values);
      if (!result.ok) {
        return only({
          ...model,
          errors: result.errors,
          submit: { kind: "failed", message: "Some fields need attention: see the messages below them." },
        });
      }
      const input = source ? without(result.input, source.field) : result.input;
      const run: Cmd = source ? { type: "Run", input, source: { kind: source.kind, id: source.id, input: source.field } } : { type: "Run", input };
      return [{ ...model, errors: {}, submit: { kind: "submitting", input } }, [run]];
    }
    case "SubmitSucceeded": {
      const cmds: Cmd[] = [{ type: "ReportStarted", id: msg.id }];
      if (model.openAfter) cmds.push({ type: "OpenResult", id: msg.id });
      return [{ ...model, submit: { kind: "editing" } }, cmds];
    }
    case "SubmitFailed":
      return only({ ...model, errors: serverFieldErrors(msg.fieldErrors), submit: { kind: "failed", message: msg.message } });
  }
}
