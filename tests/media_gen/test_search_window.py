"""Staff's search of everyone's items: the newest ``RANK_WINDOW`` matches ranked, older ones newest
first; on SQLite a word common in the scope filters but does not rank (``media_gen.search``)."""

import pytest
from django.db import connection

from media_gen import search
from tests.media_gen.factories import GenerationFactory

pytestmark = pytest.mark.django_db

DILUTED = "fox " + " ".join(f"word{i}" for i in range(40))


@pytest.fixture
def foxes(user, other_user):
    """Oldest first: a short match, a diluted one, a short one, a diluted one (two owners)."""
    made = [
        GenerationFactory(owner=user, prompt="fox"),
        GenerationFactory(owner=other_user, prompt=DILUTED),
        GenerationFactory(owner=other_user, prompt="fox"),
        GenerationFactory(owner=user, prompt=DILUTED),
    ]
    GenerationFactory(owner=user, prompt="a wolf")
    return [generation.pk for generation in made]


def ids(client, **params) -> tuple[list[int], dict]:
    body = client.get("/api/images", {"q": "fox", **params}).json()
    return [record["id"] for record in body["images"]], body


def test_everything_ranked_when_the_matches_fit_the_window(staff_client, foxes):
    a, b, c, d = foxes
    assert ids(staff_client)[0] == [c, a, d, b]  # relevance, then newest among equals


def test_only_the_newest_matches_are_ranked(staff_client, foxes, monkeypatch):
    a, b, c, d = foxes
    monkeypatch.setattr(search, "RANK_WINDOW", 2)
    first, body = ids(staff_client)
    assert first == [c, d, b, a] and body["total"] == 4
    # Pages cross the window's edge without a gap or a repeat.
    page, body = ids(staff_client, limit=3)
    rest, last = ids(staff_client, limit=3, before=body["next"])
    assert (page, rest, last["next"]) == ([c, d, b], [a], None)
    page, body = ids(staff_client, limit=1)
    pages = [page]
    while body["next"]:
        page, body = ids(staff_client, limit=1, before=body["next"])
        pages.append(page)
    assert pages == [[c], [d], [b], [a]]


def test_a_common_word_filters_but_does_not_rank(staff_client, foxes, monkeypatch):
    a, b, c, d = foxes
    monkeypatch.setattr(search, "RANK_COMMON", 3)
    found, body = ids(staff_client)
    # PostgreSQL's ts_rank reads no corpus statistics: every word ranks there.
    assert found == ([d, c, b, a] if connection.vendor == "sqlite" else [c, a, d, b])
    assert body["total"] == 4


def test_an_owner_search_ranks_every_match(user_client, foxes, monkeypatch):
    a, _, _, d = foxes
    monkeypatch.setattr(search, "RANK_WINDOW", 1)
    assert ids(user_client)[0] == [a, d]


def test_staff_search_past_the_count_cap(staff_client, foxes, monkeypatch):
    """More matches than ``SEARCH_MAX``: the count stops there, pages too, the order holds."""
    from media_gen import selectors

    a, _, c, d = foxes
    monkeypatch.setattr(search, "SEARCH_MAX", 3)
    monkeypatch.setattr(selectors, "SEARCH_MAX", 3)
    first, body = ids(staff_client, limit=2)
    assert (first, body["total"], body["total_is_estimate"]) == ([c, a], 3, True)
    rest, last = ids(staff_client, limit=2, before=body["next"])
    assert (rest, last["next"]) == ([d], None)
