"""At a phone's width (390 px) no page scrolls sideways: everything fits the screen."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_generate_image import demo_emulator  # noqa: F401  (a fixture)

PHONE = {"width": 390, "height": 844}
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


@pytest.mark.usefixtures("demo_emulator")
@pytest.mark.parametrize(
    ("path", "model"),
    [
        # minimax/video-01's form has image inputs: a file picker is wider than a phone's column.
        ("/videos", "minimax/video-01"),
        ("/images", "black-forest-labs/flux-schnell"),
    ],
)
def test_generation_pages_fit_a_phone(signed_in_page, path, model):
    page = signed_in_page
    page.set_viewport_size(PHONE)
    page.goto(path)
    expect(page.get_by_role("form", name=f"Settings for {model}")).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL), page.evaluate("document.documentElement.scrollWidth")
