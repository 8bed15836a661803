"""Make it real (issue 14): a finished render sent to a video model through the emulator.

The render is a real MP4 whose frames differ (a colour and a bar that move frame by frame), so a
test can tell which frame was sent, and that the demo output was made from it: the emulator
animates the start image (its first frame is the image) or restyles the input video frame for frame.
"""

import io
import subprocess
import tempfile

import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image, ImageDraw

from gallery.models import Asset
from gallery.services import asset_store
from media_gen.models import Generation
from media_gen.services import asset_run_prepare
from media_gen.services.sources import source_inputs
from simulation.models import Render
from simulation.render.frames import frame_png
from simulation.video_prompt import render_video_prompt
from tests.simulation.factories import RenderFactory, body, scene_json

SIZE = (160, 90)
FRAMES = 10
FPS = 10
IMAGE_MODEL = "stability-ai/stable-video-diffusion"
VIDEO_MODEL = "simpoc-demo/restyle-video"
TEXT_ONLY_MODEL = "tencent/hunyuan-video"
PROMPT_MODEL = "minimax/video-01"  # its first_frame_image and a prompt


def _frame(index: int) -> Image.Image:
    image = Image.new("RGB", SIZE, (20 + index * 22, 90, 220 - index * 18))
    ImageDraw.Draw(image).rectangle([10 + index * 12, 20, 30 + index * 12, 70], fill=(250, 250, 250))
    return image


def _mp4(frames: list[Image.Image]) -> bytes:
    """Lossless H.264 (so a frame's pixels come back as drawn), written through a scratch file."""
    raw = b"".join(frame.tobytes() for frame in frames)
    with tempfile.TemporaryDirectory() as folder:
        target = f"{folder}/render.mp4"
        command = [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "rgb24",
            "-s",
            f"{SIZE[0]}x{SIZE[1]}",
            "-r",
            str(FPS),
            "-i",
            "-",
            "-c:v",
            "libx264",
            "-qp",
            "0",
            "-pix_fmt",
            "yuv444p",
            "-movflags",
            "+faststart",
            target,
        ]
        subprocess.run(command, input=raw, check=True, capture_output=True)
        with open(target, "rb") as file:
            return file.read()


@pytest.fixture(scope="module")
def render_mp4() -> bytes:
    return _mp4([_frame(index) for index in range(FRAMES)])


def _finished_render(owner, mp4: bytes, **fields) -> Render:
    asset = asset_store(owner=owner, stream=io.BytesIO(mp4), kind=Asset.Kind.RENDER)
    scene = scene_json(
        body("pin_1", description="a bowling pin", color="#f0f0f0"),
        body("ball", shape="Sphere", description="a heavy bowling ball", color="#202020"),
    )
    return RenderFactory(
        owner=owner,
        scene_data=scene,
        status=Render.Status.COMPLETED,
        asset=asset,
        frames_total=FRAMES,
        frames_done=FRAMES,
        fps=FPS,
        width=SIZE[0],
        height=SIZE[1],
        scene_context="a ball knocks down a bowling pin",
        **fields,
    )


def _pixels(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=np.float64)


def _first_frame(mp4: bytes, tmp_path) -> tuple[tuple[int, int], np.ndarray, int]:
    """(size, first frame's pixels, frame count) of an MP4, as ffmpeg reads it back."""
    path = tmp_path / "video.mp4"
    path.write_bytes(mp4)
    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    frames = list(reader)
    width, height = meta["size"]
    first = np.frombuffer(frames[0], dtype=np.uint8).reshape(height, width, 3).astype(np.float64)
    return (width, height), first, len(frames)


def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a.ravel(), b.ravel())[0, 1])


def _to_video(client, render_id: int, **payload):
    return client.post(f"/api/genesis/videos/{render_id}/to-video", payload, content_type="application/json")


def _nothing_queued(render: Render, assets_before: int) -> None:
    assert Generation.objects.count() == 0
    assert Asset.objects.count() == assets_before  # no frame stored either


# --- The units: which frame, which input, which prompt ---------------------------------------------------


def test_the_chosen_frame_is_extracted(render_mp4):
    expected = np.asarray(_frame(6), dtype=np.float64)
    png = frame_png(chunks=[render_mp4], index=6, fps=FPS)
    got = _pixels(png)
    assert got.shape == expected.shape
    assert np.abs(got - expected).mean() < 3
    # and not its neighbours
    assert np.abs(got - np.asarray(_frame(5), dtype=np.float64)).mean() > 10
    assert np.abs(got - np.asarray(_frame(7), dtype=np.float64)).mean() > 10


def test_the_first_and_last_frames_are_reachable(render_mp4):
    for index in (0, FRAMES - 1):
        got = _pixels(frame_png(chunks=[render_mp4], index=index, fps=FPS))
        assert np.abs(got - np.asarray(_frame(index), dtype=np.float64)).mean() < 3


def test_source_inputs_find_the_image_and_the_video_fields():
    properties = {
        "prompt": {"type": "string", "x-order": 0},
        "end_image": {"type": "string", "format": "uri", "x-order": 1},
        "first_frame_image": {"type": "string", "format": "uri", "x-order": 2},
        "input_video": {"type": "string", "format": "uri", "x-order": 3},
    }
    found = source_inputs(properties=properties)
    assert found["image"].name == "first_frame_image"
    assert found["video"].name == "input_video"
    assert source_inputs(properties={"prompt": {"type": "string"}}) == {}


def test_a_model_without_image_or_video_input_is_refused_by_name(emulator):
    with pytest.raises(Exception) as refused:
        asset_run_prepare(model_id=TEXT_ONLY_MODEL, prompt="x", inputs=None)
    assert refused.value.status_code == 422
    assert "model_id" in refused.value.message


@pytest.mark.django_db
def test_the_prompt_is_written_from_the_scene(user, render_mp4):
    render = _finished_render(user, render_mp4)
    prompt = render_video_prompt(render=render)
    assert "a ball knocks down a bowling pin" in prompt
    assert "a bowling pin (white" in prompt
    assert "a heavy bowling ball (black" in prompt


# --- Through the API --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_frame_becomes_an_animated_video(user_client, user, emulator, render_mp4, tmp_path):
    render = _finished_render(user, render_mp4)
    response = _to_video(
        user_client,
        render.pk,
        model_id=IMAGE_MODEL,
        frame=4,
        input={"sizing_strategy": "use_image_dimensions"},
    )
    assert response.status_code == 202, response.json()
    video_id = response.json()["video_id"]
    assert response.json()["status"] in {"processing", "completed"}  # tests run tasks inline

    record = user_client.get(f"/api/videos/{video_id}").json()
    assert record["status"] == "completed", record
    generation = Generation.objects.get(pk=video_id)
    frame_asset = generation.source_asset
    assert record["source"] == {"kind": "render", "id": render.pk, "asset_id": frame_asset.pk, "items": None}
    assert frame_asset.kind == Asset.Kind.UPLOAD and frame_asset.content_type == "image/png"
    assert (frame_asset.width, frame_asset.height) == SIZE
    assert record["prompt"] == ""  # Stable Video Diffusion takes no prompt
    assert record["collection"] == "image-to-video"

    output = b"".join(user_client.get(f"/api/videos/{video_id}/data").streaming_content)
    size, first, count = _first_frame(output, tmp_path)
    assert size == SIZE
    assert count > 1
    sent = np.asarray(_frame(4), dtype=np.float64)
    assert _correlation(first, sent) > 0.95
    # It is frame 4, not the render's first frame.
    assert np.abs(first - sent).mean() < np.abs(first - np.asarray(_frame(0), dtype=np.float64)).mean()

    listed = user_client.get(f"/api/genesis/videos/{render.pk}").json()["video"]
    assert listed["derived_videos"] == [video_id]
    page = user_client.get("/api/genesis/videos").json()["videos"]
    assert page[0]["derived_videos"] == [video_id]


@pytest.mark.django_db
def test_a_model_that_takes_a_prompt_gets_one_written_from_the_scene(
    user_client, user, emulator, render_mp4, tmp_path
):
    render = _finished_render(user, render_mp4)
    response = _to_video(user_client, render.pk, model_id=PROMPT_MODEL, frame=FRAMES - 1)
    assert response.status_code == 202, response.json()
    record = user_client.get(f"/api/videos/{response.json()['video_id']}").json()
    assert record["status"] == "completed", record
    assert record["prompt"] == render_video_prompt(render=render)
    assert "a ball knocks down a bowling pin" in record["prompt"]
    assert record["parameters"]["prompt"] == record["prompt"]
    output = b"".join(user_client.get(f"/api/videos/{record['id']}/data").streaming_content)
    size, first, _ = _first_frame(output, tmp_path)
    sent = np.asarray(_frame(FRAMES - 1).resize(size), dtype=np.float64)
    assert _correlation(first, sent) > 0.9


def test_the_catalogue_lists_video_to_video_models(anon_client, emulator):
    models = anon_client.get("/api/video-models?collection=video-to-video").json()["models"]
    assert [model["id"] for model in models] == [VIDEO_MODEL]


@pytest.mark.django_db
def test_the_whole_render_becomes_a_restyled_video(user_client, user, emulator, render_mp4, tmp_path):
    render = _finished_render(user, render_mp4)
    response = _to_video(
        user_client, render.pk, model_id=VIDEO_MODEL, prompt="film look", input={"style": "vivid"}
    )
    assert response.status_code == 202, response.json()
    video_id = response.json()["video_id"]
    record = user_client.get(f"/api/videos/{video_id}").json()
    assert record["status"] == "completed", record
    assert record["source"] == {"kind": "render", "id": render.pk, "asset_id": render.asset_id, "items": None}
    assert record["prompt"] == "film look"
    assert record["parameters"] == {"prompt": "film look", "style": "vivid"}

    output = b"".join(user_client.get(f"/api/videos/{video_id}/data").streaming_content)
    size, first, count = _first_frame(output, tmp_path)
    _, source_first, source_count = _first_frame(render_mp4, tmp_path)
    assert size == SIZE
    assert count == source_count == FRAMES
    assert _correlation(first, source_first) > 0.9
    assert np.abs(first - source_first).mean() > 1  # restyled, not a copy


@pytest.mark.django_db
def test_a_failed_run_from_a_frame_runs_again_with_the_same_frame(user_client, user, emulator, render_mp4):
    render = _finished_render(user, render_mp4)
    emulator.set_faults(fail_predictions=1)
    response = _to_video(
        user_client, render.pk, model_id=IMAGE_MODEL, input={"sizing_strategy": "use_image_dimensions"}
    )
    video_id = response.json()["video_id"]
    assert user_client.get(f"/api/videos/{video_id}").json()["status"] == "failed"
    retried = user_client.post(f"/api/videos/{video_id}/retry")
    assert retried.status_code == 200, retried.json()
    record = user_client.get(f"/api/videos/{video_id}").json()
    assert record["status"] == "completed", record
    assert record["width"] == SIZE[0]  # the frame was sent again (else the configured 48x32)


# --- Bad input: a clear 4xx naming the field, nothing queued ---------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("frame", [-1, FRAMES, 10_000])
def test_an_unknown_frame_is_refused(user_client, user, emulator, render_mp4, frame):
    render = _finished_render(user, render_mp4)
    before = Asset.objects.count()
    response = _to_video(user_client, render.pk, model_id=IMAGE_MODEL, frame=frame)
    assert response.status_code == 422
    assert response.json()["detail"].startswith("frame:")
    assert f"0 to {FRAMES - 1}" in response.json()["detail"]
    _nothing_queued(render, before)


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["queued", "rendering", "failed", "canceled"])
def test_an_unfinished_render_is_refused(user_client, user, emulator, status):
    render = RenderFactory(owner=user, status=status)
    before = Asset.objects.count()
    response = _to_video(user_client, render.pk, model_id=IMAGE_MODEL)
    assert response.status_code == 409
    assert response.json()["detail"].startswith("render:")
    _nothing_queued(render, before)


@pytest.mark.django_db
def test_someone_elses_render_is_not_found(user_client, other_user, staff_client, emulator, render_mp4):
    render = _finished_render(other_user, render_mp4)
    before = Asset.objects.count()
    for client in (user_client, staff_client):  # staff may look at it, not spend it
        response = _to_video(client, render.pk, model_id=IMAGE_MODEL)
        assert response.status_code == 404
    assert _to_video(user_client, 999_999, model_id=IMAGE_MODEL).status_code == 404
    _nothing_queued(render, before)


@pytest.mark.django_db
def test_a_model_without_image_or_video_input_is_refused(user_client, user, emulator, render_mp4):
    render = _finished_render(user, render_mp4)
    before = Asset.objects.count()
    response = _to_video(user_client, render.pk, model_id=TEXT_ONLY_MODEL)
    assert response.status_code == 422
    assert response.json()["detail"].startswith("model_id:")
    assert "takes no image or video input" in response.json()["detail"]
    _nothing_queued(render, before)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model_id", "payload", "field"),
    [
        (VIDEO_MODEL, {"frame": 2}, "frame:"),  # a video model takes the whole render
        (IMAGE_MODEL, {"input": {"input_image": "https://example.com/x.png"}}, "input.input_image:"),
        (IMAGE_MODEL, {"input": {"motion_bucket_id": "fast"}}, "input.motion_bucket_id"),
        (IMAGE_MODEL, {"input": {"no_such_input": 1}}, "input.no_such_input"),
        ("not-a-model-id", {}, "model_id"),
        ("", {}, "model_id"),
        (IMAGE_MODEL, {"prompt": "make it real"}, "prompt:"),  # Stable Video Diffusion takes none
    ],
)
def test_bad_inputs_are_refused_by_name(user_client, user, emulator, render_mp4, model_id, payload, field):
    render = _finished_render(user, render_mp4)
    before = Asset.objects.count()
    response = _to_video(user_client, render.pk, model_id=model_id, **payload)
    assert response.status_code == 422, response.json()
    assert field in response.json()["detail"]
    _nothing_queued(render, before)


@pytest.mark.django_db
def test_a_refused_start_keeps_no_frame(user_client, user, emulator, render_mp4, settings):
    render = _finished_render(user, render_mp4)
    settings.GENERATION_MAX_IN_FLIGHT = 0
    before = Asset.objects.count()
    response = _to_video(user_client, render.pk, model_id=IMAGE_MODEL)
    assert response.status_code == 429
    _nothing_queued(render, before)


# --- The whole chain: a render made by the renderer, then made real --------------------------------------


@pytest.mark.django_db
def test_a_render_from_the_renderer_is_made_real(user_client, emulator, tmp_path):
    scene = scene_json(body("ball", shape="Sphere", position=(0.0, 2.0, 0.0), description="a rubber ball"))
    rendered = user_client.post(
        "/api/genesis/render",
        {
            "scene": scene,
            "duration": 1.0,
            "fps": 10,
            "resolution": [160, 90],
            "scene_context": "a ball drops",
        },
        content_type="application/json",
    )
    assert rendered.status_code == 202, rendered.json()
    render_id = rendered.json()["video_id"]
    record = user_client.get(f"/api/genesis/videos/{render_id}").json()["video"]
    assert record["status"] == "completed", record["error"]
    assert "a ball drops" in record["video_prompt"] and "a rubber ball (" in record["video_prompt"]

    made = _to_video(
        user_client,
        render_id,
        model_id=IMAGE_MODEL,
        frame=9,
        input={"sizing_strategy": "use_image_dimensions"},
    )
    assert made.status_code == 202, made.json()
    video = user_client.get(f"/api/videos/{made.json()['video_id']}").json()
    assert video["status"] == "completed", video
    assert (video["width"], video["height"]) == (160, 90)
    render_mp4 = b"".join(user_client.get(f"/api/genesis/videos/{render_id}/data").streaming_content)
    sent = _pixels(frame_png(chunks=[render_mp4], index=9, fps=10))
    output = b"".join(user_client.get(f"/api/videos/{video['id']}/data").streaming_content)
    _, first, _ = _first_frame(output, tmp_path)
    assert _correlation(first, sent) > 0.9
    assert user_client.get(f"/api/genesis/videos/{render_id}").json()["video"]["derived_videos"] == [
        video["id"]
    ]


@pytest.mark.django_db
def test_deleting_the_video_deletes_its_frame_but_not_the_render(user_client, user, emulator, render_mp4):
    render = _finished_render(user, render_mp4)
    frame_video = _to_video(
        user_client, render.pk, model_id=IMAGE_MODEL, input={"sizing_strategy": "use_image_dimensions"}
    ).json()["video_id"]
    whole_video = _to_video(user_client, render.pk, model_id=VIDEO_MODEL).json()["video_id"]
    frame_asset = Generation.objects.get(pk=frame_video).source_asset_id
    assert user_client.delete(f"/api/videos/{frame_video}").status_code == 200
    assert user_client.delete(f"/api/videos/{whole_video}").status_code == 200
    assert not Asset.objects.filter(pk=frame_asset).exists()
    assert Asset.objects.filter(pk=render.asset_id).exists()
    assert user_client.get(f"/api/genesis/videos/{render.pk}").json()["video"]["derived_videos"] == []
