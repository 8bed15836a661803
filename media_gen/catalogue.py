"""Replicate's model catalogue, cached: collections, model input schemas, search.

A fresh copy is kept for CATALOGUE_FRESH_SECONDS; a second, longer-lived copy is the last good
answer, served (marked ``stale``) while Replicate is failing. Input schemas are flattened for
clients: ``$ref``/``allOf`` enums become plain ``enum`` lists, ``x-order`` stays.
"""

import copy
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache

from media_gen import collections, replicate_client
from media_gen.replicate_client import UpstreamError
from simpoc.cachekeys import cache_key
from simpoc.services import ServiceError

CATALOGUE_FRESH_SECONDS = 600
CATALOGUE_STALE_SECONDS = 30 * 24 * 3600
CACHE_PREFIX = "media_gen:catalogue:v1"
MODEL_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


class CatalogueUnavailable(ServiceError):
    status_code = 503


def _cached(key: str, fetch: Callable[[], Any]) -> tuple[Any, bool]:
    """(value, stale). Upstream 404s are not hidden behind an old copy."""
    full_key = cache_key(f"{CACHE_PREFIX}:fresh", key, replicate_client.base_url())
    last_good_key = cache_key(f"{CACHE_PREFIX}:last-good", key, replicate_client.base_url())
    fresh = cache.get(full_key)
    if fresh is not None:
        return fresh, False
    try:
        value = fetch()
    except UpstreamError as exc:
        if exc.status == 404:
            kind, _, name = key.partition(":")
            raise ServiceError(f"No {kind} named {name!r} on Replicate.", status_code=404) from exc
        last_good = cache.get(last_good_key)
        if last_good is not None:
            return last_good, True
        raise CatalogueUnavailable(
            f"The model catalogue is unavailable and nothing is cached yet. {exc}"
        ) from exc
    cache.set(full_key, value, CATALOGUE_FRESH_SECONDS)
    cache.set(last_good_key, value, CATALOGUE_STALE_SECONDS)
    return value, False


def _resolve(node: dict[str, Any], components: dict[str, Any], depth: int = 0) -> dict[str, Any]:
    """Inline ``$ref`` and ``allOf`` parts into the property itself; the property's own keys win."""
    node = dict(node)
    parts: list[dict[str, Any]] = []
    if "$ref" in node:
        parts.append({"$ref": node.pop("$ref")})
    parts.extend(node.pop("allOf", []) or [])
    for part in parts:
        if "$ref" in part and depth < 5:
            target = components.get(str(part["$ref"]).rsplit("/", 1)[-1], {})
            part = _resolve(target, components, depth + 1)
        for key, value in part.items():
            if key in {"title", "description"} and key in node:
                continue
            node.setdefault(key, value)
    if isinstance(node.get("items"), dict):
        node["items"] = _resolve(node["items"], components, depth + 1)
    return node


def schema_flatten(openapi_schema: dict[str, Any] | None) -> tuple[dict[str, Any], list[str]]:
    """(Input.properties with enums inlined, required) of a version's OpenAPI schema."""
    components = copy.deepcopy(((openapi_schema or {}).get("components") or {}).get("schemas") or {})
    input_schema = components.get("Input") or {}
    properties = {
        name: _resolve(prop, components) for name, prop in (input_schema.get("properties") or {}).items()
    }
    return properties, list(input_schema.get("required") or [])


def _model_summary(model: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": model["id"],
        "name": model["name"],
        "owner": model["owner"],
        "description": model["description"],
        "cover_image_url": model["cover_image_url"],
        "latest_version": model["latest_version"],
        "run_count": model["run_count"],
        "input_schema": None,
    }


def catalogue_models(*, kind: str, collection: str | None) -> dict[str, Any]:
    """The models of one of ``kind``'s collections (``media_gen.collections``; its first by default)."""
    slug = collections.collection_for(family=kind, slug=collection).slug
    data, stale = _cached(f"collection:{slug}", lambda: replicate_client.collection_get(slug=slug))
    return {
        "models": [_model_summary(model) for model in data["models"]],
        "collection": slug,
        "demo_mode": settings.REPLICATE_DEMO_MODE,
        "stale": stale,
    }


def _model(owner: str, name: str) -> tuple[dict[str, Any], bool]:
    # Replicate's owner and model names are plain URL path segments; anything else would only
    # reach the HTTP client as an invalid URL.
    if not (MODEL_NAME.fullmatch(owner) and MODEL_NAME.fullmatch(name)):
        raise ServiceError("Give the model as owner/name.", status_code=422)
    return _cached(f"model:{owner}/{name}", lambda: replicate_client.model_get(owner=owner, name=name))


def catalogue_schema(*, owner: str, name: str) -> dict[str, Any]:
    model, stale = _model(owner, name)
    properties, required = schema_flatten(model["openapi_schema"])
    return {
        "input_schema": properties,
        "required": required,
        "version": model["latest_version"],
        "model_id": model["id"],
        "demo_mode": settings.REPLICATE_DEMO_MODE,
        "stale": stale,
    }


def catalogue_search(*, query: str, cursor: str | None) -> dict[str, Any]:
    query = query.strip()[:200]
    if cursor and not cursor.startswith(replicate_client.base_url() + "/v1/models"):
        raise ServiceError(
            "The cursor is not valid; use the 'next' value of a previous page.", status_code=422
        )
    data, stale = _cached(
        f"search:{query}:{cursor or ''}", lambda: replicate_client.models_list(cursor=cursor, query=query)
    )
    results = [
        {
            "owner": model["owner"],
            "name": model["name"],
            "description": model["description"],
            "url": model["url"],
            "cover_image_url": model["cover_image_url"],
            "latest_version": model["latest_version"],
            "run_count": model["run_count"],
        }
        for model in data["results"]
    ]
    return {
        "results": results,
        "next": data["next"],
        "demo_mode": settings.REPLICATE_DEMO_MODE,
        "stale": stale,
    }
