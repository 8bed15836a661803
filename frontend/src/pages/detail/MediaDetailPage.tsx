import { Placeholder } from "../../components/Placeholder";

export function MediaDetailPage({ kind }: { kind: "video" | "image" }) {
  return (
    <Placeholder title={kind === "video" ? "Video" : "Image"}>
      <p>
        <strong>One generated {kind} arrives here:</strong> its live status, the result, the inputs used and actions.
      </p>
    </Placeholder>
  );
}
