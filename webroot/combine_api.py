"""``POST /api/videos/combine``: stored videos and renders joined into one video (``webroot.combine``).

A router of the top, not of media_gen: the endpoint reads both producers (see the module it calls).
"""

from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from simpoc.schemas import DetailOut
from webroot.combine import videos_combine

router = Router(tags=["media generation"])


class CombineItemIn(Schema):
    kind: Literal["video", "render"] = Field(description="a video generation, or a render")
    id: int = Field(description="its id: GET /api/videos/{id} or GET /api/genesis/videos/{id}")


class CombineIn(Schema):
    items: list[CombineItemIn] = Field(
        description="2 to 20 of the caller's stored videos and renders, in the order they play"
    )
    transition: Literal["cut", "crossfade"] = Field(
        default="cut", description="cut: one after the other; crossfade: each fades into the next (up to 1 s)"
    )
    width: int | None = Field(
        default=None, description="output width, even, 16-3840 (with height); absent: the first video's size"
    )
    height: int | None = Field(default=None, description="output height, even, 16-2160 (with width)")


class CombineOut(Schema):
    video_id: int = Field(description="the new video: GET /api/videos/{video_id}")
    status: str


@router.post(
    "/videos/combine",
    response={
        202: CombineOut,
        401: DetailOut,
        404: DetailOut,
        409: DetailOut,
        422: DetailOut,
        429: DetailOut,
        503: DetailOut,
    },
    summary="Combine stored videos and renders into one video (stream copy or re-encode, cut or crossfade)",
)
def videos_combine_start(request: HttpRequest, payload: CombineIn) -> Status:
    generation = videos_combine(
        user=request.auth,
        items=[item.dict() for item in payload.items],
        transition=payload.transition,
        width=payload.width,
        height=payload.height,
    )
    return Status(202, {"video_id": generation.pk, "status": generation.public_status})
