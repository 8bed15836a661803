/** Django's CSRF token travels in the `csrftoken` cookie and comes back in `X-CSRFToken`. */

export const CSRF_COOKIE = "csrftoken";
export const CSRF_HEADER = "X-CSRFToken";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "TRACE"]);

export function readCookie(cookies: string, name: string): string | null {
  for (const part of cookies.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      return decodeURIComponent(part.slice(eq + 1).trim());
    }
  }
  return null;
}

export function needsCsrf(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/** Adds the CSRF header to unsafe requests. The cookie is read per request: sign-in rotates it. */
export function withCsrf(request: Request, cookies: string): Request {
  if (!needsCsrf(request.method)) return request;
  const token = readCookie(cookies, CSRF_COOKIE);
  if (token) request.headers.set(CSRF_HEADER, token);
  return request;
}
