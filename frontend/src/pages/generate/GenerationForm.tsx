import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useReducer, useState } from "react";
import { useNavigate } from "react-router";
import { ApiError, describeError } from "../../api/errors";
import { ErrorBox, Loading } from "../../components/Feedback";
import { getModelSchema, mediaKeys, runModel, uploadImage, type Collection, type MediaKind } from "../../media/api";
import { FieldInput } from "./FieldInput";
import { init, update } from "./form";
import type { Prefill } from "./prefill";
import { defaultValues, fieldsFromSchema, imageInputField, valuesFromInput, type Field } from "./schemaForm";

const OPEN_AFTER_KEY = "simpoc.openResultAfterGenerate";
const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
const UPLOAD_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"];

interface Props {
  kind: MediaKind;
  collection: Collection;
  modelId: string;
  prefill: Prefill;
  onStarted: (id: number) => void;
}

export function GenerationForm(props: Props) {
  const schema = useQuery({
    queryKey: ["model-schema", props.kind, props.modelId],
    queryFn: () => getModelSchema(props.kind, props.modelId),
    staleTime: 10 * 60_000,
  });
  if (schema.isPending) return <Loading label="Loading the model's settings…" />;
  if (schema.isError) {
    return (
      <ErrorBox
        error={schema.error}
        action={
          <button type="button" onClick={() => void schema.refetch()}>
            Try again
          </button>
        }
      />
    );
  }
  const fields = fieldsFromSchema(schema.data.input_schema, schema.data.required);
  return <SchemaForm {...props} fields={fields} version={schema.data.version ?? null} />;
}

function initialValues(fields: readonly Field[], prefill: Prefill) {
  const values = prefill.input ? valuesFromInput(fields, prefill.input) : defaultValues(fields);
  const imageField = prefill.imageUrl ? imageInputField(fields) : null;
  if (imageField && prefill.imageUrl) values[imageField.name] = prefill.imageUrl;
  return values;
}

function SchemaForm({ kind, collection, modelId, prefill, onStarted, fields, version }: Props & { fields: Field[]; version: string | null }) {
  const [model, dispatch] = useReducer(update, undefined, () => {
    const state = init(initialValues(fields, prefill));
    const imageField = prefill.imageUrl ? imageInputField(fields) : null;
    if (imageField && prefill.imagePreview) {
      state.uploads[imageField.name] = { kind: "done", filename: "image", preview: prefill.imagePreview };
    }
    return state;
  });
  const [openAfter, setOpenAfter] = useState(() => localStorage.getItem(OPEN_AFTER_KEY) !== "no");
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const missingImage = useMemo(
    () => (prefill.imageUrl && !imageInputField(fields) ? "This model has no image input, so the image could not be used." : null),
    [fields, prefill.imageUrl],
  );

  useEffect(() => {
    localStorage.setItem(OPEN_AFTER_KEY, openAfter ? "yes" : "no");
  }, [openAfter]);

  async function upload(name: string, file: File) {
    dispatch({ type: "UploadStarted", name, filename: file.name });
    if (!UPLOAD_TYPES.includes(file.type)) {
      dispatch({ type: "UploadFailed", name, message: "choose a JPEG, PNG, GIF or WebP image." });
      return;
    }
    if (file.size > MAX_UPLOAD_BYTES) {
      dispatch({ type: "UploadFailed", name, message: "the file is larger than 10 MB; choose a smaller one." });
      return;
    }
    try {
      const answer = await uploadImage(file, file.name);
      dispatch({ type: "UploadSucceeded", name, url: answer.url, preview: URL.createObjectURL(file) });
    } catch (error) {
      dispatch({ type: "UploadFailed", name, message: describeError(error) });
    }
  }

  async function submit() {
    const next = update(model, { type: "Submitted", fields });
    dispatch({ type: "Submitted", fields });
    if (next.submit.kind !== "submitting") return;
    try {
      const id = await runModel(kind, { model_id: modelId, input: next.submit.input, collection, version });
      dispatch({ type: "SubmitSucceeded" });
      void queryClient.invalidateQueries({ queryKey: mediaKeys.all(kind) });
      onStarted(id);
      if (openAfter) navigate(`/${kind}/${id}`);
    } catch (error) {
      dispatch({
        type: "SubmitFailed",
        message: describeError(error),
        fieldErrors: error instanceof ApiError ? error.fieldErrors : [],
      });
    }
  }

  const submitting = model.submit.kind === "submitting";
  return (
    <form
      className="schema-form"
      aria-label={`Settings for ${modelId}`}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      {missingImage ? <p className="error" role="alert">{missingImage}</p> : null}
      {fields.length === 0 ? <p className="hint">This model takes no settings.</p> : null}
      {fields.map((field) => (
        <FieldInput
          key={field.name}
          field={field}
          value={model.values[field.name] ?? ""}
          error={model.errors[field.name]}
          upload={model.uploads[field.name]}
          disabled={submitting}
          onChange={(value) => dispatch({ type: "FieldChanged", name: field.name, value })}
          onFile={(file) => void upload(field.name, file)}
        />
      ))}
      <p className="hint">
        <span className="required-mark" aria-hidden="true">*</span> required
      </p>
      {model.submit.kind === "failed" ? (
        <p className="error" role="alert">
          {model.submit.message}
        </p>
      ) : null}
      <div className="form-actions">
        <label className="switch">
          <input type="checkbox" checked={openAfter} onChange={(e) => setOpenAfter(e.target.checked)} />
          <span>Open the result page after starting</span>
        </label>
        <button type="button" onClick={() => dispatch({ type: "ResetToDefaults", fields })} disabled={submitting}>
          Reset to defaults
        </button>
        <button type="submit" className="primary" disabled={submitting}>
          {submitting ? "Starting…" : "Generate"}
        </button>
      </div>
    </form>
  );
}
