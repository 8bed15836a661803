"""Issue 17, item 3: the storage dashboard shows the database's size, its free pages and what the
next reclaim run frees (SQLite), or the dead rows autovacuum has not processed yet (PostgreSQL)."""

import pytest
from django.db import connection
from django.template.defaultfilters import filesizeformat

from gallery.models import Asset
from simpoc import dbspace
from tests.simpoc.test_dbspace import store_blobs

pytestmark = pytest.mark.django_db
STORAGE = "/admin/gallery/asset/storage/"


def test_the_storage_dashboard_shows_database_space(root_client, user):
    store_blobs(user, count=3, size=3 * 1024 * 1024)
    Asset.objects.filter(kind="video").delete()
    space = dbspace.database_space()
    page = root_client.get(STORAGE).content.decode()
    assert 'id="database-space"' in page
    assert filesizeformat(space.size_bytes) in page
    if connection.vendor == "sqlite":
        assert space.free_pages > 0 and f"{space.free_pages} (" in page
        assert filesizeformat(space.next_reclaim_bytes) in page
        assert "incremental" in page
    else:
        assert 'id="database-dead-rows"' in page and "VACUUM FULL" in page
