"""Browser tests: Playwright drives Debian's chromium against pytest-django's live server."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
FRONTEND_MANIFEST = Path(__file__).resolve().parents[2] / "frontend" / "dist" / ".vite" / "manifest.json"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="package", autouse=True)
def _allow_sync_orm_beside_playwright() -> Iterator[None]:
    """Playwright's sync API runs an event loop in this thread; the ORM calls in tests are still sync.

    Set for this package only (the database and live server may be set up under it) and removed
    afterwards, so subprocesses of later tests (manage.py check --deploy) never inherit it.
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def browser(_allow_sync_orm_beside_playwright):
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        pytest.fail(f"chromium not found at {CHROMIUM}: the test script installs it with apt")
    if not FRONTEND_MANIFEST.exists():
        pytest.fail("frontend/dist is missing: run `npm run build` in frontend/ (the test script does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, transactional_db) -> Iterator:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 720})
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def signed_in_page(page, live_server, transactional_db):
    """A page signed in through the real sign-in form, as a person would."""
    from tests.factories import DEFAULT_PASSWORD, UserFactory

    user = UserFactory(username="e2e-user")
    page.goto("/login")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: not url.endswith("/login"))
    page.user = user
    return page
