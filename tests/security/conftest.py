"""Fixtures of the security suite: the Replicate emulator (shared with tests/media_gen)."""

from tests.gallery.conftest import mp4  # noqa: F401
from tests.media_gen.conftest import _emulator_server, emulator, public_site, webhook_client  # noqa: F401
