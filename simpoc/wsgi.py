"""The WSGI application scripts/serve hands to granian."""

import os
from collections.abc import Callable, Iterable
from typing import Any

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "simpoc.settings")
django_application = get_wsgi_application()

# What a server sets for each request (PEP 3333 and CGI); never taken from the process environment.
REQUEST_NAMES = frozenset(
    {
        "REQUEST_METHOD",
        "SCRIPT_NAME",
        "PATH_INFO",
        "QUERY_STRING",
        "CONTENT_TYPE",
        "CONTENT_LENGTH",
        "SERVER_NAME",
        "SERVER_PORT",
        "SERVER_PROTOCOL",
        "SERVER_SOFTWARE",
        "GATEWAY_INTERFACE",
        "REMOTE_ADDR",
        "REMOTE_HOST",
        "REMOTE_PORT",
        "REMOTE_USER",
        "HTTPS",
    }
)
# granian copies the whole process environment into every request's environ (gunicorn does not), so
# SECRET_KEY, DATABASE_URL and the rest would be in request.META, where an error report (Django's
# filter hides names with KEY or SECRET, not DATABASE_URL) or anything that echoes META shows them.
PROCESS_NAMES = tuple(
    name for name in os.environ if name not in REQUEST_NAMES and not name.startswith(("HTTP_", "wsgi."))
)


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Django's WSGI application, given the request's environ without the process's variables."""
    for name in PROCESS_NAMES:
        environ.pop(name, None)
    return django_application(environ, start_response)
