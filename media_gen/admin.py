"""Django admin of media generation: generations with their download attempts."""

from django.contrib import admin

from media_gen.models import DownloadAttempt, Generation, WebhookReceipt


class DownloadAttemptInline(admin.TabularInline):
    model = DownloadAttempt
    extra = 0
    can_delete = False
    fields = ("started_at", "finished_at", "succeeded", "http_status", "bytes_received", "error", "url")
    readonly_fields = fields


@admin.register(Generation)
class GenerationAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "kind",
        "status",
        "model_id",
        "owner",
        "short_error",
        "download_tries",
        "created_at",
    )
    list_filter = ("kind", "status", "collection", "webhook_requested")
    search_fields = ("prompt", "model_id", "prediction_id", "owner__username", "error")
    list_select_related = ("owner",)
    raw_id_fields = ("owner", "asset")
    readonly_fields = (
        "prediction_id",
        "upstream_status",
        "output",
        "output_url",
        "upstream_completed_at",
        "webhook_requested",
        "download_tries",
        "download_next_at",
        "download_claimed_until",
        "created_at",
        "updated_at",
        "completed_at",
    )
    inlines = [DownloadAttemptInline]
    date_hierarchy = "created_at"

    @admin.display(description="error")
    def short_error(self, obj: Generation) -> str:
        return obj.error[:80]


@admin.register(DownloadAttempt)
class DownloadAttemptAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "generation",
        "succeeded",
        "http_status",
        "bytes_received",
        "short_error",
        "started_at",
    )
    list_filter = ("succeeded",)
    search_fields = ("error", "url", "generation__prediction_id")
    raw_id_fields = ("generation",)

    @admin.display(description="error")
    def short_error(self, obj: DownloadAttempt) -> str:
        return obj.error[:80]


@admin.register(WebhookReceipt)
class WebhookReceiptAdmin(admin.ModelAdmin):
    list_display = ("webhook_id", "generation", "received_at")
    search_fields = ("webhook_id",)
    raw_id_fields = ("generation",)
