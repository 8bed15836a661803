"""Actions the pages run through their commands: a result's favourite and delete, staying on the form."""

import re

from playwright.sync_api import expect

from media_gen.models import Generation
from tests.e2e.test_generate_image import demo_emulator  # noqa: F401  (a fixture)
from tests.gallery.factories import AssetFactory
from tests.media_gen.factories import GenerationFactory


def test_favourite_then_delete_a_result_goes_back_to_its_gallery(signed_in_page):
    page = signed_in_page
    image = GenerationFactory(
        owner=page.user, prompt="a lighthouse at dusk", asset=AssetFactory(owner=page.user)
    )
    page.goto(f"/image/{image.pk}")
    page.get_by_role("button", name="☆ Favourite").click()
    expect(page.get_by_role("button", name="★ Favourite")).to_have_attribute("aria-pressed", "true")
    image.refresh_from_db()
    assert image.favorite is True

    page.get_by_role("button", name="Delete").click()
    dialog = page.get_by_role("dialog", name="Delete this image?")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    page.get_by_role("button", name="Delete").click()
    dialog.get_by_role("button", name="Delete").click()
    page.wait_for_url(re.compile(r"/image-gallery$"))
    expect(page.get_by_role("heading", name="No images yet")).to_be_visible()
    assert not Generation.objects.filter(pk=image.pk).exists()


def test_staying_on_the_form_lists_what_started_and_is_remembered(demo_emulator, signed_in_page):  # noqa: F811
    page = signed_in_page
    page.goto("/videos")
    page.get_by_label("Search models").fill("hunyuan")
    page.get_by_role("button", name=re.compile(r"Choose tencent.hunyuan")).click()
    page.wait_for_url(re.compile(r"collection=text-to-video&model=tencent%2Fhunyuan-video$"))
    form = page.get_by_role("form", name="Settings for tencent/hunyuan-video")
    form.get_by_label("Open the result page after starting").uncheck()
    form.get_by_label("Prompt", exact=True).fill("a kite over the dunes")
    form.get_by_role("button", name="Generate").click()

    started = page.get_by_role("region", name="Started from this page")
    expect(started.get_by_role("link", name=re.compile(r"Video #\d+: a kite over the dunes"))).to_be_visible(
        timeout=30_000
    )
    assert page.url.endswith("model=tencent%2Fhunyuan-video")

    page.get_by_role("button", name="Image to video").click()
    page.wait_for_url(re.compile(r"collection=image-to-video&model="))
    expect(page.get_by_label("Search models")).to_have_value("")
    page.reload()
    expect(page.get_by_label("Open the result page after starting")).not_to_be_checked()
