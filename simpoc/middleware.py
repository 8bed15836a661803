"""Every error under /api is JSON {"detail": ...}, never an HTML page."""

import logging
from collections.abc import Callable
from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.db import InterfaceError, OperationalError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
DATABASE_RETRY_AFTER_SECONDS = 5


def is_api_path(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


def _database_unavailable(exception: Exception) -> bool:
    """Errors that mean "try again", not a bug: SQLite's busy lock, a lost PostgreSQL connection,
    Redis (the task broker and cache when REDIS_URL is set) unreachable or restarting."""
    if isinstance(exception, (InterfaceError, RedisConnectionError, RedisTimeoutError)):
        return True
    if not isinstance(exception, OperationalError):
        return False
    # SQLite also raises OperationalError for broken SQL ("no such table"); that stays a 500.
    return connection.vendor != "sqlite" or "locked" in str(exception)


class ApiJsonErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not is_api_path(request.path) or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        return self._json_error(response)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_api_path(request.path):
            return None
        if isinstance(exception, RequestDataTooBig):
            return JsonResponse(
                {
                    "detail": f"The request body is larger than the {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes allowed."
                },
                status=413,
            )
        if isinstance(exception, (SuspiciousOperation, PermissionDenied, BadRequest, Http404)):
            return None  # Django answers these 400/403/404 itself; __call__ makes the answer JSON
        if _database_unavailable(exception):
            # SQLite busy past its timeout, or the PostgreSQL connection lost (server restarting):
            # nothing was written, and trying again shortly will work.
            logger.warning("Database unavailable on %s %s: %s", request.method, request.path, exception)
            response = JsonResponse(
                {
                    "detail": "The database or the task queue is busy or briefly unavailable; try again in a few seconds."
                },
                status=503,
            )
            response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
            return response
        logger.exception("Unhandled error on %s %s", request.method, request.path)
        return JsonResponse({"detail": "Internal server error. The failure was logged."}, status=500)

    @staticmethod
    def _json_error(response: HttpResponse) -> HttpResponse:
        status = response.status_code
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = "Error"
        detail = {
            404: "Not found.",
            405: "Method not allowed.",
        }.get(status, f"{reason}.")
        replacement = JsonResponse({"detail": detail}, status=status)
        for header in ("Allow", "Retry-After", "WWW-Authenticate", "Content-Range"):
            if header in response:
                replacement[header] = response[header]
        return replacement
