"""The one NinjaAPI at /api: its error format and the account endpoints (apps are mounted by webroot.api)."""

import json
import logging

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.responses import Status
from pydantic import ValidationError as PydanticValidationError

from simpoc import selectors, services
from simpoc.api_docs import SelfHostedSwagger
from simpoc.auth import user_auth
from simpoc.errors import ServiceError, not_found
from simpoc.schemas import (
    ApiKeyCreatedOut,
    ApiKeyCreateIn,
    ApiKeyOut,
    ApiRootOut,
    DetailOut,
    LoginIn,
    LoginOut,
    MeOut,
    MessageOut,
)

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="simpoc API",
    version="1.0.0",
    description="AI media generation through Replicate, physics simulation, and the gallery.",
    auth=user_auth,
    urls_namespace="api",
    docs_url="/docs",
    docs=SelfHostedSwagger(),
    openapi_url="/openapi.json",
)

NOT_AUTHENTICATED = "Not authenticated. Login required."


def _field_errors(errors: list[dict]) -> list[dict]:
    shaped = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path", "form")]
        shaped.append({"field": ".".join(loc), "message": error.get("msg", "invalid")})
    return shaped


def validation_response(request: HttpRequest, errors: list[dict]) -> HttpResponse:
    fields = _field_errors(errors)
    summary = "; ".join(f"{e['field'] or 'body'}: {e['message']}" for e in fields[:5])
    return api.create_response(request, {"detail": f"Invalid input. {summary}", "errors": fields}, status=422)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return validation_response(request, exc.errors)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": NOT_AUTHENTICATED}, status=401)


@api.exception_handler(AuthorizationError)
def on_authorization_error(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Forbidden."}, status=403)


def detail_response(request: HttpRequest, exc: Exception, *, detail: str, status: int) -> HttpResponse:
    """{"detail": ...} with the status, plus any headers the exception carries (Retry-After)."""
    response = api.create_response(request, {"detail": detail}, status=status)
    for header, value in (getattr(exc, "headers", None) or {}).items():
        response[header] = value
    return response


# Our code raises ServiceError only; ninja's own HttpErrors (and subclasses) get the same shape.
@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return detail_response(request, exc, detail=str(exc), status=exc.status_code)


# The one place a ServiceError becomes an HTTP answer (404, 403, 409, 422, 429 …).
@api.exception_handler(ServiceError)
def on_service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    return detail_response(request, exc, detail=exc.message, status=exc.status_code)


def throttled(retry_after: int) -> ServiceError:
    return ServiceError(
        f"Too many failed sign-in attempts. Try again in {retry_after} seconds.",
        status_code=429,
        headers={"Retry-After": str(retry_after)},
    )


# --- API root ----------------------------------------------------------------------------------------


@api.get("", auth=None, response=ApiRootOut, tags=["health"], summary="API status")
def api_root(request: HttpRequest) -> dict:
    return api_status()


def api_status() -> dict:
    return {
        "message": "simpoc API. Documentation at /api/docs.",
        "status": "running",
        "version": api.version,
        "demo_mode": settings.REPLICATE_DEMO_MODE,
    }


# --- Auth --------------------------------------------------------------------------------------------

auth_router = Router(tags=["auth"])


def _client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _login_credentials(request: HttpRequest) -> LoginIn:
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError) as exc:
            raise ServiceError("The body is not valid JSON.") from exc
        if not isinstance(data, dict):
            raise ServiceError("Send an object with username and password.")
    else:
        data = request.POST.dict()
    try:
        return LoginIn(**data)
    except PydanticValidationError as exc:
        raise ValidationError(exc.errors(include_url=False)) from exc


@auth_router.post(
    "/login",
    auth=None,
    response={200: LoginOut, 401: DetailOut, 422: DetailOut, 429: DetailOut},
    summary="Sign in with a form-encoded or JSON body",
    openapi_extra={
        "requestBody": {
            "content": {
                "application/x-www-form-urlencoded": {"schema": LoginIn.model_json_schema()},
                "application/json": {"schema": LoginIn.model_json_schema()},
            },
            "required": True,
        }
    },
)
def auth_login(request: HttpRequest) -> Status:
    credentials = _login_credentials(request)
    ip = _client_ip(request)
    wait = services.login_throttle_remaining_seconds(username=credentials.username, ip=ip)
    if wait:
        raise throttled(wait)
    user = authenticate(request, username=credentials.username, password=credentials.password)
    if user is None:
        services.login_failure_record(username=credentials.username, ip=ip)
        return Status(401, {"detail": "Incorrect username or password"})
    services.login_failures_clear(username=credentials.username, ip=ip)
    login(request, user)
    get_token(request)  # rotate the CSRF cookie with the new session
    return Status(200, {"message": "Login successful", "username": user.get_username()})


@auth_router.post("/logout", auth=None, response=MessageOut, summary="Sign out")
def auth_logout(request: HttpRequest) -> dict:
    logout(request)
    return {"message": "Logged out"}


@auth_router.get("/me", response=MeOut, summary="The signed-in user")
def auth_me(request: HttpRequest) -> dict:
    user = request.auth
    return {"id": user.pk, "username": user.get_username(), "is_staff": user.is_staff}


@auth_router.post(
    "/api-keys",
    response={200: ApiKeyCreatedOut, 409: DetailOut},
    summary="Create an API key (the key is shown this once)",
)
def api_key_create(request: HttpRequest, payload: ApiKeyCreateIn) -> dict:
    created = services.api_key_create(user=request.auth, name=payload.name, expires_days=payload.expires_days)
    return {
        "id": created.api_key.pk,
        "api_key": created.raw_key,
        "name": created.api_key.name,
        "created_at": created.api_key.created_at,
        "expires_at": created.api_key.expires_at,
    }


@auth_router.get("/api-keys", response=list[ApiKeyOut], summary="Your API keys")
def api_key_list(request: HttpRequest) -> list:
    return list(selectors.api_key_list(user=request.auth))


@auth_router.delete("/api-keys/{key_id}", response={200: MessageOut, 404: DetailOut}, summary="Revoke a key")
def api_key_revoke(request: HttpRequest, key_id: int) -> Status:
    api_key = selectors.api_key_get(user=request.auth, key_id=key_id)
    if api_key is None:
        raise not_found("API key")
    services.api_key_revoke(api_key=api_key)
    return Status(200, {"message": f"API key {api_key.name!r} revoked."})


api.add_router("/auth", auth_router)
# The apps' routers are mounted on this API by the top of the site, webroot.api: the bottom
# package imports no app.
