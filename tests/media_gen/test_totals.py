"""Each owner's totals per kind (media_gen/totals.py, migration 0010): kept exact by the database's
triggers however the rows change, and what the gallery's first page shows."""

import importlib

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from media_gen import selectors
from media_gen.models import Generation
from media_gen.totals import TABLE, totals_triggers_ensure
from tests.factories import UserFactory
from tests.media_gen.factories import GenerationFactory

MIGRATION = importlib.import_module("media_gen.migrations.0010_generation_totals")


def kept() -> dict[tuple[int, str], int]:
    """The table's totals, without the (owner, kind) pairs whose count went back to 0."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT owner_id, kind, total FROM {TABLE}")  # noqa: S608 (constant)
        return {(owner, kind): total for owner, kind, total in cursor.fetchall() if total}


def counted() -> dict[tuple[int, str], int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT owner_id, kind, COUNT(*) FROM media_gen_generation GROUP BY owner_id, kind")
        return {(owner, kind): total for owner, kind, total in cursor.fetchall()}


@pytest.mark.django_db
def test_totals_follow_every_way_rows_are_written():
    alice, bob = UserFactory(), UserFactory()
    GenerationFactory.create_batch(3, owner=alice)
    GenerationFactory(owner=alice, kind=Generation.Kind.VIDEO)
    Generation.objects.bulk_create(
        [Generation(owner=bob, kind="image", status="completed", prompt=f"p{i}") for i in range(25)]
    )
    assert kept() == counted() == {(alice.pk, "image"): 3, (alice.pk, "video"): 1, (bob.pk, "image"): 25}

    Generation.objects.filter(owner=bob)[:1].get().delete()  # one row
    Generation.objects.filter(owner=bob, prompt__in=["p1", "p2", "p3"]).delete()  # one statement, three rows
    moved = Generation.objects.filter(owner=alice, kind="image").first()
    moved.kind = "video"
    moved.save()  # kind changed
    Generation.objects.filter(owner=alice, kind="video").update(owner=bob)  # owner changed, two rows
    Generation.objects.filter(owner=bob).update(status="failed")  # neither: nothing to change
    with connection.cursor() as cursor:  # raw SQL, as the webhook's fast path writes
        cursor.execute("DELETE FROM media_gen_generation WHERE owner_id = %s AND kind = 'image'", [alice.pk])
    assert kept() == counted() == {(bob.pk, "image"): 21, (bob.pk, "video"): 2}


@pytest.mark.django_db
def test_a_rolled_back_write_leaves_the_totals_as_they_were():
    owner = UserFactory()
    GenerationFactory.create_batch(2, owner=owner)
    with pytest.raises(RuntimeError), transaction.atomic():
        GenerationFactory.create_batch(5, owner=owner)
        Generation.objects.filter(owner=owner).delete()
        raise RuntimeError("abandoned")
    assert kept() == counted() == {(owner.pk, "image"): 2}


@pytest.mark.django_db
def test_the_first_page_total_is_the_kept_one():
    owner = UserFactory()
    GenerationFactory.create_batch(4, owner=owner)
    GenerationFactory(owner=UserFactory())  # someone else's
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET total = 40 WHERE owner_id = %s", [owner.pk])  # noqa: S608
    # Read from the table, not counted: (a wrong number here shows which one the page used).
    assert selectors.generation_total(user=owner, kind="image", filters=selectors.GenerationFilters()) == 40
    assert selectors.generation_total(user=owner, kind="video", filters=selectors.GenerationFilters()) == 0


@pytest.mark.django_db
def test_the_migration_fills_the_table_from_the_rows_there():
    owner = UserFactory()
    GenerationFactory.create_batch(3, owner=owner)
    GenerationFactory(owner=owner, kind=Generation.Kind.VIDEO)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608 (constant)
        cursor.execute(MIGRATION.FILL)
    assert kept() == counted() == {(owner.pk, "image"): 3, (owner.pk, "video"): 1}


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_totals_with_the_rows():
    GenerationFactory.create_batch(3)
    call_command("flush", interactive=False, verbosity=0)  # TRUNCATE on PostgreSQL, DELETE on SQLite
    assert kept() == counted() == {}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite drops a rebuilt table's triggers")
@pytest.mark.django_db
def test_sqlite_triggers_come_back_after_a_table_rebuild_dropped_them():
    with connection.cursor() as cursor:
        for event in ("insert", "delete", "update"):
            cursor.execute(f"DROP TRIGGER {TABLE}_{event}")
    totals_triggers_ensure()  # what every migrate runs afterwards
    owner = UserFactory()
    GenerationFactory.create_batch(2, owner=owner)
    assert kept() == counted() == {(owner.pk, "image"): 2}
