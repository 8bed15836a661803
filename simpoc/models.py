from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ApiKey(models.Model):
    """A key for outside integrations. Only its SHA-256 and a short lookup prefix are stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    # The first characters after "sk_": enough to find the row without scanning, useless to an attacker.
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API key"
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True) | Q(expires_at__gt=models.F("created_at")),
                name="api_key_expires_after_creation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} (sk_{self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())


class Backup(models.Model):
    """One backup of the database (and the manifest of object-storage keys), and what its check found."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        VERIFIED = "verified", "Verified"
        FAILED = "failed", "Failed"
        DELETED = "deleted", "Deleted by rotation"

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    engine = models.CharField(max_length=16)
    path = models.CharField(max_length=500, blank=True, default="")
    size_bytes = models.BigIntegerField(default=0)
    table_counts = models.JSONField(default=dict, blank=True)
    asset_count = models.PositiveIntegerField(default=0)
    checked_assets = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, default="")
    trigger = models.CharField(max_length=16, default="schedule")

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Backup {self.started_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"


class Lease(models.Model):
    """Who runs a singleton job (the poll loop, one output's download) and until when.

    The holder renews ``expires_at`` every round; a holder that dies stops renewing, so its lease
    lapses within one round and the next process takes over (simpoc/leases.py).
    """

    name = models.CharField(max_length=200, unique=True)
    owner = models.CharField(max_length=120)
    acquired_at = models.DateTimeField(default=timezone.now)
    renewed_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} held by {self.owner} until {self.expires_at:%H:%M:%S}"
