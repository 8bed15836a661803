"""Back-office views that span the apps: find an item by its public URL, and queue health.

They hang off the gallery's and media_gen's ModelAdmins (``get_urls``), so they are served under
``/admin/`` with the admin's sign-in, CSRF and layout.
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django_q.models import Failure, OrmQ

from gallery.models import Asset
from media_gen import selectors as media_selectors
from media_gen.models import Generation
from simulation import selectors as simulation_selectors
from simulation.models import Render

# Paths that name an item, with or without scheme and host: the API's own, the SPA's, the admin's.
GENERATION_PATHS = (
    re.compile(r"^/?api/(?P<kind>video|image)s/(?P<id>\d+)(?:/(?:data|thumbnail))?/?$"),
    re.compile(r"^/?(?P<kind>video|image)/(?P<id>\d+)/?$"),
    re.compile(r"^/?admin/media_gen/generation/(?P<id>\d+)(?:/change)?/?$"),
)
RENDER_PATHS = (
    re.compile(r"^/?api/genesis/videos/(?P<id>\d+)(?:/(?:data|thumbnail))?/?$"),
    re.compile(r"^/?admin/simulation/render/(?P<id>\d+)(?:/change)?/?$"),
)
ASSET_PATHS = (
    re.compile(r"^/?api/admin/storage/videos/(?P<id>\d+)/?$"),
    re.compile(r"^/?admin/gallery/asset/(?P<id>\d+)(?:/(?:change|data))?/?$"),
)
PLAIN_ID = re.compile(r"^#?(?P<id>\d+)$")


@dataclass
class Found:
    """One item a reference points at, with the admin pages and the stored asset behind it."""

    label: str
    obj: object
    change_url: str
    changelist_url: str
    asset: Asset | None
    thumbnail_url: str
    public_url: str
    deletable: bool = False

    @property
    def delete_url(self) -> str:
        return self.change_url.removesuffix("change/") + "delete/"

    def may_delete(self, user) -> bool:
        opts = self.obj._meta
        return user.has_perm(f"{opts.app_label}.delete_{opts.model_name}")


def _generation(pk: int, kind: str | None = None) -> list[Found]:
    generations = Generation.objects.select_related("owner", "asset").defer("asset__data").filter(pk=pk)
    if kind:
        generations = generations.filter(kind=kind)
    found = []
    for generation in generations:
        plural = f"{generation.kind}s"
        found.append(
            Found(
                label=f"{generation.get_kind_display()} generation",
                obj=generation,
                change_url=reverse("admin:media_gen_generation_change", args=[generation.pk]),
                changelist_url=reverse("admin:media_gen_generation_changelist"),
                asset=generation.asset,
                thumbnail_url=f"/api/{plural}/{generation.pk}/thumbnail" if generation.asset_id else "",
                public_url=f"/{generation.kind}/{generation.pk}",
            )
        )
    return found


def _render(pk: int) -> list[Found]:
    return [
        Found(
            label="Simulation render",
            obj=render,
            change_url=reverse("admin:simulation_render_change", args=[render.pk]),
            changelist_url=reverse("admin:simulation_render_changelist"),
            asset=render.asset,
            thumbnail_url=f"/api/genesis/videos/{render.pk}/thumbnail" if render.asset_id else "",
            public_url=f"/api/genesis/videos/{render.pk}/data",
        )
        for render in Render.objects.select_related("owner", "asset").defer("asset__data").filter(pk=pk)
    ]


def _asset(pk: int) -> list[Found]:
    return [
        Found(
            label=f"Stored {asset.get_kind_display().lower()}",
            obj=asset,
            change_url=reverse("admin:gallery_asset_change", args=[asset.pk]),
            changelist_url=reverse("admin:gallery_asset_changelist"),
            asset=asset,
            thumbnail_url=reverse("admin:gallery_asset_data", args=[asset.thumbnail_id])
            if asset.thumbnail_id
            else "",
            public_url="",
        )
        for asset in Asset.objects.select_related("owner").filter(pk=pk)
    ]


def item_references(text: str) -> list[Found]:
    """Everything ``text`` may mean: a public URL or path names one item; a bare id may name several."""
    text = text.strip()
    if not text:
        return []
    path = urlsplit(text).path if "://" in text else text.split("?", 1)[0].split("#", 1)[0] or text
    for pattern in GENERATION_PATHS:
        if match := pattern.match(path):
            return _generation(int(match["id"]), match.groupdict().get("kind"))
    for pattern in RENDER_PATHS:
        if match := pattern.match(path):
            return _render(int(match["id"]))
    for pattern in ASSET_PATHS:
        if match := pattern.match(path):
            return _asset(int(match["id"]))
    if match := PLAIN_ID.match(text):
        pk = int(match["id"])
        return _generation(pk) + _render(pk) + _asset(pk)
    return []


def item_find(request: HttpRequest, model_admin: admin.ModelAdmin) -> TemplateResponse:
    """A moderator pastes a public URL (``/api/videos/12/data``, ``/video/12``) or an id."""
    if not request.user.has_perm("gallery.moderate"):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()
    results = item_references(query) if query else []
    for found in results:
        found.deletable = found.may_delete(request.user)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Find an item",
        "subtitle": None,
        "opts": model_admin.model._meta,
        "query": query,
        "results": results,
        "searched": bool(query),
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, "admin/back_office/find.html", context)


def _in_words(span: timedelta) -> str:
    """'30 minutes' rather than a timedelta's '0:30:00' in the captions."""
    minutes = round(span.total_seconds() / 60)
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def queue_health(request: HttpRequest, model_admin: admin.ModelAdmin) -> TemplateResponse:
    """What is stuck or failing, each with the admin action that fixes it."""
    if not request.user.has_perm("gallery.view_operations"):
        raise PermissionDenied
    now = timezone.now()
    orm_broker = "orm" in settings.Q_CLUSTER
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Queue health",
        "subtitle": None,
        "opts": model_admin.model._meta,
        "stuck_generations": list(media_selectors.generations_stuck(now=now)[:100]),
        "stuck_after": _in_words(media_selectors.STUCK_AFTER),
        "failing_downloads": list(media_selectors.generations_download_failing(now=now)[:100]),
        "stuck_renders": list(simulation_selectors.renders_stuck(now=now)[:100]),
        "render_stuck_after": _in_words(simulation_selectors.RENDER_STUCK_AFTER),
        "failed_renders": list(simulation_selectors.renders_failed_recently(now=now)[:100]),
        "failed_tasks": list(
            Failure.objects.filter(stopped__gte=now - timedelta(days=1)).order_by("-stopped")[:20]
        ),
        "queued_tasks": OrmQ.objects.count() if orm_broker else None,
        "generation_changelist": reverse("admin:media_gen_generation_changelist"),
        "render_changelist": reverse("admin:simulation_render_changelist"),
        "can_fix_generations": request.user.has_perm("media_gen.change_generation"),
        "can_fix_renders": request.user.has_perm("simulation.change_render"),
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, "admin/back_office/queue_health.html", context)
