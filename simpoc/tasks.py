"""django-q2 tasks of the project package."""


def database_reclaim() -> str:
    """The 15-minute schedule: give free SQLite pages back to the filesystem in short steps."""
    from simpoc import dbspace

    return str(dbspace.database_reclaim())
