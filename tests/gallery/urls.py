"""The site's URLs plus a minimal media endpoint, the way media_gen and simulation wire theirs."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path

from gallery.models import Asset
from gallery.selectors import asset_is_visible_to
from gallery.streaming import asset_response
from webroot.urls import urlpatterns as site_urlpatterns


def asset_data(request: HttpRequest, asset_id: int, thumbnail: bool = False) -> HttpResponse:
    asset = Asset.objects.filter(pk=asset_id).first()
    if asset is None or not asset_is_visible_to(asset=asset, user=request.user):
        return JsonResponse({"detail": "Not found."}, status=404)
    return asset_response(request, asset, thumbnail=thumbnail)


urlpatterns = [
    path("api/test-assets/<int:asset_id>/data", asset_data),
    path("api/test-assets/<int:asset_id>/thumbnail", asset_data, {"thumbnail": True}),
    *site_urlpatterns,
]
