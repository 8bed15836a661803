"""Test settings: fast hashing, tasks run inline, scratch data folder."""

import os
import tempfile
from pathlib import Path

# A scratch folder per test run keeps tests away from the developer's data/.
os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="simpoc-test-"))

from simpoc.settings import *  # noqa: F403
from simpoc.settings import DATA_DIR, DATABASES, Q_CLUSTER

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
Q_CLUSTER = {**Q_CLUSTER, "sync": True}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["NAME"] = Path(DATA_DIR) / "test.sqlite3"
    # A file (not :memory:) so the live server thread and browser tests share it.
    DATABASES["default"]["TEST"] = {"NAME": str(Path(DATA_DIR) / "test-db.sqlite3")}
WHITENOISE_AUTOREFRESH = True
