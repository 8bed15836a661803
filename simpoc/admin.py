"""Admin of API keys (the users' admin, with their usage and keys, and backups are backoffice's)."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from simpoc import services
from simpoc.models import ApiKey


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
