import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { noFilters } from "./gallery";
import { galleryListKey, galleryPathKind, prefetchGalleryList } from "./galleryList";

describe("galleryPathKind", () => {
  it("knows the two gallery paths and nothing else", () => {
    expect(galleryPathKind("/gallery")).toBe("video");
    expect(galleryPathKind("/gallery/")).toBe("video");
    expect(galleryPathKind("/image-gallery")).toBe("image");
    expect(galleryPathKind("/")).toBeNull();
    expect(galleryPathKind("/video/3")).toBeNull();
    expect(galleryPathKind("/galleryx")).toBeNull();
  });
});

describe("prefetchGalleryList", () => {
  it("starts the list the page will ask for, with the page's key, kind and filters", () => {
    const client = new QueryClient();

    expect(prefetchGalleryList(client, "/gallery", "?kind=image&status=failed&page=2")).toBe(true);

    const key = galleryListKey("image", { ...noFilters, status: "failed", page: 2 });
    // In flight under the very key the page's useQuery reads, so the page waits on it instead of asking again.
    expect(client.getQueryState(key)?.fetchStatus).toBe("fetching");
    expect(client.getQueryCache().getAll()).toHaveLength(1);
  });

  it("asks for nothing on another page", () => {
    const client = new QueryClient();

    expect(prefetchGalleryList(client, "/settings", "")).toBe(false);
    expect(client.getQueryCache().getAll()).toHaveLength(0);
  });
});
