/**
 * The one HTTP client: typed by the paths of openapi.json, same-origin cookies, the CSRF header on
 * unsafe methods, and every failure turned into an ApiError with a message for people.
 */
import createClient, { type Client } from "openapi-fetch";
import { withCsrf } from "./csrf";
import { ApiError, errorMessage, fieldErrorsOf } from "./errors";
import type { paths } from "./schema";

export type ApiPaths = paths;

export interface ClientOptions {
  baseUrl: string;
  fetch?: typeof fetch;
  cookies?: () => string;
}

export function makeClient(options: ClientOptions): Client<ApiPaths> {
  const client = createClient<ApiPaths>({
    baseUrl: options.baseUrl,
    credentials: "same-origin",
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const cookies = options.cookies ?? (() => document.cookie);
  client.use({
    onRequest({ request }) {
      return withCsrf(request, cookies());
    },
  });
  return client;
}

export const api: Client<ApiPaths> = makeClient({ baseUrl: "" });

interface Result {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/** Awaits an openapi-fetch call and returns its data, or throws an ApiError that says what failed. */
export async function unwrap<R extends Result>(pending: Promise<R>): Promise<Exclude<R["data"], undefined>> {
  let result: R;
  try {
    result = await pending;
  } catch (cause) {
    if (cause instanceof ApiError) throw cause;
    throw new ApiError(0, errorMessage(0, null));
  }
  if (result.error !== undefined || !result.response.ok) {
    const status = result.response.status;
    throw new ApiError(status, errorMessage(status, result.error), fieldErrorsOf(result.error));
  }
  // Every endpoint answers with a JSON body on success.
  return result.data as Exclude<R["data"], undefined>;
}

/**
 * A multipart POST to a path the API declares (openapi-fetch types JSON bodies only); same CSRF
 * and error rules as every other call.
 */
export async function postForm<R>(
  path: keyof ApiPaths | ContractPath,
  form: FormData,
  options: { fetch?: typeof fetch; cookies?: () => string; baseUrl?: string } = {},
): Promise<R> {
  const doFetch = options.fetch ?? fetch;
  const request = withCsrf(
    new Request(`${options.baseUrl ?? window.location.origin}${path}`, {
      method: "POST",
      body: form,
      credentials: "same-origin",
    }),
    (options.cookies ?? (() => document.cookie))(),
  );
  let response: Response;
  try {
    response = await doFetch(request);
  } catch {
    throw new ApiError(0, errorMessage(0, null));
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiError(response.status, errorMessage(response.status, body), fieldErrorsOf(body));
  }
  return body as R;
}

/**
 * Issue 15's endpoints (KINDS_CONTRACT.md) that the committed openapi.json may not declare yet;
 * called through `callJson`, with the answer typed by the caller from api/types.ts.
 */
export type ContractPath =
  | "/api/audio"
  | `/api/audio/${number}`
  | `/api/audio/${number}/cancel`
  | `/api/audio/${number}/retry`
  | "/api/audio-models"
  | `/api/audio-models/${string}/${string}/schema`
  | "/api/run-audio-model"
  | "/api/upload-media"
  | "/api/videos/combine";

/** A JSON call with the same CSRF and error rules as every other (for paths the schema lacks). */
export async function callJson<R>(
  method: "GET" | "POST" | "PATCH" | "DELETE",
  path: ContractPath | keyof ApiPaths,
  options: { query?: Record<string, string | number | boolean | null | undefined>; body?: unknown; fetch?: typeof fetch; cookies?: () => string; baseUrl?: string } = {},
): Promise<R> {
  const url = new URL(`${options.baseUrl ?? window.location.origin}${path}`);
  for (const [key, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined && value !== null) url.searchParams.set(key, String(value));
  }
  const init: RequestInit = { method, credentials: "same-origin" };
  if (options.body !== undefined) {
    init.body = JSON.stringify(options.body);
    init.headers = { "Content-Type": "application/json" };
  }
  const request = withCsrf(new Request(url.toString(), init), (options.cookies ?? (() => document.cookie))());
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(request);
  } catch {
    throw new ApiError(0, errorMessage(0, null));
  }
  const body: unknown = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiError(response.status, errorMessage(response.status, body), fieldErrorsOf(body));
  }
  return body as R;
}

/** The attachment form of a media URL the API gave us (`?download=1` makes the server send a file name). */
export function downloadUrl(mediaUrl: string): string {
  const url = new URL(mediaUrl, window.location.origin);
  url.searchParams.set("download", "1");
  return url.origin === window.location.origin ? `${url.pathname}${url.search}` : url.toString();
}
