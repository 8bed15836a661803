"""The gallery's combine picks survive a reload of the tab, in the order they were picked."""

from playwright.sync_api import expect

from media_gen.models import Generation
from tests.media_gen.test_combine import clip, stored_video


def test_combine_picks_survive_a_reload_in_order(signed_in_page):
    page = signed_in_page
    first = stored_video(page.user, clip(1), status=Generation.Status.COMPLETED, prompt="first clip")
    second = stored_video(page.user, clip(1), status=Generation.Status.COMPLETED, prompt="second clip")
    page.goto("/gallery")
    grid = page.get_by_role("list", name="Videos")
    grid.get_by_role("button", name=f"Combine video #{second.pk}").click()
    grid.get_by_role("button", name=f"Combine video #{first.pk}").click()

    page.reload()
    tray = page.get_by_role("region", name="Combine videos")
    picked = tray.get_by_role("list", name="Videos to combine, in order").get_by_role("listitem")
    expect(picked).to_have_count(2)
    expect(grid.get_by_role("button", name=f"Combine video #{second.pk}")).to_have_text("Combine #1")
    expect(grid.get_by_role("button", name=f"Combine video #{first.pk}")).to_have_text("Combine #2")

    # Unpicking both empties the saved picks: the next reload shows no tray.
    grid.get_by_role("button", name=f"Combine video #{second.pk}").click()
    grid.get_by_role("button", name=f"Combine video #{first.pk}").click()
    page.reload()
    expect(grid.get_by_role("button", name=f"Combine video #{first.pk}")).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('simpoc.combine.picks')") is None
    expect(page.get_by_role("region", name="Combine videos")).to_have_count(0)
