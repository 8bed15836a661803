"""Item 11: output downloads to private, loopback, link-local and metadata addresses, redirects into
them, DNS names resolving to them and non-HTTP schemes are refused before any connection."""

import socket

import pytest

from media_gen import downloads

pytestmark = pytest.mark.django_db

UNSAFE_ADDRESSES = [
    "127.0.0.1",
    "127.1.2.3",
    "10.0.0.5",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",  # cloud metadata
    "100.100.100.200",  # Alibaba metadata (shared address space)
    "0.0.0.0",  # noqa: S104 (an address to refuse, not to bind)
    "::1",
    "fd00:ec2::254",  # AWS metadata over IPv6 (unique local)
    "fe80::1",
    "::ffff:127.0.0.1",
    "::ffff:169.254.169.254",
    "224.0.0.1",
]


@pytest.fixture
def delivery_hosts(settings):
    settings.DOWNLOAD_ALLOWED_HOSTS = ["replicate.delivery", ".replicate.delivery"]
    settings.REPLICATE_DEMO_MODE = False  # the emulator's host is not trusted outside demo mode


@pytest.fixture
def no_connections(monkeypatch):
    """Fail the test if anything tries to connect anywhere."""

    def refuse(*args, **kwargs):
        raise AssertionError("a connection was attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def resolving_to(monkeypatch, address: str) -> None:
    family = socket.AF_INET6 if ":" in address else socket.AF_INET

    def fake(host, port, *args, **kwargs):
        sockaddr = (address, port, 0, 0) if family == socket.AF_INET6 else (address, port)
        return [(family, socket.SOCK_STREAM, 6, "", sockaddr)]

    monkeypatch.setattr(socket, "getaddrinfo", fake)


@pytest.mark.parametrize("address", UNSAFE_ADDRESSES)
def test_allowed_name_resolving_to_a_non_public_address_is_refused(
    delivery_hosts, no_connections, monkeypatch, address
):
    resolving_to(monkeypatch, address)
    with pytest.raises(downloads.DownloadError, match="non-public address") as refused:
        downloads.download_fetch(url="https://evil.replicate.delivery/out.png", max_bytes=10_000)
    assert refused.value.permanent


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/out.png",
        "https://[::1]/out.png",
        "https://169.254.169.254/latest/meta-data/",
        "http://metadata.google.internal/computeMetadata/v1/",
        "https://10.0.0.1/out.png",
        "https://2130706433/out.png",  # 127.0.0.1 as one number
        "https://0x7f.1/out.png",
        "https://localhost/out.png",
        "https://replicate.delivery.evil.example/out.png",
        "https://evilreplicate.delivery/out.png",
        "https://user:pass@replicate.delivery/out.png",
        "http://replicate.delivery/out.png",
        "file:///etc/passwd",
        "ftp://replicate.delivery/out.png",
        "gopher://replicate.delivery:70/_GET",
        "dict://127.0.0.1:6379/info",
        "javascript:alert(1)",
        "//replicate.delivery/out.png",
        "",
    ],
)
def test_urls_to_unsafe_places_or_schemes_are_refused(delivery_hosts, no_connections, url):
    with pytest.raises(downloads.DownloadError) as refused:
        downloads.download_fetch(url=url, max_bytes=10_000)
    assert refused.value.permanent


@pytest.mark.parametrize(
    "location",
    [
        "http://127.0.0.1:6379/",
        "https://169.254.169.254/latest/meta-data/iam/",
        "https://[::1]/x",
        "file:///etc/passwd",
        "https://internal.example/x",
    ],
)
def test_redirect_into_an_unsafe_place_is_refused(user_client, public_site, location):
    """The emulator (trusted in demo mode) answers the output download with a redirect."""
    from tests.media_gen.conftest import deliver_webhooks

    public_site.set_faults(redirect_output_to=location)
    response = user_client.post(
        "/api/run-image-model",
        {"model_id": "black-forest-labs/flux-schnell", "input": {"prompt": "x"}},
        content_type="application/json",
    )
    image_id = response.json()["image_id"]
    from django.test import Client

    deliver_webhooks(Client(), public_site)
    record = user_client.get(f"/api/images/{image_id}").json()
    assert record["status"] == "failed"
    assert "Refused" in record["error"] or "not an" in record["error"]


def test_redirect_to_a_name_resolving_privately_is_refused(delivery_hosts, monkeypatch):
    """A public delivery host whose redirect points at a name that resolves to 10.x."""
    import httpx

    answers = {"replicate.delivery": "93.184.216.34", "cdn.replicate.delivery": "10.1.2.3"}

    def fake(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[host], port))]

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    sent = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(str(request.url))
        return httpx.Response(302, headers={"Location": "https://cdn.replicate.delivery/x.png"})

    real_client = httpx.Client
    monkeypatch.setattr(
        downloads.httpx,
        "Client",
        lambda **kwargs: real_client(transport=httpx.MockTransport(handler), **kwargs),
    )
    with pytest.raises(downloads.DownloadError, match="non-public address"):
        downloads.download_fetch(url="https://replicate.delivery/out.png", max_bytes=10_000)
    assert sent == ["https://93.184.216.34/out.png"], "only the public hop may be contacted"
