"""AssetFactory stores real bytes through gallery.services.asset_store, like production does."""

import io

import factory

from gallery import services
from gallery.models import Asset
from tests.factories import UserFactory
from tests.gallery.media import png_bytes


class AssetFactory(factory.django.DjangoModelFactory):
    """``AssetFactory(owner=user, content=b"...", kind="video")``; a small PNG image by default."""

    class Meta:
        model = Asset

    owner = factory.SubFactory(UserFactory)
    kind = Asset.Kind.IMAGE
    content = factory.LazyFunction(png_bytes)
    filename = "picture.png"

    @classmethod
    def _create(cls, model_class: type[Asset], *args: object, **kwargs: object) -> Asset:
        content = kwargs.pop("content")
        asset = services.asset_store(
            owner=kwargs.pop("owner"),
            stream=io.BytesIO(content),
            kind=kwargs.pop("kind"),
            filename=kwargs.pop("filename"),
        )
        if kwargs:  # anything else (favorite, created_at, hidden_at ...) is set on the stored row
            Asset.objects.filter(pk=asset.pk).update(**kwargs)
            for name, value in kwargs.items():
                setattr(asset, name, value)
        return asset
