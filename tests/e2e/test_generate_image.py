"""Generate an image in demo mode through the form, watch it complete, then open the video form from it."""

import re
import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from media_gen.emulator import Emulator, EmulatorConfig
from media_gen.models import Generation


@pytest.fixture
def demo_emulator(settings) -> Iterator[Emulator]:
    """The built-in Replicate emulator on a free port; Django polls it (no public site, no webhooks)."""
    config = EmulatorConfig(
        start_delay=0.2, run_delay=0.5, image_size=(64, 64), video_size=(64, 48), webhook_mode="record"
    )
    with Emulator(config) as emulator:
        settings.REPLICATE_API_TOKEN = ""
        settings.REPLICATE_DEMO_MODE = True
        settings.REPLICATE_BASE_URL = emulator.url
        settings.REPLICATE_WEBHOOK_SECRET = ""
        settings.GENERATION_POLL_SECONDS = 0
        yield emulator


@pytest.fixture
def poller(demo_emulator) -> Iterator[None]:
    """Stands in for the worker's polling schedule while the browser watches."""
    from media_gen.services import generation_poll_in_flight

    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            generation_poll_in_flight()
            stop.wait(0.3)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join(timeout=5)


def test_generate_an_image_and_see_it_complete(demo_emulator, poller, signed_in_page):
    page = signed_in_page
    expect(
        page.get_by_text("Demo mode: generations come from the built-in Replicate emulator")
    ).to_be_visible()
    page.get_by_role("link", name="Images", exact=True).click()
    expect(page.get_by_role("heading", name="Generate an image")).to_be_visible()

    page.get_by_label("Search models").fill("flux")
    page.get_by_role("button", name="Choose black-forest-labs/flux-schnell").click()
    form = page.get_by_role("form", name="Settings for black-forest-labs/flux-schnell")
    # Defaults from the schema are filled in; the enum behind allOf/$ref is a select.
    expect(form.get_by_label("Num Outputs")).to_have_value("1")
    expect(form.get_by_label("Aspect ratio")).to_have_value("1:1")

    form.get_by_role("button", name="Generate").click()
    expect(form.get_by_text("Required.")).to_be_visible()

    form.get_by_label("Prompt", exact=True).fill("a lighthouse on a cliff at dusk")
    form.get_by_label("Num Inference Steps").fill("9")
    form.get_by_role("button", name="Generate").click()
    expect(form.get_by_text("Must be at most 4.")).to_be_visible()
    form.get_by_label("Num Inference Steps").fill("4")
    form.get_by_role("button", name="Generate").click()

    page.wait_for_url(re.compile(r"/image/\d+$"))
    image = page.get_by_role("img", name="a lighthouse on a cliff at dusk")
    expect(image).to_be_visible(timeout=30_000)
    expect(page.locator(".detail-head [data-status]")).to_have_attribute("data-status", "completed")
    # The bytes come from our own /data endpoint and decode in the browser.
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    download = page.get_by_role("link", name="Download")
    expect(download).to_have_attribute(
        "href", re.compile(r"/api/images/\d+/data\?(v=[0-9a-f]+&)?download=1$")
    )
    expect(page.get_by_role("region", name="Result")).to_be_visible()
    expect(page.get_by_text("a lighthouse on a cliff at dusk").last).to_be_visible()

    # From the image, open an image-to-video model's form with the image already in its image input.
    image_page_url = page.url
    page.get_by_role("button", name="Make a video from this image").click()
    dialog = page.get_by_role("dialog", name="Make a video from this image")
    dialog.get_by_label("Image-to-video model").select_option("minimax/video-01")
    dialog.get_by_role("button", name="Open the video form").click()
    page.wait_for_url(re.compile(r"/videos\?.*model=minimax%2Fvideo-01"))
    video_form = page.get_by_role("form", name="Settings for minimax/video-01")
    expect(video_form.get_by_role("img", name="Preview of First Frame Image")).to_be_visible()
    image_id = int(image_page_url.rsplit("/", 1)[1])
    expect(video_form.get_by_text(f"Using Image #{image_id} from your gallery.")).to_be_visible()
    video_form.get_by_label("Prompt", exact=True).fill("the lighthouse beam sweeps")
    video_form.get_by_role("button", name="Generate").click()
    page.wait_for_url(re.compile(r"/video/\d+$"))
    player = page.locator("video")
    expect(player).to_be_visible(timeout=30_000)
    # The video was made from the stored image (RunIn.source), not from an uploaded copy of it.
    expect(page.get_by_test_id("generation-source")).to_contain_text(f"Made from image #{image_id}")
    video = Generation.objects.get(pk=int(page.url.rsplit("/", 1)[1]))
    assert (video.source_kind, video.source_id) == ("image", image_id)
