import { Placeholder } from "../../components/Placeholder";

export default function SimulationsPage() {
  return (
    <Placeholder title="Simulations">
      <p>
        <strong>Rendered simulation videos arrive here:</strong> each render of a scene with its progress while it
        runs, then the video to play, seek and download.
      </p>
      <p>Rendering is not built yet, so there is nothing to list today.</p>
    </Placeholder>
  );
}
