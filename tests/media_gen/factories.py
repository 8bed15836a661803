"""GenerationFactory: rows as the services leave them (tests that need upstream use the emulator)."""

import factory

from media_gen.models import Generation
from tests.factories import UserFactory


class GenerationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Generation

    owner = factory.SubFactory(UserFactory)
    kind = Generation.Kind.IMAGE
    status = Generation.Status.COMPLETED
    model_id = "black-forest-labs/flux-schnell"
    collection = "text-to-image"
    prompt = factory.Sequence(lambda n: f"a lighthouse in a storm, take {n}")
    inputs = factory.LazyAttribute(lambda g: {"prompt": g.prompt})
    prediction_id = factory.Sequence(lambda n: f"prediction{n:020d}")
    upstream_status = "succeeded"
