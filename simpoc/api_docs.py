"""The API's Swagger UI, self-hosted: django-ninja's own copy of its files, served by whitenoise.

"Try it out" works signed in (the session cookie, with the CSRF token in X-CSRFToken on every
request) and with an API key (the Authorize button: X-API-Key or a Bearer token).
"""

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import Swagger

from simpoc.csp import DOCS_EXTRA, allow_on_response


class SelfHostedSwagger(Swagger):
    def render_page(self, request: HttpRequest, api: Any, **kwargs: Any) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {
            "swagger_settings": json.dumps(self.settings, indent=1),
            "api": api,
            # Our session auth checks CSRF itself (csrf=False to ninja), so ninja would leave the
            # token out of the page; with it, ninja's init script sends X-CSRFToken on every call.
            "add_csrf": True,
        }
        return allow_on_response(render(request, self.template, context), DOCS_EXTRA)
