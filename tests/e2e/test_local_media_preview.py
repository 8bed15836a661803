"""A picked local audio or video file plays in the generate form, under the page's CSP (blob: media)."""

import json
import os

from playwright.sync_api import expect

from tests.e2e.test_generate_image import demo_emulator  # noqa: F401  (a fixture)
from tests.e2e.test_page_check import CSP_LISTENER
from tests.gallery.media import audio_bytes
from tests.media_gen.test_combine import clip

# Set to a folder to keep a screenshot of the form with the file picked.
SHOTS = os.environ.get("E2E_SCREENSHOTS", "")


def shoot(page, name: str) -> None:
    """At the desktop and the phone width, when E2E_SCREENSHOTS names a folder."""
    if not SHOTS:
        return
    for width, height in ((1280, 720), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(150)
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 720})


def _with_audio_input(route) -> None:
    """The emulator's music model takes no audio; this one (as Replicate's melody models do) does."""
    answer = route.fetch().json()
    schema = answer["input_schema"]
    properties = schema.get("properties", schema)
    properties["melody"] = {
        "type": "string",
        "title": "Melody",
        "format": "uri",
        "x-order": 9,
        "description": "An audio file whose melody the music follows.",
    }
    route.fulfill(status=200, content_type="application/json", body=json.dumps(answer))


def test_a_picked_audio_file_plays_and_its_object_url_is_revoked_on_change(demo_emulator, signed_in_page):  # noqa: F811
    page = signed_in_page
    page.add_init_script(CSP_LISTENER)
    page.route("**/api/audio-models/emulator/music/schema*", _with_audio_input)
    page.goto("/audio?collection=ai-music-generation&model=emulator%2Fmusic")
    form = page.get_by_role("form", name="Settings for emulator/music")
    form.get_by_label("Upload Melody").set_input_files(
        files=[
            {
                "name": "tune.wav",
                "mimeType": "audio/wav",
                "buffer": audio_bytes("wav", source="sine=frequency=440:duration=2"),
            }
        ]
    )
    player = form.get_by_label("Preview of Melody")
    expect(player).to_be_visible()
    page.wait_for_function("(a) => a.readyState >= 1", arg=player.element_handle(), timeout=15_000)
    assert abs(player.evaluate("(a) => a.duration") - 2.0) < 0.2
    expect(form.get_by_text("Uploaded tune.wav.")).to_be_visible()
    shoot(page, "generate-audio-picked")
    first = player.get_attribute("src")
    assert first and first.startswith("blob:")

    # Another file: a new URL plays it, and the first one is revoked (a player given it fails to load).
    form.get_by_label("Upload Melody").set_input_files(
        files=[
            {
                "name": "take2.wav",
                "mimeType": "audio/wav",
                "buffer": audio_bytes("wav", source="sine=frequency=660:duration=1"),
            }
        ]
    )
    expect(form.get_by_text("Uploaded take2.wav.")).to_be_visible()
    second = form.get_by_label("Preview of Melody").get_attribute("src")
    assert second and second.startswith("blob:") and second != first
    revoked = page.evaluate(
        """(url) => new Promise((done) => {
            const probe = new Audio();
            probe.onerror = () => done(true);
            probe.onloadedmetadata = () => done(false);
            probe.src = url;
        })""",
        first,
    )
    assert revoked
    assert page.evaluate("window.__cspViolations") == []


def test_a_picked_video_file_plays_in_the_caption_form(demo_emulator, signed_in_page):  # noqa: F811
    page = signed_in_page
    page.add_init_script(CSP_LISTENER)
    page.goto("/videos?collection=video-to-text&model=emulator%2Fcaptioner")
    form = page.get_by_role("form", name="Settings for emulator/captioner")
    form.get_by_label("Upload Video").set_input_files(
        files=[{"name": "clip.mp4", "mimeType": "video/mp4", "buffer": clip(1)}]
    )
    player = form.get_by_label("Preview of Video")
    expect(player).to_be_visible()
    page.wait_for_function(
        "(v) => v.readyState >= 1 && v.videoWidth > 0", arg=player.element_handle(), timeout=15_000
    )
    shoot(page, "generate-video-picked")
    assert page.evaluate("window.__cspViolations") == []
