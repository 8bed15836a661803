"""A moderator's common tasks take at most three clicks from the admin index.

Typing into a box is not a click; pressing a button or following a link is. Each task starts at
/admin/ and counts its clicks.
"""

import importlib
import re

import pytest
from django.contrib.auth.models import Group, Permission
from playwright.sync_api import expect

from gallery.models import Asset
from media_gen.models import Generation
from tests.e2e.test_generate_image import demo_emulator  # noqa: F401  (a fixture)
from tests.factories import DEFAULT_PASSWORD, StaffFactory, UserFactory
from tests.gallery.factories import AssetFactory
from tests.media_gen.factories import GenerationFactory


class Clicks:
    def __init__(self, page) -> None:
        self.page, self.count = page, 0

    def __call__(self, locator) -> None:
        self.count += 1
        locator.click()


def _moderators() -> Group:
    """The data migration's group (a live-server test's database is emptied between tests)."""
    migration = importlib.import_module("gallery.migrations.0004_moderators_group")
    group, _ = Group.objects.get_or_create(name=migration.GROUP)
    for app_label, codenames in migration.PERMISSIONS.items():
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )
    return group


def _admin_sign_in(page, username: str) -> None:
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#back-office")).to_be_visible()


def test_find_an_item_and_hide_it_with_a_reason_in_three_clicks(page):
    owner = UserFactory(username="uploader")
    generation = GenerationFactory(owner=owner, asset=AssetFactory(owner=owner), prompt="a rude sign")
    moderator = StaffFactory(username="moderator")
    moderator.groups.add(_moderators())
    _admin_sign_in(page, moderator.username)

    click = Clicks(page)
    page.get_by_label("Find an item by its public URL or id").fill(f"/image/{generation.pk}")
    click(page.get_by_role("button", name="Find"))
    expect(page.locator("#find-results")).to_contain_text("a rude sign")
    click(page.locator("#find-results").get_by_role("button", name="Hide…"))
    page.get_by_label("Reason").fill("Offensive text")
    click(page.get_by_role("button", name="Hide", exact=True))

    expect(page.locator("ul.messagelist")).to_contain_text("Hid 1")
    assert click.count <= 3
    asset = Asset.objects.get(pk=generation.asset_id)
    assert asset.hidden_at is not None and asset.hidden_reason == "Offensive text"


@pytest.mark.usefixtures("demo_emulator")
def test_find_a_failed_generation_and_rerun_it_in_three_clicks(page):
    # (Retrying a failed download is two: Queue health, then its "Retry download"; test_admin_retry.)
    owner = UserFactory(username="painter")
    failed = GenerationFactory(
        owner=owner,
        status="failed",
        error="The model failed: CUDA out of memory",
        model_id="ideogram-ai/ideogram-v2-turbo",
        inputs={"prompt": "a kite over the dunes"},
        prompt="a kite over the dunes",
    )
    old_prediction = failed.prediction_id
    StaffFactory(username="operator", is_superuser=True)
    _admin_sign_in(page, "operator")

    click = Clicks(page)
    page.get_by_label("Find an item by its public URL or id").fill(str(failed.pk))
    click(page.get_by_role("button", name="Find"))
    click(page.locator("#find-results").get_by_role("link", name=re.compile(rf"#{failed.pk}$")))
    click(page.get_by_role("button", name="Re-run"))

    expect(page.locator("ul.messagelist")).to_contain_text("Re-ran 1")
    assert click.count <= 3
    failed.refresh_from_db()
    assert failed.status != Generation.Status.FAILED
    assert failed.prediction_id and failed.prediction_id != old_prediction  # a new run on Replicate
