"""Every kind of generation through the API (issue 15): collections as data, runs from a stored item,
uploads of any media, and what records carry (text output, every output file, sources, captions)."""

import base64
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from gallery.models import Asset
from media_gen import collections
from media_gen.emulator.media import video_bytes
from media_gen.models import Generation, GenerationOutput
from tests.gallery.factories import AssetFactory
from tests.gallery.media import audio_bytes, png_bytes
from tests.media_gen.factories import GenerationFactory


def _post(client, path: str, body: dict):
    return client.post(path, json.dumps(body), content_type="application/json")


def _stored(owner, kind: str, **fields) -> Generation:
    """A completed generation of ``kind`` with a real stored file."""
    content = {
        "image": lambda: png_bytes(40, 30),
        "video": lambda: video_bytes(prompt="waves", seed=1, size=(48, 32), frames=4, fps=4),
        "audio": lambda: audio_bytes("wav"),
    }[kind]()
    asset = AssetFactory(owner=owner, kind=kind, content=content, filename=f"file.{kind}")
    return GenerationFactory(owner=owner, kind=kind, collection="", asset=asset, **fields)


# --- The collection table --------------------------------------------------------------------------


def test_every_collection_belongs_to_one_family_and_stores_a_known_output():
    for family in collections.FAMILIES:
        slugs = collections.collections_of(family)
        assert slugs, family
        for slug in slugs:
            collection = collections.collection_get(slug)
            assert collection.family == family
            assert collection.output in (*collections.FAMILIES, collections.TEXT)
    assert collections.output_kind(family="video", slug="video-to-text") == "text"
    assert collections.output_kind(family="video", slug="combine") == "video"
    assert collections.output_kind(family="audio", slug="") == "audio"


@pytest.mark.parametrize(
    ("family", "slug"),
    [
        ("image", "super-resolution"),
        ("image", "image-editing"),
        ("video", "video-to-text"),
        ("audio", "ai-music-generation"),
        ("audio", "text-to-speech"),
    ],
)
def test_each_family_lists_the_models_of_its_new_collections(anon_client, emulator, family, slug):
    response = anon_client.get(f"/api/{family}-models", {"collection": slug})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["collection"] == slug and body["models"]
    first = body["models"][0]
    schema = anon_client.get(f"/api/{family}-models/{first['owner']}/{first['name']}/schema")
    assert schema.status_code == 200 and schema.json()["input_schema"]


def test_audio_models_default_to_music(anon_client, emulator):
    assert anon_client.get("/api/audio-models").json()["collection"] == "ai-music-generation"


@pytest.mark.parametrize(
    ("family", "slug"),
    [
        ("audio", "text-to-image"),
        ("image", "text-to-video"),
        ("video", "karaoke"),
        ("image", "video-to-text"),
    ],
)
def test_an_unknown_collection_is_refused_naming_the_allowed_ones(anon_client, emulator, family, slug):
    response = anon_client.get(f"/api/{family}-models", {"collection": slug})
    assert response.status_code == 422
    detail = response.json()["detail"]
    for allowed in collections.collections_of(family):
        assert allowed in detail


def test_a_run_naming_another_familys_collection_is_refused_and_nothing_is_created(user_client, emulator):
    response = _post(
        user_client,
        "/api/run-image-model",
        {
            "model_id": "black-forest-labs/flux-schnell",
            "input": {"prompt": "a fox"},
            "collection": "text-to-speech",
        },
    )
    assert response.status_code == 422
    assert "super-resolution" in response.json()["detail"]
    assert not Generation.objects.exists()


# --- Runs from a stored item -------------------------------------------------------------------------


def test_an_image_of_the_gallery_is_upscaled(user_client, user, emulator):
    image = _stored(user, "image")
    response = _post(
        user_client,
        "/api/run-image-model",
        {
            "model_id": "emulator/upscaler",
            "collection": "super-resolution",
            "input": {"scale": 2},
            "source": {"kind": "image", "id": image.pk},
        },
    )
    assert response.status_code == 200, response.json()
    record = user_client.get(f"/api/images/{response.json()['image_id']}").json()
    assert record["collection"] == "super-resolution"
    assert record["source"] == {"kind": "image", "id": image.pk, "asset_id": image.asset_id, "items": None}
    prediction = emulator.predictions[Generation.objects.get(pk=record["id"]).prediction_id]
    assert prediction.input["image"].startswith("data:image/png;base64,")
    assert prediction.input["scale"] == 2
    assert record["status"] == "completed", record
    upscaled = Image.open(io.BytesIO(b"".join(user_client.get(record["image_url"]).streaming_content)))
    assert upscaled.size == (80, 60)


def test_a_named_input_takes_the_stored_item(user_client, user, emulator):
    image = _stored(user, "image")
    response = _post(
        user_client,
        "/api/run-image-model",
        {
            "model_id": "emulator/image-editor",
            "collection": "image-editing",
            "input": {"prompt": "make it blue"},
            "source": {"kind": "image", "id": image.pk, "input": "input_image"},
        },
    )
    assert response.status_code == 200, response.json()
    generation = Generation.objects.get(pk=response.json()["image_id"])
    assert generation.source_input == "input_image" and generation.source_asset_id == image.asset_id


def test_someone_elses_item_is_not_found_and_nothing_is_created(user_client, other_user, emulator):
    theirs = _stored(other_user, "image")
    response = _post(
        user_client,
        "/api/run-image-model",
        {"model_id": "emulator/upscaler", "source": {"kind": "image", "id": theirs.pk}},
    )
    assert response.status_code == 404
    assert Generation.objects.count() == 1


@pytest.mark.parametrize(
    ("model_id", "collection", "source_kind", "input_name"),
    [
        ("emulator/upscaler", None, "audio", None),  # no audio input
        ("emulator/upscaler", None, "image", "scale"),  # not a file input
        ("emulator/upscaler", "super-resolution", "video", None),  # the collection takes images
    ],
)
def test_a_model_without_an_input_for_the_item_is_refused(
    user_client, user, emulator, model_id, collection, source_kind, input_name
):
    item = _stored(user, source_kind)
    source = {"kind": source_kind, "id": item.pk, **({"input": input_name} if input_name else {})}
    body = {"model_id": model_id, "source": source, **({"collection": collection} if collection else {})}
    response = _post(user_client, "/api/run-image-model", body)
    assert response.status_code == 422, response.json()
    assert Generation.objects.count() == 1


def test_an_item_with_nothing_stored_yet_is_refused(user_client, user, emulator):
    pending = GenerationFactory(owner=user, kind="image", status=Generation.Status.PROCESSING)
    response = _post(
        user_client,
        "/api/run-image-model",
        {"model_id": "emulator/upscaler", "source": {"kind": "image", "id": pending.pk}},
    )
    assert response.status_code == 422 and "no stored file" in response.json()["detail"]
    assert Generation.objects.count() == 1


def test_the_input_the_item_fills_may_not_be_sent_too(user_client, user, emulator):
    image = _stored(user, "image")
    response = _post(
        user_client,
        "/api/run-image-model",
        {
            "model_id": "emulator/upscaler",
            "input": {"image": "https://example.com/x.png"},
            "source": {"kind": "image", "id": image.pk},
        },
    )
    assert response.status_code == 422
    assert Generation.objects.count() == 1


# --- Uploads of any media ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (lambda: png_bytes(), "image/png"),
        (lambda: video_bytes(prompt="sea", seed=2, size=(48, 32), frames=4, fps=4), "video/mp4"),
        (lambda: audio_bytes("wav"), "audio/wav"),
        (lambda: audio_bytes("mp3"), "audio/mpeg"),
    ],
)
def test_any_media_can_be_uploaded_as_an_input(user_client, content, content_type):
    upload = io.BytesIO(content())
    upload.name = "input.bin"
    response = user_client.post("/api/upload-media", {"file": upload})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["success"] and body["url"].startswith(f"data:{content_type};base64,")
    assert Asset.objects.get(pk=body["id"]).kind == Asset.Kind.UPLOAD


def test_an_html_page_is_not_uploaded(user_client):
    page = io.BytesIO(b"<!DOCTYPE html><html><body>" + b"x" * 2000 + b"</body></html>")
    page.name = "song.mp3"
    response = user_client.post("/api/upload-media", {"file": page})
    assert 400 <= response.status_code < 500
    assert not Asset.objects.exists()


# --- What records carry -------------------------------------------------------------------------------


def test_text_output_is_null_for_a_file_and_the_text_for_a_caption(user_client, user):
    plain = _stored(user, "video")
    caption = GenerationFactory(
        owner=user, kind="video", collection="video-to-text", text_output="A 1.0 s clip, 48x32."
    )
    records = {r["id"]: r for r in user_client.get("/api/videos").json()["videos"]}
    assert records[plain.pk]["text_output"] is None
    assert records[caption.pk]["text_output"] == "A 1.0 s clip, 48x32."
    assert records[caption.pk]["video_url"] == "" and records[caption.pk]["outputs"] == []


def _with_outputs(owner, count: int) -> Generation:
    """An image generation with ``count`` stored outputs (each its own asset), the first its asset."""
    assets = [
        AssetFactory(owner=owner, content=png_bytes(20 + i, 10, (i * 40, 0, 0)), filename=f"{i}.png")
        for i in range(count)
    ]
    generation = GenerationFactory(owner=owner, kind="image", asset=assets[0])
    for position, asset in enumerate(assets):
        GenerationOutput.objects.create(
            generation=generation, position=position, asset=asset, url=f"u{position}"
        )
    return generation


def test_every_output_file_is_listed_and_served(user_client, user):
    generation = _with_outputs(user, 3)
    record = user_client.get(f"/api/images/{generation.pk}").json()
    outputs = record["outputs"]
    assert [o["index"] for o in outputs] == [0, 1, 2]
    assert outputs[0]["url"] == record["image_url"]
    assert [o["width"] for o in outputs] == [20, 21, 22]
    assert "?output=2&v=" in outputs[2]["url"]
    for output in outputs:
        data = user_client.get(output["url"])
        assert data.status_code == 200
        width = Image.open(io.BytesIO(b"".join(data.streaming_content))).size[0]
        assert width == output["width"]
        assert user_client.get(output["thumbnail_url"]).status_code == 200
    assert user_client.get(f"/api/images/{generation.pk}/data?output=7").status_code == 404


def test_someone_elses_output_is_not_served(other_client, user):
    generation = _with_outputs(user, 2)
    assert other_client.get(f"/api/images/{generation.pk}/data?output=1").status_code == 404


def test_a_page_reads_its_outputs_in_one_query_whatever_its_size(user_client, user):
    def page_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert user_client.get("/api/images").status_code == 200
        return len(queries)

    _with_outputs(user, 2)
    one = page_queries()
    for _ in range(3):
        _with_outputs(user, 3)
    assert page_queries() == one
    records = user_client.get("/api/images").json()["images"]
    assert sorted(len(r["outputs"]) for r in records) == [2, 3, 3, 3]


def test_a_combined_video_names_its_items(user_client, user):
    items = [{"kind": "video", "id": 5}, {"kind": "render", "id": 9}]
    GenerationFactory(
        owner=user,
        kind="video",
        collection="combine",
        model_id="simpoc/combine",
        source_kind="combine",
        inputs={"items": items, "transition": "cut"},
    )
    record = user_client.get("/api/videos").json()["videos"][0]
    assert record["source"] == {"kind": "combine", "id": None, "asset_id": None, "items": items}


def test_a_video_lists_its_completed_captions_newest_first(user_client, user, other_user):
    video = _stored(user, "video")
    older, newer = (
        GenerationFactory(
            owner=user,
            kind="video",
            collection="video-to-text",
            model_id="emulator/captioner",
            source_kind="video",
            source_id=video.pk,
            text_output=text,
        )
        for text in ("first words", "second words")
    )
    GenerationFactory(  # failed: no caption
        owner=user, kind="video", source_kind="video", source_id=video.pk, status=Generation.Status.FAILED
    )
    detail = user_client.get(f"/api/videos/{video.pk}").json()
    assert [c["id"] for c in detail["captions"]] == [newer.pk, older.pk]
    assert detail["captions"][0]["text"] == "second words"
    assert detail["captions"][0]["model_id"] == "emulator/captioner"
    listed = {r["id"]: r for r in user_client.get("/api/videos").json()["videos"]}
    assert listed[video.pk]["captions"] == json.loads(json.dumps(detail["captions"]))
    assert listed[older.pk]["captions"] == []
    assert "captions" not in user_client.get(f"/api/images/{_stored(user, 'image').pk}").json()


# --- Links to stored files in typed inputs ---------------------------------------------------------


def _run_caption(client, link: str):
    return _post(client, "/api/run-video-model", {"model_id": "emulator/captioner", "input": {"video": link}})


def test_a_link_to_a_stored_video_fills_a_video_input(user_client, user, emulator):
    video = _stored(user, "video")
    response = _run_caption(user_client, f"/api/videos/{video.pk}/data?v=abc")
    assert response.status_code == 200, response.json()
    prediction = emulator.predictions[Generation.objects.get(pk=response.json()["video_id"]).prediction_id]
    assert prediction.input["video"].startswith("data:video/mp4;base64,")


def test_a_link_to_a_further_output_sends_that_file(user_client, user, emulator):
    generation = _with_outputs(user, 2)
    response = _post(
        user_client,
        "/api/run-image-model",
        {"model_id": "emulator/upscaler", "input": {"image": f"/api/images/{generation.pk}/data?output=1"}},
    )
    assert response.status_code == 200, response.json()
    prediction = emulator.predictions[Generation.objects.get(pk=response.json()["image_id"]).prediction_id]
    sent = Image.open(io.BytesIO(base64.b64decode(prediction.input["image"].split(",", 1)[1])))
    assert sent.size == (21, 10)  # the second output, not the first


@pytest.mark.parametrize("whose", ["audio in a video input", "someone else's", "wrong family"])
def test_a_link_that_does_not_fit_is_refused(user_client, user, other_user, emulator, whose):
    if whose == "audio in a video input":
        link = f"/api/audio/{_stored(user, 'audio').pk}/data"
    elif whose == "someone else's":
        link = f"/api/videos/{_stored(other_user, 'video').pk}/data"
    else:  # a video's id under /api/images
        link = f"/api/images/{_stored(user, 'video').pk}/data"
    before = Generation.objects.count()
    response = _run_caption(user_client, link)
    assert response.status_code == 422, response.json()
    assert Generation.objects.count() == before


def test_a_run_from_a_stored_item_retries_with_it_until_it_is_deleted(user_client, user, emulator):
    image = _stored(user, "image")
    run = _post(
        user_client,
        "/api/run-image-model",
        {"model_id": "emulator/upscaler", "input": {"scale": 2}, "source": {"kind": "image", "id": image.pk}},
    )
    upscaled = Generation.objects.get(pk=run.json()["image_id"])
    Generation.objects.filter(pk=upscaled.pk).update(status=Generation.Status.FAILED, asset=None)
    retried = user_client.post(f"/api/images/{upscaled.pk}/retry")
    assert retried.status_code == 200, retried.json()
    upscaled.refresh_from_db()
    assert emulator.predictions[upscaled.prediction_id].input["image"].startswith("data:image/png")

    Generation.objects.filter(pk=upscaled.pk).update(status=Generation.Status.FAILED)
    assert user_client.delete(f"/api/images/{image.pk}").status_code == 200
    refused = user_client.post(f"/api/images/{upscaled.pk}/retry")
    assert refused.status_code == 409 and "is gone" in refused.json()["detail"]


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's plan; PostgreSQL proves the partial index itself"
)
def test_captions_are_found_through_the_source_index(user):
    """Without repeating the partial index's condition, SQLite walked every video per row of a page."""
    from media_gen import selectors

    page = selectors.generation_list(user=user, kind="video", filters=selectors.GenerationFilters())
    queries = [
        selectors._record_values(page, kind="video")[:51],
        selectors._caption_runs().filter(source_id__in=[1, 2, 3]).order_by().values("id"),
    ]
    for query in queries:
        sql, params = query.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " | ".join(str(row[3]) for row in cursor.fetchall())
        assert "generation_source" in plan, plan
