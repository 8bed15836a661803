"""Issue 17, item 4: catalogue and webhook cache keys never contain raw user input."""

import warnings

import pytest
from django.core.cache import cache
from django.core.cache.backends.base import CacheKeyWarning


@pytest.mark.django_db
def test_a_catalogue_lookup_of_a_long_model_name_raises_no_cache_key_warning(anon_client, emulator):
    long_name = "m" * 100  # the longest owner and name allowed: over 250 characters as a raw key
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheKeyWarning)
        response = anon_client.get(f"/api/image-models/{'o' * 100}/{long_name}/schema")
    assert response.status_code in (404, 422)
    assert any(long_name in path for _, path in emulator.requests), (
        "the lookup reached the cache and upstream"
    )
    assert not any(long_name in key for key in cache._cache), "the raw name never becomes a key"
