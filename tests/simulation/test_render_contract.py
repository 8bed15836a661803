"""The original Elm client's contract for renders (issue 15 item 7): it decodes `video_path` as a
required string, so a render that is queued, rendering, failed or canceled carries "" there (and in
`video_url`), never null; a finished one carries its permanent data path in both."""

import json
from pathlib import Path

from gallery.models import Asset
from simulation.models import Render
from tests.gallery.factories import AssetFactory
from tests.simulation.factories import RenderFactory

OPENAPI = Path(__file__).resolve().parents[2] / "frontend" / "openapi.json"


def _one_per_status(owner) -> list[Render]:
    renders = []
    for status in Render.Status.values:
        stored = status == Render.Status.COMPLETED
        renders.append(
            RenderFactory(
                owner=owner,
                status=status,
                error="the physics step diverged" if status == Render.Status.FAILED else "",
                asset=AssetFactory(owner=owner, kind=Asset.Kind.RENDER) if stored else None,
            )
        )
    return renders


def _assert_url_fields(record: dict, render: Render) -> None:
    for field in ("video_path", "video_url"):
        assert isinstance(record.get(field), str), f"{render.status}: {field}={record.get(field)!r}"
    expected = f"/api/genesis/videos/{render.pk}/data" if render.asset_id else ""
    assert record["video_path"] == record["video_url"] == expected, render.status


def test_list_and_detail_records_in_every_status_carry_string_paths(user_client, user):
    renders = _one_per_status(user)
    listed = {r["id"]: r for r in user_client.get("/api/genesis/videos").json()["videos"]}
    assert set(listed) == {r.pk for r in renders}
    for render in renders:
        _assert_url_fields(listed[render.pk], render)
        detail = user_client.get(f"/api/genesis/videos/{render.pk}")
        assert detail.status_code == 200
        _assert_url_fields(detail.json()["video"], render)


def test_a_canceled_render_answers_string_paths(user_client, user):
    render = RenderFactory(owner=user, status=Render.Status.QUEUED)
    response = user_client.post(
        f"/api/genesis/videos/{render.pk}/cancel", "{}", content_type="application/json"
    )
    assert response.status_code == 200
    record = response.json()["video"]
    assert record["status"] == "canceled"
    render.refresh_from_db()
    _assert_url_fields(record, render)


def test_the_openapi_document_says_string_not_nullable():
    schema = json.loads(OPENAPI.read_text())["components"]["schemas"]["RenderRecordOut"]
    for field in ("video_path", "video_url"):
        assert schema["properties"][field].get("type") == "string", field
        assert "anyOf" not in schema["properties"][field], field
        assert field in schema["required"], field
