"""Every kind of generation in the browser (issue 15): the gallery's kind filter with audio, an
audio page that plays, upscaling an image from its page, and combining two videos."""

import io
import os
import re

from playwright.sync_api import expect

from gallery.services import asset_store
from media_gen.models import Generation
from tests.e2e.test_generate_image import demo_emulator, poller  # noqa: F401 (fixtures)
from tests.gallery.media import audio_bytes, png_bytes
from tests.media_gen.factories import GenerationFactory
from tests.media_gen.test_combine import clip, stored_video

# Set to a folder to keep a screenshot of each page at the desktop and the phone width.
SHOTS = os.environ.get("E2E_SCREENSHOTS", "")


def shoot(page, name: str) -> None:
    if not SHOTS:
        return
    for width, height in ((1280, 720), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(150)
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 720})


def stored_audio(owner, prompt: str = "a calm tune in C") -> Generation:
    data = audio_bytes("wav", source="sine=frequency=440:duration=2")
    asset = asset_store(owner=owner, stream=io.BytesIO(data), kind="audio", filename="tune.wav")
    return GenerationFactory(
        owner=owner,
        kind="audio",
        model_id="emulator/music",
        collection="ai-music-generation",
        prompt=prompt,
        asset=asset,
        status=Generation.Status.COMPLETED,
    )


def stored_image(owner, prompt: str = "a red square") -> Generation:
    asset = asset_store(owner=owner, stream=io.BytesIO(png_bytes(64, 48)), kind="image", filename="red.png")
    return GenerationFactory(
        owner=owner,
        kind="image",
        model_id="black-forest-labs/flux-schnell",
        collection="text-to-image",
        prompt=prompt,
        asset=asset,
        status=Generation.Status.COMPLETED,
    )


def test_the_gallery_kind_filter_shows_audio_with_its_waveform_and_player(signed_in_page):
    page = signed_in_page
    song = stored_audio(page.user)
    stored_image(page.user)
    page.goto("/gallery")
    expect(page.get_by_role("heading", name="Video gallery")).to_be_visible()
    kinds = page.get_by_role("navigation", name="Kind")
    kinds.get_by_role("link", name="Audio").click()
    page.wait_for_url(re.compile(r"/gallery\?kind=audio$"))
    expect(page.get_by_role("heading", name="Audio gallery")).to_be_visible()
    grid = page.get_by_role("list", name="Audio")
    expect(grid.get_by_role("listitem")).to_have_count(1)
    card = grid.get_by_role("listitem").first
    expect(card.get_by_text("a calm tune in C")).to_be_visible()
    waveform = card.locator("img")
    expect(waveform).to_have_attribute("src", re.compile(rf"/api/audio/{song.pk}/thumbnail"))
    expect(card.get_by_label(f"Play audio #{song.pk}")).to_have_attribute(
        "src", re.compile(rf"/api/audio/{song.pk}/data")
    )
    shoot(page, "gallery-audio")
    # The other kinds are one click away, and the old image gallery link still works.
    kinds.get_by_role("link", name="Images").click()
    page.wait_for_url(re.compile(r"/image-gallery$"))
    expect(page.get_by_role("heading", name="Image gallery")).to_be_visible()
    expect(page.get_by_role("list", name="Images").get_by_role("listitem")).to_have_count(1)


def test_an_audio_page_plays_its_sound(signed_in_page):
    page = signed_in_page
    song = stored_audio(page.user)
    page.goto(f"/audio/{song.pk}")
    expect(page.get_by_role("heading", name=f"Audio #{song.pk}")).to_be_visible()
    player = page.get_by_test_id("audio-player")
    expect(player).to_have_attribute("src", re.compile(rf"/api/audio/{song.pk}/data"))
    expect(page.get_by_role("img", name=f"Waveform of audio #{song.pk}")).to_be_visible()
    expect(page.get_by_text("Duration")).to_be_visible()
    # The browser loads the sound's metadata (ranges through /data): it knows the duration.
    page.wait_for_function("() => document.querySelector('audio').readyState >= 1", timeout=15_000)
    duration = page.evaluate("() => document.querySelector('audio').duration")
    assert abs(duration - 2.0) < 0.2, duration
    page.evaluate("() => { const a = document.querySelector('audio'); a.muted = true; return a.play(); }")
    page.wait_for_function("() => document.querySelector('audio').currentTime > 0", timeout=15_000)
    shoot(page, "detail-audio")


def test_upscale_from_an_image_page_makes_an_image_made_from_it(demo_emulator, poller, signed_in_page):  # noqa: F811
    page = signed_in_page
    image = stored_image(page.user)
    page.goto(f"/image/{image.pk}")
    shoot(page, "detail-image")
    page.get_by_role("link", name="Upscale").click()
    page.wait_for_url(re.compile(r"/images\?collection=super-resolution"))
    expect(page.get_by_text(f"Using Image #{image.pk} from your gallery.")).to_be_visible()
    shoot(page, "generate-upscale")
    page.get_by_role("button", name="Generate").click()
    page.wait_for_url(re.compile(r"/image/\d+$"))
    new_id = int(page.url.rsplit("/", 1)[1])
    assert new_id != image.pk
    expect(page.locator(".badge").first).to_have_text("Completed", timeout=30_000)
    source = page.get_by_test_id("generation-source")
    expect(source).to_contain_text(f"Made from image #{image.pk}")
    upscaled = Generation.objects.get(pk=new_id)
    assert upscaled.collection == "super-resolution"
    assert (upscaled.source_kind, upscaled.source_id) == ("image", image.pk)
    assert (upscaled.asset.width, upscaled.asset.height) in {(128, 96), (256, 192)}
    shoot(page, "detail-upscaled")
    source.get_by_role("link").click()
    page.wait_for_url(f"**/image/{image.pk}")


def test_combine_two_videos_from_the_gallery(signed_in_page):
    page = signed_in_page
    first = stored_video(page.user, clip(1), status=Generation.Status.COMPLETED, prompt="first clip")
    second = stored_video(page.user, clip(1), status=Generation.Status.COMPLETED, prompt="second clip")
    page.goto("/gallery")
    grid = page.get_by_role("list", name="Videos")
    # Picked in this order: the second, then the first.
    grid.get_by_role("button", name=f"Combine video #{second.pk}").click()
    grid.get_by_role("button", name=f"Combine video #{first.pk}").click()
    tray = page.get_by_role("region", name="Combine videos")
    expect(
        tray.get_by_role("list", name="Videos to combine, in order").get_by_role("listitem")
    ).to_have_count(2)
    expect(grid.get_by_role("button", name=f"Combine video #{first.pk}")).to_have_text("Combine #2")
    shoot(page, "gallery-combine")
    tray.get_by_role("button", name="Combine 2 videos…").click()
    dialog = page.get_by_role("dialog", name="Combine 2 videos")
    dialog.get_by_label("Transition").select_option("crossfade")
    dialog.get_by_label("Output size").select_option("854x480")
    shoot(page, "gallery-combine-dialog")
    dialog.get_by_role("button", name="Combine", exact=True).click()
    page.wait_for_url(re.compile(r"/video/\d+$"))
    combined = Generation.objects.get(pk=int(page.url.rsplit("/", 1)[1]))
    assert combined.collection == "combine"
    assert combined.inputs["items"] == [{"kind": "video", "id": second.pk}, {"kind": "video", "id": first.pk}]
    assert combined.inputs["transition"] == "crossfade"
    source = page.get_by_test_id("generation-source")
    expect(source).to_contain_text(f"Combined from video #{second.pk}, video #{first.pk}")
    expect(page.locator(".badge").first).to_have_text("Completed", timeout=30_000)
    expect(page.locator("video.media")).to_be_visible()
    shoot(page, "detail-combined")


def test_caption_a_video_from_its_page_and_see_the_caption_there(demo_emulator, poller, signed_in_page):  # noqa: F811
    page = signed_in_page
    video = stored_video(page.user, clip(1), status=Generation.Status.COMPLETED, prompt="a test pattern")
    page.goto(f"/video/{video.pk}")
    captions = page.get_by_role("region", name="Captions")
    expect(captions.get_by_text("No captions yet.")).to_be_visible()
    captions.get_by_role("link", name="Caption this video").click()
    page.wait_for_url(re.compile(r"/videos\?collection=video-to-text"))
    expect(page.get_by_text(f"Using Video #{video.pk} from your gallery.")).to_be_visible()
    page.get_by_role("button", name="Generate").click()
    page.wait_for_url(re.compile(r"/video/\d+$"))
    expect(page.locator(".badge").first).to_have_text("Completed", timeout=30_000)
    text = page.get_by_test_id("text-output")
    expect(text).to_contain_text("160x90")
    expect(page.get_by_test_id("generation-source")).to_contain_text(f"Made from video #{video.pk}")
    shoot(page, "detail-caption")
    page.get_by_test_id("generation-source").get_by_role("link").click()
    page.wait_for_url(f"**/video/{video.pk}")
    expect(page.get_by_role("region", name="Captions").locator(".caption-list li")).to_have_count(1)
    shoot(page, "detail-video-captions")
