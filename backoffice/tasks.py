"""django-q2 tasks of the back office."""

from backoffice import backups


def backup_run() -> str:
    """The daily schedule: take and check a backup, then rotate old ones."""
    record = backups.backup_create(trigger="schedule")
    removed = backups.backup_rotate()
    return f"backup {record.path}: {record.size_bytes} bytes, {record.asset_count} assets; rotated {len(removed)}"
