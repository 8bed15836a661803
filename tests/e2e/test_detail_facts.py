"""A result page's facts list only what the generation has."""

import os

from playwright.sync_api import expect

from media_gen.models import Generation
from tests.e2e.test_generate_image import demo_emulator  # noqa: F401  (a fixture)
from tests.gallery.factories import AssetFactory
from tests.media_gen.factories import GenerationFactory

# Set to a folder to keep screenshots of the make-a-video dialog and the form it opens.
SHOTS = os.environ.get("E2E_SCREENSHOTS", "")


def test_generation_without_a_collection_shows_no_empty_collection_row(signed_in_page):
    page = signed_in_page
    # Started through the API, which does not require a collection.
    generation = GenerationFactory(owner=page.user, collection="", status=Generation.Status.FAILED)
    page.goto(f"/image/{generation.pk}")
    facts = page.locator("dl.facts")
    expect(facts.get_by_text("Model", exact=True)).to_be_visible()
    expect(facts.get_by_text("Collection", exact=True)).to_have_count(0)


def test_make_a_video_from_an_image_starts_from_the_image_prompt(demo_emulator, signed_in_page):  # noqa: F811
    page = signed_in_page
    image = GenerationFactory(
        owner=page.user, prompt="a lighthouse at dusk", asset=AssetFactory(owner=page.user)
    )
    page.goto(f"/image/{image.pk}")
    page.get_by_role("button", name="Make a video from this image").click()
    dialog = page.get_by_role("dialog", name="Make a video from this image")
    dialog.get_by_label("Image-to-video model").select_option("minimax/video-01")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/detail-make-a-video-dialog.png")
    dialog.get_by_role("button", name="Open the video form").click()
    form = page.get_by_role("form", name="Settings for minimax/video-01")
    expect(form.get_by_role("img", name="Preview of First Frame Image")).to_be_visible()
    # The stored image itself is the run's source: nothing was uploaded again.
    expect(form.get_by_text(f"Using Image #{image.pk} from your gallery.")).to_be_visible()
    expect(form.get_by_label("Prompt", exact=True)).to_have_value("a lighthouse at dusk")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/generate-video-from-image.png", full_page=True)
