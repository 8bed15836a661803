"""Versioned thumbnail URLs in a real browser: reopening the gallery asks the server for none of them,
and new bytes (a re-download after a retry) give a new URL that the browser fetches once."""

import pytest
from playwright.sync_api import expect

from media_gen import api, fastpath
from media_gen.models import Generation
from tests.gallery.factories import AssetFactory
from tests.gallery.media import png_bytes
from tests.media_gen.factories import GenerationFactory

COUNT = 6


@pytest.fixture
def thumbnail_requests(monkeypatch) -> list[int]:
    """Every thumbnail request that reached the app (the live server runs in this process), whether
    the route or the media fast path in front of it answered."""
    seen: list[int] = []
    original = api.stored_media_response

    def counting(request, media, *, kind, thumbnail):
        if thumbnail:
            seen.append(media.generation_id)
        return original(request, media, kind=kind, thumbnail=thumbnail)

    monkeypatch.setattr(api, "stored_media_response", counting)
    monkeypatch.setattr(fastpath, "stored_media_response", counting)
    return seen


def open_gallery(page) -> None:
    page.goto("/image-gallery")
    images = page.locator("img[src*='/thumbnail']")
    expect(images).to_have_count(COUNT)
    page.wait_for_function(
        "() => [...document.querySelectorAll(\"img[src*='/thumbnail']\")].every(i => i.complete && i.naturalWidth > 0)"
    )


def test_reopening_the_gallery_requests_no_thumbnail(signed_in_page, thumbnail_requests):
    page = signed_in_page
    owner = page.user
    generations = [
        GenerationFactory(
            owner=owner, asset=AssetFactory(owner=owner, content=png_bytes(64, 48, (20 * i, 90, 30)))
        )
        for i in range(COUNT)
    ]
    open_gallery(page)
    assert sorted(thumbnail_requests) == sorted(g.pk for g in generations)

    page.goto("/")
    open_gallery(page)
    assert len(thumbnail_requests) == COUNT, "a reopened gallery asked for thumbnails again"

    # New bytes for one item (as after a retried download): its URL changes, so it is fetched once.
    changed = generations[0]
    replacement = AssetFactory(owner=owner, content=png_bytes(64, 48, (250, 250, 0)))
    Generation.objects.filter(pk=changed.pk).update(asset=replacement)
    page.goto("/")
    open_gallery(page)
    assert thumbnail_requests[COUNT:] == [changed.pk]
