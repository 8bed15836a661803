"""Plain Django views: the health check, and the SPA shell for every page route."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt, ensure_csrf_cookie
from django.views.decorators.http import require_GET

from simpoc.csp import csp_allow


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "healthy"})


@csrf_exempt
@require_GET
def api_root(request: HttpRequest) -> JsonResponse:
    """GET /api without the trailing slash that the router's own root has."""
    from simpoc.api import api_status

    return JsonResponse(api_status())


@csrf_exempt
def api_not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    return JsonResponse({"detail": f"Not found: {request.path}"}, status=404)


@require_GET
@ensure_csrf_cookie
@csp_allow("SPA_CONTENT_SECURITY_POLICY_EXTRA")
def spa(request: HttpRequest, path: str = "") -> HttpResponse:
    """The single-page app's HTML; its router draws the page for the path."""
    response = render(request, "spa.html")
    response["Cache-Control"] = "no-cache"
    return response
