"""Select items in the image gallery and download them as one ZIP; export everything; the download progress bar."""

import hashlib
import json
import re
import zipfile

from playwright.sync_api import expect

from media_gen.models import DownloadPhase, Generation
from tests.media_gen.factories import GenerationFactory
from tests.portability.conftest import stored_image, stored_video


def test_select_images_and_download_them_as_one_zip(signed_in_page, tmp_path):
    page = signed_in_page
    owner = page.user
    fox = stored_image(owner, prompt="a red fox in snow", shade=1)
    kite = stored_image(owner, prompt="a kite over the dunes", shade=2)
    stored_image(owner, prompt="left out", shade=3)
    page.goto("/image-gallery")
    grid = page.get_by_role("list", name="Images")
    expect(grid.get_by_role("listitem")).to_have_count(3)
    expect(page.get_by_role("button", name="Download selected (0)")).to_be_disabled()

    page.get_by_label(f"Select image #{fox.pk}").check()
    page.get_by_label(f"Select image #{kite.pk}").check()
    with page.expect_download() as waiting:
        page.get_by_role("link", name="Download selected (2)").click()
    download = waiting.value
    assert download.failure() is None
    assert download.suggested_filename.startswith("simpoc-selection-")
    assert download.suggested_filename.endswith(".zip")
    path = tmp_path / "selection.zip"
    download.save_as(path)

    with zipfile.ZipFile(path) as zipped:
        document = json.loads(zipped.read("metadata.json"))
        prompts = {item["prompt"]: item for item in document["items"]}
        assert set(prompts) == {"a red fox in snow", "a kite over the dunes"}
        for generation in (fox, kite):
            item = prompts[generation.prompt]
            assert hashlib.sha256(zipped.read(item["file"]["name"])).hexdigest() == generation.asset.sha256
    expect(page).to_have_url(re.compile(r"/image-gallery$"))  # the download did not navigate away


def test_export_everything_downloads_images_and_videos(signed_in_page, tmp_path):
    page = signed_in_page
    owner = page.user
    stored_image(owner, prompt="an owl at dusk", shade=4)
    stored_video(owner, prompt="waves on a beach")
    page.goto("/gallery")
    with page.expect_download() as waiting:
        page.get_by_role("link", name="Export everything").click()
    path = tmp_path / "everything.zip"
    waiting.value.save_as(path)
    with zipfile.ZipFile(path) as zipped:
        assert zipped.testzip() is None
        kinds = sorted(item["kind"] for item in json.loads(zipped.read("metadata.json"))["items"])
    assert kinds == ["image", "video"]


def test_the_detail_page_shows_the_download_progress(signed_in_page):
    page = signed_in_page
    generation = GenerationFactory(
        owner=page.user,
        status=Generation.Status.DOWNLOADING,
        download_phase=DownloadPhase.DOWNLOADING,
        download_bytes_received=512 * 1024,
        download_bytes_total=2 * 1024 * 1024,
    )
    page.goto(f"/image/{generation.pk}")
    bar = page.get_by_role("progressbar", name="Copying the result into your gallery")
    expect(bar).to_be_visible()
    expect(page.get_by_text("Copying the result: 512.0 KB of 2.0 MB (25 %)")).to_be_visible()
    Generation.objects.filter(pk=generation.pk).update(download_phase=DownloadPhase.STORING)
    expect(page.get_by_text("Storing 512.0 KB and making the thumbnail…")).to_be_visible(timeout=10_000)
