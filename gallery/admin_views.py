"""Back-office pieces shared by every admin that shows stored items.

- ``ModerationActions``: hide / unhide (with a reason, asked on an intermediate page), flag for
  review and dismiss flags, for any ModelAdmin whose rows lead to gallery assets.
- ``ActionReport``: collects what an action did per item and says it in one message each.
- ``BackOfficeChangeForm``: buttons for the admin's actions on a single item's change page.

The pages that span the apps (storage dashboard, queue health, find an item) are the top-level
``backoffice`` app's; these pieces are the gallery's, so the producers' admins may use them.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme

from gallery import moderation, services
from gallery.models import Asset
from simpoc.services import ServiceError

REASON_TEMPLATE = "admin/back_office/reason_form.html"


def redirect_back(request: HttpRequest) -> HttpResponseRedirect | None:
    """Where the action was started from (a change page, the queue health page), when it is ours."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return None


@dataclass
class ActionReport:
    """What an admin action did to each item, said in one message per outcome."""

    verb: str
    done: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def ok(self, item: object, detail: str = "") -> None:
        self.done.append(f"{item}{f' ({detail})' if detail else ''}")

    def refuse(self, item: object, reason: str) -> None:
        self.refused.append(f"{item}: {reason}")

    def send(self, modeladmin: admin.ModelAdmin, request: HttpRequest) -> None:
        if self.done:
            modeladmin.message_user(
                request, f"{self.verb} {len(self.done)}: " + "; ".join(self.done), messages.SUCCESS
            )
        if self.refused:
            modeladmin.message_user(
                request,
                f"Not {self.verb.lower()} {len(self.refused)}: " + "; ".join(self.refused),
                messages.WARNING,
            )
        if not self.done and not self.refused:
            modeladmin.message_user(request, "Nothing was selected.", messages.WARNING)


def run_per_item(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    items: Iterable,
    *,
    verb: str,
    apply: Callable[[object], str],
) -> HttpResponseRedirect | None:
    """Apply a service to each item; a ServiceError refuses that item only and is reported."""
    report = ActionReport(verb=verb)
    for item in items:
        try:
            report.ok(item, apply(item))
        except ServiceError as exc:
            report.refuse(item, exc.message)
    report.send(modeladmin, request)
    return redirect_back(request)


def ask_reason(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    *,
    action: str,
    title: str,
    button: str,
    help_text: str,
) -> tuple[str | None, TemplateResponse | None]:
    """The reason from the intermediate page, or that page (again, with an error when left empty)."""
    error = ""
    if request.POST.get("apply"):
        reason = request.POST.get("reason", "").strip()
        if reason:
            return reason, None
        error = "Give a reason: the owner and other moderators will read it."
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "subtitle": None,
        "opts": opts,
        "app_label": opts.app_label,
        "items": list(queryset),
        "action": action,
        "button": button,
        "help_text": help_text,
        "error": error,
        "reason": request.POST.get("reason", ""),
        "next": request.POST.get("next", ""),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    request.current_app = modeladmin.admin_site.name
    return None, TemplateResponse(request, REASON_TEMPLATE, context)


class ModerationActions:
    """Moderation actions for a ModelAdmin; ``moderation_asset(obj)`` says which asset a row shows."""

    moderation_actions = ("hide_items", "unhide_items", "flag_items", "dismiss_flags")

    def moderation_asset(self, obj: object) -> Asset | None:
        raise NotImplementedError

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("gallery.moderate")

    def _with_assets(self, request: HttpRequest, queryset: QuerySet, report: ActionReport):
        for obj in queryset:
            asset = self.moderation_asset(obj)
            if asset is None:
                report.refuse(obj, "it has no stored item yet")
            else:
                yield obj, asset

    @admin.action(description="Hide the selected items (asks for a reason)", permissions=["moderate"])
    def hide_items(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        reason, page = ask_reason(
            self,
            request,
            queryset,
            action="hide_items",
            title="Hide items",
            button="Hide",
            help_text="Hidden items vanish for everyone but staff. Why are they hidden?",
        )
        if page is not None:
            return page
        report = ActionReport(verb="Hid")
        for obj, asset in self._with_assets(request, queryset, report):
            try:
                moderation.asset_moderate_hide(asset=asset, by=request.user, reason=reason)
                report.ok(obj, f"reason: {reason}")
            except ServiceError as exc:
                report.refuse(obj, exc.message)
        report.send(self, request)
        return redirect_back(request)

    @admin.action(description="Unhide the selected items", permissions=["moderate"])
    def unhide_items(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        report = ActionReport(verb="Made visible again")
        for obj, asset in self._with_assets(request, queryset, report):
            if asset.hidden_at is None:
                report.refuse(obj, "it is not hidden")
                continue
            services.asset_unhide(asset=asset)
            report.ok(obj)
        report.send(self, request)
        return redirect_back(request)

    @admin.action(
        description="Flag the selected items for review (asks for a reason)", permissions=["moderate"]
    )
    def flag_items(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        reason, page = ask_reason(
            self,
            request,
            queryset,
            action="flag_items",
            title="Flag items for review",
            button="Flag",
            help_text="Flagged items wait in the review queue until a moderator hides or dismisses them.",
        )
        if page is not None:
            return page
        report = ActionReport(verb="Flagged")
        for obj, asset in self._with_assets(request, queryset, report):
            flag = moderation.asset_flag(asset=asset, by=request.user, reason=reason)
            report.ok(obj, f"flag #{flag.pk}")
        report.send(self, request)
        return redirect_back(request)

    @admin.action(description="Dismiss the open flags of the selected items", permissions=["moderate"])
    def dismiss_flags(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        report = ActionReport(verb="Dismissed flags of")
        for obj, asset in self._with_assets(request, queryset, report):
            closed = moderation.asset_flag_dismiss(asset=asset, by=request.user)
            if closed:
                report.ok(obj, f"{closed} flag(s)")
            else:
                report.refuse(obj, "it has no open flag")
        report.send(self, request)
        return redirect_back(request)


@dataclass(frozen=True)
class ObjectAction:
    """One admin action offered on an item's change page."""

    name: str
    label: str
    description: str


class BackOfficeChangeForm:
    """The admin's actions on one item's change page, above its fields (they post to the changelist).

    The actions named in ``primary_object_actions`` are buttons; the rest sit in a "More actions"
    menu, so the bar stays one line at 1280 px. ``object_action_labels`` gives them short names (the
    action's description is the button's tooltip).
    """

    change_form_template = "admin/back_office/change_form.html"
    primary_object_actions: tuple[str, ...] = ("hide_items", "flag_items")
    object_action_labels: dict[str, str] = {
        "hide_items": "Hide…",
        "unhide_items": "Unhide",
        "flag_items": "Flag for review…",
        "dismiss_flags": "Dismiss flags",
    }

    def change_view(self, request, object_id, form_url="", extra_context=None):
        actions = [
            ObjectAction(name, self.object_action_labels.get(name, str(description)), str(description))
            for name, (_func, _name, description) in self.get_actions(request).items()
            if name != "delete_selected"
        ]
        extra_context = {
            **(extra_context or {}),
            "object_actions": [a for a in actions if a.name in self.primary_object_actions],
            "more_object_actions": [a for a in actions if a.name not in self.primary_object_actions],
        }
        return super().change_view(request, object_id, form_url, extra_context)
