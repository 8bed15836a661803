// @vitest-environment jsdom
import { act, createElement, StrictMode } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { only, useProgram, type Perform, type Step } from "./effects";

// React warns unless it is told this is a test environment that wraps updates in act().
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

type Model = { count: number; status: string };
type Msg = { type: "Clicked" } | { type: "Saved"; count: number };
type Cmd = { type: "Save"; count: number };

let updates = 0;
function update(model: Model, msg: Msg): Step<Model, Cmd> {
  updates += 1;
  switch (msg.type) {
    case "Clicked":
      return [{ ...model, status: "saving" }, [{ type: "Save", count: model.count + 1 }]];
    case "Saved":
      return only({ count: msg.count, status: "saved" });
  }
}

let root: Root;
let container: HTMLDivElement;
let dispatch: (msg: Msg) => void = () => {};
let pending: ((count: number) => void)[] = [];
let performed: Cmd[] = [];

function Counter() {
  const perform: Perform<Cmd, Msg> = (cmd) => {
    performed.push(cmd);
    return new Promise<number>((resolve) => pending.push(resolve)).then((count): Msg => ({ type: "Saved", count }));
  };
  const [model, send] = useProgram(() => ({ count: 0, status: "idle" }), update, perform);
  dispatch = send;
  return createElement("p", null, `${model.status} ${model.count}`);
}

beforeEach(() => {
  updates = 0;
  pending = [];
  performed = [];
  container = document.createElement("div");
  root = createRoot(container);
});

afterEach(() => {
  act(() => root.unmount());
});

describe("useProgram under StrictMode", () => {
  it("runs update and each command once per message, and draws the answer", async () => {
    act(() => root.render(createElement(StrictMode, null, createElement(Counter))));
    expect(container.textContent).toBe("idle 0");
    act(() => dispatch({ type: "Clicked" }));
    expect(container.textContent).toBe("saving 0");
    expect(updates).toBe(1);
    expect(performed).toEqual([{ type: "Save", count: 1 }]);
    await act(async () => pending[0]?.(1));
    expect(container.textContent).toBe("saved 1");
    expect(updates).toBe(2);
  });

  it("drops an answer that arrives after the page has gone", async () => {
    act(() => root.render(createElement(StrictMode, null, createElement(Counter))));
    act(() => dispatch({ type: "Clicked" }));
    act(() => root.render(createElement("p", null, "elsewhere")));
    await act(async () => pending[0]?.(1));
    expect(updates).toBe(1);
    expect(container.textContent).toBe("elsewhere");
  });
});
