"""The original Elm client's contract (issue 15 item 7): its decoders read `video_url` (videos and
images) and `image_url` (images) as required strings, so one unfinished or failed record must not
carry `null` there, or the whole gallery fails to decode. "" until the file is stored. Audio records
follow the same rule (`audio_url`, and `video_url` equal to it)."""

import json
from pathlib import Path

import pytest
from django.test import Client

from gallery.models import Asset
from media_gen.collections import PLURALS, collections_of
from media_gen.models import Generation
from tests.gallery.factories import AssetFactory
from tests.gallery.media import audio_bytes
from tests.media_gen.factories import GenerationFactory

OPENAPI = Path(__file__).resolve().parents[2] / "frontend" / "openapi.json"

# The fields each kind's record must carry as strings, and which of them equal which.
URL_FIELDS = {
    "video": ("video_url",),
    "image": ("image_url", "video_url"),
    "audio": ("audio_url", "video_url"),
}
KINDS = ["video", "image", "audio"]


def _stored_asset(owner, kind: str) -> Asset:
    if kind == "audio":
        return AssetFactory(owner=owner, kind=Asset.Kind.AUDIO, content=audio_bytes("wav"), filename="a.wav")
    return AssetFactory(owner=owner, kind=Asset.Kind.IMAGE if kind == "image" else Asset.Kind.VIDEO)


def _one_per_status(owner, kind: str) -> dict[str, Generation]:
    """A generation of ``kind`` in every stored status; the completed one has its file stored."""
    made = {}
    for status in Generation.Status.values:
        stored = status == Generation.Status.COMPLETED
        made[status] = GenerationFactory(
            owner=owner,
            kind=kind,
            collection=collections_of(kind)[0],
            status=status,
            error="HTTP 500 from replicate.delivery" if status == Generation.Status.FAILED else "",
            upstream_status="" if status in Generation.IN_FLIGHT else "succeeded",
            asset=_stored_asset(owner, kind) if stored else None,
        )
    return made


def _assert_url_fields(record: dict, kind: str, generation: Generation) -> None:
    for field in URL_FIELDS[kind]:
        assert isinstance(record.get(field), str), (
            f"{kind} {generation.status}: {field}={record.get(field)!r}"
        )
    main = record[f"{kind}_url"]
    if generation.asset_id is None:
        assert main == "", f"{kind} {generation.status}: nothing stored yet, so the URL is empty"
    else:
        assert main.startswith(f"/api/{PLURALS[kind]}/{generation.pk}/data"), main
    if kind != "video":
        assert record["video_url"] == main, "the original image gallery decodes video_url"


@pytest.mark.parametrize("kind", KINDS)
def test_list_records_in_every_status_carry_string_urls(user_client, user, kind):
    made = _one_per_status(user, kind)
    body = user_client.get(f"/api/{PLURALS[kind]}").json()
    records = {record["id"]: record for record in body[PLURALS[kind]]}
    assert set(records) == {g.pk for g in made.values()}
    for generation in made.values():
        _assert_url_fields(records[generation.pk], kind, generation)
    # and filtered to one status (the original gallery asks for the latest, any status)
    for status in ("processing", "failed", "canceled", "completed"):
        page = user_client.get(f"/api/{PLURALS[kind]}", {"status": status}).json()[PLURALS[kind]]
        assert page, status
        for record in page:
            _assert_url_fields(record, kind, Generation.objects.get(pk=record["id"]))


@pytest.mark.parametrize("kind", KINDS)
def test_detail_and_its_actions_carry_string_urls_in_every_status(user_client, user, kind):
    for generation in _one_per_status(user, kind).values():
        path = f"/api/{PLURALS[kind]}/{generation.pk}"
        detail = user_client.get(path)
        assert detail.status_code == 200
        _assert_url_fields(detail.json(), kind, generation)
        patched = user_client.patch(path, json.dumps({"favorite": True}), content_type="application/json")
        assert patched.status_code == 200
        _assert_url_fields(patched.json(), kind, generation)


@pytest.mark.parametrize("kind", KINDS)
def test_a_canceled_run_answers_string_urls(user_client, user, kind):
    generation = GenerationFactory(
        owner=user, kind=kind, status=Generation.Status.PENDING, prediction_id="", upstream_status=""
    )
    response = user_client.post(f"/api/{PLURALS[kind]}/{generation.pk}/cancel")
    assert response.status_code == 200
    record = response.json()
    assert record["status"] == "canceled"
    generation.refresh_from_db()
    _assert_url_fields(record, kind, generation)


def test_the_openapi_document_says_string_not_nullable():
    """The TypeScript client's types and any generated client come from this document."""
    schemas = json.loads(OPENAPI.read_text())["components"]["schemas"]
    for name, fields in (
        ("VideoRecord", ("video_url",)),
        ("ImageRecord", ("image_url", "video_url")),
        ("AudioRecord", ("audio_url", "video_url")),
    ):
        for field in fields:
            assert schemas[name]["properties"][field].get("type") == "string", (name, field)
            assert "anyOf" not in schemas[name]["properties"][field], (name, field)
            assert field in schemas[name]["required"], (name, field)


def test_a_browser_client_from_another_origin_must_be_trusted(user, settings):
    """The original client on its own origin (say its dev server, proxying /api here) sends that
    Origin with the session cookie: refused until listed in CSRF_TRUSTED_ORIGINS (README, Using it)."""
    generation = GenerationFactory(owner=user, kind="video", collection="text-to-video")
    client = Client(enforce_csrf_checks=True)  # a fetch-based client: the cookie, no CSRF token
    client.force_login(user)
    path, body = f"/api/videos/{generation.pk}", json.dumps({"favorite": True})
    elm = {"content_type": "application/json", "HTTP_ORIGIN": "http://localhost:8080"}
    settings.CSRF_TRUSTED_ORIGINS = []
    refused = client.patch(path, body, **elm)
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    generation.refresh_from_db()
    assert generation.favorite is False
    settings.CSRF_TRUSTED_ORIGINS = ["http://localhost:8080"]
    accepted = client.patch(path, body, **elm)
    assert accepted.status_code == 200 and accepted.json()["favorite"] is True
