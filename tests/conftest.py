"""Fixtures every test may use: users, signed-in clients, API-key clients, a staff client."""

import pytest
from django.test import Client

from tests.factories import DEFAULT_PASSWORD, StaffFactory, UserFactory, make_api_key

ENGINE_INDEPENDENT = (
    "engine_independent: the same answer on any database engine (pure computation, the emulator, the "
    "browser's own physics, how pages look): runs on the SQLite pass only; scripts/test runs the suite "
    "twice and CI must stay under 30 minutes"
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", ENGINE_INDEPENDENT)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        return
    skip = pytest.mark.skip(reason="engine-independent: runs once, on the SQLite pass")
    for item in items:
        if item.get_closest_marker("engine_independent"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def password() -> str:
    return DEFAULT_PASSWORD


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def staff_user(db):
    return StaffFactory()


def signed_in_client(user) -> Client:
    """Signed in by session, sending the CSRF token like the SPA does."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/login")  # the SPA shell sets the CSRF cookie
    client.defaults["HTTP_X_CSRFTOKEN"] = client.cookies["csrftoken"].value
    return client


@pytest.fixture
def user_client(user) -> Client:
    return signed_in_client(user)


@pytest.fixture
def other_client(other_user) -> Client:
    return signed_in_client(other_user)


@pytest.fixture
def staff_client(staff_user) -> Client:
    return signed_in_client(staff_user)


@pytest.fixture
def api_key(user) -> str:
    return make_api_key(user)[1]


@pytest.fixture
def key_client(api_key) -> Client:
    """An outside integration: no cookies, the key in X-API-Key."""
    return Client(enforce_csrf_checks=True, HTTP_X_API_KEY=api_key)


@pytest.fixture
def anon_client() -> Client:
    return Client(enforce_csrf_checks=True)
