"""Stored media: every byte the site keeps is an Asset."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class AssetManager(models.Manager):
    """Never loads the BLOB unless asked for by name.

    It is also the base manager (``Meta.base_manager_name``), so related-object access
    (``generation.asset``) and the deletion collector leave the bytes in the database too.
    ``select_related("asset")`` from another model does not go through a manager: add
    ``.defer("asset__data")`` there.
    """

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().defer("data")


class Asset(models.Model):
    class Kind(models.TextChoices):
        IMAGE = "image", "Image"
        VIDEO = "video", "Video"
        AUDIO = "audio", "Audio"
        RENDER = "render", "Render"
        UPLOAD = "upload", "Upload"
        THUMBNAIL = "thumbnail", "Thumbnail"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assets")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # Sniffed from the bytes with libmagic, never taken from the client or the upstream server.
    content_type = models.CharField(max_length=100)
    size_bytes = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    duration = models.FloatField(null=True, blank=True, help_text="Seconds, for videos and audio.")
    # Set when the bytes live in object storage; then ``data`` is NULL.
    storage_key = models.CharField(max_length=255, blank=True, default="")
    thumbnail = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="thumbnail_of"
    )
    original_filename = models.CharField(max_length=255, blank=True, default="")
    favorite = models.BooleanField(default=False)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=500, blank=True, default="")
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Last column on purpose: SQLite reads the columns before a big BLOB without touching its
    # overflow pages.
    data = models.BinaryField(null=True, blank=True, editable=False)

    objects = AssetManager()

    class Meta:
        base_manager_name = "objects"
        ordering = ["-created_at", "-id"]
        indexes = [
            # The gallery: one user's assets of a kind, newest first (keyset pagination).
            models.Index(fields=["owner", "kind", "-created_at", "-id"], name="asset_owner_kind_new"),
            # Staff views across users, and the storage statistics by kind.
            models.Index(fields=["kind", "-created_at", "-id"], name="asset_kind_new"),
            models.Index(
                fields=["owner", "-created_at", "-id"],
                condition=Q(favorite=True),
                name="asset_owner_favorites",
            ),
            models.Index(fields=["created_at"], condition=Q(favorite=False), name="asset_retention"),
            models.Index(fields=["hidden_at"], condition=Q(hidden_at__isnull=False), name="asset_hidden"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(size_bytes__gte=0), name="asset_size_not_negative"),
            models.CheckConstraint(
                condition=Q(data__isnull=True) | Q(storage_key=""), name="asset_bytes_in_one_place"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.content_type}, {self.size_bytes} bytes)"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def in_object_storage(self) -> bool:
        return bool(self.storage_key)


class AssetFlag(models.Model):
    """A report that an item needs a moderator's look; it stays in the review queue until resolved.

    Its Meta also carries the back office's own permissions (moderation, the storage dashboard,
    retention runs), so that the Moderators group can be given moderation and nothing else.
    """

    class Resolution(models.TextChoices):
        HIDDEN = "hidden", "Hidden"
        DISMISSED = "dismissed", "Dismissed (left visible)"

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="flags")
    reason = models.CharField(max_length=500)
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolution = models.CharField(max_length=16, choices=Resolution.choices, blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "flag (review queue)"
        verbose_name_plural = "flags (review queue)"
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(resolved_at__isnull=True), name="asset_flag_open"
            ),
            models.Index(fields=["asset", "-created_at"], name="asset_flag_asset"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True, resolution="")
                | Q(resolved_at__isnull=False, resolution__in=["hidden", "dismissed"]),
                name="asset_flag_resolution_set_when_resolved",
            )
        ]
        permissions = [
            ("moderate", "Can hide, unhide and flag items and work the review queue"),
            ("view_operations", "Can see the storage dashboard and queue health"),
            ("run_retention", "Can start a retention run"),
        ]

    def __str__(self) -> str:
        state = self.get_resolution_display() if self.resolved_at else "open"
        return f"Flag #{self.pk} on asset {self.asset_id} ({state})"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
