"""Admin clients for each role: superuser, plain staff (no permissions), and a moderator."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from media_gen import services as media_services
from media_gen.models import Generation
from tests.factories import StaffFactory

# The Replicate emulator on a free port (media_gen's fixtures), for the actions that talk to it.
from tests.media_gen.conftest import (  # noqa: F401
    _emulator_server,
    deliver_webhooks,
    emulator,
    public_site,
    webhook_client,
)

MODEL = "ideogram-ai/ideogram-v2-turbo"


def start_image(user, prompt: str = "a kite over the dunes") -> Generation:
    return media_services.generation_start(user=user, kind="image", model_id=MODEL, inputs={"prompt": prompt})


def make_failed_download(user, site, client) -> Generation:
    """A real failed download: the emulator answers 500 twice, the second try runs out the window."""
    site.set_faults(file_failures=2)
    generation = start_image(user)
    deliver_webhooks(client, site)
    generation.refresh_from_db()
    assert generation.status == "downloading", generation.error
    late = generation.upstream_completed_at + timedelta(minutes=49, seconds=55)
    media_services.generation_poll_in_flight(now=late)
    generation.refresh_from_db()
    assert generation.status == "failed" and "gave up" in generation.error
    return generation


@pytest.fixture
def failed_download(user, public_site, webhook_client) -> Generation:  # noqa: F811
    return make_failed_download(user, public_site, webhook_client)


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def superuser(db):
    return StaffFactory(username="root", is_superuser=True)


@pytest.fixture
def moderator(db):
    user = StaffFactory(username="moderator")
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def plain_staff(db):
    return StaffFactory(username="staff-without-permissions")


@pytest.fixture
def root_client(superuser) -> Client:
    return _client_for(superuser)


@pytest.fixture
def moderator_client(moderator) -> Client:
    return _client_for(moderator)


@pytest.fixture
def plain_staff_client(plain_staff) -> Client:
    return _client_for(plain_staff)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []
