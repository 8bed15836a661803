"""Validating and typing a run's inputs against the model's (flattened) input schema."""

import math
from typing import Any

from simpoc.services import ServiceError

STRING_MAX_CHARS = 20_000
URI_MAX_CHARS = 16 * 1024 * 1024
ARRAY_MAX_ITEMS = 100


class InputsInvalid(ServiceError):
    status_code = 422

    def __init__(self, errors: list[dict[str, str]]):
        summary = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
        super().__init__(f"Invalid input. {summary}")
        self.errors = errors


class _Bad(ValueError):
    pass


def _integer(value: Any) -> int:
    if isinstance(value, bool):
        raise _Bad("must be an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise _Bad("must be an integer")


def _number(value: Any) -> float | int:
    if isinstance(value, bool):
        raise _Bad("must be a number")
    if isinstance(value, int | float):
        number = value
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            raise _Bad("must be a number") from None
    else:
        raise _Bad("must be a number")
    if isinstance(number, float) and not math.isfinite(number):
        raise _Bad("must be a finite number")
    return number


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
        return value.strip().lower() == "true"
    raise _Bad("must be true or false")


def _uri(value: str) -> str:
    if len(value) > URI_MAX_CHARS:
        raise _Bad("is too long")
    # "/api/images/{id}/data" is one of our own images; the run turns it into a URL Replicate can fetch.
    if not value.startswith(("http://", "https://", "data:", "/api/images/", "/api/videos/")):
        raise _Bad("must be an http(s) URL or a data: URL")
    return value


def _string(value: Any, spec: dict[str, Any]) -> str:
    if not isinstance(value, str):
        raise _Bad("must be text")
    if spec.get("format") == "uri":
        return _uri(value)
    if len(value) > int(spec.get("maxLength") or STRING_MAX_CHARS):
        raise _Bad(f"must be at most {spec.get('maxLength') or STRING_MAX_CHARS} characters")
    if len(value) < int(spec.get("minLength") or 0):
        raise _Bad(f"must be at least {spec['minLength']} characters")
    return value


def _typed(value: Any, spec: dict[str, Any]) -> Any:
    kind = spec.get("type")
    if kind is None and "enum" in spec and spec["enum"]:
        sample = spec["enum"][0]
        kind = "integer" if isinstance(sample, int) else "number" if isinstance(sample, float) else "string"
    if kind == "integer":
        value = _integer(value)
    elif kind == "number":
        value = _number(value)
    elif kind == "boolean":
        value = _boolean(value)
    elif kind == "array":
        if not isinstance(value, list):
            raise _Bad("must be a list")
        if len(value) > int(spec.get("maxItems") or ARRAY_MAX_ITEMS):
            raise _Bad("has too many items")
        item_spec = spec.get("items") or {}
        typed = []
        for index, item in enumerate(value):
            try:
                typed.append(_typed(item, item_spec))
            except _Bad as exc:
                raise _Bad(f"item {index} {exc}") from None
        value = typed
    elif kind == "string" or kind is None:
        value = _string(value, spec)
    elif kind == "object" and not isinstance(value, dict):
        raise _Bad("must be an object")
    if "enum" in spec and value not in spec["enum"]:
        raise _Bad("must be one of " + ", ".join(str(choice) for choice in spec["enum"]))
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in spec and value < spec["minimum"]:
            raise _Bad(f"must be at least {spec['minimum']}")
        if "maximum" in spec and value > spec["maximum"]:
            raise _Bad(f"must be at most {spec['maximum']}")
        if "exclusiveMinimum" in spec and value <= spec["exclusiveMinimum"]:
            raise _Bad(f"must be more than {spec['exclusiveMinimum']}")
        if "exclusiveMaximum" in spec and value >= spec["exclusiveMaximum"]:
            raise _Bad(f"must be less than {spec['exclusiveMaximum']}")
    return value


def inputs_validate(
    *, properties: dict[str, Any], required: list[str], inputs: dict[str, Any]
) -> dict[str, Any]:
    """The inputs typed as the schema says, without empty optional values; InputsInvalid lists every problem."""
    errors: list[dict[str, str]] = []
    cleaned: dict[str, Any] = {}
    for name in inputs:
        if name not in properties:
            errors.append({"field": f"input.{name}", "message": "is not an input of this model"})
    for name, spec in properties.items():
        value = inputs.get(name)
        # A form sends "" for a field left empty; only a plain text field can mean "" literally.
        empty = value == "" and (
            spec.get("type") != "string" or spec.get("format") == "uri" or name in required
        )
        if value is None or empty:
            if name in required:
                errors.append({"field": f"input.{name}", "message": "is required"})
            continue
        try:
            cleaned[name] = _typed(value, spec)
        except _Bad as exc:
            errors.append({"field": f"input.{name}", "message": str(exc)})
    if errors:
        raise InputsInvalid(errors)
    return cleaned
