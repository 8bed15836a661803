"""Script and style tags for the built SPA, read from Vite's manifest."""

import json
from functools import cache
from pathlib import Path

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

ENTRY = "index.html"


def _read_manifest(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return None


@cache
def _manifest_at(path: Path, mtime_ns: int) -> dict | None:
    return _read_manifest(path)


def manifest() -> dict | None:
    """Vite's manifest, read again whenever a rebuild replaced it (one stat per page view)."""
    path = Path(settings.FRONTEND_DIST) / ".vite" / "manifest.json"
    try:
        mtime_ns = path.stat().st_mtime_ns
    except FileNotFoundError:
        return None
    return _manifest_at(path, mtime_ns)


@register.simple_tag
def vite_assets() -> SafeString:
    data = manifest()
    if not data or ENTRY not in data:
        return mark_safe("")
    entry = data[ENTRY]
    styles = format_html_join(
        "", '<link rel="stylesheet" href="{}">', ((static(css),) for css in entry.get("css", []))
    )
    preloads = format_html_join(
        "",
        '<link rel="modulepreload" href="{}">',
        ((static(data[name]["file"]),) for name in entry.get("imports", []) if name in data),
    )
    script = format_html('<script type="module" src="{}"></script>', static(entry["file"]))
    return styles + preloads + script


@register.simple_tag
def frontend_built() -> bool:
    data = manifest()
    return bool(data and ENTRY in data)
