"""Admin of the users (with their usage across the apps and their API keys) and of backups.

Both need more than the bottom package may know: the usage columns read gallery's and media_gen's
selectors, and a backup is the back office's (``backoffice.backups``).
"""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST
from django_q.tasks import async_task

from gallery import selectors as gallery_selectors
from media_gen import selectors as media_selectors
from simpoc import services
from simpoc.admin import ApiKeyInline
from simpoc.models import ApiKey, Backup

User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class SimpocUserAdmin(UserAdmin):
    inlines = [ApiKeyInline]
    list_display = (
        "username",
        "email",
        "is_staff",
        "is_active",
        "last_login",
        "date_joined",
        "generation_count_column",
        "storage_column",
        "active_keys",
    )
    actions = ["revoke_all_keys"]
    readonly_fields = ("usage",)
    fieldsets = (*UserAdmin.fieldsets, ("Usage", {"fields": ("usage",)}))

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        users = OuterRef("pk")
        active_keys = (
            ApiKey.objects.filter(user=users, revoked_at__isnull=True)
            .order_by()
            .values("user_id")
            .annotate(n=Count("id"))
            .values("n")
        )
        # Correlated subqueries: a join per relation would multiply the rows of the others.
        return (
            super()
            .get_queryset(request)
            .annotate(
                active_key_count=Coalesce(Subquery(active_keys, output_field=IntegerField()), 0),
                generation_count=media_selectors.generation_count_per_owner(),
                storage_bytes=gallery_selectors.asset_bytes_per_owner(),
            )
        )

    @admin.display(description="active API keys", ordering="active_key_count")
    def active_keys(self, obj) -> int:
        return obj.active_key_count

    @admin.display(description="generations", ordering="generation_count")
    def generation_count_column(self, obj) -> int:
        return obj.generation_count

    @admin.display(description="storage", ordering="storage_bytes")
    def storage_column(self, obj) -> str:
        return filesizeformat(obj.storage_bytes)

    @admin.display(description="usage")
    def usage(self, obj) -> str:
        if obj.pk is None:
            return "-"
        by_status = media_selectors.generation_counts_by_status(owner=obj)
        stored = gallery_selectors.asset_usage(owner=obj)
        generations = ", ".join(f"{n} {status}" for status, n in sorted(by_status.items())) or "none"
        return format_html(
            "Generations: {}.<br>Stored: {} item(s), {}.<br>"
            '<a href="{}?owner__id__exact={}">their generations</a> · <a href="{}?owner__id__exact={}">their stored items</a>',
            generations,
            stored["count"],
            filesizeformat(stored["bytes"]),
            reverse("admin:media_gen_generation_changelist"),
            obj.pk,
            reverse("admin:gallery_asset_changelist"),
            obj.pk,
        )

    def has_revoke_keys_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("simpoc.change_apikey")

    @admin.action(description="Revoke every API key of the selected users", permissions=["revoke_keys"])
    def revoke_all_keys(self, request: HttpRequest, queryset: QuerySet) -> None:
        revoked = []
        for api_key in ApiKey.objects.filter(user__in=queryset, revoked_at__isnull=True).select_related(
            "user"
        ):
            services.api_key_revoke(api_key=api_key)
            revoked.append(f"{api_key.user.username}: {api_key.name}")
        if revoked:
            self.message_user(
                request, f"Revoked {len(revoked)} API key(s): " + "; ".join(revoked), messages.SUCCESS
            )
        else:
            self.message_user(request, "The selected users had no active API key.", messages.WARNING)


@admin.register(Backup)
class BackupAdmin(admin.ModelAdmin):
    """Backups are taken by the daily schedule or the button here; a failed one is shown loudly."""

    list_display = (
        "started_at",
        "result",
        "trigger",
        "engine",
        "size",
        "asset_count",
        "checked_assets",
        "path",
    )
    list_filter = ("status", "trigger", "engine")
    readonly_fields = (
        "started_at",
        "finished_at",
        "status",
        "engine",
        "trigger",
        "path",
        "size_bytes",
        "table_counts",
        "asset_count",
        "checked_assets",
        "error",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # "Take a backup now" on the storage dashboard (needs simpoc.add_backup)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_urls(self) -> list:
        return [
            path("run/", self.admin_site.admin_view(self.run_view), name="simpoc_backup_run"),
            *super().get_urls(),
        ]

    @admin.display(description="result", ordering="status")
    def result(self, obj: Backup) -> str:
        if obj.status == Backup.Status.FAILED:
            return format_html('<strong class="bo-failed">FAILED</strong>: {}', obj.error[:200])
        return obj.get_status_display()

    @admin.display(description="size", ordering="size_bytes")
    def size(self, obj: Backup) -> str:
        return filesizeformat(obj.size_bytes)

    def run_view(self, request: HttpRequest) -> HttpResponseRedirect:
        return require_POST(self._run)(request)

    def _run(self, request: HttpRequest) -> HttpResponseRedirect:
        if not request.user.has_perm("simpoc.add_backup"):
            raise PermissionDenied
        task_id = async_task(
            "backoffice.backups.backup_create", trigger="admin", task_name=f"backup (admin, {request.user})"
        )
        self.message_user(
            request,
            f"Backup queued (task {task_id}); its result appears on this page when it has been checked.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse(f"{self.admin_site.name}:gallery_storage_dashboard"))
