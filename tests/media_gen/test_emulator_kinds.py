"""The emulator's models of the newer collections answer from their inputs (issue 15 item 6): an
upscale is 2x/4x its input, an edit differs from it at the same size, a caption names the video's
duration and size, music and speech decode to the length asked and are not silent; the test doubles
answer what their collection cannot store."""

import base64
import io
import re
import subprocess

import httpx
import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image, ImageChops, ImageStat

from media_gen.emulator import Emulator, EmulatorConfig, audio, media
from media_gen.emulator.catalogue import COLLECTIONS, MODELS_BY_ID

pytestmark = pytest.mark.engine_independent

NEW_COLLECTIONS = {
    "super-resolution": "emulator/upscaler",
    "image-editing": "emulator/image-editor",
    "video-to-text": "emulator/captioner",
    "ai-music-generation": "emulator/music",
    "text-to-speech": "emulator/speech",
}


def _prediction(emulator: Emulator, model_id: str, inputs: dict) -> dict:
    prediction = emulator.create_prediction(MODELS_BY_ID[model_id], {"input": inputs})
    return emulator.wait_for(prediction.id, timeout=60)


def _files(emulator: Emulator, model_id: str, inputs: dict) -> list[httpx.Response]:
    result = _prediction(emulator, model_id, inputs)
    assert result["status"] == "succeeded", result
    urls = result["output"] if isinstance(result["output"], list) else [result["output"]]
    return [httpx.get(url, timeout=10) for url in urls]


def _picture(size: tuple[int, int]) -> Image.Image:
    """A picture with detail (quadrants and a diagonal), so resampling and edits can be compared."""
    image = Image.new("RGB", size, (30, 60, 200))
    width, height = size
    image.paste((220, 200, 40), (0, 0, width // 2, height // 2))
    image.paste((200, 40, 40), (width // 2, height // 2, width, height))
    for i in range(min(size)):
        image.putpixel((i, i), (255, 255, 255))
    return image


def _data_url(image: Image.Image, file_format: str = "PNG") -> str:
    buffer = io.BytesIO()
    image.save(buffer, format=file_format)
    kind = "png" if file_format == "PNG" else "jpeg"
    return f"data:image/{kind};base64," + base64.b64encode(buffer.getvalue()).decode()


def _video_url(*, size: tuple[int, int], frames: int, fps: int) -> str:
    data = media.video_bytes(prompt="sea", seed=1, size=size, frames=frames, fps=fps)
    return "data:video/mp4;base64," + base64.b64encode(data).decode()


def _ffmpeg_report(data: bytes, tmp_path, suffix: str) -> str:
    """ffmpeg's own reading of a file (its `-i` report), as ffprobe would give it."""
    path = tmp_path / f"probe{suffix}"
    path.write_bytes(data)
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)]
    return subprocess.run(command, capture_output=True, timeout=30, check=False).stderr.decode()


def _decoded_samples(data: bytes, tmp_path, suffix: str) -> tuple[np.ndarray, int]:
    """Every sample of an audio file as ffmpeg decodes it (mono float), and the rate."""
    path = tmp_path / f"decode{suffix}"
    path.write_bytes(data)
    rate = 16_000
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-i", str(path)]
    command += ["-f", "s16le", "-ac", "1", "-ar", str(rate), "-"]
    raw = subprocess.run(command, capture_output=True, timeout=30, check=True).stdout
    return np.frombuffer(raw, dtype="<i2").astype(float) / 32768, rate


def _duration(report: str) -> float:
    hours, minutes, seconds = re.search(r"Duration: (\d+):(\d\d):(\d\d\.\d+)", report).groups()
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


# --- the catalogue --------------------------------------------------------------------------------


@pytest.mark.parametrize(("slug", "model_id"), NEW_COLLECTIONS.items())
def test_every_new_collection_lists_its_model_with_a_real_input_schema(emulator, slug, model_id):
    collection = httpx.get(f"{emulator.url}/v1/collections/{slug}", timeout=10).json()
    assert collection["slug"] == slug
    model = next(m for m in collection["models"] if f"{m['owner']}/{m['name']}" == model_id)
    schemas = model["latest_version"]["openapi_schema"]["components"]["schemas"]
    properties = schemas["Input"]["properties"]
    orders = [spec["x-order"] for spec in properties.values()]
    assert sorted(orders) == list(range(len(orders)))
    for spec in properties.values():  # every enum is a $ref to a component, as Cog writes them
        for part in spec.get("allOf", []):
            assert "enum" in schemas[part["$ref"].rsplit("/", 1)[-1]]
    assert set(schemas["Input"]["required"]) <= set(properties)
    listed = httpx.get(f"{emulator.url}/v1/collections", timeout=10).json()["results"]
    assert slug in {c["slug"] for c in listed}


TEST_DOUBLES = {"emulator/bad-captioner": "video-to-text", "emulator/bad-music": "ai-music-generation"}


def _listed_ids(emulator: Emulator) -> tuple[set[str], set[str], set[str]]:
    """Model ids in the doubles' collections, in every page of /v1/models, and in a QUERY search."""

    def ids(models: list[dict]) -> set[str]:
        return {f"{m['owner']}/{m['name']}" for m in models}

    in_collections: set[str] = set()
    for slug in set(TEST_DOUBLES.values()):
        in_collections |= ids(httpx.get(f"{emulator.url}/v1/collections/{slug}", timeout=10).json()["models"])
    paged: set[str] = set()
    url: str | None = f"{emulator.url}/v1/models"
    while url:
        page = httpx.get(url, timeout=10).json()
        paged |= ids(page["results"])
        url = page["next"]
    found = httpx.request("QUERY", f"{emulator.url}/v1/models", content=b"emulator", timeout=10)
    return in_collections, paged, ids(found.json()["results"])


def test_test_doubles_run_by_id_but_are_not_listed_by_default(emulator):
    in_collections, paged, found = _listed_ids(emulator)
    assert {"emulator/captioner", "emulator/music"} <= in_collections
    assert {"emulator/captioner", "emulator/music"} <= found
    assert "emulator/speech" in paged
    for model_id in TEST_DOUBLES:
        assert model_id in COLLECTIONS[TEST_DOUBLES[model_id]]["models"]
        assert model_id not in in_collections | paged | found
        answer = httpx.get(f"{emulator.url}/v1/models/{model_id}", timeout=10)
        assert answer.status_code == 200 and answer.json()["name"] == model_id.split("/")[1]
    # ...and run by id, as the tests of the app's refusals run them.
    video = _video_url(size=(16, 16), frames=2, fps=2)
    for model_id, inputs in (
        ("emulator/bad-captioner", {"video": video}),
        ("emulator/bad-music", {"prompt": "x"}),
    ):
        url = f"{emulator.url}/v1/models/{model_id}/predictions"
        created = httpx.post(url, json={"input": inputs}, headers={"Prefer": "wait=5"}, timeout=10)
        assert created.status_code == 201 and created.json()["status"] == "succeeded", created.text


def test_test_doubles_are_listed_when_the_emulator_is_asked_to():
    with Emulator(EmulatorConfig(start_delay=0.01, run_delay=0.01, list_test_doubles=True)) as doubles:
        in_collections, paged, found = _listed_ids(doubles)
    assert set(TEST_DOUBLES) <= in_collections & paged & found


def test_a_text_model_declares_a_string_output_and_file_models_a_uri(emulator):
    def output_schema(model_id: str) -> dict:
        model = httpx.get(f"{emulator.url}/v1/models/{model_id}", timeout=10).json()
        return model["latest_version"]["openapi_schema"]["components"]["schemas"]["Output"]

    assert output_schema("emulator/captioner") == {"type": "string", "title": "Output"}
    assert output_schema("emulator/music")["format"] == "uri"


def test_bad_inputs_are_refused_when_the_prediction_is_created(emulator):
    url = f"{emulator.url}/v1/models/emulator/upscaler/predictions"
    response = httpx.post(url, json={"input": {"image": "data:,", "scale": 3}}, timeout=10)
    assert response.status_code == 422
    assert "scale must be one of the following: 2, 4" in response.json()["detail"]
    url = f"{emulator.url}/v1/models/emulator/music/predictions"
    response = httpx.post(url, json={"input": {"prompt": "a", "duration": 99}}, timeout=10)
    assert response.status_code == 422
    assert "less than or equal to 30" in response.json()["detail"]
    assert not any(p.input.get("duration") == 99 for p in emulator.predictions.values())
    response = httpx.post(url, json={"input": {"prompt": "a", "duration": 2.5}}, timeout=10)
    assert response.json()["detail"] == "- input.duration: Invalid type. Expected: integer"


def test_null_and_integral_float_inputs_take_the_default_or_their_value(emulator, tmp_path):
    url = f"{emulator.url}/v1/models/emulator/music/predictions"
    inputs = {"prompt": "hum", "duration": 2.0, "output_format": None, "seed": None}
    response = httpx.post(url, json={"input": inputs}, headers={"Prefer": "wait=30"}, timeout=40)
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "succeeded", response.json()
    data = httpx.get(response.json()["output"], timeout=10).content
    assert _duration(_ffmpeg_report(data, tmp_path, ".wav")) == pytest.approx(2, abs=0.05)


# --- super-resolution -----------------------------------------------------------------------------


@pytest.mark.parametrize("scale", [2, 4])
def test_upscaler_answers_a_png_exactly_scale_times_the_input(emulator, scale):
    source = _picture((37, 23))
    [response] = _files(emulator, "emulator/upscaler", {"image": _data_url(source), "scale": scale})
    assert response.headers["content-type"] == "image/png"
    output = Image.open(io.BytesIO(response.content))
    assert output.format == "PNG"
    assert output.size == (37 * scale, 23 * scale)
    # The same picture: shrunk back, it is close to the input pixel for pixel.
    back = output.convert("RGB").resize(source.size, Image.Resampling.BOX)
    assert max(ImageStat.Stat(ImageChops.difference(back, source)).mean) < 12


def test_upscaler_keeps_a_big_photo_at_its_own_size(emulator):
    # A JPEG the video models decode at a fraction of its size (draft mode) is read whole here.
    [response] = _files(
        emulator, "emulator/upscaler", {"image": _data_url(_picture((900, 600)), "JPEG"), "scale": 2}
    )
    assert Image.open(io.BytesIO(response.content)).size == (1800, 1200)


def test_upscaler_refuses_an_output_bigger_than_it_draws(emulator):
    result = _prediction(
        emulator, "emulator/upscaler", {"image": _data_url(_picture((1100, 20))), "scale": 4}
    )
    assert result["status"] == "failed"
    assert "4400x80" in result["error"]


# --- image editing --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "instruction", ["make it blue", "black and white please", "mirror the scene", "add a dreamy glow"]
)
def test_image_editor_changes_the_picture_and_keeps_its_size(emulator, instruction):
    source = _picture((64, 40))
    [response] = _files(
        emulator, "emulator/image-editor", {"prompt": instruction, "input_image": _data_url(source)}
    )
    output = Image.open(io.BytesIO(response.content)).convert("RGB")
    assert output.size == source.size
    difference = ImageStat.Stat(ImageChops.difference(output, source)).mean
    assert max(difference) > 20  # visibly different, not a re-encode


def test_image_editor_follows_the_colour_word(emulator):
    source = Image.new("RGB", (32, 32), (128, 128, 128))
    means = {}
    for colour in ("red", "blue"):
        [response] = _files(
            emulator,
            "emulator/image-editor",
            {"prompt": f"make it {colour}", "input_image": _data_url(source)},
        )
        means[colour] = ImageStat.Stat(Image.open(io.BytesIO(response.content)).convert("RGB")).mean
    assert means["red"][0] > means["red"][2]
    assert means["blue"][2] > means["blue"][0]


def test_image_editor_honours_the_output_format(emulator):
    inputs = {"prompt": "warmer", "input_image": _data_url(_picture((32, 32))), "output_format": "jpg"}
    [response] = _files(emulator, "emulator/image-editor", inputs)
    assert response.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(response.content)).format == "JPEG"


# --- video to text --------------------------------------------------------------------------------


def test_captioner_answers_text_naming_the_videos_duration_size_and_rate(emulator):
    result = _prediction(
        emulator, "emulator/captioner", {"video": _video_url(size=(96, 64), frames=20, fps=8)}
    )
    assert result["status"] == "succeeded", result
    caption = result["output"]
    assert isinstance(caption, str)
    assert not caption.startswith(("http", "data:"))
    assert "2.5-second" in caption
    assert "96x64" in caption
    assert "8 fps" in caption


def test_streaming_captioner_answers_a_list_of_tokens_that_join_into_the_caption(emulator):
    video = _video_url(size=(64, 48), frames=8, fps=4)
    result = _prediction(emulator, "emulator/captioner-stream", {"video": video})
    assert result["status"] == "succeeded", result
    tokens = result["output"]
    assert isinstance(tokens, list)
    assert all(isinstance(token, str) for token in tokens)
    assert len(tokens) > 3
    assert "".join(tokens).startswith("A 2.0-second video, 64x48 pixels at 4 fps")
    short = _prediction(emulator, "emulator/captioner-stream", {"video": video, "max_new_tokens": 2})
    assert short["output"] == tokens[:2]
    model = httpx.get(f"{emulator.url}/v1/models/emulator/captioner-stream", timeout=10).json()
    output = model["latest_version"]["openapi_schema"]["components"]["schemas"]["Output"]
    assert (output["type"], output["x-cog-array-display"]) == ("array", "concatenate")


def test_captioner_fails_with_a_reason_on_a_file_that_is_not_a_video(emulator):
    result = _prediction(emulator, "emulator/captioner", {"video": _data_url(_picture((8, 8)))})
    assert result["status"] == "failed"
    assert "no readable video stream" in result["error"]


# --- music ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("output_format", "content_type", "suffix"), [("wav", "audio/wav", ".wav"), ("mp3", "audio/mpeg", ".mp3")]
)
def test_music_decodes_to_the_duration_asked(emulator, tmp_path, output_format, content_type, suffix):
    inputs = {"prompt": "rain on a tin roof", "duration": 3, "output_format": output_format}
    [response] = _files(emulator, "emulator/music", inputs)
    assert response.headers["content-type"] == content_type
    report = _ffmpeg_report(response.content, tmp_path, suffix)
    assert "Audio:" in report
    assert _duration(report) == pytest.approx(3, abs=0.1)
    samples, _ = _decoded_samples(response.content, tmp_path, suffix)
    assert np.sqrt(np.mean(samples**2)) > 0.05


def _dominant_frequency(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(samples.size)))
    return float(np.fft.rfftfreq(samples.size, 1 / rate)[np.argmax(spectrum)])


def test_music_pitch_follows_the_words(emulator, tmp_path):
    words = ["amber", "lantern", "river", "cobalt"]
    [response] = _files(emulator, "emulator/music", {"prompt": " ".join(words), "duration": 4, "seed": 5})
    samples, rate = _decoded_samples(response.content, tmp_path, ".wav")
    for index, word in enumerate(words):  # one second per word: each second plays that word's note
        note = samples[index * rate + rate // 10 : index * rate + rate // 2]
        assert _dominant_frequency(note, rate) == pytest.approx(audio.word_frequency(word), rel=0.03)
    assert len({audio.word_frequency(word) for word in words}) > 1


def test_bad_music_serves_html_labelled_as_mp3(emulator):
    [response] = _files(emulator, "emulator/bad-music", {"prompt": "jazz"})
    assert response.headers["content-type"] == "audio/mpeg"
    assert response.content.lstrip().lower().startswith(b"<!doctype html")


# --- speech ---------------------------------------------------------------------------------------


def test_speech_is_a_non_silent_wav_with_a_burst_per_syllable(emulator, tmp_path):
    # Ten syllables and no hissed or clicked consonants, whose noise would be bursts of its own.
    text = "Mama, a lemon melon, no money"
    [response] = _files(emulator, "emulator/speech", {"text": text, "voice": "am_adam"})
    assert response.headers["content-type"] == "audio/wav"
    report = _ffmpeg_report(response.content, tmp_path, ".wav")
    assert "pcm_s16le" in report
    samples, rate = _decoded_samples(response.content, tmp_path, ".wav")
    assert np.sqrt(np.mean(samples**2)) > 0.03
    # Loud 10 ms frames come in bursts separated by quiet: count the bursts.
    frames = samples[: samples.size // (rate // 100) * (rate // 100)].reshape(-1, rate // 100)
    loud = np.sqrt(np.mean(frames**2, axis=1)) > 0.05
    bursts = int(np.sum(loud[1:] & ~loud[:-1]))
    assert 9 <= bursts <= 11


def test_speech_speed_and_voice_change_the_signal(emulator, tmp_path):
    def speak(**inputs) -> tuple[float, float]:
        [response] = _files(emulator, "emulator/speech", {"text": "one two three four", **inputs})
        samples, rate = _decoded_samples(response.content, tmp_path, ".wav")
        voiced = samples[np.abs(samples) > 0.05]
        return samples.size / rate, voiced.size

    slow, _ = speak(speed=1.0)
    fast, _ = speak(speed=2.0)
    assert fast == pytest.approx(slow / 2, rel=0.1)
    low = audio.speech(text="aaa", voice="bm_george", speed=1)
    high = audio.speech(text="aaa", voice="bf_emma", speed=1)
    low_f0 = _dominant_frequency(low, audio.SPEECH_RATE)
    assert _dominant_frequency(high, audio.SPEECH_RATE) > low_f0


# --- several files, and failures that already existed ----------------------------------------------


def test_text_to_image_returns_one_distinct_url_and_file_per_output(emulator):
    responses = _files(emulator, "black-forest-labs/flux-schnell", {"prompt": "a fox", "num_outputs": 4})
    assert len(responses) == 4
    assert len({str(r.url) for r in responses}) == 4
    assert len({r.content for r in responses}) == 4


def test_bad_captioner_answers_a_file_url_where_text_belongs(emulator):
    result = _prediction(
        emulator, "emulator/bad-captioner", {"video": _video_url(size=(32, 32), frames=4, fps=4)}
    )
    assert result["status"] == "succeeded", result
    assert result["output"].startswith(f"{emulator.url}/files/")
    assert "4x4" not in result["output"]
    assert b"32x32" in httpx.get(result["output"], timeout=10).content


def test_switched_on_faults_spoil_the_new_models_too(emulator):
    emulator.set_faults(wrong_type_output=True)
    [response] = _files(emulator, "emulator/speech", {"text": "hi"})
    assert response.content.startswith(b"<!DOCTYPE html>")
    emulator.set_faults(fail_predictions=1)
    result = _prediction(
        emulator, "emulator/captioner", {"video": _video_url(size=(32, 32), frames=4, fps=4)}
    )
    assert result["status"] == "failed"
    assert "CUDA out of memory" in result["error"]
