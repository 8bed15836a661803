"""Django admin of the gallery: assets with moderation, the review queue, the storage dashboard."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from gallery import moderation, services
from gallery.admin_views import BackOfficeChangeForm, ModerationActions, run_per_item
from gallery.models import Asset, AssetFlag
from gallery.streaming import asset_response


@admin.register(Asset)
class AssetAdmin(BackOfficeChangeForm, ModerationActions, admin.ModelAdmin):
    list_display = (
        "id",
        "preview_image",
        "kind",
        "owner",
        "content_type",
        "size",
        "favorite",
        "hidden_at",
        "open_flags",
        "created_at",
    )
    list_filter = (
        "kind",
        "content_type",
        "favorite",
        ("hidden_at", admin.EmptyFieldListFilter),
        "created_at",
    )
    search_fields = ("=id", "owner__username", "original_filename", "sha256", "hidden_reason")
    date_hierarchy = "created_at"
    list_select_related = ("owner",)
    raw_id_fields = ("owner", "thumbnail", "hidden_by")
    readonly_fields = (
        "preview",
        "owner",
        "kind",
        "content_type",
        "size_bytes",
        "sha256",
        "width",
        "height",
        "duration",
        "storage_key",
        "thumbnail",
        "original_filename",
        "favorite",
        "created_at",
        "hidden_at",
        "hidden_by",
        "hidden_reason",
        "flag_history",
    )
    actions = ("hide_items", "unhide_items", "flag_items", "dismiss_flags")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # stored bytes come in through asset_store (uploads, downloads, renders)

    def get_urls(self) -> list:
        # The storage dashboard and "find an item" under this path are backoffice.sites' pages.
        site = self.admin_site
        urls = [path("<int:asset_id>/data/", site.admin_view(self.data_view), name="gallery_asset_data")]
        return urls + super().get_urls()

    def data_view(self, request: HttpRequest, asset_id: int) -> HttpResponse:
        asset = get_object_or_404(Asset, pk=asset_id)
        if not self.has_view_permission(request, asset):
            raise PermissionDenied
        return asset_response(request, asset)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Asset]:
        return (
            super()
            .get_queryset(request)
            .defer("data")
            .annotate(open_flag_count=Count("flags", filter=Q(flags__resolved_at__isnull=True)))
        )

    def moderation_asset(self, obj: Asset) -> Asset:
        return obj

    def delete_model(self, request: HttpRequest, obj: Asset) -> None:
        services.asset_delete(asset=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Asset]) -> None:
        for asset in queryset:
            services.asset_delete(asset=asset)

    @admin.display(description="size", ordering="size_bytes")
    def size(self, asset: Asset) -> str:
        return filesizeformat(asset.size_bytes)

    @admin.display(description="open flags", ordering="open_flag_count")
    def open_flags(self, asset: Asset) -> int:
        return asset.open_flag_count

    @admin.display(description="")
    def preview_image(self, asset: Asset) -> str:
        target = asset.thumbnail_id or (
            asset.pk if asset.kind in (Asset.Kind.THUMBNAIL, Asset.Kind.IMAGE) else None
        )
        if target is None:
            return "-"
        url = reverse("admin:gallery_asset_data", args=[target])
        return format_html('<img src="{}" alt="" loading="lazy" class="bo-thumb">', url)

    @admin.display(description="Preview")
    def preview(self, asset: Asset) -> str:
        if asset.pk is None:
            return "-"
        url = reverse("admin:gallery_asset_data", args=[asset.pk])
        link = format_html('<a href="{}" target="_blank" rel="noopener">open the stored bytes</a>', url)
        if asset.kind == Asset.Kind.AUDIO:  # listen before deciding, as one looks at a picture
            return format_html('<audio controls preload="none" src="{}"></audio><br>{}', url, link)
        return link

    @admin.display(description="flags")
    def flag_history(self, asset: Asset) -> str:
        flags = list(asset.flags.select_related("flagged_by", "resolved_by"))
        if not flags:
            return "never flagged"
        items = format_html_join(
            "",
            "<li>{} by {}: {} — {}</li>",
            (
                (
                    flag.created_at.strftime("%Y-%m-%d %H:%M"),
                    flag.flagged_by or "?",
                    flag.reason,
                    f"{flag.get_resolution_display()} by {flag.resolved_by}" if flag.resolved_at else "open",
                )
                for flag in flags
            ),
        )
        return format_html("<ul>{}</ul>", items)


class OpenFlagFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return (("yes", "Open (the review queue)"), ("no", "Resolved"))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(resolved_at__isnull=True)
        if self.value() == "no":
            return queryset.filter(resolved_at__isnull=False)
        return queryset


@admin.register(AssetFlag)
class AssetFlagAdmin(admin.ModelAdmin):
    """The review queue: open flags oldest first; hide, dismiss or delete the flagged item."""

    list_display = (
        "id",
        "item_preview",
        "item",
        "owner",
        "reason",
        "flagged_by",
        "created_at",
        "state",
    )
    list_filter = (OpenFlagFilter, "resolution", "created_at")
    search_fields = ("=asset__id", "reason", "asset__owner__username")
    list_select_related = ("asset", "asset__owner", "flagged_by", "resolved_by")
    readonly_fields = (
        "asset",
        "item_preview",
        "reason",
        "flagged_by",
        "created_at",
        "resolved_at",
        "resolved_by",
        "resolution",
    )
    fields = readonly_fields
    actions = ("hide_flagged", "dismiss_flagged", "delete_flagged_items")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # flag from the item's own admin (the "Flag" action), with a reason

    def get_queryset(self, request: HttpRequest) -> QuerySet[AssetFlag]:
        return super().get_queryset(request).defer("asset__data")

    def get_ordering(self, request: HttpRequest):
        # The queue is worked oldest first; the history is read newest first.
        return ("created_at", "id") if request.GET.get("open") == "yes" else ("-created_at", "-id")

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("gallery.moderate")

    @admin.display(description="item")
    def item(self, flag: AssetFlag) -> str:
        url = reverse("admin:gallery_asset_change", args=[flag.asset_id])
        hidden = " (hidden)" if flag.asset.hidden_at else ""
        return format_html('<a href="{}">{}</a>{}', url, flag.asset, hidden)

    @admin.display(description="owner")
    def owner(self, flag: AssetFlag) -> str:
        return flag.asset.owner.username

    @admin.display(description="")
    def item_preview(self, flag: AssetFlag) -> str:
        asset = flag.asset
        target = asset.thumbnail_id or (asset.pk if asset.kind == Asset.Kind.IMAGE else None)
        if target is None:
            return "-"
        url = reverse("admin:gallery_asset_data", args=[target])
        return format_html('<img src="{}" alt="" loading="lazy" class="bo-thumb">', url)

    @admin.display(description="state")
    def state(self, flag: AssetFlag) -> str:
        if flag.resolved_at is None:
            return "open"
        return f"{flag.get_resolution_display()} by {flag.resolved_by or '?'}"

    def _open_assets(self, queryset: QuerySet[AssetFlag]) -> list[Asset]:
        seen: dict[int, Asset] = {}
        for flag in queryset.filter(resolved_at__isnull=True):
            seen.setdefault(flag.asset_id, flag.asset)
        return list(seen.values())

    @admin.action(description="Hide the flagged items (reason: the flag's reason)", permissions=["moderate"])
    def hide_flagged(self, request: HttpRequest, queryset: QuerySet[AssetFlag]) -> None:
        reasons = dict(queryset.filter(resolved_at__isnull=True).values_list("asset_id", "reason"))

        def hide(asset: Asset) -> str:
            moderation.asset_moderate_hide(asset=asset, by=request.user, reason=reasons[asset.pk])
            return "hidden"

        run_per_item(self, request, self._open_assets(queryset), verb="Hid", apply=hide)

    @admin.action(description="Dismiss the selected flags (the items stay visible)", permissions=["moderate"])
    def dismiss_flagged(self, request: HttpRequest, queryset: QuerySet[AssetFlag]) -> None:
        def dismiss(asset: Asset) -> str:
            return f"{moderation.asset_flag_dismiss(asset=asset, by=request.user)} flag(s) closed"

        run_per_item(self, request, self._open_assets(queryset), verb="Dismissed flags of", apply=dismiss)

    @admin.action(
        description="Delete the flagged items (their stored bytes too)", permissions=["delete_item"]
    )
    def delete_flagged_items(self, request: HttpRequest, queryset: QuerySet[AssetFlag]) -> None:
        assets = {flag.asset_id: flag.asset for flag in queryset}
        names = [str(asset) for asset in assets.values()]
        for asset in assets.values():
            services.asset_delete(asset=asset)
        self.message_user(request, f"Deleted {len(names)} item(s): " + "; ".join(names), messages.SUCCESS)

    def has_delete_item_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("gallery.delete_asset")
