import { playableFile, type FormSource, type Upload } from "./form";
import { LocalMediaPreview } from "./LocalMediaPreview";
import { fieldHint, type Accept, type Field } from "./schemaForm";
import { SourcePicker } from "./SourcePicker";

interface Props {
  field: Field;
  value: string | boolean;
  error: string | undefined;
  upload: Upload | undefined;
  disabled: boolean;
  onChange: (value: string | boolean) => void;
  onFile: (file: File, accept: Accept) => void;
  /** The form's gallery item (on this field or another). */
  source: FormSource | null;
  onSource: (source: FormSource | null) => void;
}

const ACCEPT_ATTR = { image: "image/jpeg,image/png,image/gif,image/webp", audio: "audio/*", video: "video/*", any: "image/*" };

/** One input of the generated form; the label's text is the schema's title, exactly. */
export function FieldInput({ field, value, error, upload, disabled, onChange, onFile, source, onSource }: Props) {
  const id = `field-${field.name}`;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const text = typeof value === "string" ? value : "";
  const hintText = fieldHint(field);
  const describedBy = [hintText ? hintId : "", error ? errorId : ""].filter(Boolean).join(" ");
  const common = {
    id,
    disabled,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": describedBy || undefined,
    "aria-required": field.required || undefined,
  };

  // The mark sits outside the <label> so the input's name stays exactly the schema's title.
  const label = (
    <div className="field-label-row">
      <label htmlFor={id} className="field-label">
        {field.title}
      </label>
      {field.required ? (
        <span className="required-mark" aria-hidden="true" title="required">
          *
        </span>
      ) : null}
    </div>
  );
  const hint = hintText ? (
    <p id={hintId} className="hint">
      {hintText}
    </p>
  ) : null;
  const errorLine = error ? (
    <p id={errorId} className="error field-error">
      {error}
    </p>
  ) : null;

  if (field.kind === "boolean") {
    return (
      <div className="field switch-field">
        <label className="switch">
          <input
            {...common}
            type="checkbox"
            role="switch"
            checked={value === true}
            onChange={(e) => onChange(e.target.checked)}
          />
          <span>{field.title}</span>
        </label>
        {hint}
        {errorLine}
      </div>
    );
  }

  let control;
  switch (field.kind) {
    case "longtext":
      control = <textarea {...common} rows={field.name === "prompt" ? 4 : 2} value={text} onChange={(e) => onChange(e.target.value)} />;
      break;
    case "text":
      control = <input {...common} type="text" value={text} onChange={(e) => onChange(e.target.value)} />;
      break;
    case "integer":
    case "number":
      control = (
        <input
          {...common}
          type="number"
          inputMode={field.kind === "integer" ? "numeric" : "decimal"}
          step={field.kind === "integer" ? 1 : "any"}
          min={field.minimum ?? undefined}
          max={field.maximum ?? undefined}
          value={text}
          placeholder={field.default === null ? "empty: the model decides" : undefined}
          onChange={(e) => onChange(e.target.value)}
        />
      );
      break;
    case "enum":
      control = (
        <select {...common} value={text} onChange={(e) => onChange(e.target.value)}>
          {field.required && field.default !== null ? null : <option value="">{field.required ? "Choose…" : "(model default)"}</option>}
          {field.options.map((option) => (
            <option key={String(option)} value={String(option)}>
              {String(option)}
            </option>
          ))}
        </select>
      );
      break;
    case "array":
      control = <textarea {...common} rows={3} value={text} onChange={(e) => onChange(e.target.value)} />;
      break;
    case "uri": {
      const accept = field.accept;
      const fromGallery = source?.field === field.name;
      const playable = playableFile(upload);
      const uploadLabel = accept === "audio" ? "Upload an audio file" : accept === "video" ? "Upload a video" : "Upload an image";
      control = (
        <div className="uri-input">
          {fromGallery ? null : (
            <input
              {...common}
              type="url"
              placeholder="https://…"
              value={text.startsWith("data:") ? "" : text}
              onChange={(e) => onChange(e.target.value)}
            />
          )}
          {text.startsWith("data:") ? <p className="hint">Using the uploaded file.</p> : null}
          {fromGallery ? null : (
            <label className="upload-button">
              <span>{uploadLabel}</span>
              <input
                type="file"
                accept={ACCEPT_ATTR[accept]}
                aria-label={`Upload ${field.title}`}
                disabled={disabled || upload?.kind === "uploading"}
                onChange={(e) => {
                  const file = e.target.files?.[0];
                  if (file) onFile(file, accept === "any" ? "image" : accept);
                  e.target.value = "";
                }}
              />
            </label>
          )}
          {accept !== "any" ? (
            <SourcePicker
              field={field.name}
              title={field.title}
              kind={accept}
              source={source}
              disabled={disabled}
              onPick={(picked) => onSource(picked)}
              onClear={() => onSource(null)}
            />
          ) : null}
          {upload?.kind === "uploading" ? (
            <p role="status" className="loading">
              <span className="spinner" aria-hidden="true" /> Uploading {upload.filename}…
            </p>
          ) : null}
          {upload?.kind === "failed" ? (
            <p role="alert" className="error">
              Upload of {upload.filename} failed: {upload.message}
            </p>
          ) : null}
          {!fromGallery && (accept === "image" || accept === "any") && (upload?.kind === "done" || (text && !text.startsWith("data:") && accept === "image") || text.startsWith("data:image/")) ? (
            <img className="uri-preview" src={upload?.kind === "done" ? upload.preview : text} alt={`Preview of ${field.title}`} />
          ) : null}
          {!fromGallery && (accept === "audio" || accept === "video") && upload?.kind === "done" ? (
            <p className="hint" role="status">
              Uploaded {upload.filename}.
            </p>
          ) : null}
          {!fromGallery && (accept === "audio" || accept === "video") && playable ? <LocalMediaPreview file={playable} kind={accept} title={field.title} /> : null}
        </div>
      );
      break;
    }
  }

  return (
    <div className={`field field-${field.kind}`}>
      {label}
      {control}
      {hint}
      {errorLine}
    </div>
  );
}
