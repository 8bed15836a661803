/**
 * The generation form's state: Model, Msg, Cmd and a pure update. Fields come from schemaForm.ts;
 * GenerationForm.tsx performs the commands.
 */
import type { FieldError } from "../../api/errors";
import { only, type Step } from "../../app/effects";
import type { Prefill } from "./prefill";
import { defaultValues, imageInputField, validate, valuesFromInput, type Field, type FormValues } from "./schemaForm";

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
export const UPLOAD_TYPES: readonly string[] = ["image/jpeg", "image/png", "image/gif", "image/webp"];

export type Upload =
  | { kind: "uploading"; filename: string }
  | { kind: "failed"; filename: string; message: string }
  | { kind: "done"; filename: string; preview: string };

export type Model = {
  values: FormValues;
  errors: Record<string, string>;
  uploads: Record<string, Upload>;
  submit: { kind: "editing" } | { kind: "submitting"; input: Record<string, unknown> } | { kind: "failed"; message: string };
  /** Open the result page after starting (remembered in the browser). */
  openAfter: boolean;
};

export type Msg =
  | { type: "FieldChanged"; name: string; value: string | boolean }
  | { type: "ResetToDefaults"; fields: readonly Field[] }
  | { type: "FileChosen"; name: string; file: File }
  | { type: "UploadSucceeded"; name: string; url: string; preview: string }
  | { type: "UploadFailed"; name: string; message: string }
  | { type: "OpenAfterChanged"; value: boolean }
  | { type: "Submitted"; fields: readonly Field[] }
  | { type: "SubmitSucceeded"; id: number }
  | { type: "SubmitFailed"; message: string; fieldErrors: FieldError[] };

export type Cmd =
  /** Upload the file; answers with its URL and a preview, or why it failed. */
  | { type: "Upload"; name: string; file: File }
  /** Start the generation with this input; answers with its id. */
  | { type: "Run"; input: Record<string, unknown> }
  | { type: "RememberOpenAfter"; value: boolean }
  /** A generation started: lists must show it, and the page lists it under the form. */
  | { type: "ReportStarted"; id: number }
  | { type: "OpenResult"; id: number };

export function init(values: FormValues, openAfter = true): Model {
  return { values, errors: {}, uploads: {}, submit: { kind: "editing" }, openAfter };
}

/** The form as another page hands it over: an earlier run's inputs, or an image for the image input. */
export function initFromPrefill(fields: readonly Field[], prefill: Prefill, openAfter: boolean): Model {
  const values = prefill.input ? valuesFromInput(fields, prefill.input) : defaultValues(fields);
  const imageField = prefill.imageUrl ? imageInputField(fields) : null;
  if (!imageField || !prefill.imageUrl) return init(values, openAfter);
  const model = init({ ...values, [imageField.name]: prefill.imageUrl }, openAfter);
  if (!prefill.imagePreview) return model;
  return { ...model, uploads: { [imageField.name]: { kind: "done", filename: "image", preview: prefill.imagePreview } } };
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
export function uploadProblem(file: Pick<File, "type" | "size">): string | null {
  if (!UPLOAD_TYPES.includes(file.type)) return "choose a JPEG, PNG, GIF or WebP image.";
  if (file.size > MAX_UPLOAD_BYTES) return "the file is larger than 10 MB; choose a smaller one.";
  return null;
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
      return only({ ...model, values: { ...model.values, [msg.name]: msg.value }, errors: without(model.errors, msg.name), uploads });
    }
    case "ResetToDefaults":
      return only(init(defaultValues(msg.fields), model.openAfter));
    case "FileChosen": {
      const uploading: Model = { ...model, uploads: { ...model.uploads, [msg.name]: { kind: "uploading", filename: msg.file.name } } };
      const problem = uploadProblem(msg.file);
      if (problem) return only(uploadFailed(uploading, msg.name, problem));
      return [uploading, [{ type: "Upload", name: msg.name, file: msg.file }]];
    }
    case "UploadSucceeded": {
      const previous = model.uploads[msg.name];
      return only({
        ...model,
        values: { ...model.values, [msg.name]: msg.url },
        errors: without(model.errors, msg.name),
        uploads: {
          ...model.uploads,
          [msg.name]: { kind: "done", filename: previous?.filename ?? "image", preview: msg.preview },
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
      const result = validate(msg.fields, model.values);
      if (!result.ok) {
        return only({
          ...model,
          errors: result.errors,
          submit: { kind: "failed", message: "Some fields need attention: see the messages below them." },
        });
      }
      return [{ ...model, errors: {}, submit: { kind: "submitting", input: result.input } }, [{ type: "Run", input: result.input }]];
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
