from django.apps import AppConfig


class SimpocConfig(AppConfig):
    name = "simpoc"
    verbose_name = "Accounts and API keys"
