"""Cache keys that never contain raw user input.

Model names, URLs and other values that come from outside can be long or hold characters some cache
backends refuse (memcached: spaces, control characters, over 250 bytes; Django warns with
CacheKeyWarning). Keys are a readable namespace plus a SHA-256 of the parts.
"""

import hashlib


def cache_key(namespace: str, *parts: str) -> str:
    """``namespace:<sha256 of the parts>``; the namespace is ours (short, no spaces)."""
    digest = hashlib.sha256("\x00".join(parts).encode()).hexdigest()
    return f"{namespace}:{digest}"
