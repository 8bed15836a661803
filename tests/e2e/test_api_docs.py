"""The API docs work with no other origin: Swagger UI from our static files, "Try it out" signed in
(session cookie and CSRF token) and with an API key typed into Authorize."""

import json
import re

from playwright.sync_api import expect

from tests.factories import UserFactory, make_api_key


def _operation(page, method: str, path: str):
    return page.locator(f".opblock-{method}:has(.opblock-summary-path[data-path='{path}'])")


def _try(page, method: str, path: str, body: dict | None = None):
    operation = _operation(page, method, path)
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    if body is not None:
        operation.locator("textarea.body-param__text").fill(json.dumps(body))
    operation.get_by_role("button", name="Execute").click()
    response = operation.locator(".live-responses-table .response").first
    expect(response.locator(".response-col_status")).to_have_text(re.compile(r"\d{3}"))
    return response


def _watch_origins(page, origin: str) -> list[str]:
    foreign: list[str] = []
    page.on(
        "request",
        lambda request: (
            foreign.append(request.url) if not request.url.startswith((origin, "data:", "blob:")) else None
        ),
    )
    return foreign


def test_try_it_out_with_the_session(signed_in_page, live_server):
    page = signed_in_page
    foreign = _watch_origins(page, live_server.url)
    page.goto("/api/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("simpoc API")

    me = _try(page, "get", "/api/auth/me")
    expect(me.locator(".response-col_status")).to_have_text("200")
    expect(me).to_contain_text('"username": "e2e-user"')

    # An unsafe method: the CSRF token from the page goes with the session cookie.
    created = _try(page, "post", "/api/auth/api-keys", {"name": "made in the docs"})
    expect(created.locator(".response-col_status")).to_have_text("200")
    expect(created).to_contain_text('"name": "made in the docs"')
    assert page.user.api_keys.filter(name="made in the docs").exists()
    assert foreign == []


def test_try_it_out_with_an_api_key(page, live_server):
    user = UserFactory(username="docs-key-user")
    _api_key, raw_key = make_api_key(user, name="for the docs")
    foreign = _watch_origins(page, live_server.url)
    page.goto("/api/docs")

    anonymous = _try(page, "get", "/api/auth/me")
    expect(anonymous.locator(".response-col_status")).to_have_text(re.compile(r"^\s*401"))

    page.locator(".auth-wrapper .authorize").click()
    dialog = page.locator(".modal-ux")
    key_form = dialog.locator(".auth-container", has_text="ApiKeyHeaderAuth")
    key_form.locator("input").fill(raw_key)
    # One form holds every scheme; its submit button's accessible name is "Apply credentials".
    key_form.locator("button.authorize").click()
    expect(key_form).to_contain_text("Authorized")
    key_form.locator("button.btn-done").click()

    page.get_by_role("button", name="Clear").first.click()
    _operation(page, "get", "/api/auth/me").get_by_role("button", name="Execute").click()
    response = _operation(page, "get", "/api/auth/me").locator(".live-responses-table .response").first
    expect(response.locator(".response-col_status")).to_have_text("200")
    expect(response).to_contain_text('"username": "docs-key-user"')
    assert foreign == []
