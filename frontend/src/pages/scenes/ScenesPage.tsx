import { Placeholder } from "../../components/Placeholder";

export default function ScenesPage() {
  return (
    <Placeholder title="Scenes">
      <p>
        <strong>Your saved scenes arrive here:</strong> every scene you generate or save in the editor, with its
        prompt and date, to open in the editor, rename or delete.
      </p>
      <p>The scene editor is not built yet, so there is nothing to list today.</p>
    </Placeholder>
  );
}
