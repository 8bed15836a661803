"""A result page's facts list only what the generation has."""

from playwright.sync_api import expect

from media_gen.models import Generation
from tests.media_gen.factories import GenerationFactory


def test_generation_without_a_collection_shows_no_empty_collection_row(signed_in_page):
    page = signed_in_page
    # Started through the API, which does not require a collection.
    generation = GenerationFactory(owner=page.user, collection="", status=Generation.Status.FAILED)
    page.goto(f"/image/{generation.pk}")
    facts = page.locator("dl.facts")
    expect(facts.get_by_text("Model", exact=True)).to_be_visible()
    expect(facts.get_by_text("Collection", exact=True)).to_have_count(0)
