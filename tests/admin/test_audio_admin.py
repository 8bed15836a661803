"""Audio in the back office: the generation and asset lists show and filter it, moderators hide
and unhide it with a reason, its change pages play it, a caption's text is searchable."""

import pytest

from gallery.models import Asset
from gallery.selectors import asset_is_visible_to
from media_gen.models import Generation
from tests.admin.conftest import messages_of
from tests.gallery.factories import AssetFactory
from tests.gallery.media import audio_bytes
from tests.media_gen.factories import GenerationFactory

pytestmark = pytest.mark.django_db
GENERATIONS = "/admin/media_gen/generation/"
ASSETS = "/admin/gallery/asset/"


@pytest.fixture(scope="module")
def mp3() -> bytes:
    return audio_bytes("mp3")


@pytest.fixture
def song(user, mp3) -> Generation:
    asset = AssetFactory(owner=user, kind="audio", content=mp3, filename="song.mp3")
    return GenerationFactory(
        owner=user,
        kind="audio",
        collection="ai-music-generation",
        model_id="acme/composer",
        prompt="a slow waltz",
        asset=asset,
    )


def test_generation_list_shows_and_filters_audio(root_client, user, song):
    GenerationFactory(owner=user, prompt="a lighthouse")

    page = root_client.get(GENERATIONS).content.decode()
    only_audio = root_client.get(f"{GENERATIONS}?kind=audio")

    assert f'src="/api/audio/{song.pk}/thumbnail"' in page
    assert [row.pk for row in only_audio.context["cl"].result_list] == [song.pk]
    assert "?kind__exact=audio" in page  # the kind filter offers audio


def test_generation_change_page_plays_the_audio(root_client, song):
    page = root_client.get(f"{GENERATIONS}{song.pk}/change/").content.decode()

    assert f'<audio controls preload="none" src="/api/audio/{song.pk}/data"></audio>' in page
    assert f'src="/api/audio/{song.pk}/thumbnail"' in page


def test_text_output_is_shown_and_searchable(root_client, user):
    caption = GenerationFactory(
        owner=user, kind="video", collection="video-to-text", text_output="A red ball rolls for 3.0 s"
    )
    GenerationFactory(owner=user, prompt="a lighthouse")

    found = root_client.get(f"{GENERATIONS}?q=ball+rolls")
    page = root_client.get(f"{GENERATIONS}{caption.pk}/change/").content.decode()

    assert [row.pk for row in found.context["cl"].result_list] == [caption.pk]
    assert "A red ball rolls for 3.0 s" in page


def test_moderator_hides_an_audio_generation_with_a_reason_and_unhides_it(
    moderator_client, moderator, user, staff_user, song
):
    selected = {"action": "hide_items", "_selected_action": [song.pk]}

    done = moderator_client.post(
        GENERATIONS, {**selected, "apply": "yes", "reason": "stolen melody"}, follow=True
    )

    asset = Asset.objects.get(pk=song.asset_id)
    assert asset.hidden_reason == "stolen melody" and asset.hidden_by == moderator
    assert any("Hid 1" in message for message in messages_of(done))
    assert not asset_is_visible_to(asset=asset, user=user)
    assert asset_is_visible_to(asset=asset, user=staff_user)
    moderator_client.post(GENERATIONS, {"action": "unhide_items", "_selected_action": [song.pk]})
    asset.refresh_from_db()
    assert asset.hidden_at is None and asset_is_visible_to(asset=asset, user=user)


def test_asset_list_filters_audio_and_its_change_page_plays_it(root_client, moderator_client, user, song):
    AssetFactory(owner=user)  # an image

    listed = root_client.get(f"{ASSETS}?kind=audio")
    page = root_client.get(f"{ASSETS}{song.asset_id}/change/").content.decode()
    hidden = moderator_client.post(
        ASSETS,
        {"action": "hide_items", "_selected_action": [song.asset_id], "apply": "yes", "reason": "noise"},
    )

    assert [asset.pk for asset in listed.context["cl"].result_list] == [song.asset_id]
    assert f'<audio controls preload="none" src="/admin/gallery/asset/{song.asset_id}/data/"></audio>' in page
    assert hidden.status_code == 302
    assert Asset.objects.get(pk=song.asset_id).hidden_reason == "noise"
    data = root_client.get(f"/admin/gallery/asset/{song.asset_id}/data/")
    assert data.status_code == 200 and data["Content-Type"] == "audio/mpeg"


@pytest.mark.parametrize(
    "reference",
    [
        "/api/audio/{g}/data",
        "https://simpoc.example.com/api/audio/{g}/thumbnail",
        "/api/audio/{g}",
        "/audio/{g}",
    ],
)
def test_find_an_audio_generation_by_its_public_url(moderator_client, song, reference):
    response = moderator_client.get("/admin/gallery/asset/find/", {"q": reference.format(g=song.pk)})

    found = response.context["results"]
    assert [(f.label, f.obj.pk) for f in found] == [("Audio generation", song.pk)]
    assert found[0].thumbnail_url == f"/api/audio/{song.pk}/thumbnail"


def test_an_image_url_does_not_find_an_audio_generation(moderator_client, song):
    response = moderator_client.get("/admin/gallery/asset/find/", {"q": f"/api/images/{song.pk}/data"})

    assert response.context["results"] == []


def test_storage_statistics_count_audio(root_client, staff_client, user, song):
    AssetFactory(owner=user)  # an image
    audio = Asset.objects.get(pk=song.asset_id)

    dashboard = root_client.get("/admin/gallery/asset/storage/")
    api = staff_client.get("/api/admin/storage/stats").json()

    expected = {"count": 1, "bytes": audio.size_bytes}
    assert dashboard.context["stats"]["by_kind"]["audio"] == expected
    assert api["by_kind"]["audio"] == expected
    assert api["total_assets"] == 4  # the image, the audio and their two thumbnails
    page = dashboard.content.decode()
    assert '<th scope="row">Audio</th><td class="bo-number">1</td>' in page


def test_the_admin_preview_urls_of_an_audio_generation_serve_its_waveform_and_sound(staff_client, song):
    thumbnail = staff_client.get(f"/api/audio/{song.pk}/thumbnail")
    data = staff_client.get(f"/api/audio/{song.pk}/data", HTTP_RANGE="bytes=0-99")

    assert thumbnail.status_code == 200 and thumbnail["Content-Type"] == "image/webp"
    assert data.status_code == 206 and data["Content-Type"] == "audio/mpeg"
