"""The "Moderators" group: staff who moderate items and work the review queue, and nothing else.

They may see generations, renders, scenes and assets, hide/unhide/flag them, resolve flags and
delete items. They get no permission on users, groups, API keys, backups or the task queue, and
not the change permission on generations and renders (retrying and re-running stay with staff).
"""

from django.db import migrations

GROUP = "Moderators"
PERMISSIONS = {
    "gallery": [
        "moderate",
        "view_asset",
        "delete_asset",
        "view_assetflag",
        "change_assetflag",
        "delete_assetflag",
    ],
    "media_gen": ["view_generation", "delete_generation", "view_downloadattempt"],
    "simulation": ["view_render", "delete_render", "view_scene", "delete_scene"],
}


def _create_permissions(apps) -> None:
    """Permissions are normally made after every migration; the group needs them now."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def moderators_create(apps, schema_editor) -> None:
    _create_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    for app_label, codenames in PERMISSIONS.items():
        found = list(Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
        missing = set(codenames) - {permission.codename for permission in found}
        if missing:
            raise RuntimeError(f"Permissions missing for the {GROUP} group: {app_label}.{sorted(missing)}")
        group.permissions.add(*found)


def moderators_delete(apps, schema_editor) -> None:
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("gallery", "0003_asset_flag"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("media_gen", "0001_initial"),
        ("simulation", "0001_initial"),
    ]

    operations = [migrations.RunPython(moderators_create, moderators_delete)]
