"""Thin ninja router of the gallery: storage administration (staff only).

The media endpoints themselves (``/videos/{id}/data`` …) belong to the apps that own the records;
they all return ``gallery.streaming.asset_response``.
"""

from django.http import HttpRequest
from ninja import Router

from gallery import selectors, services
from gallery.schemas import AssetDeletedOut, StorageStatsOut
from simpoc.auth import staff_required
from simpoc.errors import not_found
from simpoc.schemas import DetailOut

router = Router(tags=["admin storage"])


@router.get(
    "/admin/storage/stats",
    response={200: StorageStatsOut, 401: DetailOut, 403: DetailOut},
    summary="Storage statistics (staff)",
)
def storage_stats(request: HttpRequest) -> dict:
    staff_required(request)
    return selectors.storage_stats()


@router.delete(
    "/admin/storage/videos/{asset_id}",
    response={200: AssetDeletedOut, 401: DetailOut, 403: DetailOut, 404: DetailOut},
    summary="Delete a stored asset and its thumbnail (staff)",
)
def storage_asset_delete(request: HttpRequest, asset_id: int) -> dict:
    staff_required(request)
    asset = selectors.asset_get(user=request.auth, asset_id=asset_id)
    if asset is None:
        raise not_found(f"Asset {asset_id}")
    services.asset_delete(asset=asset)
    return {"success": True, "deleted": True, "id": asset_id, "message": f"Asset {asset_id} deleted."}
