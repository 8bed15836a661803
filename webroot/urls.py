from django.contrib import admin
from django.urls import path, re_path

from simpoc import views
from webroot.api import api

urlpatterns = [
    path("health", views.health, name="health"),
    path("admin/", admin.site.urls),
    path("api", views.api_root, name="api-root"),
    path("api/", api.urls),
    # Unknown API paths stay JSON 404s instead of reaching the SPA or Django's HTML page.
    re_path(r"^api(?:/(?P<path>.*))?$", views.api_not_found),
    # Every other GET draws the SPA, so deep links work on reload.
    re_path(r"^(?!api(?:/|$)|admin(?:/|$)|static/|media/|health$)(?P<path>.*)$", views.spa, name="spa"),
]
