"""Media samples made on the spot (a PNG with Pillow, an H.264 MP4 with imageio-ffmpeg's ffmpeg)
and an S3-compatible server (moto) on a free loopback port."""

import socket
import subprocess
from pathlib import Path

import imageio_ffmpeg
import pytest

from gallery import storage_backends
from tests.gallery.media import png_bytes


@pytest.fixture
def png() -> bytes:
    return png_bytes()


@pytest.fixture(scope="session")
def mp4(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """One second of ffmpeg's test pattern, 64x48, H.264 in MP4 (about 10 KB)."""
    path: Path = tmp_path_factory.mktemp("media") / "testsrc.mp4"
    subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=64x48:rate=10",
            "-t",
            "1",
            "-pix_fmt",
            "yuv420p",
            "-c:v",
            "libx264",
            "-movflags",
            "+faststart",
            str(path),
        ],
        check=True,
        timeout=60,
    )
    return path.read_bytes()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


S3_SETTINGS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_S3_REGION_NAME": "us-east-1",
    "AWS_STORAGE_BUCKET_NAME": "simpoc-test",
}


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3 on a free loopback port, with one bucket, for the whole session."""
    import boto3
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    boto3.resource(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    ).Bucket(S3_SETTINGS["AWS_STORAGE_BUCKET_NAME"]).create()
    yield endpoint
    server.stop()


@pytest.fixture
def s3(s3_server, settings):
    """MEDIA_STORAGE=s3 against moto, the bucket emptied after each test; yields the boto3 bucket."""
    settings.MEDIA_STORAGE = "s3"
    settings.AWS_S3_ENDPOINT_URL = s3_server
    for name, value in S3_SETTINGS.items():
        setattr(settings, name, value)
    bucket = storage_backends.object_storage().bucket
    yield bucket
    bucket.objects.all().delete()


def object_keys(bucket) -> set[str]:
    return {item.key for item in bucket.objects.all()}
