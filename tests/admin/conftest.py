"""Admin clients for each role: superuser, plain staff (no permissions), and a moderator."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from tests.factories import StaffFactory

# The Replicate emulator on a free port (media_gen's fixtures), for the actions that talk to it.
from tests.media_gen.conftest import _emulator_server, emulator  # noqa: F401


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
