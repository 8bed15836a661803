"""Thin ninja router of archives: download chosen items, or export everything of mine, as one ZIP."""

from django.http import HttpRequest, StreamingHttpResponse
from django.utils.http import content_disposition_header
from ninja import Query, Router

from portability import archive
from portability.schemas import ArchiveQuery
from simpoc.schemas import DetailOut

router = Router(tags=["archives"])


ZIP_RESPONSE = {
    "responses": {
        200: {
            "description": "A ZIP (stored entries, ZIP64 when needed) with metadata.json first, streamed",
            "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


def _zip_response(
    request: HttpRequest, wanted: list[tuple[str, int]], *, prefix: str
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        archive.zip_stream(user=request.auth, wanted=wanted), content_type="application/zip"
    )
    response["Content-Disposition"] = content_disposition_header(
        True, archive.archive_filename(prefix=prefix)
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.get(
    "/archive",
    response={200: None, 401: DetailOut, 404: DetailOut, 422: DetailOut},
    summary="Download chosen images, videos, audio and renders as one ZIP with their metadata",
    description=(
        "A plain GET, so a link or `window.location` downloads it with the session cookie. Every id must "
        "be visible to you (owners their own, staff everything); otherwise 404 names the ones that are not, "
        f"and nothing is sent. At most {archive.SELECTION_MAX_ITEMS} items."
    ),
    openapi_extra=ZIP_RESPONSE,
)
def archive_selected(request: HttpRequest, query: Query[ArchiveQuery]) -> StreamingHttpResponse:
    selection = {
        "image": archive.parse_ids(query.images, name="images"),
        "video": archive.parse_ids(query.videos, name="videos"),
        "audio": archive.parse_ids(query.audio, name="audio"),
        "render": archive.parse_ids(query.renders, name="renders"),
    }
    wanted = archive.archive_selection(user=request.auth, selection=selection)
    return _zip_response(request, wanted, prefix="simpoc-selection")


@router.get(
    "/archive/mine",
    response={200: None, 401: DetailOut},
    summary="Export everything of mine (images, videos, audio, renders) as one ZIP with their metadata",
    openapi_extra=ZIP_RESPONSE,
)
def archive_mine(request: HttpRequest) -> StreamingHttpResponse:
    wanted = archive.archive_everything_of(user=request.auth)
    return _zip_response(request, wanted, prefix=f"simpoc-{request.auth.get_username()}")
