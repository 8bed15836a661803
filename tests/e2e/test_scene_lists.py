"""The saved-scenes page: its link-buttons look like the buttons beside them."""

from playwright.sync_api import expect

from tests.simulation.factories import SceneFactory

FONT_SIZE = "(el) => getComputedStyle(el).fontSize"


def test_scene_card_actions_share_one_size(signed_in_page):
    page = signed_in_page
    SceneFactory(owner=page.user, name="Domino run")
    page.goto("/scenes")
    card = page.get_by_role("article", name="Domino run")
    open_link = card.get_by_role("link", name="Open in the editor")
    rename = card.get_by_role("button", name="Rename")
    expect(open_link).to_be_visible()
    assert open_link.evaluate(FONT_SIZE) == rename.evaluate(FONT_SIZE)
    assert open_link.bounding_box()["height"] == rename.bounding_box()["height"]
