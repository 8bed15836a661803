"""Outputs stored by what they are: every file of a multi-file output, text kept in the record, and
files whose sniffed type is not what the collection produces refused with nothing left stored."""

import base64
import hashlib
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from gallery import services as gallery_services
from gallery.models import Asset
from media_gen import downloads, services
from media_gen.models import DownloadAttempt, Generation, GenerationOutput
from media_gen.services import delivery, lifecycle
from tests.media_gen.factories import GenerationFactory

pytestmark = pytest.mark.django_db

HTML = b"<!DOCTYPE html><html><body><h1>Not media</h1></body></html>\n"


def png_bytes(color: tuple[int, int, int], size: tuple[int, int] = (24, 16)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def data_url(data: bytes, content_type: str = "image/png") -> str:
    return f"data:{content_type};base64,{base64.b64encode(data).decode()}"


def running(user, **fields) -> Generation:
    """A generation Replicate is running (its answer is then applied as a webhook or poll would)."""
    defaults = {
        "owner": user,
        "status": Generation.Status.PROCESSING,
        "upstream_status": "processing",
        "output": None,
    }
    return GenerationFactory(**{**defaults, **fields})


def succeed(generation: Generation, output) -> Generation:
    services.generation_apply_prediction(
        generation=generation,
        prediction={"id": generation.prediction_id, "status": "succeeded", "output": output},
    )
    generation.refresh_from_db()
    return generation


def three_images() -> list[str]:
    return [data_url(png_bytes(color)) for color in ((200, 0, 0), (0, 200, 0), (0, 0, 200))]


def stored_assets(generation: Generation) -> list[int]:
    return list(
        GenerationOutput.objects.filter(generation=generation, asset__isnull=False)
        .order_by("position")
        .values_list("asset_id", flat=True)
    )


@pytest.fixture
def flaky_fetch(monkeypatch):
    """Make the download of chosen outputs (by their place in the list) fail, or answer other bytes."""
    real_fetch = downloads.download_fetch
    plan: dict[str, list] = {}
    fetched: list[str] = []

    def fetch(*, url, **kwargs):
        fetched.append(url)
        steps = plan.get(url)
        if steps:
            step = steps.pop(0)
            if isinstance(step, downloads.DownloadError):
                raise step
            url = data_url(step, "application/octet-stream")
        return real_fetch(url=url, **kwargs)

    monkeypatch.setattr(downloads, "download_fetch", fetch)
    return plan, fetched


# --- Several files -------------------------------------------------------------------------------


def test_every_file_of_a_multi_file_output_is_stored_in_order(user_client, emulator):
    response = user_client.post(
        "/api/run-image-model",
        {"model_id": "black-forest-labs/flux-schnell", "input": {"prompt": "three kites", "num_outputs": 3}},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    generation = Generation.objects.get(pk=response.json()["image_id"])
    assert generation.status == Generation.Status.COMPLETED, generation.error
    outputs = list(generation.outputs.order_by("position"))
    assert [output.position for output in outputs] == [0, 1, 2]
    assert [output.url.rsplit("/", 1)[-1].split(".")[0] for output in outputs] == ["0", "1", "2"]
    assert all(output.asset is not None and output.asset.kind == Asset.Kind.IMAGE for output in outputs)
    assert len({output.asset.sha256 for output in outputs}) == 3, "each file is its own asset"
    assert generation.asset_id == outputs[0].asset_id
    assert generation.error == ""
    total = sum(output.asset.size_bytes for output in outputs)
    assert generation.download_bytes_received == total


def test_a_retry_fetches_only_the_files_still_missing(user, flaky_fetch):
    plan, fetched = flaky_fetch
    urls = three_images()
    plan[urls[1]] = [downloads.DownloadError("The output download answered HTTP 503.", permanent=False)]
    generation = succeed(running(user), urls)
    assert generation.status == Generation.Status.DOWNLOADING, generation.error
    assert len(stored_assets(generation)) == 1, "the first file is kept while the second backs off"
    assert generation.asset_id is None

    services.generation_poll_in_flight(now=timezone.now() + timedelta(minutes=1))
    generation.refresh_from_db()
    assert generation.status == Generation.Status.COMPLETED, generation.error
    assert fetched == [urls[0], urls[1], urls[1], urls[2]], "the stored file is not fetched again"
    assert len(stored_assets(generation)) == 3
    assert generation.asset_id == stored_assets(generation)[0]
    assert DownloadAttempt.objects.filter(generation=generation, succeeded=False).count() == 1


def test_a_file_lost_for_good_is_recorded_and_the_others_are_kept(user, flaky_fetch):
    plan, _ = flaky_fetch
    urls = three_images()
    plan[urls[1]] = [
        downloads.DownloadError("The output is no longer available upstream (HTTP 404).", permanent=True)
    ]
    generation = succeed(running(user), urls)
    assert generation.status == Generation.Status.COMPLETED
    rows = list(generation.outputs.order_by("position"))
    assert [row.asset_id is not None for row in rows] == [True, False, True]
    assert "HTTP 404" in rows[1].error
    assert generation.error.startswith("Output 2 of 3 was not stored:") and "HTTP 404" in generation.error
    assert generation.asset_id == rows[0].asset_id
    assert Asset.objects.filter(kind=Asset.Kind.IMAGE).count() == 2


def test_when_no_file_can_be_stored_the_generation_fails_with_each_reason(user, flaky_fetch):
    plan, _ = flaky_fetch
    urls = three_images()[:2]
    for url in urls:
        plan[url] = [downloads.DownloadError("The output download answered HTTP 403.", permanent=True)]
    generation = succeed(running(user), urls)
    assert generation.status == Generation.Status.FAILED
    assert "Output 1 of 2 was not stored" in generation.error
    assert "Output 2 of 2 was not stored" in generation.error
    assert not Asset.objects.exists()


def test_a_retry_after_a_failure_downloads_every_file(user, user_client, flaky_fetch):
    plan, _ = flaky_fetch
    urls = three_images()
    for url in urls:
        plan[url] = [downloads.DownloadError("The output download answered HTTP 403.", permanent=True)]
    generation = succeed(running(user, upstream_completed_at=timezone.now()), urls)
    assert generation.status == Generation.Status.FAILED
    Generation.objects.filter(pk=generation.pk).update(upstream_completed_at=timezone.now())
    response = user_client.post(f"/api/images/{generation.pk}/retry", content_type="application/json")
    assert response.status_code == 200, response.json()
    generation.refresh_from_db()
    assert generation.status == Generation.Status.COMPLETED, generation.error
    assert len(stored_assets(generation)) == 3
    assert generation.error == ""


def test_progress_counts_the_bytes_of_every_file():
    progress = delivery._Progress(generation_id=0, stored_sizes=[100], pending=2)
    assert progress.estimate(None) is None, "unknown while the current file's length is unknown"
    # 100 stored, 300 coming now, one more still to come: guessed at the average (200).
    assert progress.estimate(300) == 100 + 300 + 200
    progress.file_done(300)
    assert progress.done == 400
    assert progress.estimate(50) == 400 + 50, "exact once the last file's length is known"


# --- Type checks ---------------------------------------------------------------------------------


def test_a_file_of_the_wrong_type_fails_the_generation_and_nothing_stays_stored(user, flaky_fetch):
    plan, _ = flaky_fetch
    urls = three_images()
    plan[urls[1]] = [HTML]
    generation = succeed(running(user), urls)
    assert generation.status == Generation.Status.FAILED
    assert "refused" in generation.error and "text/html" in generation.error
    assert generation.asset_id is None
    assert not GenerationOutput.objects.filter(generation=generation).exists()
    assert not Asset.objects.exists(), "the file already stored (and its thumbnail) is deleted"


def test_an_image_from_a_video_model_is_refused(user):
    generation = succeed(
        running(user, kind=Generation.Kind.VIDEO, collection="text-to-video"),
        [data_url(png_bytes((9, 9, 9)))],
    )
    assert generation.status == Generation.Status.FAILED
    assert "image/png" in generation.error
    assert not Asset.objects.exists()


# --- Text ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("output", "text"),
    [
        ("A 2 second clip, 48x32 pixels, of a red ball.", "A 2 second clip, 48x32 pixels, of a red ball."),
        (["A 2 second ", "clip of ", "a red ball."], "A 2 second clip of a red ball."),
        ({"text": "A red ball."}, "A red ball."),
        ({"caption": "A red ball.", "preview": "https://replicate.delivery/a/p.png"}, "A red ball."),
    ],
    ids=["string", "streamed-chunks", "object", "object-with-extras"],
)
def test_a_text_output_is_kept_in_the_record_with_no_download(user, output, text):
    generation = succeed(running(user, kind=Generation.Kind.VIDEO, collection="video-to-text"), output)
    assert generation.status == Generation.Status.COMPLETED
    assert generation.text_output == text
    assert generation.asset_id is None and generation.output_url == ""
    assert not GenerationOutput.objects.exists()
    assert not DownloadAttempt.objects.exists()
    assert not Asset.objects.exists()


@pytest.mark.parametrize(
    "output",
    [
        "https://replicate.delivery/abc/caption.txt",
        ["https://replicate.delivery/abc/out.mp4"],
        {"output": "https://replicate.delivery/abc/caption.txt"},
    ],
    ids=["url", "list-of-urls", "object-naming-a-file"],
)
def test_a_text_model_returning_a_file_fails_and_stores_nothing(user, output):
    generation = succeed(running(user, kind=Generation.Kind.VIDEO, collection="video-to-text"), output)
    assert generation.status == Generation.Status.FAILED
    assert "returned a file" in generation.error and "video-to-text produces text" in generation.error
    assert generation.text_output == ""
    assert not DownloadAttempt.objects.exists()
    assert not Asset.objects.exists()


def test_a_file_model_answering_with_text_fails(user):
    generation = succeed(running(user), "I cannot draw that.")
    assert generation.status == Generation.Status.FAILED
    assert "answered with text" in generation.error
    assert not DownloadAttempt.objects.exists()


def test_a_rerun_forgets_the_previous_text(user):
    generation = succeed(running(user, kind=Generation.Kind.VIDEO, collection="video-to-text"), "A red ball.")
    Generation.objects.filter(pk=generation.pk).update(status=Generation.Status.FAILED)
    services.generation_move(services.Moves.RERUN, pk=generation.pk)
    generation.refresh_from_db()
    assert generation.text_output == ""


# --- Deleting and canceling ----------------------------------------------------------------------


def test_deleting_a_generation_deletes_every_output_file(user):
    generation = succeed(running(user), three_images())
    assert Asset.objects.filter(kind=Asset.Kind.IMAGE).count() == 3
    services.generation_delete(generation=generation, user=user)
    assert not Asset.objects.exists(), "every output and its thumbnail are gone"


def test_canceling_while_files_are_missing_deletes_the_ones_stored(user, flaky_fetch):
    plan, _ = flaky_fetch
    urls = three_images()
    plan[urls[2]] = [downloads.DownloadError("The output download answered HTTP 503.", permanent=False)]
    generation = succeed(running(user), urls)
    assert generation.status == Generation.Status.DOWNLOADING
    assert len(stored_assets(generation)) == 2
    services.generation_cancel(generation=generation, user=user)
    assert not Asset.objects.exists()
    assert not GenerationOutput.objects.filter(generation=generation).exists()


def test_pruning_takes_the_output_files_with_the_row(user):
    generation = succeed(running(user), three_images())
    Generation.objects.filter(pk=generation.pk).update(
        asset=None, status=Generation.Status.FAILED, created_at=timezone.now() - timedelta(days=30)
    )
    assert services.generation_prune_before(cutoff=timezone.now() - timedelta(days=1)) == 1
    assert not Asset.objects.exists()


# --- Every kind through the emulator -------------------------------------------------------------


def run(user, *, kind: str, model_id: str, collection: str, inputs: dict, emulator) -> Generation:
    """Start a run as the API does, and let the (inline) poll follow it to the end."""
    generation = services.generation_start(
        user=user, kind=kind, model_id=model_id, inputs=inputs, collection=collection
    )
    emulator.wait_idle()
    services.generation_poll_in_flight()
    generation.refresh_from_db()
    return generation


@pytest.mark.parametrize(
    ("model_id", "collection", "inputs"),
    [
        ("emulator/music", "ai-music-generation", {"prompt": "a slow waltz", "duration": 2}),
        ("emulator/speech", "text-to-speech", {"text": "Hello there, general."}),
    ],
    ids=["music", "speech"],
)
def test_an_audio_output_is_stored_as_an_audio_asset(user, emulator, model_id, collection, inputs):
    generation = run(
        user,
        kind=Generation.Kind.AUDIO,
        model_id=model_id,
        collection=collection,
        inputs=inputs,
        emulator=emulator,
    )
    assert generation.status == Generation.Status.COMPLETED, generation.error
    asset = generation.asset
    assert asset.kind == Asset.Kind.AUDIO
    assert asset.content_type.startswith("audio/")
    assert asset.duration and asset.duration > 0
    assert asset.thumbnail is not None, "the waveform picture"
    assert list(generation.outputs.values_list("asset_id", flat=True)) == [asset.pk]


def test_html_from_a_music_model_fails_and_stores_nothing(user, emulator):
    generation = run(
        user,
        kind=Generation.Kind.AUDIO,
        model_id="emulator/bad-music",
        collection="ai-music-generation",
        inputs={"prompt": "a slow waltz"},
        emulator=emulator,
    )
    assert generation.status == Generation.Status.FAILED
    assert "text/html" in generation.error
    assert not Asset.objects.exists()
    assert not GenerationOutput.objects.exists()


def a_video_url() -> str:
    from media_gen.emulator import media

    return data_url(
        media.video_bytes(prompt="a red ball", seed=1, size=(48, 32), frames=8, fps=4), "video/mp4"
    )


def test_a_caption_is_kept_as_text(user, emulator):
    generation = run(
        user,
        kind=Generation.Kind.VIDEO,
        model_id="emulator/captioner",
        collection="video-to-text",
        inputs={"video": a_video_url()},
        emulator=emulator,
    )
    assert generation.status == Generation.Status.COMPLETED, generation.error
    assert "48" in generation.text_output and "32" in generation.text_output
    assert generation.asset_id is None
    assert not Asset.objects.filter(kind__in=[Asset.Kind.VIDEO, Asset.Kind.IMAGE]).exists()


def test_a_caption_model_returning_a_file_fails_and_stores_nothing(user, emulator):
    generation = run(
        user,
        kind=Generation.Kind.VIDEO,
        model_id="emulator/bad-captioner",
        collection="video-to-text",
        inputs={"video": a_video_url()},
        emulator=emulator,
    )
    assert generation.status == Generation.Status.FAILED
    assert "returned a file" in generation.error
    assert generation.text_output == ""
    assert not DownloadAttempt.objects.exists()
    assert not Asset.objects.exists()


def test_progress_moves_on_to_the_next_file(user, monkeypatch):
    urls = three_images()
    sizes = [len(base64.b64decode(url.partition(",")[2])) for url in urls]
    real_fetch = downloads.download_fetch
    seen = []

    def fetch(*, url, **kwargs):
        fetched = real_fetch(url=url, **kwargs)  # reports (size, size) once, for a data: URL
        row = Generation.objects.get(prediction_id=generation.prediction_id)
        seen.append((row.download_phase, row.download_bytes_received))
        return fetched

    monkeypatch.setattr(downloads, "download_fetch", fetch)
    generation = running(user)
    succeed(generation, urls)
    assert seen == [
        ("downloading", sizes[0]),
        ("downloading", sizes[0] + sizes[1]),
        ("downloading", sum(sizes)),
    ]
    generation.refresh_from_db()
    assert generation.download_phase == "done"
    assert generation.download_bytes_received == generation.download_bytes_total == sum(sizes)


# --- Serving every file ---------------------------------------------------------------------------


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_each_file_of_a_multi_file_output_is_served_by_its_index(user_client, emulator):
    response = user_client.post(
        "/api/run-image-model",
        {"model_id": "black-forest-labs/flux-schnell", "input": {"prompt": "three kites", "num_outputs": 3}},
        content_type="application/json",
    )
    image_id = response.json()["image_id"]
    record = user_client.get(f"/api/images/{image_id}").json()
    assert record["status"] == "completed"
    assert [output["index"] for output in record["outputs"]] == [0, 1, 2]
    generation = Generation.objects.get(pk=image_id)
    for output in generation.outputs.select_related("asset"):
        served = user_client.get(f"/api/images/{image_id}/data?output={output.position}")
        assert served.status_code == 200
        assert hashlib.sha256(body_of(served)).hexdigest() == output.asset.sha256
        thumbnail = user_client.get(f"/api/images/{image_id}/thumbnail?output={output.position}")
        assert thumbnail.status_code == 200
    assert body_of(user_client.get(f"/api/images/{image_id}/data?output=1")) != body_of(
        user_client.get(f"/api/images/{image_id}/data")
    )


def test_an_audio_download_that_failed_is_retried_through_the_api(user, user_client, emulator):
    emulator.set_faults(output_ttl_seconds=0.0)  # the file answers 404: lost for good, the run fails
    generation = run(
        user,
        kind=Generation.Kind.AUDIO,
        model_id="emulator/music",
        collection="ai-music-generation",
        inputs={"prompt": "a slow waltz", "duration": 1},
        emulator=emulator,
    )
    assert generation.status == Generation.Status.FAILED and "HTTP 404" in generation.error
    emulator.set_faults(output_ttl_seconds=3600.0)
    response = user_client.post(f"/api/audio/{generation.pk}/retry", content_type="application/json")
    assert response.status_code == 200, response.json()
    generation.refresh_from_db()
    assert generation.status == Generation.Status.COMPLETED, generation.error
    assert generation.asset.kind == Asset.Kind.AUDIO
    served = user_client.get(f"/api/audio/{generation.pk}/data")
    assert served.status_code == 200 and served["Content-Type"].startswith("audio/")


def test_when_the_first_file_is_lost_the_record_lists_each_stored_file_once(user, user_client, flaky_fetch):
    plan, _ = flaky_fetch
    urls = three_images()
    plan[urls[0]] = [
        downloads.DownloadError("The output is no longer available upstream (HTTP 404).", permanent=True)
    ]
    generation = succeed(running(user), urls)
    assert generation.status == Generation.Status.COMPLETED
    assert generation.asset_id == GenerationOutput.objects.get(generation=generation, position=1).asset_id
    record = user_client.get(f"/api/images/{generation.pk}").json()
    assert [output["index"] for output in record["outputs"]] == [0, 2]
    assert record["outputs"][0]["url"] == record["image_url"]
    assert "Output 1 of 3 was not stored" in record["error"]
    listed = user_client.get("/api/images").json()["images"][0]
    assert [output["index"] for output in listed["outputs"]] == [0, 2]


def test_a_favourite_keeps_every_output_file_from_retention(user, settings):
    generation = succeed(running(user), three_images())
    services.generation_set_favorite(generation=generation, user=user, favorite=True)
    assert set(Asset.objects.filter(kind=Asset.Kind.IMAGE).values_list("favorite", flat=True)) == {True}
    settings.RETENTION_DAYS = 1
    gallery_services.retention_run(now=timezone.now() + timedelta(days=30))
    assert Asset.objects.filter(kind=Asset.Kind.IMAGE).count() == 3
    services.generation_set_favorite(generation=generation, user=user, favorite=False)
    assert set(Asset.objects.filter(kind=Asset.Kind.IMAGE).values_list("favorite", flat=True)) == {False}


def test_a_favourite_marked_while_downloading_covers_the_files_that_come(user):
    generation = running(user)
    services.generation_set_favorite(generation=generation, user=user, favorite=True)
    succeed(generation, three_images())
    assert list(Asset.objects.filter(kind=Asset.Kind.IMAGE).values_list("favorite", flat=True)) == [True] * 3


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        ("https://replicate.delivery/a/out.png", ["https://replicate.delivery/a/out.png"]),
        (["https://replicate.delivery/a/0.png", "", None, "https://replicate.delivery/a/1.png"], 2),
        ({"image": "https://replicate.delivery/a/out.png"}, ["https://replicate.delivery/a/out.png"]),
        (
            {"timings": "https://replicate.delivery/a/t.json", "video": "https://replicate.delivery/a/v.mp4"},
            ["https://replicate.delivery/a/v.mp4"],
        ),
        ({"audio_out": "https://replicate.delivery/a/o.wav"}, ["https://replicate.delivery/a/o.wav"]),
        ([{"url": "https://replicate.delivery/a/0.png"}, {"url": "https://replicate.delivery/a/1.png"}], 2),
        ("a sentence about https://example.com", []),
        ({"seed": 3}, []),
    ],
    ids=["string", "list", "named", "known-name-first", "any-name", "list-of-objects", "prose", "no-file"],
)
def test_output_urls_reads_every_shape_replicate_sends(output, expected):
    urls = lifecycle.output_urls(output)
    assert (len(urls) if isinstance(expected, int) else urls) == expected
