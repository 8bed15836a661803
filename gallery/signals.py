"""What follows an asset when it is deleted, however it is deleted (service, cascade, admin, queryset).

The thumbnail row goes in the same transaction; an object in object storage goes after commit (a
rolled-back delete must not lose the bytes).
"""

from functools import partial
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from gallery import storage_backends
from gallery.models import Asset


@receiver(post_delete, sender=Asset, dispatch_uid="gallery_asset_cleanup")
def asset_cleanup(sender: type[Asset], instance: Asset, using: str, **kwargs: Any) -> None:
    if instance.thumbnail_id:
        Asset.objects.using(using).filter(pk=instance.thumbnail_id).delete()
    if instance.storage_key:
        transaction.on_commit(
            partial(storage_backends.object_delete_quietly, key=instance.storage_key), using=using
        )
