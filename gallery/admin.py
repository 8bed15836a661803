"""Django admin of the gallery: browse assets, moderate (hide/unhide), delete with their thumbnail."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html

from gallery import services
from gallery.models import Asset
from gallery.streaming import asset_response


@admin.register(Asset)
class AssetAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "kind",
        "owner",
        "content_type",
        "size_bytes",
        "favorite",
        "hidden_at",
        "created_at",
    )
    list_filter = ("kind", "content_type", "favorite", ("hidden_at", admin.EmptyFieldListFilter))
    search_fields = ("owner__username", "original_filename", "sha256")
    date_hierarchy = "created_at"
    list_select_related = ("owner",)
    raw_id_fields = ("owner", "thumbnail", "hidden_by")
    readonly_fields = (
        "preview",
        "content_type",
        "size_bytes",
        "sha256",
        "width",
        "height",
        "duration",
        "storage_key",
        "created_at",
        "hidden_at",
        "hidden_by",
    )
    actions = ("hide_selected", "unhide_selected")

    def get_urls(self) -> list:
        urls = [
            path(
                "<int:asset_id>/data/",
                self.admin_site.admin_view(self.data_view),
                name="gallery_asset_data",
            )
        ]
        return urls + super().get_urls()

    def data_view(self, request: HttpRequest, asset_id: int) -> HttpResponse:
        asset = get_object_or_404(Asset, pk=asset_id)
        if not self.has_view_permission(request, asset):
            raise PermissionDenied
        return asset_response(request, asset)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Asset]:
        return super().get_queryset(request).defer("data")

    @admin.display(description="Preview")
    def preview(self, asset: Asset) -> str:
        if asset.pk is None:
            return "-"
        url = reverse("admin:gallery_asset_data", args=[asset.pk])
        return format_html('<a href="{}" target="_blank" rel="noopener">open the stored bytes</a>', url)

    @admin.action(description="Hide the selected assets (moderation)")
    def hide_selected(self, request: HttpRequest, queryset: QuerySet[Asset]) -> None:
        for asset in queryset:
            services.asset_hide(asset=asset, by=request.user, reason="Hidden by a moderator in the admin.")
        self.message_user(request, f"{queryset.count()} assets hidden.", messages.SUCCESS)

    @admin.action(description="Unhide the selected assets")
    def unhide_selected(self, request: HttpRequest, queryset: QuerySet[Asset]) -> None:
        for asset in queryset:
            services.asset_unhide(asset=asset)
        self.message_user(request, f"{queryset.count()} assets visible again.", messages.SUCCESS)
