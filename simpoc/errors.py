"""The one error type of the project: a refusal a client can act on.

Services (and the thin api modules) raise ``ServiceError(message, status_code=...)`` for every
answer that is not a success: 404 for something that is not there *for this user*, 403, 409,
422, 429, 413 … The NinjaAPI maps it to ``{"detail": message}`` with that status in exactly one
handler; admin actions report ``message`` per item. Nothing else in the code answers an error.
"""


class ServiceError(Exception):
    """A refusal a client can act on; the API turns it into a 4xx with this message."""

    status_code = 400

    def __init__(
        self, message: str, *, status_code: int | None = None, headers: dict[str, str] | None = None
    ):
        super().__init__(message)
        self.message = message
        if status_code is not None:
            self.status_code = status_code
        # Extra response headers the answer must carry (Retry-After on a 429).
        self.headers = dict(headers or {})


def not_found(what: str) -> ServiceError:
    """The 404 of every endpoint: ``raise not_found(f"Scene {scene_id}")``."""
    return ServiceError(f"{what} not found.", status_code=404)
