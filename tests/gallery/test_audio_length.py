"""Audio longer than AUDIO_MAX_SECONDS is refused before its waveform is drawn, and nothing is stored."""

import io

import pytest

from gallery import services, thumbnails
from gallery.models import Asset
from tests.gallery.media import audio_bytes

pytestmark = pytest.mark.urls("tests.gallery.urls")


def store(user, content: bytes, kind: str = "audio") -> Asset:
    return services.asset_store(owner=user, stream=io.BytesIO(content), kind=kind, filename="song.wav")


@pytest.fixture
def no_waveform(monkeypatch):
    """Fails the test if the waveform is drawn: a refused file must not be decoded."""

    def drawn(*, path):
        raise AssertionError("the waveform was drawn for audio that is refused")

    monkeypatch.setattr(thumbnails, "audio_waveform", drawn)


@pytest.mark.parametrize("kind", ["audio", "upload"])
def test_audio_over_the_cap_is_refused_before_the_waveform(user, settings, no_waveform, kind):
    settings.AUDIO_MAX_SECONDS = 2
    with pytest.raises(services.AssetRejected) as caught:
        store(user, audio_bytes("wav", source="sine=frequency=440:duration=3"), kind=kind)

    assert caught.value.status_code == 413
    assert caught.value.message == "The audio is 0:03 (min:s) long; at most 0:02 (min:s) is accepted."
    assert not Asset.objects.exists()


def test_audio_within_the_cap_is_stored(user, settings):
    settings.AUDIO_MAX_SECONDS = 2
    asset = store(user, audio_bytes("wav", source="sine=frequency=440:duration=1.5"))

    assert asset.duration == pytest.approx(1.5, abs=0.1)
    assert asset.thumbnail is not None


def test_a_length_the_container_does_not_say_is_checked_once_decoded(user, settings, monkeypatch):
    settings.AUDIO_MAX_SECONDS = 2
    monkeypatch.setattr(
        thumbnails,
        "audio_probe",
        lambda *, path: thumbnails.MediaInfo(width=None, height=None, duration=None),
    )
    with pytest.raises(services.AssetRejected) as caught:
        store(user, audio_bytes("ogg-vorbis", source="sine=duration=3"))

    assert caught.value.status_code == 413
    assert not Asset.objects.exists()


def test_the_default_cap_is_half_an_hour(settings):
    assert settings.AUDIO_MAX_SECONDS == 1800


def test_the_upload_route_refuses_it_saying_why_and_stores_nothing(user_client, settings):
    settings.AUDIO_MAX_SECONDS = 1
    upload = io.BytesIO(audio_bytes("wav", source="sine=frequency=440:duration=2"))
    upload.name = "long.wav"
    response = user_client.post("/api/upload-media", {"file": upload})
    # Too long is refused like too large: 413, with the service's reason.
    assert response.status_code == 413, response.content
    assert "The audio is 0:02 (min:s) long; at most 0:01 (min:s) is accepted." in response.json()["detail"]
    assert not Asset.objects.exists()
