"""Admin of accounts, API keys and backups; usage per user; the one-click backup."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST
from django_q.tasks import async_task

from gallery.models import Asset
from media_gen.models import Generation
from simpoc import services
from simpoc.models import ApiKey, Backup


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "masked_key", "active", "created_at", "last_used", "expires_at")
    list_filter = ("revoked_at", "expires_at", "created_at")
    search_fields = ("name", "user__username", "prefix")
    list_select_related = ("user",)
    readonly_fields = ("user", "prefix", "key_hash", "created_at", "last_used", "revoked_at")
    fields = ("user", "name", "prefix", "key_hash", "created_at", "last_used", "expires_at", "revoked_at")
    actions = ["revoke_selected"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # keys are created by their owner, who is the only one to ever see them

    @admin.display(description="key")
    def masked_key(self, obj: ApiKey) -> str:
        return f"sk_{obj.prefix}…"

    @admin.display(boolean=True, description="active")
    def active(self, obj: ApiKey) -> bool:
        return obj.is_active

    @admin.action(description="Revoke selected API keys", permissions=["change"])
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        count = 0
        for api_key in queryset.filter(revoked_at__isnull=True):
            services.api_key_revoke(api_key=api_key)
            count += 1
        self.message_user(request, f"Revoked {count} API key(s).", messages.SUCCESS)


class ApiKeyInline(admin.TabularInline):
    model = ApiKey
    extra = 0
    can_delete = False
    fields = ("name", "prefix", "created_at", "last_used", "expires_at", "revoked_at")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


User = get_user_model()
admin.site.unregister(User)


def _count_of(queryset: QuerySet) -> Subquery:
    """A correlated count (a join per relation would multiply the rows of the others)."""
    return Coalesce(
        Subquery(
            queryset.order_by().values("owner_id").annotate(n=Count("id")).values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


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
        stored = (
            Asset.objects.filter(owner=users)
            .order_by()
            .values("owner_id")
            .annotate(total=Sum("size_bytes"))
            .values("total")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                active_key_count=Coalesce(Subquery(active_keys, output_field=IntegerField()), 0),
                generation_count=_count_of(Generation.objects.filter(owner=users)),
                storage_bytes=Coalesce(Subquery(stored), 0),
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
        by_status = dict(
            Generation.objects.filter(owner=obj).order_by().values_list("status").annotate(n=Count("id"))
        )
        stored = Asset.objects.filter(owner=obj).aggregate(count=Count("id"), bytes=Sum("size_bytes"))
        generations = ", ".join(f"{n} {status}" for status, n in sorted(by_status.items())) or "none"
        return format_html(
            "Generations: {}.<br>Stored: {} item(s), {}.<br>"
            '<a href="{}?owner__id__exact={}">their generations</a> · <a href="{}?owner__id__exact={}">their stored items</a>',
            generations,
            stored["count"],
            filesizeformat(stored["bytes"] or 0),
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
            "simpoc.backups.backup_create", trigger="admin", task_name=f"backup (admin, {request.user})"
        )
        self.message_user(
            request,
            f"Backup queued (task {task_id}); its result appears on this page when it has been checked.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse(f"{self.admin_site.name}:gallery_storage_dashboard"))


admin.site.site_header = "simpoc back office"
admin.site.site_title = "simpoc admin"
admin.site.index_title = "Operations"
