"""The Replicate emulator on a free port, and helpers to drive a generation through it."""

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from django.test import Client

from media_gen.emulator import Emulator, EmulatorConfig


@pytest.fixture(scope="session")
def _emulator_server() -> Iterator[Emulator]:
    config = EmulatorConfig(
        start_delay=0.01,
        run_delay=0.03,
        image_size=(48, 48),
        video_size=(48, 32),
        video_frames=4,
        video_fps=4,
        webhook_mode="record",
    )
    with Emulator(config) as emulator:
        yield emulator


@pytest.fixture
def emulator(_emulator_server: Emulator, settings) -> Iterator[Emulator]:
    """The emulator with no faults; Django talks to it in demo mode, polling only (no public site)."""
    _emulator_server.reset()
    settings.REPLICATE_API_TOKEN = ""
    settings.REPLICATE_DEMO_MODE = True
    settings.REPLICATE_BASE_URL = _emulator_server.url
    settings.REPLICATE_WEBHOOK_SECRET = ""
    settings.BASE_URL = "http://127.0.0.1:8000"
    settings.GENERATION_POLL_SECONDS = 0
    yield _emulator_server
    _emulator_server.wait_idle()
    _emulator_server.reset()


@pytest.fixture
def public_site(settings, emulator: Emulator) -> Emulator:
    """BASE_URL is public HTTPS, so runs ask Replicate for webhooks (kept in the emulator's outbox)."""
    settings.BASE_URL = "https://simpoc.example.com"
    return emulator


def deliver_webhooks(client: Client, emulator: Emulator, *, timeout: float = 10.0) -> list:
    """Wait until every prediction is final, then POST each recorded webhook to Django as Replicate would."""
    emulator.wait_idle(timeout=timeout)
    responses = []
    for delivery in emulator.take_webhooks():
        parts = urlsplit(delivery.url)
        headers = {k: v for k, v in delivery.headers.items() if k != "content-type"}
        responses.append(
            client.post(
                f"{parts.path}?{parts.query}",
                data=delivery.body,
                content_type="application/json",
                headers=headers,
            )
        )
    return responses


@pytest.fixture
def webhook_client() -> Client:
    """Replicate has no session and no CSRF token."""
    return Client(enforce_csrf_checks=True)
