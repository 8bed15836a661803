"""django-q2 task functions of the gallery: thin, calling services."""

from gallery import services


def retention_run() -> dict:
    """The daily schedule (see gallery.apps): expire old assets, then each app's own rows."""
    result = services.retention_run()
    return {
        "cutoff": result.cutoff.isoformat() if result.cutoff else None,
        "assets_deleted": result.assets_deleted,
        "hooks": result.hooks,
    }
