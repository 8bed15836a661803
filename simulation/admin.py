"""Django admin of this app."""

from django.contrib import admin

from simulation.models import Render, Scene


@admin.register(Scene)
class SceneAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "owner", "model", "created_at")
    list_filter = ("model",)
    search_fields = ("name", "prompt", "owner__username")
    raw_id_fields = ("owner",)
    readonly_fields = ("created_at", "updated_at")


@admin.register(Render)
class RenderAdmin(admin.ModelAdmin):
    list_display = ("id", "owner", "status", "frames_done", "frames_total", "quality", "created_at")
    list_filter = ("status", "quality", "renderer")
    search_fields = ("owner__username", "error")
    raw_id_fields = ("owner", "asset")
    readonly_fields = (
        "created_at",
        "started_at",
        "finished_at",
        "updated_at",
        "frames_done",
        "error",
        "metadata",
    )
