"""The admin site of the back office: Django's AdminSite plus the pages that span the apps.

The pages keep the paths and URL names they had when the gallery's and media_gen's ModelAdmins
served them (``admin:gallery_storage_dashboard`` at ``/admin/gallery/asset/storage/`` …), so
bookmarks, templates and tests are unchanged; they are listed before the ModelAdmins' own URLs.
Each page is drawn in the context of the ModelAdmin it used to belong to (breadcrumbs, messages).
"""

from collections.abc import Callable

from django.apps import apps
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path

from backoffice import views


class BackOfficeSite(admin.AdminSite):
    site_header = "simpoc back office"
    site_title = "simpoc admin"
    index_title = "Operations"

    def _page(self, view: Callable, model: str) -> Callable[[HttpRequest], HttpResponse]:
        def page(request: HttpRequest) -> HttpResponse:
            return view(request, self._registry[apps.get_model(model)])

        return self.admin_view(page)

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "gallery/asset/storage/",
                self._page(views.storage_dashboard, "gallery.Asset"),
                name="gallery_storage_dashboard",
            ),
            path(
                "gallery/asset/storage/retention/",
                self._page(views.retention_run_now, "gallery.Asset"),
                name="gallery_retention_run",
            ),
            path(
                "gallery/asset/find/", self._page(views.item_find, "gallery.Asset"), name="gallery_asset_find"
            ),
            path(
                "media_gen/generation/queue-health/",
                self._page(views.queue_health, "media_gen.Generation"),
                name="media_gen_queue_health",
            ),
            *super().get_urls(),
        ]
