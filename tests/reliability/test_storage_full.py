"""Item 6: the quota or the disk full while storing: a clear error, the item marked failed, nothing
half-written (no asset row, no thumbnail row, no scratch bytes)."""

import errno
import io
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

from gallery import services as gallery_services
from gallery import storage_backends
from gallery.models import Asset
from media_gen import replicate_client, services
from media_gen.models import Generation
from simulation.models import Render
from tests.gallery.media import png_bytes
from tests.simulation.factories import RenderFactory, body, scene_json

pytestmark = pytest.mark.django_db

MODEL = "black-forest-labs/flux-schnell"
REAL_NAMED_TEMPORARY_FILE = tempfile.NamedTemporaryFile


def scratch_files() -> list[Path]:
    folder = Path(settings.DATA_DIR) / "tmp"
    return sorted(folder.glob("asset-*")) if folder.exists() else []


class FillingScratch:
    """A scratch file on a disk that fills up after ``room`` bytes."""

    def __init__(self, room: int, **kwargs):
        self._file = REAL_NAMED_TEMPORARY_FILE(**kwargs)
        self._room = room
        self.name = self._file.name

    def write(self, data: bytes) -> int:
        if len(data) > self._room:
            self._file.write(data[: self._room])
            self._room = 0
            raise OSError(errno.ENOSPC, "No space left on device")
        self._room -= len(data)
        return self._file.write(data)

    def __getattr__(self, name):
        return getattr(self._file, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._file.close()


@pytest.fixture
def disk_full(monkeypatch):
    """The data volume has 64 bytes left: the scratch write fails half-way."""
    monkeypatch.setattr(
        gallery_services.tempfile, "NamedTemporaryFile", lambda **kw: FillingScratch(64, **kw)
    )


def generate(user, emulator) -> Generation:
    prediction = replicate_client.prediction_create(
        model_id=MODEL, version=None, inputs={"prompt": "x"}, webhook=None
    )
    generation = Generation.objects.create(
        owner=user, kind="image", model_id=MODEL, status="processing", prediction_id=prediction["id"]
    )
    emulator.wait_idle()
    services.generation_poll_in_flight()
    generation.refresh_from_db()
    return generation


def test_quota_full_fails_the_generation_with_a_clear_error(user, emulator, settings):
    settings.USER_QUOTA_BYTES = 100
    before = scratch_files()
    generation = generate(user, emulator)
    assert generation.status == "failed"
    assert "quota" in generation.error.lower()
    assert not Asset.objects.exists()
    assert scratch_files() == before


def test_disk_full_mid_download_fails_the_generation_and_stores_nothing(user, emulator, disk_full):
    before = scratch_files()
    generation = generate(user, emulator)
    assert generation.status == "failed"
    assert "storage is full" in generation.error
    assert not Asset.objects.exists()
    assert scratch_files() == before


def test_disk_full_mid_upload_answers_507_and_stores_nothing(user_client, disk_full):
    before = scratch_files()
    upload = io.BytesIO(png_bytes(400, 400) + b"\0" * 4096)
    upload.name = "big.png"
    response = user_client.post("/api/upload-image", {"file": upload})
    assert response.status_code == 507, response.content
    assert "storage is full" in response.json()["detail"]
    assert not Asset.objects.exists()
    assert scratch_files() == before


def test_quota_full_on_upload_answers_507_and_stores_nothing(user_client, settings):
    settings.USER_QUOTA_BYTES = 100
    upload = io.BytesIO(png_bytes())
    upload.name = "small.png"
    response = user_client.post("/api/upload-image", {"file": upload})
    assert response.status_code == 507
    assert "quota" in response.json()["detail"].lower()
    assert not Asset.objects.exists()


def test_database_full_while_writing_the_bytes_rolls_back_both_rows(user_client, monkeypatch):
    def full(**kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(storage_backends, "blob_write", full)
    upload = io.BytesIO(png_bytes())
    upload.name = "small.png"
    response = user_client.post("/api/upload-image", {"file": upload})
    assert response.status_code == 507
    assert not Asset.objects.exists(), "the thumbnail row inserted first must roll back too"


def test_disk_full_while_storing_a_render_fails_it_with_a_clear_error(user, disk_full):
    render = RenderFactory(
        owner=user,
        scene_data=scene_json(body("box")),
        duration=0.5,
        fps=10,
        width=64,
        height=48,
        frames_total=5,
    )
    from simulation import services as simulation_services

    simulation_services.render_run(render_id=render.pk)
    render.refresh_from_db()
    assert render.status == Render.Status.FAILED
    assert "storage is full" in render.error
    assert not Asset.objects.exists()
