"""Items of every kind, with outputs and sources, as the archive and backup tests need them."""

import io

from gallery import services
from gallery.models import Asset
from media_gen.models import Generation, GenerationOutput
from tests.gallery.media import audio_bytes, png_bytes
from tests.media_gen.factories import GenerationFactory
from tests.portability.conftest import stored_image, stored_render, stored_video


def sounds_made() -> dict[str, bytes]:
    return {
        "song": audio_bytes("mp3", source="sine=frequency=330:duration=1"),
        "second": audio_bytes("wav", source="sine=frequency=550:duration=1"),
    }


def store(owner, content: bytes, kind: str, filename: str) -> Asset:
    return services.asset_store(owner=owner, stream=io.BytesIO(content), kind=kind, filename=filename)


def every_kind(user, sounds) -> dict:
    """An audio generation with two output files, a video with a caption of it, an image upscaled
    from another, a video made from a render's frame, and a combine of the video and the render."""
    song = store(user, sounds["song"], "audio", "song.mp3")
    second = store(user, sounds["second"], "audio", "take-2.wav")
    audio = GenerationFactory(
        owner=user,
        kind="audio",
        collection="ai-music-generation",
        model_id="acme/composer",
        prompt="a slow waltz",
        inputs={"prompt": "a slow waltz", "duration": 1, "num_outputs": 2},
        asset=song,
    )
    GenerationOutput.objects.create(
        generation=audio, position=0, asset=song, url="https://replicate.delivery/a.mp3"
    )
    GenerationOutput.objects.create(
        generation=audio, position=1, asset=second, url="https://replicate.delivery/b.wav"
    )
    video = stored_video(user, prompt="a ball rolls")
    caption = GenerationFactory(
        owner=user,
        kind="video",
        collection="video-to-text",
        model_id="acme/captioner",
        prompt="",
        inputs={"video": "(stored video)"},
        text_output="A ball rolls for 1.0 s, 48x32.",
        source_kind="video",
        source_id=video.pk,
        source_asset=video.asset,
        source_input="video",
    )
    original = stored_image(user, prompt="a small fox", shade=7)
    upscaled = stored_image(
        user,
        prompt="a small fox",
        shade=8,
        collection="super-resolution",
        source_kind="image",
        source_id=original.pk,
        source_asset=original.asset,
        source_input="image",
    )
    render = stored_render(user)
    frame = store(user, png_bytes(32, 18, (10, 200, 40)), "upload", "render-frame.png")
    made_real = stored_video(user, prompt="boxes falling, real", seed=5)
    Generation.objects.filter(pk=made_real.pk).update(
        source_kind="render", source_id=render.pk, source_asset=frame, source_input="first_frame_image"
    )
    combined = stored_video(user, prompt="joined", seed=9)
    Generation.objects.filter(pk=combined.pk).update(
        collection="combine",
        model_id="simpoc/combine",
        source_kind="combine",
        inputs={
            "items": [{"kind": "video", "id": video.pk}, {"kind": "render", "id": render.pk}],
            "transition": "cut",
        },
    )
    return {
        "audio": audio,
        "video": video,
        "caption": caption,
        "original": original,
        "upscaled": upscaled,
        "render": render,
        "frame": frame,
        "made_real": made_real,
        "combined": combined,
    }
