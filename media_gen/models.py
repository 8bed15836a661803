"""Generations (one Replicate prediction each), their download attempts, and webhook receipts."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class DownloadPhase(models.TextChoices):
    QUEUED = "queued", "Queued"
    DOWNLOADING = "downloading", "Downloading"
    STORING = "storing", "Storing"
    DONE = "done", "Done"


class Generation(models.Model):
    class Kind(models.TextChoices):
        IMAGE = "image", "Image"
        VIDEO = "video", "Video"
        AUDIO = "audio", "Audio"

    class Status(models.TextChoices):
        # Saved before Replicate is called; the create call has not answered yet.
        PENDING = "pending", "Pending"
        # Replicate accepted the prediction and is starting or running it.
        PROCESSING = "processing", "Processing"
        # Replicate succeeded; the output is being copied into our storage.
        DOWNLOADING = "downloading", "Downloading"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"
        CANCELED = "canceled", "Canceled"

    IN_FLIGHT = (Status.PENDING, Status.PROCESSING, Status.DOWNLOADING)
    FINAL = (Status.COMPLETED, Status.FAILED, Status.CANCELED)

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="generations")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    model_id = models.CharField(max_length=200, help_text="owner/name on Replicate")
    version = models.CharField(max_length=100, blank=True, default="")
    collection = models.CharField(max_length=64, blank=True, default="")
    prompt = models.TextField(blank=True, default="")
    inputs = models.JSONField(default=dict, blank=True)
    prediction_id = models.CharField(max_length=64, blank=True, default="")
    upstream_status = models.CharField(max_length=16, blank=True, default="")
    output = models.JSONField(null=True, blank=True, help_text="Replicate's output value, as sent")
    output_url = models.TextField(blank=True, default="", help_text="The output file we copy")
    upstream_completed_at = models.DateTimeField(null=True, blank=True)
    webhook_requested = models.BooleanField(default=False)
    error = models.TextField(blank=True, default="")
    # A model whose output is text (a caption): the text itself, kept here; no file is stored.
    text_output = models.TextField(blank=True, default="")
    # The output survives as a gallery asset; deleting the asset leaves the record (and its error).
    asset = models.ForeignKey(
        "gallery.Asset", on_delete=models.SET_NULL, null=True, blank=True, related_name="generations"
    )
    favorite = models.BooleanField(default=False)
    # Made from a stored item rather than from typed inputs (a render's frame or its whole video):
    # the asset sent as ``source_input``, and the producer's record it came from, named by kind and
    # id only (media_gen never imports the producer). The asset may go; the record keeps the link.
    source_asset = models.ForeignKey(
        "gallery.Asset", on_delete=models.SET_NULL, null=True, blank=True, related_name="derived_generations"
    )
    source_input = models.CharField(max_length=100, blank=True, default="")
    source_kind = models.CharField(max_length=16, blank=True, default="")
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    download_tries = models.PositiveIntegerField(default=0)
    download_next_at = models.DateTimeField(null=True, blank=True)
    download_claimed_until = models.DateTimeField(null=True, blank=True)
    # Progress of the copy into storage while status is "downloading" (empty before any download).
    download_phase = models.CharField(max_length=16, choices=DownloadPhase.choices, blank=True, default="")
    download_bytes_received = models.BigIntegerField(default=0)
    download_bytes_total = models.BigIntegerField(
        null=True, blank=True, help_text="Content-Length, when sent"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # A user's images or videos, newest first (the listing and its keyset cursor).
            models.Index(fields=["owner", "kind", "-created_at", "-id"], name="generation_owner_kind_new"),
            # Staff see everyone's.
            models.Index(fields=["kind", "-created_at", "-id"], name="generation_kind_new"),
            # The listing's filters at a million rows: the page and its count stay inside one index.
            models.Index(
                fields=["owner", "kind", "status", "-created_at", "-id"], name="generation_owner_status"
            ),
            models.Index(
                fields=["owner", "kind", "model_id", "-created_at", "-id"], name="generation_owner_model"
            ),
            models.Index(
                fields=["owner", "kind", "-created_at", "-id"],
                condition=Q(favorite=True),
                name="generation_owner_favorites",
            ),
            # The polling round and the per-user cap only ever look at what is in flight.
            models.Index(
                fields=["owner", "status"],
                condition=Q(status__in=["pending", "processing", "downloading"]),
                name="generation_in_flight",
            ),
            models.Index(
                fields=["created_at"],
                condition=Q(asset__isnull=True, favorite=False),
                name="generation_prunable",
            ),
            # The videos made from one render (its record lists them).
            models.Index(
                fields=["source_kind", "source_id"],
                condition=~Q(source_kind=""),
                name="generation_source",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["prediction_id"], condition=~Q(prediction_id=""), name="generation_prediction_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["image", "video", "audio"]), name="generation_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=["pending", "processing", "downloading", "completed", "failed", "canceled"]
                ),
                name="generation_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} generation #{self.pk} ({self.model_id}, {self.status})"

    @property
    def public_status(self) -> str:
        """The four statuses of the API: processing, completed, failed, canceled."""
        if self.status in self.IN_FLIGHT:
            return "processing"
        return self.status


class GenerationOutput(models.Model):
    """One file of a generation whose model answered with several (every one is kept).

    ``Generation.asset`` stays the first file, so single-output code paths are unchanged; this table
    lists all of them in the model's order, the first included.
    """

    generation = models.ForeignKey(Generation, on_delete=models.CASCADE, related_name="outputs")
    position = models.PositiveSmallIntegerField(help_text="0 for the first output, in the model's order")
    url = models.TextField(blank=True, default="", help_text="Where the file was fetched from")
    asset = models.ForeignKey(
        "gallery.Asset", on_delete=models.SET_NULL, null=True, blank=True, related_name="generation_outputs"
    )
    error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["generation", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["generation", "position"], name="generation_output_position_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Output {self.position} of generation {self.generation_id}"


class DownloadAttempt(models.Model):
    """One try at copying a generation's output into storage, kept so the admin can see why."""

    generation = models.ForeignKey(Generation, on_delete=models.CASCADE, related_name="attempts")
    url = models.TextField(help_text="The address tried (data: URLs are abbreviated)")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    succeeded = models.BooleanField(default=False)
    http_status = models.PositiveIntegerField(null=True, blank=True)
    bytes_received = models.BigIntegerField(default=0)
    error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["generation", "-started_at"], name="download_attempt_generation")]

    def __str__(self) -> str:
        outcome = "ok" if self.succeeded else (self.error[:60] or "running")
        return f"Download #{self.pk} of generation {self.generation_id}: {outcome}"


class WebhookReceipt(models.Model):
    """The webhook-ids already accepted: Replicate may deliver the same one more than once."""

    webhook_id = models.CharField(max_length=200, unique=True)
    generation = models.ForeignKey(
        Generation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return self.webhook_id
