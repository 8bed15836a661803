"""Query schemas of the archive endpoints."""

from ninja import Schema
from pydantic import Field


class ArchiveQuery(Schema):
    images: str = Field(default="", max_length=20_000, description="Image ids, separated by commas")
    videos: str = Field(default="", max_length=20_000, description="Video ids, separated by commas")
    audio: str = Field(default="", max_length=20_000, description="Audio ids, separated by commas")
    renders: str = Field(default="", max_length=20_000, description="Render ids, separated by commas")
