import { describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/errors";
import { attempt, only, program, type Step } from "./effects";

type Msg = { type: "Add"; n: number } | { type: "Fetch" } | { type: "Fetched"; n: number };
type Cmd = { type: "Load" } | { type: "Log"; text: string };

function update(model: number, msg: Msg): Step<number, Cmd> {
  switch (msg.type) {
    case "Add":
      return only(model + msg.n);
    case "Fetch":
      return [model, [{ type: "Log", text: "fetching" }, { type: "Load" }]];
    case "Fetched":
      return [model + msg.n, [{ type: "Log", text: `got ${msg.n}` }]];
  }
}

describe("program", () => {
  it("runs update once per message and the commands in order, feeding answers back", async () => {
    const log: string[] = [];
    let resolve: (n: number) => void = () => {};
    const running = program<number, Msg, Cmd>(0, update, (cmd) => {
      if (cmd.type === "Log") {
        log.push(cmd.text);
        return;
      }
      return new Promise<number>((r) => (resolve = r)).then((n): Msg => ({ type: "Fetched", n }));
    });
    running.dispatch({ type: "Add", n: 2 });
    running.dispatch({ type: "Fetch" });
    expect(running.model()).toBe(2);
    expect(log).toEqual(["fetching"]);
    resolve(5);
    await vi.waitFor(() => expect(running.model()).toBe(7));
    expect(log).toEqual(["fetching", "got 5"]);
  });

  it("feeds a synchronous answer back at once, on the newest model", () => {
    const running = program<number, Msg, Cmd>(1, update, (cmd) => (cmd.type === "Load" ? { type: "Fetched", n: 10 } : undefined));
    running.dispatch({ type: "Fetch" });
    expect(running.model()).toBe(11);
  });

  it("tells subscribers about new models only", () => {
    const running = program<number, Msg, Cmd>(0, update, () => undefined);
    const listener = vi.fn();
    const unsubscribe = running.subscribe(listener);
    running.dispatch({ type: "Add", n: 0 });
    expect(listener).not.toHaveBeenCalled();
    running.dispatch({ type: "Add", n: 1 });
    expect(listener).toHaveBeenCalledTimes(1);
    unsubscribe();
    running.dispatch({ type: "Add", n: 1 });
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it("drops answers that arrive after the page has gone", async () => {
    let resolve: () => void = () => {};
    const arrived = new Promise<void>((r) => (resolve = r));
    const running = program<number, Msg, Cmd>(0, update, (cmd) =>
      cmd.type === "Load" ? arrived.then((): Msg => ({ type: "Fetched", n: 3 })) : undefined,
    );
    running.dispatch({ type: "Fetch" });
    running.stop();
    resolve();
    await arrived;
    await Promise.resolve();
    expect(running.model()).toBe(0);
  });

  it("reports a command that rejects instead of answering", async () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    const running = program<number, Msg, Cmd>(0, update, (cmd) => (cmd.type === "Load" ? Promise.reject(new Error("boom")) : undefined));
    running.dispatch({ type: "Fetch" });
    await vi.waitFor(() => expect(spy).toHaveBeenCalled());
    expect(running.model()).toBe(0);
    spy.mockRestore();
  });
});

describe("attempt", () => {
  const ok = (n: number) => `ok ${n}`;
  const failed = (message: string) => `failed: ${message}`;

  it("answers with the result", async () => {
    expect(await attempt(() => Promise.resolve(2), ok, failed)).toBe("ok 2");
  });

  it("answers with the error described for a person", async () => {
    expect(await attempt(() => Promise.reject(new ApiError(404, "Not found: it may have been deleted.")), ok, failed)).toBe(
      "failed: Not found: it may have been deleted.",
    );
  });

  it("also when the work throws before it has a promise (no clipboard in this browser)", async () => {
    const work = (): Promise<number> => {
      throw new TypeError("Cannot read properties of undefined (reading 'writeText')");
    };
    expect(await attempt(work, ok, failed)).toBe("failed: Cannot read properties of undefined (reading 'writeText')");
  });
});
