import { describe, expect, it } from "vitest";
import { makeClient, unwrap } from "./client";
import { needsCsrf, readCookie } from "./csrf";
import { ApiError, errorMessage, fieldErrorsOf } from "./errors";

function recordingFetch(status: number, body: unknown) {
  const seen: Request[] = [];
  const fetchFn = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input, init);
    seen.push(request);
    return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
  };
  return { seen, fetchFn: fetchFn as typeof fetch };
}

describe("readCookie", () => {
  it("finds a cookie among others and decodes it", () => {
    expect(readCookie("sessionid=abc; csrftoken=t%2Bk; theme=dark", "csrftoken")).toBe("t+k");
  });
  it("does not match a cookie whose name only ends the same", () => {
    expect(readCookie("xcsrftoken=nope", "csrftoken")).toBeNull();
  });
  it("answers null when absent", () => {
    expect(readCookie("", "csrftoken")).toBeNull();
  });
});

describe("the API client", () => {
  it("sends X-CSRFToken from the cookie on unsafe methods", async () => {
    const { seen, fetchFn } = recordingFetch(200, { message: "Logged out" });
    const client = makeClient({ baseUrl: "http://test", fetch: fetchFn, cookies: () => "csrftoken=tok123" });
    await unwrap(client.POST("/api/auth/logout"));
    expect(seen[0]?.headers.get("X-CSRFToken")).toBe("tok123");
    expect(seen[0]?.credentials).toBe("same-origin");
  });

  it("does not send the token on GET", async () => {
    const { seen, fetchFn } = recordingFetch(200, { id: 1, username: "ada", is_staff: false });
    const client = makeClient({ baseUrl: "http://test", fetch: fetchFn, cookies: () => "csrftoken=tok123" });
    const me = await unwrap(client.GET("/api/auth/me"));
    expect(me.username).toBe("ada");
    expect(seen[0]?.headers.get("X-CSRFToken")).toBeNull();
  });

  it("reads the cookie per request, because sign-in rotates it", async () => {
    const { seen, fetchFn } = recordingFetch(200, { message: "ok" });
    let cookie = "csrftoken=before";
    const client = makeClient({ baseUrl: "http://test", fetch: fetchFn, cookies: () => cookie });
    await unwrap(client.POST("/api/auth/logout"));
    cookie = "csrftoken=after";
    await unwrap(client.POST("/api/auth/logout"));
    expect(seen.map((r) => r.headers.get("X-CSRFToken"))).toEqual(["before", "after"]);
  });

  it("turns an error answer into an ApiError with the server's detail", async () => {
    const { fetchFn } = recordingFetch(401, { detail: "Incorrect username or password" });
    const client = makeClient({ baseUrl: "http://test", fetch: fetchFn, cookies: () => "" });
    const call = unwrap(client.POST("/api/auth/login", { body: { username: "a", password: "b" } }));
    await expect(call).rejects.toMatchObject({ status: 401, message: "Incorrect username or password" });
  });

  it("turns a network failure into a status-0 ApiError that says what to do", async () => {
    const failing = (async () => {
      throw new TypeError("Failed to fetch");
    }) as typeof fetch;
    const client = makeClient({ baseUrl: "http://test", fetch: failing, cookies: () => "" });
    const error = await unwrap(client.GET("/api/auth/me")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(0);
    expect((error as ApiError).message).toMatch(/Cannot reach the server/);
  });

  it("keeps the field errors of a 422", async () => {
    const body = { detail: "Invalid input. name: too short", errors: [{ field: "name", message: "too short" }] };
    const { fetchFn } = recordingFetch(422, body);
    const client = makeClient({ baseUrl: "http://test", fetch: fetchFn, cookies: () => "" });
    const error = await unwrap(client.POST("/api/auth/api-keys", { body: { name: "" } })).catch((e: unknown) => e);
    expect((error as ApiError).fieldErrors).toEqual([{ field: "name", message: "too short" }]);
  });
});

describe("errorMessage", () => {
  it("prefers the detail", () => {
    expect(errorMessage(429, { detail: "Too many failed sign-in attempts. Try again in 60 seconds." })).toBe(
      "Too many failed sign-in attempts. Try again in 60 seconds.",
    );
  });
  it("falls back per status when the body is not the API's JSON", () => {
    expect(errorMessage(502, "<html>Bad gateway</html>")).toMatch(/server failed \(HTTP 502\)/);
    expect(errorMessage(404, null)).toMatch(/Not found/);
    expect(errorMessage(413, {})).toMatch(/too large/);
  });
  it("ignores malformed field errors", () => {
    expect(fieldErrorsOf({ errors: [{ field: 1 }, "x", { message: "m" }] })).toEqual([{ field: "", message: "m" }]);
  });
  it("knows which methods need the token", () => {
    expect(needsCsrf("get")).toBe(false);
    expect(needsCsrf("DELETE")).toBe(true);
  });
});

