"""``POST /api/genesis/videos/{id}/to-video``: a render sent to a video model (``webroot.makereal``).

A router of the top, not of simulation: the endpoint needs both producers (see the module it calls).
"""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from simpoc.schemas import DetailOut
from webroot.makereal import render_to_video

router = Router(tags=["simulation"])


class ToVideoIn(Schema):
    # Required, but checked after the render is found: someone else's render answers 404 whatever
    # the body, so a request cannot learn that it exists.
    model_id: str = Field(
        default="",
        max_length=200,
        description="required: owner/name of a model whose schema takes an image or a video",
    )
    prompt: str | None = Field(
        default=None, max_length=20_000, description="absent: written from the scene (record's video_prompt)"
    )
    frame: int | None = Field(
        default=None, description="0-based frame sent as the image (default 0); not for video-input models"
    )
    input: dict[str, Any] | None = Field(default=None, description="the model's other inputs")


class ToVideoOut(Schema):
    video_id: int = Field(description="the new generation: GET /api/videos/{video_id}")
    status: str


@router.post(
    "/genesis/videos/{render_id}/to-video",
    response={
        202: ToVideoOut,
        401: DetailOut,
        404: DetailOut,
        409: DetailOut,
        422: DetailOut,
        429: DetailOut,
        502: DetailOut,
        503: DetailOut,
    },
    summary="Make it real: send a finished render (a frame, or the whole video) to a video model",
)
def render_to_video_start(request: HttpRequest, render_id: int, payload: ToVideoIn) -> Status:
    generation = render_to_video(
        user=request.auth,
        render_id=render_id,
        model_id=payload.model_id,
        prompt=payload.prompt,
        frame=payload.frame,
        inputs=payload.input,
    )
    return Status(202, {"video_id": generation.pk, "status": generation.public_status})
