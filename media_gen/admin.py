"""Django admin of media generation: generations with their prediction, webhooks and download attempts.

Every action calls a service of ``media_gen.services`` (the API's own workflows) and reports what
happened to each selected generation; moderation acts on the stored output (a gallery asset).
"""

import json

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.timesince import timesince

from gallery.admin_views import BackOfficeChangeForm, ModerationActions, run_per_item
from gallery.models import Asset
from media_gen import services
from media_gen.models import DownloadAttempt, Generation, GenerationOutput, WebhookReceipt

# The API's path of each record family: /api/images/1, /api/videos/1, /api/audio/1.
API_PATHS = {Generation.Kind.IMAGE: "images", Generation.Kind.VIDEO: "videos", Generation.Kind.AUDIO: "audio"}


def _pretty_json(value: object) -> str:
    return format_html('<pre class="bo-json">{}</pre>', json.dumps(value, indent=2))


class DownloadAttemptInline(admin.TabularInline):
    model = DownloadAttempt
    extra = 0
    can_delete = False
    fields = ("started_at", "finished_at", "succeeded", "http_status", "bytes_received", "error", "url")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class GenerationOutputInline(admin.TabularInline):
    """Every file of the output, in the model's order: which were stored, and why one was not."""

    model = GenerationOutput
    extra = 0
    can_delete = False
    fields = ("position", "stored_asset", "error", "url_short")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description="Asset")
    def stored_asset(self, output: GenerationOutput) -> str:
        if output.asset_id is None:
            return "—"
        url = reverse("admin:gallery_asset_change", args=[output.asset_id])
        return format_html('<a href="{}">#{}</a>', url, output.asset_id)

    @admin.display(description="URL")
    def url_short(self, output: GenerationOutput) -> str:
        return output.url if not output.url.startswith("data:") else f"{output.url[:40]}…"


@admin.register(Generation)
class GenerationAdmin(BackOfficeChangeForm, ModerationActions, admin.ModelAdmin):
    list_display = (
        "id",
        "preview",
        "status",
        "short_error",
        "kind",
        "model_id",
        "owner",
        "age",
        "size",
        "download_tries",
    )
    list_filter = (
        "status",
        "kind",
        "model_id",
        ("owner", admin.RelatedOnlyFieldListFilter),
        "created_at",
        "collection",
        "webhook_requested",
    )
    search_fields = ("=id", "prompt", "text_output", "=prediction_id", "owner__username", "error")
    search_help_text = "Prompt or text output, prediction id, generation id, owner or error text."
    list_select_related = ("owner", "asset")
    date_hierarchy = "created_at"
    inlines = [GenerationOutputInline, DownloadAttemptInline]
    actions = (
        "retry_download",
        "rerun",
        "cancel_generations",
        "refresh_upstream",
        "hide_items",
        "unhide_items",
        "flag_items",
        "dismiss_flags",
    )
    primary_object_actions = ("retry_download", "rerun", "hide_items")
    object_action_labels = {
        **BackOfficeChangeForm.object_action_labels,
        "retry_download": "Retry the download",
        "rerun": "Re-run",
        "cancel_generations": "Cancel",
        "refresh_upstream": "Check on Replicate now",
    }
    fieldsets = (
        (
            None,
            {"fields": ("owner", "kind", "status", "model_id", "version", "collection", "favorite", "error")},
        ),
        (
            "Output",
            {
                "fields": (
                    "preview_large",
                    "asset_link",
                    "text_output",
                    "created_at",
                    "updated_at",
                    "completed_at",
                )
            },
        ),
        ("Inputs", {"fields": ("prompt", "inputs_pretty")}),
        (
            "Prediction on Replicate",
            {
                "fields": (
                    "prediction_id",
                    "upstream_status",
                    "output_pretty",
                    "output_url",
                    "upstream_completed_at",
                    "webhook_requested",
                    "webhooks_received",
                )
            },
        ),
        (
            "Download",
            {
                "fields": (
                    "download_phase",
                    "download_bytes_received",
                    "download_bytes_total",
                    "download_tries",
                    "download_next_at",
                    "download_claimed_until",
                )
            },
        ),
    )
    readonly_fields = tuple(name for _title, options in fieldsets for name in options["fields"])

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # generations start from the site or the API, validated against the model's schema

    def get_queryset(self, request: HttpRequest) -> QuerySet[Generation]:
        return super().get_queryset(request).defer("asset__data")

    def moderation_asset(self, obj: Generation) -> Asset | None:
        return obj.asset

    # --- columns and fields ------------------------------------------------------------------------

    @admin.display(description="")
    def preview(self, obj: Generation) -> str:
        if not obj.asset_id:
            return "-"
        return format_html(
            '<img src="/api/{}/{}/thumbnail" alt="" loading="lazy" class="bo-thumb">',
            API_PATHS[obj.kind],
            obj.pk,
        )

    @admin.display(description="preview")
    def preview_large(self, obj: Generation) -> str:
        if not obj.asset_id:
            return "no stored output"
        preview = format_html(
            '<a href="/api/{0}/{1}/data" target="_blank" rel="noopener">'
            '<img src="/api/{0}/{1}/thumbnail" alt="" class="bo-preview"></a>',
            API_PATHS[obj.kind],
            obj.pk,
        )
        if obj.kind == Generation.Kind.AUDIO:  # the waveform, and a player to listen before moderating
            preview += format_html(
                '<br><audio controls preload="none" src="/api/audio/{}/data"></audio>', obj.pk
            )
        return preview

    @admin.display(description="stored output")
    def asset_link(self, obj: Generation) -> str:
        if not obj.asset_id:
            return "-"
        hidden = f" — hidden: {obj.asset.hidden_reason}" if obj.asset.hidden_at else ""
        url = reverse("admin:gallery_asset_change", args=[obj.asset_id])
        return format_html('<a href="{}">{}</a>{}', url, obj.asset, hidden)

    @admin.display(description="age", ordering="created_at")
    def age(self, obj: Generation) -> str:
        return timesince(obj.created_at, timezone.now(), depth=1)

    @admin.display(description="size", ordering="asset__size_bytes")
    def size(self, obj: Generation) -> str:
        return filesizeformat(obj.asset.size_bytes) if obj.asset_id else "-"

    @admin.display(description="error")
    def short_error(self, obj: Generation) -> str:
        return obj.error[:120]

    @admin.display(description="inputs")
    def inputs_pretty(self, obj: Generation) -> str:
        return _pretty_json(obj.inputs)

    @admin.display(description="output (as Replicate sent it)")
    def output_pretty(self, obj: Generation) -> str:
        return _pretty_json(obj.output) if obj.output is not None else "-"

    @admin.display(description="webhooks received")
    def webhooks_received(self, obj: Generation) -> str:
        receipts = WebhookReceipt.objects.filter(generation=obj).order_by("received_at")
        if not receipts:
            return "none (kept for two days)"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} — {}</li>",
                (
                    (receipt.received_at.strftime("%Y-%m-%d %H:%M:%S"), receipt.webhook_id)
                    for receipt in receipts
                ),
            ),
        )

    # --- actions -------------------------------------------------------------------------------------

    @admin.action(
        description="Retry the download (while Replicate still has the output)", permissions=["change"]
    )
    def retry_download(self, request: HttpRequest, queryset: QuerySet[Generation]) -> HttpResponse | None:
        def retry(generation: Generation) -> str:
            return (
                f"now {services.generation_download_retry(generation=generation, user=request.user).status}"
            )

        return run_per_item(self, request, queryset, verb="Retried the download of", apply=retry)

    @admin.action(description="Re-run with the same inputs", permissions=["change"])
    def rerun(self, request: HttpRequest, queryset: QuerySet[Generation]) -> HttpResponse | None:
        def run_again(generation: Generation) -> str:
            if generation.status == Generation.Status.COMPLETED:
                # A finished output stays; the same inputs run as a new generation of the same owner.
                new = services.generation_start(
                    user=generation.owner,
                    kind=generation.kind,
                    model_id=generation.model_id,
                    inputs=generation.inputs,
                    collection=generation.collection,
                    version=generation.version or None,
                )
                return f"started as generation #{new.pk}, now {new.status}"
            again = services.generation_rerun(generation=generation, user=request.user)
            return f"prediction {again.prediction_id or '(not created)'}, now {again.status}"

        return run_per_item(self, request, queryset, verb="Re-ran", apply=run_again)

    @admin.action(description="Cancel (on Replicate too)", permissions=["change"])
    def cancel_generations(self, request: HttpRequest, queryset: QuerySet[Generation]) -> HttpResponse | None:
        def cancel(generation: Generation) -> str:
            return f"now {services.generation_cancel(generation=generation, user=request.user).status}"

        return run_per_item(self, request, queryset, verb="Canceled", apply=cancel)

    @admin.action(description="Check on Replicate now (stuck generations)", permissions=["change"])
    def refresh_upstream(self, request: HttpRequest, queryset: QuerySet[Generation]) -> HttpResponse | None:
        def refresh(generation: Generation) -> str:
            fresh = services.generation_refresh(generation=generation)
            return f"Replicate says {fresh.upstream_status or 'nothing new'}, now {fresh.status}"

        return run_per_item(self, request, queryset, verb="Checked", apply=refresh)

    def delete_model(self, request: HttpRequest, obj: Generation) -> None:
        services.generation_delete(generation=obj, user=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Generation]) -> None:
        for generation in queryset:
            services.generation_delete(generation=generation, user=request.user)


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
    list_filter = ("succeeded", "started_at")
    search_fields = ("error", "url", "=generation__prediction_id", "=generation__id")
    list_select_related = ("generation",)
    readonly_fields = (
        "generation",
        "url",
        "started_at",
        "finished_at",
        "succeeded",
        "http_status",
        "bytes_received",
        "error",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # a record of what happened

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Attempts go with their generation: whoever may delete a generation may delete its record.
        return obj is not None and request.user.has_perm("media_gen.delete_generation")

    @admin.display(description="error")
    def short_error(self, obj: DownloadAttempt) -> str:
        return obj.error[:120]


@admin.register(WebhookReceipt)
class WebhookReceiptAdmin(admin.ModelAdmin):
    list_display = ("webhook_id", "generation", "received_at")
    search_fields = ("webhook_id", "=generation__id")
    list_select_related = ("generation",)
    readonly_fields = ("webhook_id", "generation", "received_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
