import { Placeholder } from "../../components/Placeholder";

export function GeneratePage({ kind }: { kind: "video" | "image" }) {
  return (
    <Placeholder title={kind === "video" ? "Videos" : "Images"}>
      <p>
        <strong>{kind === "video" ? "Video" : "Image"} generation arrives here:</strong> pick a model, fill the form
        made from its input schema, and generate.
      </p>
    </Placeholder>
  );
}
