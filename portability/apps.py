from django.apps import AppConfig


class PortabilityConfig(AppConfig):
    """Archives: export (a streamed ZIP with metadata.json) and import, across the producers."""

    name = "portability"
    verbose_name = "Archives (export and import)"
