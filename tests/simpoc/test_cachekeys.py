"""Issue 17, item 4: cache keys never contain raw user input, so no backend refuses or warns."""

import warnings

from django.core.cache import cache
from django.core.cache.backends.base import CacheKeyWarning

from simpoc.cachekeys import cache_key


def test_keys_are_short_fixed_and_distinct_whatever_the_input():
    hostile = "a b\tc\n" + "x" * 400 + "ü:/"
    key = cache_key("media_gen:catalogue", hostile, "http://127.0.0.1:8000")
    assert key.startswith("media_gen:catalogue:") and len(key) < 100
    assert not any(ch.isspace() or ord(ch) < 33 for ch in key)
    assert key == cache_key("media_gen:catalogue", hostile, "http://127.0.0.1:8000")
    assert cache_key("n", "ab", "c") != cache_key("n", "a", "bc")
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheKeyWarning)
        cache.set(key, 1)
        assert cache.get(key) == 1
