from django.apps import AppConfig, apps
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


class BackofficeConfig(AppConfig):
    """The back office (top): admin pages across the apps, usage per user, backups."""

    default = True
    name = "backoffice"
    verbose_name = "Back office"

    def ready(self) -> None:
        from backoffice.schedules import ensure_backup_schedule

        # After simpoc's migrations (it holds the Backup table); this app has no tables of its own.
        post_migrate.connect(
            ensure_backup_schedule,
            sender=apps.get_app_config("simpoc"),
            dispatch_uid="backoffice-backup-schedule",
        )


class BackOfficeAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with ``admin.site`` being the back office's site (``backoffice.sites``)."""

    default = False  # named in INSTALLED_APPS; "backoffice" alone means BackofficeConfig
    default_site = "backoffice.sites.BackOfficeSite"
