"""Back-office pages that span the apps: find an item by its public URL, queue health, storage.

``backoffice.sites.BackOfficeSite`` serves them under ``/admin/`` (the paths and URL names they had
when the gallery's and media_gen's ModelAdmins served them), with the admin's sign-in, CSRF and
layout. They read the apps through their selectors, never their models.
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_q.models import Failure, OrmQ, Schedule, Task
from django_q.tasks import async_task

from backoffice.backups import last_backup
from backoffice.schedules import BACKUP_SCHEDULE
from gallery import selectors as gallery_selectors
from gallery.apps import RETENTION_SCHEDULE_NAME
from media_gen import selectors as media_selectors
from simpoc import dbspace
from simpoc.models import Backup
from simulation import selectors as simulation_selectors

# Paths that name an item, with or without scheme and host: the API's own, the SPA's, the admin's.
GENERATION_PATHS = (
    re.compile(r"^/?api/(?P<kind>video|image)s/(?P<id>\d+)(?:/(?:data|thumbnail))?/?$"),
    re.compile(r"^/?api/(?P<kind>audio)/(?P<id>\d+)(?:/(?:data|thumbnail))?/?$"),
    re.compile(r"^/?(?P<kind>video|image|audio)/(?P<id>\d+)/?$"),
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
# The API's path of each generation family (audio has no plural).
API_PATHS = {"image": "images", "video": "videos", "audio": "audio"}
PLAIN_ID = re.compile(r"^#?(?P<id>\d+)$")


@dataclass
class Found:
    """One item a reference points at, with the admin pages and the stored asset behind it."""

    label: str
    obj: object
    change_url: str
    changelist_url: str
    asset: Any  # the gallery Asset behind the item, None when nothing is stored yet
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
    found = []
    for generation in media_selectors.generation_find(pk=pk, kind=kind):
        plural = API_PATHS[generation.kind]
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
        for render in simulation_selectors.render_find(pk=pk)
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
        for asset in gallery_selectors.asset_find(pk=pk)
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


# --- The storage dashboard ------------------------------------------------------------------------


def _require(user: AbstractBaseUser, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied


def storage_dashboard(request: HttpRequest, model_admin: admin.ModelAdmin) -> TemplateResponse:
    _require(request.user, "gallery.view_operations")
    stats = gallery_selectors.storage_stats(largest_users=10)
    growth = gallery_selectors.storage_growth_by_day(days=30)
    biggest_day = max((day["bytes"] for day in growth), default=0) or 1
    for day in growth:
        day["percent"] = round(100 * day["bytes"] / biggest_day, 1)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Storage",
        "subtitle": None,
        "opts": model_admin.model._meta,
        "stats": stats,
        "growth": growth,
        "growth_total": sum(day["bytes"] for day in growth),
        "retention_days": settings.RETENTION_DAYS,
        "retention_hooks": settings.RETENTION_HOOKS,
        "retention_schedule": Schedule.objects.filter(name=RETENTION_SCHEDULE_NAME).first(),
        "retention_last": Task.objects.filter(func="gallery.tasks.retention_run")
        .order_by("-stopped")
        .first(),
        "backup": last_backup(),
        "backup_running": Backup.objects.filter(status=Backup.Status.RUNNING).first(),
        "backup_schedule": Schedule.objects.filter(name=BACKUP_SCHEDULE).first(),
        "backup_failed": Backup.Status.FAILED,
        "database_space": dbspace.database_space(),
        "reclaim_schedule": Schedule.objects.filter(name=dbspace.RECLAIM_SCHEDULE).first(),
        "reclaim_last": Task.objects.filter(func="simpoc.tasks.database_reclaim")
        .order_by("-stopped")
        .first(),
        "can_run_retention": request.user.has_perm("gallery.run_retention"),
        "can_run_backup": request.user.has_perm("simpoc.add_backup"),
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, "admin/back_office/storage.html", context)


@require_POST
def retention_run_now(request: HttpRequest, model_admin: admin.ModelAdmin) -> HttpResponseRedirect:
    _require(request.user, "gallery.run_retention")
    if settings.RETENTION_DAYS <= 0:
        model_admin.message_user(
            request,
            "Retention is off (RETENTION_DAYS is 0): nothing expires, so no run was queued.",
            messages.WARNING,
        )
    else:
        task_id = async_task("gallery.tasks.retention_run", task_name=f"retention (admin, {request.user})")
        model_admin.message_user(
            request,
            f"Retention run queued (task {task_id}): assets older than {settings.RETENTION_DAYS} days "
            "that are not favourites will be deleted.",
            messages.SUCCESS,
        )
    return HttpResponseRedirect(reverse(f"{model_admin.admin_site.name}:gallery_storage_dashboard"))
