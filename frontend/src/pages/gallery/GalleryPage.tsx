import { Placeholder } from "../../components/Placeholder";

export function GalleryPage({ kind }: { kind: "video" | "image" }) {
  return (
    <Placeholder title={kind === "video" ? "Gallery" : "Image gallery"}>
      <p>
        <strong>Your generated {kind}s arrive here</strong> as a grid with filters and search.
      </p>
    </Placeholder>
  );
}
