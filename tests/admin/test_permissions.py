"""Who may do what: superuser everything, Moderators moderation only, other staff nothing by default."""

import pytest
from django.contrib.auth.models import Group

from gallery.models import Asset
from media_gen.models import Generation
from tests.factories import make_api_key
from tests.gallery.factories import AssetFactory
from tests.media_gen.factories import GenerationFactory

pytestmark = pytest.mark.django_db

MODERATION_PAGES = [
    "/admin/media_gen/generation/",
    "/admin/gallery/asset/",
    "/admin/gallery/assetflag/?open=yes",
    "/admin/simulation/render/",
    "/admin/simulation/scene/",
    "/admin/gallery/asset/find/?q=1",
]
OPERATIONS_PAGES = [
    "/admin/auth/user/",
    "/admin/auth/group/",
    "/admin/simpoc/apikey/",
    "/admin/simpoc/backup/",
    "/admin/gallery/asset/storage/",
    "/admin/media_gen/generation/queue-health/",
    "/admin/django_q/schedule/",
]
OPERATIONS_POSTS = ["/admin/gallery/asset/storage/retention/", "/admin/simpoc/backup/run/"]


def test_the_moderators_group_is_created_by_a_migration():
    group = Group.objects.get(name="Moderators")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {
        "moderate",
        "delete_generation",
        "view_generation",
        "delete_asset",
        "change_assetflag",
    } <= codenames
    assert not codenames & {"change_user", "view_user", "change_apikey", "view_apikey", "change_generation"}
    assert not codenames & {"view_operations", "run_retention", "add_backup"}


@pytest.mark.parametrize("url", MODERATION_PAGES + OPERATIONS_PAGES)
def test_superuser_sees_every_back_office_page(root_client, url):
    assert root_client.get(url).status_code == 200


@pytest.mark.parametrize("url", MODERATION_PAGES)
def test_moderator_sees_the_moderation_pages(moderator_client, url):
    assert moderator_client.get(url).status_code == 200


@pytest.mark.parametrize("url", OPERATIONS_PAGES)
def test_moderator_cannot_manage_users_keys_storage_or_the_queue(moderator_client, url):
    assert moderator_client.get(url).status_code == 403


@pytest.mark.parametrize("url", OPERATIONS_POSTS)
def test_moderator_cannot_run_retention_or_backups(moderator_client, url, settings, user):
    settings.RETENTION_DAYS = 1
    assert moderator_client.post(url).status_code == 403


@pytest.mark.parametrize("url", MODERATION_PAGES + OPERATIONS_PAGES)
def test_staff_without_permissions_sees_nothing(plain_staff_client, url):
    assert plain_staff_client.get(url).status_code == 403


@pytest.mark.parametrize("url", MODERATION_PAGES + OPERATIONS_PAGES)
def test_signed_in_users_who_are_not_staff_are_sent_to_the_admin_sign_in(user_client, url):
    response = user_client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_moderator_index_shows_moderation_links_only(moderator_client):
    page = moderator_client.get("/admin/").content.decode()
    assert "/admin/gallery/asset/find/" in page
    assert "/admin/gallery/asset/storage/" not in page and "/admin/auth/user/" not in page


def test_moderator_gets_moderation_actions_but_not_retry_or_rerun(moderator_client, user):
    generation = GenerationFactory(owner=user, status="failed")
    response = moderator_client.get("/admin/media_gen/generation/")
    actions = {name for name, _ in response.context["action_form"].fields["action"].choices}
    assert {"hide_items", "unhide_items", "flag_items", "dismiss_flags", "delete_selected"} <= actions
    assert not actions & {"retry_download", "rerun", "cancel_generations", "refresh_upstream"}
    moderator_client.post(
        "/admin/media_gen/generation/", {"action": "rerun", "_selected_action": [generation.pk]}
    )
    assert Generation.objects.get(pk=generation.pk).status == "failed"


def test_moderator_can_delete_items(moderator_client, user, emulator):
    generation = GenerationFactory(owner=user, asset=AssetFactory(owner=user))
    moderator_client.post(
        "/admin/media_gen/generation/",
        {"action": "delete_selected", "_selected_action": [generation.pk], "post": "yes"},
    )
    assert not Generation.objects.filter(pk=generation.pk).exists()
    asset = AssetFactory(owner=user)
    moderator_client.post(f"/admin/gallery/asset/{asset.pk}/delete/", {"post": "yes"})
    assert not Asset.objects.filter(pk=asset.pk).exists()


def test_moderator_cannot_revoke_keys(moderator_client, user):
    key, _ = make_api_key(user)
    response = moderator_client.post(
        "/admin/simpoc/apikey/", {"action": "revoke_selected", "_selected_action": [key.pk]}
    )
    assert response.status_code == 403
    key.refresh_from_db()
    assert key.revoked_at is None


def test_staff_without_moderate_permission_cannot_hide(plain_staff, plain_staff_client, user):
    from django.contrib.auth.models import Permission

    plain_staff.user_permissions.add(Permission.objects.get(codename="view_asset"))
    asset = AssetFactory(owner=user)
    assert plain_staff_client.get("/admin/gallery/asset/").status_code == 200
    plain_staff_client.post(
        "/admin/gallery/asset/",
        {"action": "hide_items", "_selected_action": [asset.pk], "apply": "yes", "reason": "x"},
    )
    assert Asset.objects.get(pk=asset.pk).hidden_at is None
    assert plain_staff_client.get("/admin/gallery/asset/find/").status_code == 403
