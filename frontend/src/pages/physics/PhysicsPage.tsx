import { Placeholder } from "../../components/Placeholder";

export default function PhysicsPage() {
  return (
    <Placeholder title="Physics">
      <p>
        <strong>The scene editor arrives here:</strong> describe a scene in words to generate it, then edit its
        boxes, spheres and cylinders in a 3D view (move, rotate, scale, physics properties, colours), play the
        simulation in the browser, undo and redo, save it, and render it on the server into a video.
      </p>
      <p>It is not built yet. Nothing on this page works today.</p>
    </Placeholder>
  );
}
