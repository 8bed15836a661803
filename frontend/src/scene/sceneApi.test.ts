/** Reading the server's `_plan` (how a description was read and checked), which may be absent. */
import { describe, expect, it } from "vitest";
import { planOf } from "./sceneApi";

describe("planOf", () => {
  it("reads the plan of a generate or refine answer", () => {
    const plan = planOf({
      objects: {},
      _plan: {
        read_as: "10 dominoes in a row and a ball",
        sentence: "ten dominoes in a row and a ball",
        edits: ["make it twice as fast"],
        will_happen: ["the ball rolls into the first domino at 3 m/s"],
        not_understood: ["purple-ish"],
        check: { ran: true, passed: false, attempts: 3, events: [{ event: "the dominoes fall", happened: false, detail: "4 of 10 fell" }] },
      },
    });
    expect(plan).toEqual({
      source: { sentence: "ten dominoes in a row and a ball", edits: ["make it twice as fast"] },
      readAs: "10 dominoes in a row and a ball",
      willHappen: ["the ball rolls into the first domino at 3 m/s"],
      notUnderstood: ["purple-ish"],
      check: { ran: true, passed: false, attempts: 3, events: [{ event: "the dominoes fall", happened: false, detail: "4 of 10 fell" }] },
    });
  });

  it("is null without a plan, and tolerates missing or odd fields", () => {
    expect(planOf({ objects: {} })).toBeNull();
    expect(planOf(null)).toBeNull();
    expect(planOf({ _plan: { read_as: 3, will_happen: ["x", 4], check: { events: [{ event: "e" }, 7] } } })).toEqual({
      source: null,
      readAs: "",
      willHappen: ["x"],
      notUnderstood: [],
      check: { ran: false, passed: false, attempts: 0, events: [{ event: "e", happened: false, detail: "" }] },
    });
  });
});
