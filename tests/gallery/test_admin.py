"""The Django admin of assets: listing without BLOBs, the data view, moderation actions."""

import pytest
from django.test import Client

from gallery.models import Asset
from tests.factories import StaffFactory
from tests.gallery.factories import AssetFactory


@pytest.fixture
def admin_client_(db) -> Client:
    client = Client()
    client.force_login(StaffFactory(is_superuser=True))
    return client


def test_data_view_needs_a_staff_member_with_view_permission(client, user, staff_client, admin_client_):
    asset = AssetFactory(owner=user)
    url = f"/admin/gallery/asset/{asset.pk}/data/"

    assert client.get(url).status_code == 302  # to the admin's sign-in page
    assert staff_client.get(url).status_code == 403  # staff without the view permission
    response = admin_client_.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"


def test_changelist_and_change_page_render(admin_client_, user):
    asset = AssetFactory(owner=user)

    assert admin_client_.get("/admin/gallery/asset/").status_code == 200
    page = admin_client_.get(f"/admin/gallery/asset/{asset.pk}/change/")
    assert page.status_code == 200
    assert f"/admin/gallery/asset/{asset.pk}/data/".encode() in page.content


def test_hide_and_unhide_actions(admin_client_, user):
    asset = AssetFactory(owner=user)
    changelist = "/admin/gallery/asset/"

    # Hiding asks for a reason on an intermediate page first (tests/admin covers it in full).
    admin_client_.post(
        changelist,
        {"action": "hide_items", "_selected_action": [asset.pk], "apply": "yes", "reason": "spam"},
    )
    assert Asset.objects.get(pk=asset.pk).hidden_at is not None

    admin_client_.post(changelist, {"action": "unhide_items", "_selected_action": [asset.pk]})
    assert Asset.objects.get(pk=asset.pk).hidden_at is None
