from django.apps import AppConfig


class WebrootConfig(AppConfig):
    """The top of the site (root URLconf, the API with every router); an app for its commands."""

    name = "webroot"
    verbose_name = "Site root"
