"""Ninja schemas of media generation; field names follow API.md (only additions, never renames)."""

from datetime import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field


class CatalogueModelOut(Schema):
    id: str
    name: str
    owner: str
    description: str
    cover_image_url: str | None
    latest_version: str | None
    run_count: int
    input_schema: dict[str, Any] | None = None


class CatalogueModelsOut(Schema):
    models: list[CatalogueModelOut]
    collection: str
    demo_mode: bool = Field(description="True when answers come from the built-in Replicate emulator")
    stale: bool = Field(description="True when Replicate failed and this is the last good cached copy")


class ModelSchemaOut(Schema):
    input_schema: dict[str, Any]
    required: list[str]
    version: str | None
    model_id: str
    demo_mode: bool
    stale: bool


class ReplicateModelOut(Schema):
    owner: str
    name: str
    description: str
    url: str
    cover_image_url: str | None
    latest_version: str | None
    run_count: int


class ReplicateModelsOut(Schema):
    results: list[ReplicateModelOut]
    next: str | None
    demo_mode: bool
    stale: bool


class RunSourceIn(Schema):
    kind: Literal["image", "video", "audio"] = Field(description="the family of the stored generation")
    id: int = Field(description="its id (GET /api/images|videos|audio/{id}); yours, with its file stored")
    input: str | None = Field(
        default=None,
        max_length=100,
        description="the model input it fills; default: the schema's first input of that media type",
    )


class RunIn(Schema):
    model_id: str = Field(max_length=201, description="owner/name")
    input: dict[str, Any] = Field(default_factory=dict)
    collection: str | None = Field(
        default=None, max_length=64, description="one of the family's collections (422 names them)"
    )
    version: str | None = Field(default=None, max_length=100)
    source: RunSourceIn | None = Field(
        default=None, description="run on a stored item of yours: its file is sent as the model's input"
    )


class RunVideoOut(Schema):
    video_id: int
    status: str
    demo_mode: bool


class RunImageOut(Schema):
    image_id: int
    status: str
    demo_mode: bool


class RunAudioOut(Schema):
    audio_id: int
    status: str
    demo_mode: bool


class DownloadProgressOut(Schema):
    phase: str = Field(description="queued, downloading, storing or done")
    bytes_received: int
    bytes_total: int | None = Field(description="The output's size when the server announced it")


class SourceItemOut(Schema):
    kind: str = Field(description='"video" or "render"')
    id: int


class SourceOut(Schema):
    kind: str = Field(description='what it was made from: "render", "image", "video", "audio" or "combine"')
    id: int | None = Field(
        description="that item's id (a render: GET /api/genesis/videos/{id}, a video: GET /api/videos/{id}); "
        "null for a combine"
    )
    asset_id: int | None = Field(
        description="the stored file sent to the model; null once deleted or for a combine"
    )
    items: list[SourceItemOut] | None = Field(
        default=None, description="a combine's videos and renders, in order; null otherwise"
    )


class OutputOut(Schema):
    index: int = Field(description="the output's position; 0 is the record's own file")
    url: str = Field(description="/api/{family}/{id}/data?output={index}")
    thumbnail_url: str | None
    content_type: str
    size_bytes: int
    width: int | None
    height: int | None
    duration: float | None


class CaptionOut(Schema):
    id: int = Field(description="the caption run (a video record: GET /api/videos/{id})")
    text: str
    model_id: str
    created_at: datetime


class _RecordBase(Schema):
    id: int
    prompt: str
    model_id: str
    parameters: dict[str, Any]
    status: str = Field(description="processing, completed, failed or canceled")
    created_at: datetime
    collection: str
    metadata: dict[str, Any]
    thumbnail_url: str | None
    error: str | None
    content_type: str | None
    size_bytes: int | None
    width: int | None
    height: int | None
    duration: float | None
    updated_at: datetime
    favorite: bool
    download_progress: DownloadProgressOut | None = Field(
        default=None, description="The copy of the output into our storage; null before any download"
    )
    source: SourceOut | None = Field(
        default=None, description="the stored item it was made from (make it real); null for typed inputs"
    )
    text_output: str | None = Field(
        default=None, description="the text a model answered (a caption); null when the output is a file"
    )
    outputs: list[OutputOut] = Field(
        default_factory=list, description="every stored file of the generation, in order; [] until stored"
    )


# The original Elm client decodes these URLs as required strings, so they are never null: "" until
# the output is stored (as the original sent), and an image also carries its URL as `video_url`.
class VideoRecord(_RecordBase):
    video_url: str = Field(description='Our permanent /api/videos/{id}/data path; "" until stored')
    captions: list[CaptionOut] = Field(
        default_factory=list,
        description="completed video-to-text runs on this video, newest first",
    )


class ImageRecord(_RecordBase):
    image_url: str = Field(description='Our permanent /api/images/{id}/data path; "" until stored')
    video_url: str = Field(description="The same as image_url (the name the original image gallery decodes)")


class AudioRecord(_RecordBase):
    audio_url: str = Field(description='Our permanent /api/audio/{id}/data path; "" until stored')
    video_url: str = Field(description="The same as audio_url (as image records carry it)")


TOTAL_IS_ESTIMATE = (
    "True when `total` is a lower bound: a search counts at most 10,000 matches, and staff's "
    "listing of everyone's items at most 10,000 rows; pages still follow `next`."
)


class VideoListOut(Schema):
    videos: list[VideoRecord]
    total: int
    total_is_estimate: bool = Field(default=False, description=TOTAL_IS_ESTIMATE)
    next: str | None = Field(description="The 'before' cursor of the next page")


class ImageListOut(Schema):
    images: list[ImageRecord]
    total: int
    total_is_estimate: bool = Field(default=False, description=TOTAL_IS_ESTIMATE)
    next: str | None = Field(description="The 'before' cursor of the next page")


class AudioListOut(Schema):
    audio: list[AudioRecord]
    total: int
    total_is_estimate: bool = Field(default=False, description=TOTAL_IS_ESTIMATE)
    next: str | None = Field(description="The 'before' cursor of the next page")


class FavoriteIn(Schema):
    favorite: bool | None = None


class UploadOut(Schema):
    success: bool
    url: str
    filename: str
    id: int


class WebhookOut(Schema):
    ok: bool
    message: str


class DeletedOut(Schema):
    success: bool
    message: str


class FieldErrorOut(Schema):
    field: str
    message: str


class InvalidInputOut(Schema):
    detail: str
    errors: list[FieldErrorOut] = Field(default_factory=list)
