import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo } from "react";
import { useNavigate } from "react-router";
import { ApiError, describeError } from "../../api/errors";
import { attempt, useProgram, type Perform } from "../../app/effects";
import { ErrorBox, Loading } from "../../components/Feedback";
import { getModelSchema, mediaKeys, runModel, uploadImage, uploadMedia, type Collection, type MediaKind } from "../../media/api";
import { FieldInput } from "./FieldInput";
import { initFromPrefill, sourceField, update, type Cmd, type Msg } from "./form";
import type { Prefill } from "./prefill";
import { fieldsFromSchema, type Field } from "./schemaForm";

const OPEN_AFTER_KEY = "simpoc.openResultAfterGenerate";

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

function SchemaForm({ kind, collection, modelId, prefill, onStarted, fields, version }: Props & { fields: Field[]; version: string | null }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const missingImage = useMemo(() => {
    if (prefill.source && !sourceField(fields, prefill.source.kind)) {
      return `This model takes no ${prefill.source.kind} input, so ${prefill.sourceLabel ?? "the item"} could not be used; choose another model.`;
    }
    return null;
  }, [fields, prefill]);

  const perform: Perform<Cmd, Msg> = (cmd) => {
    switch (cmd.type) {
      case "Upload":
        return attempt(
          () => (cmd.accept === "image" ? uploadImage(cmd.file, cmd.file.name) : uploadMedia(cmd.file, cmd.file.name)),
          // An audio or video file is played from the File itself (LocalMediaPreview makes and revokes its URL).
          (answer): Msg => ({
            type: "UploadSucceeded",
            name: cmd.name,
            url: answer.url,
            preview: cmd.accept === "audio" || cmd.accept === "video" ? "" : URL.createObjectURL(cmd.file),
          }),
          (message): Msg => ({ type: "UploadFailed", name: cmd.name, message }),
        );
      case "Run":
        return runModel(kind, { model_id: modelId, input: cmd.input, collection, version, ...(cmd.source ? { source: cmd.source } : {}) }).then(
          (id): Msg => ({ type: "SubmitSucceeded", id }),
          (error: unknown): Msg => ({
            type: "SubmitFailed",
            message: describeError(error),
            fieldErrors: error instanceof ApiError ? error.fieldErrors : [],
          }),
        );
      case "RememberOpenAfter":
        localStorage.setItem(OPEN_AFTER_KEY, cmd.value ? "yes" : "no");
        return;
      case "ReportStarted":
        void queryClient.invalidateQueries({ queryKey: mediaKeys.all(kind) });
        onStarted(cmd.id);
        return;
      case "OpenResult":
        navigate(`/${kind}/${cmd.id}`);
        return;
    }
  };
  const [model, dispatch] = useProgram(
    () => initFromPrefill(fields, prefill, localStorage.getItem(OPEN_AFTER_KEY) !== "no"),
    update,
    perform,
  );

  const submitting = model.submit.kind === "submitting";
  return (
    <form
      className="schema-form"
      aria-label={`Settings for ${modelId}`}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        dispatch({ type: "Submitted", fields });
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
          onFile={(file, accept) => dispatch({ type: "FileChosen", name: field.name, file, accept })}
          source={model.source}
          onSource={(picked) => dispatch(picked ? { type: "SourcePicked", source: picked } : { type: "SourceCleared" })}
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
          <input type="checkbox" checked={model.openAfter} onChange={(e) => dispatch({ type: "OpenAfterChanged", value: e.target.checked })} />
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
