"""Moderation in the admin: hide/unhide with a reason, flags and the review queue, find by URL."""

import pytest

from gallery.models import Asset, AssetFlag
from media_gen.models import Generation
from tests.admin.conftest import messages_of
from tests.gallery.factories import AssetFactory
from tests.media_gen.factories import GenerationFactory
from tests.simulation.factories import RenderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def generation(user) -> Generation:
    return GenerationFactory(owner=user, asset=AssetFactory(owner=user))


def test_hide_asks_for_a_reason_then_hides_for_everyone_but_staff(
    moderator_client, moderator, generation, user_client, staff_client
):
    changelist = "/admin/media_gen/generation/"
    selected = {"action": "hide_items", "_selected_action": [generation.pk]}
    form = moderator_client.post(changelist, selected)
    assert form.status_code == 200 and 'name="reason"' in form.content.decode()
    assert Asset.objects.get(pk=generation.asset_id).hidden_at is None

    empty = moderator_client.post(changelist, {**selected, "apply": "yes", "reason": "  "})
    assert "Give a reason" in empty.content.decode()
    assert Asset.objects.get(pk=generation.asset_id).hidden_at is None

    done = moderator_client.post(
        changelist, {**selected, "apply": "yes", "reason": "copyrighted"}, follow=True
    )
    asset = Asset.objects.get(pk=generation.asset_id)
    assert (
        asset.hidden_at is not None and asset.hidden_reason == "copyrighted" and asset.hidden_by == moderator
    )
    assert any("Hid 1" in m and "copyrighted" in m for m in messages_of(done))
    assert user_client.get(f"/api/images/{generation.pk}").status_code == 404
    assert staff_client.get(f"/api/images/{generation.pk}").status_code == 200

    moderator_client.post(changelist, {"action": "unhide_items", "_selected_action": [generation.pk]})
    assert Asset.objects.get(pk=generation.asset_id).hidden_at is None
    assert user_client.get(f"/api/images/{generation.pk}").status_code == 200


def test_hiding_an_item_without_stored_output_is_refused_and_said(moderator_client, user):
    failed = GenerationFactory(owner=user, status="failed")
    response = moderator_client.post(
        "/admin/media_gen/generation/",
        {"action": "hide_items", "_selected_action": [failed.pk], "apply": "yes", "reason": "spam"},
        follow=True,
    )
    assert any("Not hid 1" in m and "no stored item" in m for m in messages_of(response))


def test_render_can_be_hidden(moderator_client, user):
    render = RenderFactory(owner=user, asset=AssetFactory(owner=user, kind="render"), status="completed")
    moderator_client.post(
        "/admin/simulation/render/",
        {"action": "hide_items", "_selected_action": [render.pk], "apply": "yes", "reason": "gore"},
    )
    assert Asset.objects.get(pk=render.asset_id).hidden_reason == "gore"


def test_flag_then_hide_from_the_review_queue(moderator_client, moderator, generation):
    moderator_client.post(
        "/admin/media_gen/generation/",
        {
            "action": "flag_items",
            "_selected_action": [generation.pk],
            "apply": "yes",
            "reason": "looks like a logo",
        },
    )
    flag = AssetFlag.objects.get()
    assert flag.is_open and flag.asset_id == generation.asset_id and flag.flagged_by == moderator
    queue = moderator_client.get("/admin/gallery/assetflag/?open=yes")
    assert list(queue.context["cl"].result_list) == [flag]

    moderator_client.post(
        "/admin/gallery/assetflag/", {"action": "hide_flagged", "_selected_action": [flag.pk]}
    )
    flag.refresh_from_db()
    assert flag.resolution == "hidden" and flag.resolved_by == moderator
    assert Asset.objects.get(pk=generation.asset_id).hidden_reason == "looks like a logo"
    assert list(moderator_client.get("/admin/gallery/assetflag/?open=yes").context["cl"].result_list) == []


def test_dismiss_and_delete_from_the_review_queue(moderator_client, moderator, user):
    kept, removed = AssetFactory(owner=user), AssetFactory(owner=user)
    flags = [AssetFlag.objects.create(asset=a, reason="check", flagged_by=moderator) for a in (kept, removed)]
    response = moderator_client.post(
        "/admin/gallery/assetflag/",
        {"action": "dismiss_flagged", "_selected_action": [flags[0].pk]},
        follow=True,
    )
    assert any("Dismissed flags of 1" in m for m in messages_of(response))
    assert AssetFlag.objects.get(pk=flags[0].pk).resolution == "dismissed"
    assert Asset.objects.get(pk=kept.pk).hidden_at is None

    response = moderator_client.post(
        "/admin/gallery/assetflag/",
        {"action": "delete_flagged_items", "_selected_action": [flags[1].pk]},
        follow=True,
    )
    assert any("Deleted 1 item(s)" in m for m in messages_of(response))
    assert not Asset.objects.filter(pk=removed.pk).exists()


def test_an_item_is_flagged_once_while_its_flag_is_open(moderator_client, user):
    asset = AssetFactory(owner=user)
    for _ in range(2):
        moderator_client.post(
            "/admin/gallery/asset/",
            {"action": "flag_items", "_selected_action": [asset.pk], "apply": "yes", "reason": "again"},
        )
    assert AssetFlag.objects.filter(asset=asset).count() == 1


@pytest.mark.parametrize(
    "reference",
    [
        "/api/images/{g}/data",
        "https://simpoc.example.com/api/images/{g}/thumbnail",
        "/image/{g}",
        "http://localhost:5173/image/{g}?tab=info",
        "/admin/media_gen/generation/{g}/change/",
    ],
)
def test_find_a_generation_by_its_public_url(moderator_client, generation, reference):
    response = moderator_client.get("/admin/gallery/asset/find/", {"q": reference.format(g=generation.pk)})
    found = response.context["results"]
    assert [(f.label, f.obj.pk) for f in found] == [("Image generation", generation.pk)]
    assert 'value="hide_items"' in response.content.decode()


def test_find_a_render_and_a_bare_id(moderator_client, user):
    render = RenderFactory(owner=user, asset=AssetFactory(owner=user, kind="render"), status="completed")
    by_url = moderator_client.get(
        "/admin/gallery/asset/find/", {"q": f"/api/genesis/videos/{render.pk}/data"}
    )
    assert [f.obj for f in by_url.context["results"]] == [render]
    by_id = moderator_client.get("/admin/gallery/asset/find/", {"q": f"#{render.pk}"})
    assert render in [f.obj for f in by_id.context["results"]]


def test_find_a_video_url_does_not_match_an_image(moderator_client, generation):
    response = moderator_client.get("/admin/gallery/asset/find/", {"q": f"/api/videos/{generation.pk}/data"})
    assert response.context["results"] == []
    assert "Nothing matches" in response.content.decode()
