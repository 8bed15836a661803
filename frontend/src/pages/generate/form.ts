/** The generation form's state: Model, Msg, update. Fields come from schemaForm.ts. */
import type { FieldError } from "../../api/errors";
import { defaultValues, validate, type Field, type FormValues } from "./schemaForm";

export type Upload =
  | { kind: "uploading"; filename: string }
  | { kind: "failed"; filename: string; message: string }
  | { kind: "done"; filename: string; preview: string };

export type Model = {
  values: FormValues;
  errors: Record<string, string>;
  uploads: Record<string, Upload>;
  submit: { kind: "editing" } | { kind: "submitting"; input: Record<string, unknown> } | { kind: "failed"; message: string };
};

export type Msg =
  | { type: "FieldChanged"; name: string; value: string | boolean }
  | { type: "ResetToDefaults"; fields: readonly Field[] }
  | { type: "UploadStarted"; name: string; filename: string }
  | { type: "UploadSucceeded"; name: string; url: string; preview: string }
  | { type: "UploadFailed"; name: string; message: string }
  | { type: "Submitted"; fields: readonly Field[] }
  | { type: "SubmitSucceeded" }
  | { type: "SubmitFailed"; message: string; fieldErrors: FieldError[] };

export function init(values: FormValues): Model {
  return { values, errors: {}, uploads: {}, submit: { kind: "editing" } };
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

export function update(model: Model, msg: Msg): Model {
  switch (msg.type) {
    case "FieldChanged": {
      // Typing a URL by hand replaces an uploaded file's preview.
      const uploads = typeof msg.value === "string" ? without(model.uploads, msg.name) : model.uploads;
      return { ...model, values: { ...model.values, [msg.name]: msg.value }, errors: without(model.errors, msg.name), uploads };
    }
    case "ResetToDefaults":
      return init(defaultValues(msg.fields));
    case "UploadStarted":
      return { ...model, uploads: { ...model.uploads, [msg.name]: { kind: "uploading", filename: msg.filename } } };
    case "UploadSucceeded": {
      const previous = model.uploads[msg.name];
      return {
        ...model,
        values: { ...model.values, [msg.name]: msg.url },
        errors: without(model.errors, msg.name),
        uploads: {
          ...model.uploads,
          [msg.name]: { kind: "done", filename: previous?.filename ?? "image", preview: msg.preview },
        },
      };
    }
    case "UploadFailed": {
      const previous = model.uploads[msg.name];
      return {
        ...model,
        uploads: {
          ...model.uploads,
          [msg.name]: { kind: "failed", filename: previous?.filename ?? "file", message: msg.message },
        },
      };
    }
    case "Submitted": {
      if (model.submit.kind === "submitting") return model;
      if (Object.values(model.uploads).some((u) => u.kind === "uploading")) {
        return { ...model, submit: { kind: "failed", message: "Wait for the upload to finish, then generate." } };
      }
      const result = validate(msg.fields, model.values);
      if (!result.ok) {
        return { ...model, errors: result.errors, submit: { kind: "failed", message: "Some fields need attention: see the messages below them." } };
      }
      return { ...model, errors: {}, submit: { kind: "submitting", input: result.input } };
    }
    case "SubmitSucceeded":
      return { ...model, submit: { kind: "editing" } };
    case "SubmitFailed":
      return { ...model, errors: serverFieldErrors(msg.fieldErrors), submit: { kind: "failed", message: msg.message } };
  }
}
