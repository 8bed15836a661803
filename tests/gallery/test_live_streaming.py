"""Through a real WSGI server thread: committed rows, a fresh connection per request, the admin's
data view (staff), and the body read over a socket."""

import hashlib
import io
from urllib.request import Request, urlopen

import pytest
from django.test import Client

from gallery import services
from tests.factories import StaffFactory, UserFactory


@pytest.fixture
def live_setup(transactional_db, live_server, mp4):
    owner = UserFactory()
    asset = services.asset_store(owner=owner, stream=io.BytesIO(mp4), kind="video", filename="clip.mp4")
    staff = StaffFactory(is_superuser=True)
    client = Client()
    client.force_login(staff)
    return f"{live_server.url}/admin/gallery/asset/{asset.pk}/data/", client.cookies["sessionid"].value


def fetch(url: str, session: str, **headers: str):
    request = Request(url, headers={"Cookie": f"sessionid={session}", **headers})
    return urlopen(request, timeout=10)


def test_whole_and_ranged_bodies_over_a_socket(live_setup, mp4):
    url, session = live_setup

    with fetch(url, session) as whole:
        assert whole.status == 200
        assert hashlib.sha256(whole.read()).hexdigest() == hashlib.sha256(mp4).hexdigest()
    with fetch(url, session, Range="bytes=-100") as tail:
        assert tail.status == 206
        assert tail.read() == mp4[-100:]
        assert tail.headers["Content-Range"] == f"bytes {len(mp4) - 100}-{len(mp4) - 1}/{len(mp4)}"
