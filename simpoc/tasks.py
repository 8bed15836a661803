"""django-q2 tasks of the project package."""

from simpoc import backups


def backup_run() -> str:
    """The daily schedule: take and check a backup, then rotate old ones."""
    record = backups.backup_create(trigger="schedule")
    removed = backups.backup_rotate()
    return f"backup {record.path}: {record.size_bytes} bytes, {record.asset_count} assets; rotated {len(removed)}"


def database_reclaim() -> str:
    """The 15-minute schedule: give free SQLite pages back to the filesystem in short steps."""
    from simpoc import dbspace

    return str(dbspace.database_reclaim())
