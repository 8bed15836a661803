"""Fetching a generation's output from Replicate's delivery hosts, safely.

Only allow-listed hosts (DOWNLOAD_ALLOWED_HOSTS, plus the emulator's exact host:port in demo mode);
every name is resolved and refused when it points at a private, loopback, link-local or otherwise
non-public address, and the connection goes to the address that was checked (no DNS rebinding).
Redirects are followed by hand and each hop is checked again. The body is streamed into a scratch
file with a byte cap, so memory stays flat and no database transaction waits on the network.
"""

import base64
import binascii
import ipaddress
import socket
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO
from urllib.parse import unquote_to_bytes, urljoin, urlsplit, urlunsplit

import httpx
from django.conf import settings

from media_gen import replicate_client

MAX_REDIRECTS = 5
CHUNK_BYTES = 256 * 1024
TIMEOUT = httpx.Timeout(30.0, connect=10.0)
# 404 and 410 mean Replicate deleted the file (about an hour after the prediction); asking again
# cannot bring it back. Anything 4xx is as final.
PERMANENT_STATUSES = range(400, 500)


# Told (bytes received so far, bytes announced by Content-Length or None) after each chunk.
ProgressCallback = Callable[[int, int | None], None]


class DownloadError(Exception):
    def __init__(self, message: str, *, permanent: bool, http_status: int | None = None, received: int = 0):
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.http_status = http_status
        self.received = received


@dataclass
class Fetched:
    file: IO[bytes]  # positioned at 0; the caller closes it
    size: int
    http_status: int | None


def describe_url(url: str) -> str:
    """A short form for logs and the attempts table: data: URLs are abbreviated."""
    if url.startswith("data:"):
        return f"{url[:40]}… ({len(url)} characters)"
    return url[:2000]


def _host_allowed(host: str) -> bool:
    host = host.lower().rstrip(".")
    for entry in settings.DOWNLOAD_ALLOWED_HOSTS:
        entry = entry.lower()
        if entry.startswith("."):
            if host.endswith(entry):
                return True
        elif host == entry:
            return True
    return False


def _trusted_netloc() -> str | None:
    """The emulator is local by nature; it is trusted only in demo mode, only at its host:port."""
    return replicate_client.base_host() if settings.REPLICATE_DEMO_MODE else None


def _public_address(host: str, port: int) -> str:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise DownloadError(f"Cannot resolve {host}: {exc}", permanent=False) from exc
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if not addresses:
        raise DownloadError(f"{host} has no address", permanent=False)
    for address in addresses:
        if not address.is_global or address.is_multicast:
            raise DownloadError(
                f"Refused to download from {host}: it resolves to a non-public address ({address}).",
                permanent=True,
            )
    return str(addresses[0])


@dataclass
class _Target:
    url: str  # where to connect
    host_header: str | None
    sni: str | None


def _check(url: str) -> _Target:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise DownloadError(f"Refused to download {describe_url(url)}: not an http(s) URL.", permanent=True)
    if parts.username or parts.password:
        raise DownloadError("Refused to download a URL with credentials in it.", permanent=True)
    if parts.netloc.lower() == _trusted_netloc():
        return _Target(url=url, host_header=None, sni=None)
    host = parts.hostname
    if not _host_allowed(host):
        raise DownloadError(
            f"Refused to download from {host}: not an allowed host (DOWNLOAD_ALLOWED_HOSTS).", permanent=True
        )
    if parts.scheme != "https":
        raise DownloadError(f"Refused to download from {host} over plain http.", permanent=True)
    address = _public_address(host, parts.port or 443)
    literal = f"[{address}]" if ":" in address else address
    pinned = urlunsplit(
        (
            parts.scheme,
            f"{literal}:{parts.port}" if parts.port else literal,
            parts.path or "/",
            parts.query,
            "",
        )
    )
    return _Target(url=pinned, host_header=parts.netloc, sni=host)


def _fetch_data_url(url: str, *, max_bytes: int) -> Fetched:
    header, sep, payload = url.partition(",")
    if not sep:
        raise DownloadError("The data: URL has no data.", permanent=True)
    if len(payload) > max_bytes * 4 // 3 + 4:
        raise DownloadError(f"The output is larger than the limit of {max_bytes} bytes.", permanent=True)
    try:
        data = (
            base64.b64decode(payload, validate=False)
            if header.endswith(";base64")
            else unquote_to_bytes(payload)
        )
    except (binascii.Error, ValueError) as exc:
        raise DownloadError(f"The data: URL does not decode: {exc}", permanent=True) from exc
    if len(data) > max_bytes:
        raise DownloadError(f"The output is larger than the limit of {max_bytes} bytes.", permanent=True)
    scratch = tempfile.TemporaryFile()  # noqa: SIM115 (handed to the caller, who closes it)
    scratch.write(data)
    scratch.seek(0)
    return Fetched(file=scratch, size=len(data), http_status=None)


def download_fetch(*, url: str, max_bytes: int, on_progress: ProgressCallback | None = None) -> Fetched:
    """The body behind ``url`` in a scratch file, or DownloadError (``permanent`` when retrying is futile).

    ``on_progress`` is called after every chunk; it decides itself how often to record anything.
    """
    if url.startswith("data:"):
        fetched = _fetch_data_url(url, max_bytes=max_bytes)
        if on_progress is not None:
            on_progress(fetched.size, fetched.size)
        return fetched
    current = url
    with httpx.Client(timeout=TIMEOUT, follow_redirects=False, trust_env=False) as client:
        for _ in range(MAX_REDIRECTS + 1):
            target = _check(current)
            headers = {"Host": target.host_header} if target.host_header else {}
            extensions = {"sni_hostname": target.sni} if target.sni else {}
            request = client.build_request("GET", target.url, headers=headers, extensions=extensions)
            try:
                response = client.send(request, stream=True)
            except httpx.HTTPError as exc:
                raise DownloadError(
                    f"Download failed: {exc.__class__.__name__}: {exc}", permanent=False
                ) from exc
            try:
                if response.is_redirect:
                    location = response.headers.get("Location", "")
                    if not location:
                        raise DownloadError("A redirect without a Location header.", permanent=True)
                    current = urljoin(current, location)
                    continue
                return _receive(response, max_bytes=max_bytes, on_progress=on_progress)
            finally:
                response.close()
    raise DownloadError(f"More than {MAX_REDIRECTS} redirects.", permanent=True)


def _receive(response: httpx.Response, *, max_bytes: int, on_progress: ProgressCallback | None) -> Fetched:
    status = response.status_code
    if status != 200:
        if status in (404, 410):
            message = f"The output is no longer available upstream (HTTP {status}); Replicate deletes files after an hour."
        else:
            message = f"The output download answered HTTP {status}."
        raise DownloadError(message, permanent=status in PERMANENT_STATUSES, http_status=status)
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise DownloadError(
            f"The output is {declared} bytes, over the limit of {max_bytes} bytes.",
            permanent=True,
            http_status=status,
        )
    total = int(declared) if declared.isdigit() else None
    scratch = tempfile.TemporaryFile()  # noqa: SIM115 (handed to the caller, who closes it)
    size = 0
    try:
        if on_progress is not None:
            on_progress(0, total)
        for chunk in response.iter_bytes(CHUNK_BYTES):
            size += len(chunk)
            if size > max_bytes:
                raise DownloadError(
                    f"The output is over the limit of {max_bytes} bytes.",
                    permanent=True,
                    http_status=status,
                    received=size,
                )
            scratch.write(chunk)
            if on_progress is not None:
                on_progress(size, total)
    except httpx.HTTPError as exc:
        scratch.close()
        raise DownloadError(
            f"Download interrupted: {exc}", permanent=False, http_status=status, received=size
        ) from exc
    except DownloadError:
        scratch.close()
        raise
    scratch.seek(0)
    return Fetched(file=scratch, size=size, http_status=status)
