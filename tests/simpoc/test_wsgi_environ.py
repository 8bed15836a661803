"""The process environment (secrets included) never reaches request.META, whatever the server copies."""

import os

from simpoc import wsgi


def test_process_variables_are_dropped_and_the_request_keeps_its_own(monkeypatch):
    seen = {}

    def downstream(environ, start_response):
        seen.update(environ)
        return [b""]

    monkeypatch.setattr(wsgi, "django_application", downstream)
    # What granian hands over: the request's names plus a copy of the process environment.
    environ = {
        **os.environ,
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/api/images",
        "SERVER_NAME": "127.0.0.1",
        "HTTP_HOST": "example.com",
        "wsgi.url_scheme": "http",
    }
    wsgi.application(environ, lambda *args: None)

    assert {"PATH", "DJANGO_SETTINGS_MODULE"} <= set(wsgi.PROCESS_NAMES)
    assert not set(wsgi.PROCESS_NAMES) & set(seen)
    assert seen["REQUEST_METHOD"] == "GET" and seen["PATH_INFO"] == "/api/images"
    assert seen["HTTP_HOST"] == "example.com" and seen["wsgi.url_scheme"] == "http"
