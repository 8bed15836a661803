"""Every page sends a strict Content-Security-Policy; the API docs need no other origin.

The browser suite (tests/e2e/test_page_check.py) shows the pages work under it with no violation;
these pin the header itself.
"""

import re

import pytest
from django.test import Client

from simpoc.csp import REPLICATE_COVER_ORIGINS, object_storage_origins, policy, spa_extra

pytestmark = pytest.mark.django_db


def directives(header: str) -> dict[str, set[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = set(values)
    return parsed


@pytest.mark.parametrize("path", ["/", "/gallery", "/admin/login/", "/api/docs"])
def test_every_page_has_a_strict_policy(client: Client, path):
    response = client.get(path)
    assert response.status_code == 200
    policy_ = directives(response["Content-Security-Policy"])
    assert policy_["default-src"] == {"'self'"}
    assert policy_["frame-ancestors"] == {"'none'"}
    assert policy_["object-src"] == {"'none'"}
    assert policy_["style-src"] == {"'self'"}
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert "Content-Security-Policy-Report-Only" not in response


def test_only_the_spa_may_compile_webassembly(client: Client):
    spa = directives(client.get("/physics")["Content-Security-Policy"])
    assert spa["script-src"] == {"'self'", "'wasm-unsafe-eval'"}
    admin = directives(client.get("/admin/login/")["Content-Security-Policy"])
    assert admin["script-src"] == {"'self'"}
    assert admin["img-src"] == {"'self'"}


def test_spa_images_allow_model_covers(client: Client, settings):
    settings.SPA_CONTENT_SECURITY_POLICY_EXTRA = spa_extra(demo_mode=False)
    spa = directives(client.get("/images")["Content-Security-Policy"])
    assert spa["img-src"] == {"'self'", "data:", *REPLICATE_COVER_ORIGINS}
    assert spa_extra(demo_mode=True)["img-src"] == ["data:"]  # the emulator's covers are data: URLs


@pytest.mark.parametrize("path", ["/videos", "/audio", "/images?collection=image-editing"])
def test_spa_may_play_a_picked_local_file_and_nothing_else_changes(client: Client, path):
    spa = directives(client.get(path)["Content-Security-Policy"])
    # The generate form's preview player plays the person's own file from an object URL.
    assert spa["media-src"] == {"'self'", "blob:"}
    base = directives(client.get("/admin/login/")["Content-Security-Policy"])
    # Every other directive is the base policy's, plus only what the SPA already needed.
    for name, values in base.items():
        if name not in {"media-src", "script-src", "img-src"}:
            assert spa[name] == values, name
    assert set(spa) == set(base)
    assert "blob:" not in " ".join(" ".join(v) for n, v in spa.items() if n != "media-src")
    assert base["media-src"] == {"'self'"}  # the admin and the API docs play nothing local


def test_report_only_mode_blocks_nothing_and_reports(client: Client, settings):
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = None
    response = client.get("/physics")
    assert "Content-Security-Policy" not in response
    report_only = directives(response["Content-Security-Policy-Report-Only"])
    assert report_only["script-src"] == {"'self'", "'wasm-unsafe-eval'"}
    assert report_only["frame-ancestors"] == {"'none'"}


def test_object_storage_origin_is_allowed_for_media_only_when_used():
    endpoint = object_storage_origins(
        endpoint_url="https://minio.example.com:9000/", bucket="media", region="eu-west-1"
    )
    assert endpoint == ["https://minio.example.com:9000"]
    aws = object_storage_origins(endpoint_url=None, bucket="media", region="eu-west-1")
    assert aws == ["https://media.s3.amazonaws.com", "https://media.s3.eu-west-1.amazonaws.com"]
    with_s3 = policy(media_origins=endpoint)["DIRECTIVES"]
    for name in ("img-src", "media-src", "connect-src"):
        assert with_s3[name] == ["'self'", "https://minio.example.com:9000"]
    assert with_s3["script-src"] == ["'self'"]
    assert policy(media_origins=[])["DIRECTIVES"]["img-src"] == ["'self'"]


def test_api_docs_are_served_from_our_own_static_files(client: Client):
    page = client.get("/api/docs").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert "/static/ninja/swagger-ui-bundle.js" in sources
    assert "/static/ninja/swagger-ui.css" in sources
    assert all(source.startswith("/") and not source.startswith("//") for source in sources), sources
    assert "<script>" not in page  # no inline script: the strict policy would block it
    # "Try it out" sends the CSRF token with the session cookie.
    assert re.search(r'data-csrf-token="[^"]{20,}"', page)
    assert 'data-api-csrf="true"' in page
    for name in ("swagger-ui-bundle.js", "swagger-ui-init.js", "swagger-ui.css"):
        assert client.get(f"/static/ninja/{name}").status_code == 200


@pytest.mark.parametrize(("value", "enforced"), [("", True), ("true", False)])
def test_csp_report_only_environment_variable_switches_the_header(value, enforced, tmp_path):
    from tests.simpoc.test_settings import setting

    env = {"CSP_REPORT_ONLY": value}
    enforced_policy = setting("CONTENT_SECURITY_POLICY", env, tmp_path)
    report_only = setting("CONTENT_SECURITY_POLICY_REPORT_ONLY", env, tmp_path)
    assert (enforced_policy != "None") is enforced
    assert (report_only != "None") is not enforced
    assert "frame-ancestors" in (enforced_policy if enforced else report_only)
