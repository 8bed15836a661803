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
  path: keyof ApiPaths,
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

/** The attachment form of a media URL the API gave us (`?download=1` makes the server send a file name). */
export function downloadUrl(mediaUrl: string): string {
  const url = new URL(mediaUrl, window.location.origin);
  url.searchParams.set("download", "1");
  return url.origin === window.location.origin ? `${url.pathname}${url.search}` : url.toString();
}
