"""Sign in through the form, create an API key in the settings page, use it, revoke it."""

import json
import re
import urllib.error
import urllib.request

from playwright.sync_api import expect


def _me_with_key(base_url: str, key: str) -> tuple[int, dict]:
    request = urllib.request.Request(f"{base_url}/api/auth/me", headers={"X-API-Key": key})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_create_use_and_revoke_an_api_key(signed_in_page, live_server):
    page = signed_in_page
    page.get_by_role("link", name="Settings").click()
    expect(page.get_by_role("heading", name="Settings", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Settings")).to_have_attribute("aria-current", "page")
    expect(page.get_by_text("Signed in as e2e-user").first).to_be_visible()
    expect(page.get_by_text("No API keys yet")).to_be_visible()

    page.get_by_label("Key name").fill("e2e script")
    page.get_by_label("Expires after (days, optional)").fill("30")
    page.get_by_role("button", name="Create key").click()

    shown = page.get_by_role("region", name="New API key")
    expect(shown).to_contain_text("will not be shown again")
    key = shown.locator("code").inner_text().strip()
    assert re.fullmatch(r"sk_[A-Za-z0-9_-]{43}", key), key
    expect(shown.get_by_role("button", name="Copy")).to_be_visible()

    status, body = _me_with_key(live_server.url, key)
    assert status == 200
    assert body["username"] == "e2e-user"

    row = page.get_by_role("row", name=re.compile("e2e script"))
    expect(row).to_contain_text("Active")
    page.get_by_role("button", name="Revoke e2e script").click()
    dialog = page.get_by_role("dialog", name="Revoke this API key?")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Revoke key").click()
    expect(dialog).to_be_hidden()
    expect(row).to_contain_text("Revoked")

    status, body = _me_with_key(live_server.url, key)
    assert status == 401
    assert "detail" in body


def test_wrong_password_says_so_and_deep_link_survives_sign_in(page, live_server):
    from tests.factories import DEFAULT_PASSWORD, UserFactory

    UserFactory(username="deep-link")
    page.goto("/settings")
    page.wait_for_url(re.compile(r"/login\?next=%2Fsettings$"))
    page.get_by_label("Username").fill("deep-link")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Incorrect username or password")

    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/settings$"))
    expect(page.get_by_role("heading", name="Settings", level=1)).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/login$"))
    page.goto("/image-gallery")
    page.wait_for_url(re.compile(r"/login\?next="))
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
