"""Users and API keys in the admin."""

import pytest
from django.test import Client

from simpoc.models import ApiKey
from tests.factories import StaffFactory, make_api_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_superuser():
    admin = StaffFactory(username="root", is_superuser=True)
    client = Client()
    client.force_login(admin)
    return client


def test_user_list_shows_active_key_counts(admin_client_superuser, user):
    make_api_key(user, name="a")
    make_api_key(user, name="b")
    response = admin_client_superuser.get("/admin/auth/user/")
    assert response.status_code == 200
    assert user.username in response.content.decode()


def test_user_page_lists_keys_without_the_secret(admin_client_superuser, user):
    key, raw = make_api_key(user, name="deploy-bot")
    page = admin_client_superuser.get(f"/admin/auth/user/{user.pk}/change/").content.decode()
    assert "deploy-bot" in page and key.prefix in page
    assert raw not in page


def test_admin_revokes_keys(admin_client_superuser, user):
    key, raw = make_api_key(user)
    response = admin_client_superuser.post(
        "/admin/simpoc/apikey/", {"action": "revoke_selected", "_selected_action": [key.pk]}, follow=True
    )
    assert "Revoked 1 API key(s)." in response.content.decode()
    assert ApiKey.objects.get(pk=key.pk).revoked_at is not None
    assert Client(HTTP_X_API_KEY=raw).get("/api/auth/me").status_code == 401


def test_non_staff_cannot_reach_the_admin(user_client):
    assert user_client.get("/admin/simpoc/apikey/").status_code == 302
