import { describe, expect, it } from "vitest";
import type { CatalogueModel } from "../../api/types";
import { replay } from "../../app/effects";
import { init, matching, update, type Model, type Msg } from "./generate";

const run = (model: Model, ...msgs: Msg[]) => replay(update, model, ...msgs);

describe("generation page", () => {
  it("takes the collection's first model when none is chosen, replacing the URL", () => {
    expect(run(init, { type: "ModelsShown", collection: "text-to-video", modelId: null, first: "minimax/video-01" })[1]).toEqual([
      { type: "ShowChoice", collection: "text-to-video", modelId: "minimax/video-01", replace: true },
    ]);
  });

  it("keeps the person's choice, and waits for a catalogue that has models", () => {
    expect(run(init, { type: "ModelsShown", collection: "text-to-video", modelId: "a/b", first: "c/d" })[1]).toEqual([]);
    expect(run(init, { type: "ModelsShown", collection: "text-to-video", modelId: null, first: null })[1]).toEqual([]);
  });

  it("clears the search when the collection changes and shows the choice in the URL", () => {
    const [model, cmds] = run(init, { type: "SearchChanged", value: "kling" }, { type: "CollectionChosen", collection: "image-to-video" });
    expect(model.search).toBe("");
    expect(cmds).toEqual([{ type: "ShowChoice", collection: "image-to-video", modelId: null, replace: false }]);
    expect(run(model, { type: "ModelChosen", collection: "image-to-video", modelId: "a/b" })[1]).toEqual([
      { type: "ShowChoice", collection: "image-to-video", modelId: "a/b", replace: false },
    ]);
  });

  it("lists started generations newest first, once each", () => {
    const [model] = run(
      init,
      { type: "GenerationStarted", kind: "video", id: 1 },
      { type: "GenerationStarted", kind: "image", id: 1 },
      { type: "GenerationStarted", kind: "video", id: 1 },
    );
    expect(model.recent).toEqual([
      { kind: "video", id: 1 },
      { kind: "image", id: 1 },
    ]);
  });

  it("searches models by id, name and description", () => {
    const model = (id: string, name: string, description: string): CatalogueModel => ({
      id,
      name,
      description,
      owner: id.split("/")[0] ?? "",
      cover_image_url: null,
      latest_version: null,
      run_count: 0,
    });
    const all = [model("minimax/video-01", "video-01", "Hailuo"), model("kling/v2", "Kling", "")];
    expect(matching(all, " HAILUO ").map((m) => m.id)).toEqual(["minimax/video-01"]);
    expect(matching(all, "")).toBe(all);
  });
});
