from django.apps import AppConfig


class MediaGenConfig(AppConfig):
    name = "media_gen"
    verbose_name = "Media generation (Replicate)"
