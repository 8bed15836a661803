"""Make it real in the browser: a finished render's frame sent to an image-to-video model from the
simulations page; the new video links back to its render, and the render lists it."""

import re

from playwright.sync_api import expect

from tests.e2e.test_generate_image import demo_emulator, poller  # noqa: F401 (fixtures)
from tests.media_gen.test_make_real import FRAMES, _finished_render, _frame, _mp4


def test_make_a_render_real_and_follow_the_links(demo_emulator, poller, signed_in_page):  # noqa: F811
    page = signed_in_page
    render = _finished_render(page.user, _mp4([_frame(index) for index in range(FRAMES)]))
    page.goto("/simulations")
    card = page.get_by_role("article", name=f"Render {render.pk}")
    card.get_by_role("button", name="Make it real").click()
    form = card.get_by_role("form", name=f"Make render {render.pk} real")
    model = form.get_by_label("Image-to-video model")
    expect(model).to_be_enabled()
    model.select_option("stability-ai/stable-video-diffusion")
    form.get_by_role("slider").fill("6")
    expect(form.get_by_text("Frame sent as the image: 6 of 9")).to_be_visible()
    expect(form.get_by_label("Prompt (written from the scene)")).to_have_value(
        re.compile("a ball knocks down a bowling pin")
    )
    form.get_by_role("button", name="Send to the model").click()
    started = form.get_by_role("link", name=re.compile(r"^video \d+$"))
    expect(started).to_be_visible()
    video_id = int(started.inner_text().split()[-1])
    expect(card.get_by_test_id(f"derived-videos-{render.pk}")).to_contain_text(f"video {video_id}")

    started.click()
    page.wait_for_url(f"**/video/{video_id}")
    source = page.get_by_test_id("generation-source")
    expect(source).to_contain_text(f"simulation render {render.pk}")
    source.get_by_role("link").click()
    page.wait_for_url("**/simulations")
