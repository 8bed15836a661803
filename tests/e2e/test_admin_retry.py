"""A staff member retries a failed download from the admin and sees it succeed."""

import re

from django.test import Client
from playwright.sync_api import expect

from gallery.models import Asset
from media_gen.models import DownloadAttempt, Generation
from tests.admin.conftest import make_failed_download
from tests.factories import DEFAULT_PASSWORD, StaffFactory, UserFactory

# The Replicate emulator on a free port, with webhooks kept in its outbox (media_gen's fixtures).
from tests.media_gen.conftest import _emulator_server, emulator, public_site  # noqa: F401


def test_staff_retries_a_failed_download_from_the_admin(page, public_site):  # noqa: F811
    owner = UserFactory(username="e2e-owner")
    generation = make_failed_download(owner, public_site, Client())
    StaffFactory(username="e2e-admin", is_superuser=True)

    page.goto("/admin/login/")
    page.fill("#id_username", "e2e-admin")
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#back-office")).to_be_visible()

    # The queue health page lists the failed download with its fix.
    page.get_by_role("link", name="Queue health").click()
    failing = page.locator("#failing-downloads")
    expect(failing).to_contain_text(f"#{generation.pk}")
    expect(failing).to_contain_text("gave up after 2 tries")

    # The generation's page shows the failed attempts; retry from there.
    failing.get_by_role("link", name=f"#{generation.pk}").click()
    expect(page.locator("body")).to_contain_text("HTTP 500")
    page.get_by_role("button", name=re.compile("Retry the download")).click()

    expect(page.locator("ul.messagelist")).to_contain_text("Retried the download of 1")
    expect(page.locator("ul.messagelist")).to_contain_text("now completed")
    expect(page).to_have_url(re.compile(rf"/admin/media_gen/generation/{generation.pk}/change/$"))
    expect(page.locator(".field-status")).to_contain_text("Completed")
    thumbnail = page.locator(f'.field-preview_large img[src="/api/images/{generation.pk}/thumbnail"]')
    expect(thumbnail).to_be_visible()
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle())

    generation.refresh_from_db()
    assert generation.status == Generation.Status.COMPLETED
    assert Asset.objects.filter(pk=generation.asset_id, kind="image").exists()
    assert DownloadAttempt.objects.filter(generation=generation, succeeded=True).count() == 1
