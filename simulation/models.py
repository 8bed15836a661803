"""Tables of this app: saved scenes and server renders."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Scene(models.Model):
    """A scene document (SCENE.md) saved by its owner, with the prompt and generator that made it."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scenes")
    name = models.CharField(max_length=200, blank=True, default="")
    prompt = models.TextField(blank=True, default="")
    scene_data = models.JSONField()
    # The generator that made it ("local-composer", "llm:<model>") or "manual" for an edited save.
    model = models.CharField(max_length=100, default="manual")
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "-created_at", "-id"], name="scene_owner_new"),
            models.Index(fields=["owner", "model"], name="scene_owner_model"),
        ]

    def __str__(self) -> str:
        return self.name or self.prompt[:60] or f"Scene {self.pk}"


class Render(models.Model):
    """A server render of a scene into an MP4; the video itself is a gallery Asset."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RENDERING = "rendering", "Rendering"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"
        CANCELED = "canceled", "Canceled"

    IN_FLIGHT = (Status.QUEUED, Status.RENDERING)
    FINAL = (Status.COMPLETED, Status.FAILED, Status.CANCELED)

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="renders")
    scene_data = models.JSONField()
    quality = models.CharField(max_length=16, default="draft")
    duration = models.FloatField()
    fps = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    camera_config = models.JSONField(null=True, blank=True)
    # How the camera moves from camera_config (simulation.render.camera.CAMERA_MOVES).
    camera_move = models.CharField(max_length=16, default="static")
    # The ground's look (simulation/render/looks.json "grounds"), resolved when the render was asked.
    ground_style = models.CharField(max_length=16, default="checker")
    scene_context = models.TextField(blank=True, default="")
    renderer = models.CharField(max_length=50)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    frames_done = models.PositiveIntegerField(default=0)
    frames_total = models.PositiveIntegerField(default=0)
    cancel_requested = models.BooleanField(default=False)
    error = models.TextField(blank=True, default="")
    # The finished video; deleting the asset deletes the render (the gallery's contract).
    asset = models.ForeignKey(
        "gallery.Asset", on_delete=models.CASCADE, null=True, blank=True, related_name="renders"
    )
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "-created_at", "-id"], name="render_owner_new"),
            models.Index(fields=["owner", "status"], name="render_owner_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "rendering", "completed", "failed", "canceled"]),
                name="render_status_known",
            ),
            models.CheckConstraint(
                condition=Q(frames_done__lte=models.F("frames_total")), name="render_frames"
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(asset__isnull=False), name="render_completed_has_asset"
            ),
        ]

    def __str__(self) -> str:
        return f"Render {self.pk} ({self.status})"

    @property
    def progress(self) -> float:
        if self.status == self.Status.COMPLETED:
            return 1.0
        return round(self.frames_done / self.frames_total, 4) if self.frames_total else 0.0

    @property
    def resolution(self) -> str:
        return f"{self.width}x{self.height}"
