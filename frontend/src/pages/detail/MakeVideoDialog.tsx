import { useQuery } from "@tanstack/react-query";
import { describeError } from "../../api/errors";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { listModels, type MediaItem } from "../../media/api";
import type { MakeVideo, Msg } from "./detail";

/** Pick an image-to-video model; its form opens with this stored image as the run's source. */
export function MakeVideoDialog({ image, state, dispatch }: { image: MediaItem; state: MakeVideo; dispatch: (msg: Msg) => void }) {
  const models = useQuery({ queryKey: ["models", "image-to-video"], queryFn: () => listModels("image-to-video"), staleTime: 5 * 60_000 });
  const chosen = state.modelId ?? models.data?.[0]?.id ?? "";
  return (
    <ConfirmDialog
      open
      tone="primary"
      title="Make a video from this image"
      confirmLabel="Open the video form"
      busy={models.isPending}
      busyLabel="Loading models…"
      error={models.isError ? describeError(models.error) : null}
      onCancel={() => dispatch({ type: "MakeVideoClosed" })}
      onConfirm={() => {
        if (image.media_url) {
          dispatch({ type: "MakeVideoConfirmed", modelId: chosen, image: { id: image.id, mediaUrl: image.media_url, prompt: image.prompt } });
        }
      }}
    >
      <label className="field">
        <span>Image-to-video model</span>
        <select value={chosen} onChange={(e) => dispatch({ type: "MakeVideoModelChosen", modelId: e.target.value })} disabled={!models.data?.length}>
          {models.data?.length === 0 ? <option value="">No image-to-video models available</option> : null}
          {models.data?.map((m) => (
            <option key={m.id} value={m.id}>
              {m.id}
            </option>
          ))}
        </select>
      </label>
      <p className="hint">The chosen model's image input uses this image from your gallery, and the new video links back to it; you can change the other settings before generating.</p>
    </ConfirmDialog>
  );
}
