"""prepared_values gives what the queryset gives, for every user, from one compilation per thread."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from media_gen import prepared, selectors
from media_gen.models import Generation
from tests.gallery.factories import AssetFactory
from tests.media_gen.factories import GenerationFactory

pytestmark = pytest.mark.django_db


def first_page(user):
    rows = selectors.generation_list(user=user, kind="image", filters=selectors.GenerationFilters())
    return rows.values(*selectors.RECORD_FIELDS)[0:3]


def test_rows_are_the_querysets_for_each_user(user, other_user, monkeypatch):
    monkeypatch.setattr(prepared, "_local", type(prepared._local)())
    for owner in (user, other_user):
        for status in Generation.Status.values:
            GenerationFactory(owner=owner, status=status, completed_at=timezone.now())
        GenerationFactory(owner=owner, asset=AssetFactory(owner=owner), inputs={"a": [1, {"b": None}]})
        GenerationFactory(owner=owner, asset=AssetFactory(owner=owner, hidden_at=timezone.now()))
    compiled = []
    original = prepared._prepare
    monkeypatch.setattr(prepared, "_prepare", lambda build: compiled.append(1) or original(build))
    for owner in (user, other_user, user):
        with CaptureQueriesContext(connection) as queries:
            rows = prepared.prepared_values(("first", 3), user=owner, build=first_page)
        assert len(queries) == 1
        assert rows == list(first_page(owner))
        assert {row["owner_id"] for row in rows} == {owner.pk}
    assert compiled == [1], "compiled once, run three times"


def test_a_query_that_is_not_per_user_is_refused(user):
    with pytest.raises(ValueError):
        prepared.prepared_values("all", user=user, build=lambda _: Generation.objects.values("id"))
    with pytest.raises(ValueError):
        prepared.prepared_values("model", user=user, build=lambda u: Generation.objects.filter(owner=u))
