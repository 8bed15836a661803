"""Factories shared by every app's tests; each app adds its own in tests/<app>/factories.py."""

import factory
from django.contrib.auth import get_user_model

from simpoc import services
from simpoc.models import ApiKey

DEFAULT_PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()


class StaffFactory(UserFactory):
    is_staff = True


def make_api_key(user, *, name: str = "test key", expires_days: int | None = None) -> tuple[ApiKey, str]:
    created = services.api_key_create(user=user, name=name, expires_days=expires_days)
    return created.api_key, created.raw_key
