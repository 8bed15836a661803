/** Errors from the API, turned into sentences a person can act on. */

export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly fieldErrors: FieldError[];

  constructor(status: number, message: string, fieldErrors: FieldError[] = []) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.fieldErrors = fieldErrors;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The `errors` list of a 422 answer (`[{field, message}]`), ignoring anything malformed. */
export function fieldErrorsOf(body: unknown): FieldError[] {
  if (!isRecord(body) || !Array.isArray(body.errors)) return [];
  return body.errors.flatMap((item): FieldError[] =>
    isRecord(item) && typeof item.message === "string"
      ? [{ field: typeof item.field === "string" ? item.field : "", message: item.message }]
      : [],
  );
}

/** The API answers `{"detail": "..."}`; fall back to a message per status when it does not. */
export function errorMessage(status: number, body: unknown): string {
  if (isRecord(body) && typeof body.detail === "string" && body.detail.trim() !== "") {
    return body.detail;
  }
  if (status === 0) return "Cannot reach the server. Check your connection and try again.";
  if (status === 401) return "You are signed out. Sign in again to continue.";
  if (status === 403) return "You are not allowed to do this.";
  if (status === 404) return "Not found: it may have been deleted.";
  if (status === 413) return "The file is too large.";
  if (status === 429) return "Too many requests. Wait a moment and try again.";
  if (status >= 500) return `The server failed (HTTP ${status}). Try again in a moment.`;
  return `The request failed (HTTP ${status}).`;
}

/** Any thrown value as a message for the page. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error && error.message) return error.message;
  return "Something went wrong. Try again.";
}
