"""Django admin of the simulation: scenes, and renders with their progress, errors and re-render."""

import json

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html

from gallery.admin_views import BackOfficeChangeForm, ModerationActions, run_per_item
from gallery.models import Asset
from simulation import services
from simulation.models import Render, Scene


def _pretty_json(value: object) -> str:
    return format_html('<pre class="bo-json">{}</pre>', json.dumps(value, indent=2))


@admin.register(Scene)
class SceneAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "owner", "model", "object_count", "created_at")
    list_filter = ("model", "created_at")
    search_fields = ("=id", "name", "prompt", "owner__username")
    list_select_related = ("owner",)
    date_hierarchy = "created_at"
    fields = ("owner", "name", "prompt", "model", "scene_pretty", "metadata", "created_at", "updated_at")
    readonly_fields = ("owner", "prompt", "model", "scene_pretty", "metadata", "created_at", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # scenes come from the generator or the editor, validated against the scene format

    @admin.display(description="objects")
    def object_count(self, obj: Scene) -> int:
        objects = obj.scene_data.get("objects") if isinstance(obj.scene_data, dict) else None
        return len(objects) if isinstance(objects, dict | list) else 0

    @admin.display(description="scene")
    def scene_pretty(self, obj: Scene) -> str:
        return _pretty_json(obj.scene_data)

    def delete_model(self, request: HttpRequest, obj: Scene) -> None:
        services.scene_delete(scene=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Scene]) -> None:
        for scene in queryset:
            services.scene_delete(scene=scene)


@admin.register(Render)
class RenderAdmin(BackOfficeChangeForm, ModerationActions, admin.ModelAdmin):
    list_display = (
        "id",
        "preview",
        "owner",
        "status",
        "progress_column",
        "video_column",
        "quality",
        "size",
        "short_error",
        "created_at",
    )
    list_filter = ("status", "quality", "renderer", "created_at")
    search_fields = ("=id", "owner__username", "error", "scene_context")
    list_select_related = ("owner", "asset")
    date_hierarchy = "created_at"
    actions = ("rerender", "cancel_renders", "hide_items", "unhide_items", "flag_items", "dismiss_flags")
    primary_object_actions = ("rerender", "hide_items")
    object_action_labels = {
        **BackOfficeChangeForm.object_action_labels,
        "rerender": "Re-render",
        "cancel_renders": "Cancel",
    }
    fields = (
        "owner",
        "status",
        "progress_column",
        "error",
        "preview_large",
        "asset",
        "quality",
        "renderer",
        "duration",
        "fps",
        "resolution",
        "camera_config",
        "scene_context",
        "scene_pretty",
        "metadata",
        "cancel_requested",
        "created_at",
        "started_at",
        "finished_at",
        "updated_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # renders are requested from the editor or the API, with their limits checked

    def get_queryset(self, request: HttpRequest) -> QuerySet[Render]:
        return super().get_queryset(request).defer("asset__data")

    def moderation_asset(self, obj: Render) -> Asset | None:
        return obj.asset

    @admin.display(description="")
    def preview(self, obj: Render) -> str:
        if not obj.asset_id:
            return "-"
        return format_html(
            '<img src="/api/genesis/videos/{}/thumbnail" alt="" loading="lazy" class="bo-thumb">',
            obj.pk,
        )

    @admin.display(description="video")
    def preview_large(self, obj: Render) -> str:
        if not obj.asset_id:
            return "no video yet"
        return format_html(
            '<video src="/api/genesis/videos/{0}/data" poster="/api/genesis/videos/{0}/thumbnail" controls '
            'preload="none" class="bo-preview"></video>',
            obj.pk,
        )

    @admin.display(description="progress")
    def progress_column(self, obj: Render) -> str:
        return f"{obj.progress:.0%} ({obj.frames_done}/{obj.frames_total} frames)"

    @admin.display(description="video", ordering="duration")
    def video_column(self, obj: Render) -> str:
        # One column for the three numbers, so the list fits a laptop's width.
        return f"{obj.resolution}, {obj.duration:g} s at {obj.fps} fps"

    @admin.display(description="size", ordering="asset__size_bytes")
    def size(self, obj: Render) -> str:
        return filesizeformat(obj.asset.size_bytes) if obj.asset_id else "-"

    @admin.display(description="error")
    def short_error(self, obj: Render) -> str:
        return obj.error[:120]

    @admin.display(description="scene")
    def scene_pretty(self, obj: Render) -> str:
        return _pretty_json(obj.scene_data)

    @admin.action(description="Re-render with the same scene and settings", permissions=["change"])
    def rerender(self, request: HttpRequest, queryset: QuerySet[Render]) -> HttpResponse | None:
        def again(render: Render) -> str:
            new = services.render_request(
                user=render.owner,
                scene_data=render.scene_data,
                duration=render.duration,
                fps=render.fps,
                resolution=(render.width, render.height),
                quality=render.quality,
                camera_config=render.camera_config,
                scene_context=render.scene_context,
            )
            return f"queued as render #{new.pk}, now {new.status}"

        return run_per_item(self, request, queryset, verb="Re-rendered", apply=again)

    @admin.action(description="Cancel the selected renders", permissions=["change"])
    def cancel_renders(self, request: HttpRequest, queryset: QuerySet[Render]) -> HttpResponse | None:
        def cancel(render: Render) -> str:
            return f"now {services.render_cancel(render=render).status}"

        return run_per_item(self, request, queryset, verb="Canceled", apply=cancel)

    def delete_model(self, request: HttpRequest, obj: Render) -> None:
        services.render_delete(render=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Render]) -> None:
        for render in queryset:
            services.render_delete(render=render)
