"""The video gallery: filters kept in the URL, a video that plays and seeks in the page, bulk delete, phone width."""

import io
import re

import pytest
from playwright.sync_api import expect

from media_gen.emulator.media import video_bytes
from media_gen.models import Generation
from tests.media_gen.factories import GenerationFactory


@pytest.fixture
def videos(signed_in_page):
    from gallery.services import asset_store

    owner = signed_in_page.user
    clip = video_bytes(prompt="a red ball bouncing", seed=7, size=(96, 64), frames=32, fps=8)  # four seconds
    asset = asset_store(owner=owner, stream=io.BytesIO(clip), kind="video", filename="ball.mp4")
    done = GenerationFactory(
        owner=owner,
        kind=Generation.Kind.VIDEO,
        collection="text-to-video",
        model_id="minimax/video-01",
        prompt="a red ball bouncing on a wooden floor",
        asset=asset,
    )
    failed = GenerationFactory(
        owner=owner,
        kind=Generation.Kind.VIDEO,
        collection="text-to-video",
        model_id="tencent/hunyuan-video",
        prompt="a paper boat on a stormy sea",
        status=Generation.Status.FAILED,
        error="The model refused the prompt.",
    )
    other = GenerationFactory(
        owner=owner,
        kind=Generation.Kind.VIDEO,
        collection="text-to-video",
        model_id="tencent/hunyuan-video",
        prompt="a snail crossing a leaf",
        status=Generation.Status.CANCELED,
    )
    return {"done": done, "failed": failed, "other": other}


def tiles(page):
    return page.get_by_role("list", name="Videos").get_by_role("listitem")


def test_filter_the_video_gallery_and_seek_a_video(signed_in_page, videos):
    page = signed_in_page
    page.get_by_role("link", name="Gallery", exact=True).click()
    expect(page.get_by_role("heading", name="Video gallery")).to_be_visible()
    expect(tiles(page)).to_have_count(3)

    page.get_by_label("Status").select_option("failed")
    page.wait_for_url(re.compile(r"/gallery\?status=failed$"))
    expect(tiles(page)).to_have_count(1)
    expect(tiles(page).first).to_contain_text("a paper boat on a stormy sea")

    # The filter survives a reload because it lives in the URL.
    page.reload()
    expect(page.get_by_label("Status")).to_have_value("failed")
    expect(tiles(page)).to_have_count(1)

    page.get_by_label("Status").select_option("")
    page.get_by_label("Search prompts").fill("red ball")
    page.wait_for_url(re.compile(r"/gallery\?q=red\+ball$"))
    expect(tiles(page)).to_have_count(1)

    done_id = videos["done"].pk
    page.get_by_role("button", name=f"Play video #{done_id}").click()
    dialog = page.get_by_role("dialog", name=f"Video #{done_id}")
    video = dialog.locator("video")
    expect(video).to_be_visible()
    page.wait_for_function(
        "(v) => v.readyState >= 1 && isFinite(v.duration) && v.duration > 0", arg=video.element_handle()
    )
    position = video.evaluate(
        """(v) => new Promise((resolve) => {
            v.addEventListener("seeked", () => resolve({time: v.currentTime, duration: v.duration}), {once: true});
            v.currentTime = v.duration / 2;
        })"""
    )
    assert position["duration"] == pytest.approx(4, abs=0.5)
    assert position["time"] == pytest.approx(position["duration"] / 2, abs=0.3)
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()


def test_bulk_delete_and_favourite(signed_in_page, videos):
    page = signed_in_page
    page.goto("/gallery")
    expect(tiles(page)).to_have_count(3)

    done_id = videos["done"].pk
    favourite = page.get_by_role("button", name=f"Favourite video #{done_id}")
    favourite.click()
    expect(favourite).to_have_attribute("aria-pressed", "true")
    # The box follows the URL, which changes a moment after the click.
    page.get_by_label("Favourites only").click()
    page.wait_for_url(re.compile(r"/gallery\?favorite=1$"))
    expect(page.get_by_label("Favourites only")).to_be_checked()
    expect(tiles(page)).to_have_count(1)
    page.get_by_label("Favourites only").click()
    page.wait_for_url(re.compile(r"/gallery$"))
    expect(tiles(page)).to_have_count(3)

    page.get_by_label(f"Select video #{videos['failed'].pk}").check()
    page.get_by_label(f"Select video #{videos['other'].pk}").check()
    page.get_by_role("button", name="Delete selected (2)").click()
    dialog = page.get_by_role("dialog", name="Delete 2 videos?")
    dialog.get_by_role("button", name="Delete").click()
    expect(dialog).to_be_hidden()
    expect(tiles(page)).to_have_count(1)
    assert list(Generation.objects.filter(kind="video").values_list("pk", flat=True)) == [done_id]


def test_gallery_fits_a_phone(signed_in_page, videos):
    page = signed_in_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/gallery")
    expect(tiles(page)).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_empty_gallery_says_what_to_do(signed_in_page):
    page = signed_in_page
    page.goto("/image-gallery")
    expect(page.get_by_role("heading", name="No images yet")).to_be_visible()
    expect(page.get_by_role("link", name="Generate one")).to_be_visible()
