"""Demo outputs follow their inputs: the emulator's images and videos take the size, ratio, length
and rate a prediction asked for, so what a person set in the form shows in the result."""

import base64
import io

import httpx
import imageio_ffmpeg
import pytest
from PIL import Image

from media_gen.emulator import Emulator, geometry, media
from media_gen.emulator.catalogue import MODELS_BY_ID

BASE_IMAGE = (48, 48)
BASE_VIDEO = (48, 32)


def _run(emulator: Emulator, model_id: str, inputs: dict) -> list[bytes]:
    model = MODELS_BY_ID[model_id]
    prediction = emulator.create_prediction(model, {"input": inputs})
    result = emulator.wait_for(prediction.id, timeout=30)
    assert result["status"] == "succeeded", result
    output = result["output"]
    urls = output if isinstance(output, list) else [output]
    files = []
    for url in urls:
        if url.startswith("data:"):
            files.append(base64.b64decode(url.partition(",")[2]))
        else:
            files.append(httpx.get(url, timeout=10).content)
    return files


def _image_size(data: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(data)).size


def _video_facts(data: bytes, tmp_path) -> tuple[int, int, int, float]:
    """(width, height, frames, fps) as ffmpeg reads the file back."""
    path = tmp_path / "out.mp4"
    path.write_bytes(data)
    reader = imageio_ffmpeg.read_frames(str(path))
    meta = reader.__next__()
    frames = sum(1 for _ in reader)
    width, height = meta["size"]
    return width, height, frames, meta["fps"]


def _png_data_url(size: tuple[int, int]) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


@pytest.mark.parametrize(
    ("ratio", "expected"),
    [("1:1", (48, 48)), ("16:9", (64, 36)), ("9:16", (36, 64)), ("21:9", (74, 32)), ("2:3", (40, 58))],
)
def test_aspect_ratio_keeps_the_configured_area(ratio, expected):
    model = MODELS_BY_ID["black-forest-labs/flux-schnell"]
    width, height = geometry.image_size(model, {"aspect_ratio": ratio}, base=BASE_IMAGE)
    assert (width, height) == expected
    ratio_w, ratio_h = (int(part) for part in ratio.split(":"))
    assert abs(width / height - ratio_w / ratio_h) < 0.1
    assert abs(width * height - 48 * 48) / (48 * 48) < 0.1


def test_inputs_a_model_does_not_declare_are_ignored():
    # flux-schnell has no width/height; ideogram has no num_frames (irrelevant for images anyway).
    flux = MODELS_BY_ID["black-forest-labs/flux-schnell"]
    assert geometry.image_size(flux, {"width": 300, "height": 100}, base=BASE_IMAGE) == BASE_IMAGE
    minimax = MODELS_BY_ID["minimax/video-01"]
    shape = geometry.video_shape(
        minimax, {"duration": 10, "fps": 30}, base=BASE_VIDEO, frames=4, fps=4, start_image=None
    )
    assert (shape.width, shape.height, shape.frames, shape.fps) == (48, 32, 4, 4)


@pytest.mark.parametrize(
    ("model_id", "inputs", "expected"),
    [
        # A ratio left out keeps the configured size (the schema's default is not applied).
        ("kwaivgi/kling-v1.6-standard", {"duration": 10}, (48, 32, 40, 4)),
        ("kwaivgi/kling-v1.6-standard", {"duration": 5, "aspect_ratio": "9:16"}, (30, 52, 20, 4)),
        ("tencent/hunyuan-video", {"width": 160, "height": 96, "video_length": 9, "fps": 8}, (160, 96, 9, 8)),
        ("wavespeedai/wan-2.1-t2v-480p", {"num_frames": 81, "aspect_ratio": "9:16"}, (30, 52, 81, 4)),
        ("wavespeedai/wan-2.1-i2v-480p", {"max_area": "480x832"}, (480, 832, 4, 4)),
        ("stability-ai/stable-video-diffusion", {"video_length": "25_frames_with_svd_xt"}, (48, 32, 25, 4)),
        ("stability-ai/stable-video-diffusion", {"frames_per_second": 12}, (48, 32, 4, 12)),
        ("stability-ai/stable-video-diffusion", {"sizing_strategy": "crop_to_16_9"}, (52, 30, 4, 4)),
    ],
)
def test_video_shape_follows_the_inputs(model_id, inputs, expected):
    shape = geometry.video_shape(
        MODELS_BY_ID[model_id], inputs, base=BASE_VIDEO, frames=4, fps=4, start_image=None
    )
    assert (shape.width, shape.height, shape.frames, shape.fps) == expected


def test_a_start_image_sets_the_proportions():
    tall = Image.new("RGB", (90, 160))
    kling = MODELS_BY_ID["kwaivgi/kling-v1.6-standard"]
    shape = geometry.video_shape(
        kling,
        {"start_image": "data:…", "aspect_ratio": "16:9"},
        base=BASE_VIDEO,
        frames=4,
        fps=4,
        start_image=tall,
    )
    assert shape.height > shape.width  # the image's 9:16, not the ignored 16:9
    svd = MODELS_BY_ID["stability-ai/stable-video-diffusion"]
    shape = geometry.video_shape(
        svd, {"sizing_strategy": "use_image_dimensions"}, base=BASE_VIDEO, frames=4, fps=4, start_image=tall
    )
    assert (shape.width, shape.height) == (90, 160)


# --- the files the emulator serves -----------------------------------------------------------------


def test_images_have_the_requested_ratio_and_count(emulator):
    files = _run(
        emulator,
        "black-forest-labs/flux-schnell",
        {"prompt": "a fox", "aspect_ratio": "16:9", "num_outputs": 3},
    )
    assert len(files) == 3
    assert {_image_size(data) for data in files} == {(64, 36)}


def test_images_have_the_requested_width_and_height(emulator):
    [data] = _run(emulator, "stability-ai/sdxl", {"prompt": "a fox", "width": 320, "height": 128})
    assert _image_size(data) == (320, 128)


def test_data_url_model_without_size_inputs_keeps_the_configured_size(emulator):
    [data] = _run(emulator, "simpoc-demo/pixel-sketch", {"prompt": "a fox"})
    assert _image_size(data) == BASE_IMAGE


def test_video_has_the_requested_duration_and_ratio(emulator, tmp_path):
    [data] = _run(
        emulator, "kwaivgi/kling-v1.6-standard", {"prompt": "waves", "duration": 5, "aspect_ratio": "1:1"}
    )
    width, height, frames, fps = _video_facts(data, tmp_path)
    assert (width, height) == (40, 40)
    assert frames / fps == pytest.approx(5, abs=0.01)


def test_video_has_the_requested_resolution_frames_and_rate(emulator, tmp_path):
    [data] = _run(
        emulator,
        "tencent/hunyuan-video",
        {"prompt": "waves", "width": 96, "height": 64, "video_length": 9, "fps": 6},
    )
    assert _video_facts(data, tmp_path) == (96, 64, 9, 6)


def test_a_big_photo_keeps_its_dimensions_though_it_is_decoded_smaller():
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 1200), (10, 120, 200)).save(buffer, format="JPEG")
    photo = media.load_image(buffer.getvalue())
    assert photo.size != (1600, 1200)  # decoded at a fraction (JPEG draft mode)
    svd = MODELS_BY_ID["stability-ai/stable-video-diffusion"]
    shape = geometry.video_shape(
        svd, {"sizing_strategy": "use_image_dimensions"}, base=BASE_VIDEO, frames=4, fps=4, start_image=photo
    )
    assert (shape.width, shape.height) == (1600, 1200)


def test_video_from_an_image_keeps_its_proportions(emulator, tmp_path):
    [data] = _run(
        emulator,
        "stability-ai/stable-video-diffusion",
        {"input_image": _png_data_url((64, 32)), "sizing_strategy": "use_image_dimensions"},
    )
    assert _video_facts(data, tmp_path)[:2] == (64, 32)


# --- through the API: what a person sees in the result ------------------------------------------


@pytest.mark.django_db
def test_generated_image_record_shows_the_requested_size(user_client, emulator):
    response = user_client.post(
        "/api/run-image-model",
        {"model_id": "stability-ai/sdxl", "input": {"prompt": "a fox", "width": 256, "height": 128}},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    record = user_client.get(f"/api/images/{response.json()['image_id']}").json()
    assert record["status"] == "completed", record
    assert (record["width"], record["height"]) == (256, 128)


@pytest.mark.django_db
def test_generated_video_record_shows_the_requested_duration(user_client, emulator):
    response = user_client.post(
        "/api/run-video-model",
        {"model_id": "kwaivgi/kling-v1.6-standard", "input": {"prompt": "waves", "duration": 10}},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    record = user_client.get(f"/api/videos/{response.json()['video_id']}").json()
    assert record["status"] == "completed", record
    assert record["duration"] == pytest.approx(10, abs=0.3)
    assert record["width"] > record["height"]  # Kling's default 16:9 is not sent, the configured size is


def test_model_covers_are_data_urls_so_the_web_app_needs_no_other_origin(emulator):
    models = httpx.get(f"{emulator.url}/v1/models/black-forest-labs/flux-schnell", timeout=10).json()
    cover = models["cover_image_url"]
    assert cover.startswith("data:image/webp;base64,")
    assert Image.open(io.BytesIO(base64.b64decode(cover.partition(",")[2]))).size == (96, 64)
