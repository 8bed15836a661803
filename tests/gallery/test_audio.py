"""Audio as stored media: sniffed formats, duration, a waveform picture drawn from the samples,
refusal of what only poses as audio, and serving with ranges like video."""

import io
import subprocess
import tracemalloc
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

from gallery import services, thumbnails
from gallery.models import Asset
from gallery.storage_backends import asset_chunks
from tests.gallery.factories import AssetFactory
from tests.gallery.media import audio_bytes, png_bytes

pytestmark = pytest.mark.urls("tests.gallery.urls")

# format -> the content type it is stored and served as, and the extension of its download
EXPECTED = {
    "mp3": ("audio/mpeg", ".mp3"),
    "mp3-no-id3": ("audio/mpeg", ".mp3"),
    "wav": ("audio/wav", ".wav"),
    "ogg-vorbis": ("audio/ogg", ".ogg"),
    "ogg-opus": ("audio/ogg", ".ogg"),
    "flac": ("audio/flac", ".flac"),
    "m4a-aac": ("audio/mp4", ".m4a"),
    "mp4-aac": ("audio/mp4", ".m4a"),
    "aac-adts": ("audio/aac", ".aac"),
}


def stored_bytes(asset: Asset) -> bytes:
    return b"".join(asset_chunks(asset=asset))


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def store(user, content: bytes, **kwargs) -> Asset:
    return services.asset_store(owner=user, stream=io.BytesIO(content), kind="audio", **kwargs)


@pytest.mark.parametrize("fmt", sorted(EXPECTED))
def test_each_audio_format_is_sniffed_timed_and_given_a_waveform(user, user_client, fmt):
    content = audio_bytes(fmt, source="sine=frequency=440:duration=2")

    asset = store(user, content, filename=f"tone.{fmt}")

    content_type, extension = EXPECTED[fmt]
    assert asset.kind == "audio"
    assert asset.content_type == content_type
    assert asset.duration == pytest.approx(2.0, abs=0.15)
    assert (asset.width, asset.height) == (None, None)
    assert stored_bytes(asset) == content
    picture = Image.open(io.BytesIO(stored_bytes(asset.thumbnail)))
    assert picture.format == "WEBP"
    assert picture.size == thumbnails.WAVEFORM_SIZE
    assert max(picture.size) <= thumbnails.THUMBNAIL_MAX_SIDE
    response = user_client.get(f"/api/test-assets/{asset.pk}/data?download=1")
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="tone{extension}"'


def _drawn_height(picture: Image.Image, columns: range) -> float:
    """Mean number of waveform-coloured pixels per column over ``columns``."""
    pixels = np.asarray(picture.convert("RGB"), dtype=np.int16)
    background = np.array(thumbnails.WAVEFORM_BACKGROUND, dtype=np.int16)
    drawn = np.abs(pixels - background).sum(axis=2) > 60
    return float(drawn[:, columns.start : columns.stop].sum(axis=0).mean())


def test_waveform_is_drawn_from_the_samples(user):
    # One second of near silence, then one second of a loud tone: the picture's halves differ.
    content = audio_bytes(
        "wav", source="sine=frequency=300:duration=2,volume='if(lt(t,1),0.02,1)':eval=frame"
    )

    asset = store(user, content)

    picture = Image.open(io.BytesIO(stored_bytes(asset.thumbnail)))
    width, height = picture.size
    quiet = _drawn_height(picture, range(10, width // 2 - 10))
    loud = _drawn_height(picture, range(width // 2 + 10, width - 10))
    assert quiet < height * 0.1
    assert loud > height * 0.8


def test_a_steady_tone_shows_its_loudness_inside_its_peaks(user):
    # A full-scale sine: peaks at the top and bottom margin, its RMS (peak / sqrt 2) drawn bright
    # within them, so the picture is a sound's band and not a filled rectangle.
    asset = store(user, audio_bytes("wav", source="sine=frequency=300:duration=2"))

    picture = np.asarray(Image.open(io.BytesIO(stored_bytes(asset.thumbnail))).convert("RGB"), dtype=np.int16)
    height = picture.shape[0]
    bright = (np.abs(picture - np.array(thumbnails.WAVEFORM_COLOR)).sum(axis=2) < 40).sum(axis=0)
    drawn = (np.abs(picture - np.array(thumbnails.WAVEFORM_BACKGROUND)).sum(axis=2) > 60).sum(axis=0)
    middle = slice(20, picture.shape[1] - 20)
    assert 0.5 * height < np.median(bright[middle]) < 0.7 * height
    assert 0.8 * height < np.median(drawn[middle]) < 0.92 * height


def test_duration_of_a_longer_file(user):
    asset = store(user, audio_bytes("mp3", source="sine=frequency=500:duration=7.5"))

    assert asset.duration == pytest.approx(7.5, abs=0.15)


def test_duration_comes_from_decoding_when_the_container_does_not_say(user, monkeypatch):
    monkeypatch.setattr(
        thumbnails,
        "audio_probe",
        lambda *, path: thumbnails.MediaInfo(width=None, height=None, duration=None),
    )

    asset = store(user, audio_bytes("ogg-vorbis", source="sine=duration=3"))

    assert asset.duration == pytest.approx(3.0, abs=0.1)


HTML = b"<!DOCTYPE html><html><head><title>song.mp3</title></head><body><audio src=x></audio></body></html>"


@pytest.mark.parametrize(
    ("content", "expected_status"),
    [
        pytest.param(HTML, 415, id="html-page"),
        pytest.param(b"RIFF\x24\x00\x00\x00WAVEfmt " + HTML * 4, 400, id="html-behind-a-wav-header"),
        pytest.param(b"ID3\x04\x00\x00\x00\x00\x00\x00" + HTML * 4, 415, id="html-behind-an-id3-tag"),
        pytest.param(png_bytes(), 415, id="an-image"),
        pytest.param(b"", 400, id="empty"),
    ],
)
def test_what_only_poses_as_audio_is_refused_and_nothing_stored(user, content, expected_status):
    with pytest.raises(services.AssetRejected) as caught:
        store(user, content, filename="song.mp3")

    assert caught.value.status_code == expected_status
    assert not Asset.objects.exists()


def test_a_video_without_sound_is_not_audio(user, mp4):
    with pytest.raises(services.AssetRejected) as caught:
        store(user, mp4)

    assert caught.value.status_code == 400
    assert "no readable audio stream" in caught.value.message
    assert not Asset.objects.exists()


def test_an_audio_store_takes_only_audio_whatever_the_caller_allows(user, png):
    with pytest.raises(services.AssetRejected):
        store(user, png, expected_types=services.MEDIA_TYPES)


def test_expected_types_narrow_audio_too(user):
    with pytest.raises(services.AssetRejected) as caught:
        store(user, audio_bytes("flac"), expected_types={"audio/mpeg"})

    assert caught.value.status_code == 415
    assert "audio/flac" in caught.value.message


def test_image_and_video_stores_still_refuse_audio(user):
    wav = audio_bytes("wav")
    for kind in ("image", "video"):
        with pytest.raises(services.AssetRejected):
            services.asset_store(owner=user, stream=io.BytesIO(wav), kind=kind)
    assert not Asset.objects.exists()


def test_an_upload_may_be_audio(user):
    asset = services.asset_store(owner=user, stream=io.BytesIO(audio_bytes("m4a-aac")), kind="upload")

    assert asset.content_type == "audio/mp4"
    assert asset.thumbnail is not None


def test_an_uploaded_mp4_with_only_sound_is_audio_where_audio_is_allowed(user, mp4):
    sound = audio_bytes("mp4-aac")

    upload = services.asset_store(owner=user, stream=io.BytesIO(sound), kind="upload")
    for_an_audio_input = services.asset_store(
        owner=user, stream=io.BytesIO(sound), kind="upload", expected_types=services.AUDIO_TYPES
    )
    video = services.asset_store(owner=user, stream=io.BytesIO(mp4), kind="upload")

    assert (upload.content_type, upload.duration) == ("audio/mp4", pytest.approx(1.0, abs=0.1))
    assert for_an_audio_input.content_type == "audio/mp4"
    assert video.content_type == "video/mp4"
    with pytest.raises(services.AssetRejected) as refused:
        services.asset_store(
            owner=user, stream=io.BytesIO(mp4), kind="upload", expected_types=services.AUDIO_TYPES
        )
    assert refused.value.status_code == 415
    with pytest.raises(services.AssetRejected) as caught:
        services.asset_store(
            owner=user, stream=io.BytesIO(sound), kind="upload", expected_types=services.VIDEO_TYPES
        )
    assert "no readable video stream" in caught.value.message


def test_audio_is_served_with_ranges(user_client, user):
    content = audio_bytes("mp3", source="sine=duration=3")
    asset = AssetFactory(owner=user, kind="audio", content=content, filename="tone.mp3")

    whole = user_client.get(f"/api/test-assets/{asset.pk}/data")
    part = user_client.get(f"/api/test-assets/{asset.pk}/data", HTTP_RANGE="bytes=100-1099")
    tail = user_client.get(f"/api/test-assets/{asset.pk}/data", HTTP_RANGE=f"bytes={len(content)}-")

    assert whole.status_code == 200
    assert whole["Content-Type"] == "audio/mpeg"
    assert whole["Accept-Ranges"] == "bytes"
    assert whole["Content-Disposition"] == 'inline; filename="tone.mp3"'
    assert body(whole) == content
    assert part.status_code == 206
    assert part["Content-Type"] == "audio/mpeg"
    assert part["Content-Range"] == f"bytes 100-1099/{len(content)}"
    assert body(part) == content[100:1100]
    assert tail.status_code == 416
    thumbnail = user_client.get(f"/api/test-assets/{asset.pk}/thumbnail")
    assert thumbnail.status_code == 200
    assert thumbnail["Content-Type"] == "image/webp"


def test_peaks_stay_bounded_however_long_the_audio():
    peaks = thumbnails._Peaks()
    rng = np.random.default_rng(1)
    for _ in range(500):  # 500 x 64 Ki samples: over an hour at 8 kHz
        peaks.add(rng.integers(-1000, 1000, size=65536, dtype=np.int16))

    low, high, rms = peaks.finish()

    assert len(high) == len(low) == len(rms) <= thumbnails.WAVEFORM_MAX_BLOCKS + 1
    assert len(high) > thumbnails.WAVEFORM_MAX_BLOCKS // 2
    assert high.max() <= 1000 and low.min() >= -1000
    # uniform noise over +-1000: its RMS is 1000 / sqrt(3), whatever the blocks merged into
    assert rms.min() > 560 and rms.max() < 600


def test_a_long_file_is_drawn_with_flat_memory(tmp_path: Path):
    # Twenty minutes of audio, 19 MB of samples; the waveform keeps a few hundred KB at most.
    path = tmp_path / "long.wav"
    subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=220:sample_rate=8000:duration=1200",
            "-c:a",
            "pcm_s16le",
            str(path),
        ],
        check=True,
        timeout=120,
    )
    tracemalloc.start()
    try:
        waveform = thumbnails.audio_waveform(path=path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert waveform.thumbnail is not None
    assert waveform.decoded_seconds == pytest.approx(1200, abs=1)
    assert peak < 2 * 1024 * 1024
