"""Ninja schemas of the gallery's own endpoints (the storage administration)."""

from ninja import Schema


class CountBytesOut(Schema):
    count: int
    bytes: int


class StorageByKindOut(Schema):
    images: CountBytesOut
    videos: CountBytesOut
    audio: CountBytesOut
    renders: CountBytesOut
    uploads: CountBytesOut
    thumbnails: CountBytesOut


class StorageUserOut(Schema):
    user_id: int
    username: str
    count: int
    bytes: int


class StorageStatsOut(Schema):
    total_videos: int  # video and render assets
    total_videos_bytes: int
    total_assets: int  # every stored asset, thumbnails included
    total_size_bytes: int  # bytes of every stored asset
    total_size_mb: float
    total_size_gb: float
    by_kind: StorageByKindOut
    media_storage: str  # where new assets go: "database" or "s3"
    object_storage: CountBytesOut  # assets whose bytes are in object storage
    database_size_bytes: int
    largest_users: list[StorageUserOut]


class AssetDeletedOut(Schema):
    success: bool
    deleted: bool
    id: int
    message: str
