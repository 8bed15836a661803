"""Prompt search: words in any order, -word, "phrases"; ranked; kept in step by the database; on
whichever engine the suite runs (SQLite FTS5, PostgreSQL tsvector)."""

import pytest

from media_gen.models import Generation
from media_gen.search import search_parse
from tests.media_gen.factories import GenerationFactory

pytestmark = pytest.mark.django_db

PROMPTS = [
    "a lighthouse at dusk over a stormy sea",
    "a stormy night, no lighthouse in sight",
    "a lighthouse on a calm sea",
    "a red fox in snow",
]


@pytest.fixture
def prompts(user):
    return {prompt: GenerationFactory(owner=user, prompt=prompt) for prompt in PROMPTS}


def found(client, q: str, **params) -> list[str]:
    response = client.get("/api/images", {"q": q, **params})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["total"] == len(body["images"]) or "limit" in params
    return [record["prompt"] for record in body["images"]]


def test_parse_words_phrases_and_exclusions():
    search = search_parse('Lighthouse  "Stormy sea" -calm -"red fox" "unclosed')
    assert search.words == ["lighthouse"]
    assert search.phrases == [["stormy", "sea"], ["unclosed"]]
    assert search.excluded == [["calm"], ["red", "fox"]]
    assert search_parse(' " - ( * ').empty


def test_every_word_in_any_order(user_client, prompts):
    assert set(found(user_client, "stormy lighthouse")) == {PROMPTS[0], PROMPTS[1]}
    assert found(user_client, "lighthouse stormy dusk") == [PROMPTS[0]]
    assert found(user_client, "LIGHTHOUSE fox") == []


def test_minus_excludes_and_quotes_match_a_phrase(user_client, prompts):
    assert set(found(user_client, "lighthouse -stormy")) == {PROMPTS[2]}
    assert found(user_client, '"stormy sea"') == [PROMPTS[0]]
    assert found(user_client, '"sea stormy"') == []
    assert set(found(user_client, "-lighthouse")) == {PROMPTS[3]}


def test_search_syntax_is_never_query_syntax(user_client, prompts):
    for q in ['"', "NOT", "lighthouse OR fox", "a* AND", "prompt:fox", "(", "fox'); DROP TABLE x;--"]:
        assert user_client.get("/api/images", {"q": q}).status_code == 200, q


def test_only_my_items_and_the_other_filters_still_apply(user_client, other_user, user, prompts):
    GenerationFactory(owner=other_user, prompt="a lighthouse at dusk")
    GenerationFactory(owner=user, kind="video", prompt="a lighthouse at dusk")
    Generation.objects.filter(prompt=PROMPTS[2]).update(favorite=True)
    assert set(found(user_client, "lighthouse")) == set(PROMPTS[:3])
    assert found(user_client, "lighthouse", favorite="true") == [PROMPTS[2]]


def test_staff_search_everyone(staff_client, other_user, prompts):
    GenerationFactory(owner=other_user, prompt="a lighthouse at dusk")
    assert len(found(staff_client, "lighthouse dusk")) == 2


def test_relevance_first_then_newest(user_client, user):
    older = GenerationFactory(owner=user, prompt="fox")
    newer = GenerationFactory(owner=user, prompt="fox")
    diluted = GenerationFactory(owner=user, prompt="fox " + " ".join(f"word{i}" for i in range(40)))
    assert Generation.objects.get(pk=newer.pk).created_at >= Generation.objects.get(pk=older.pk).created_at
    assert found(user_client, "fox") == [newer.prompt, older.prompt, diluted.prompt]
    ids = [r["id"] for r in user_client.get("/api/images", {"q": "fox"}).json()["images"]]
    assert ids == [newer.pk, older.pk, diluted.pk]


def test_search_pages_follow_the_ranking(user_client, user):
    for i in range(5):
        GenerationFactory(owner=user, prompt=f"fox number {i}")
    first = user_client.get("/api/images", {"q": "fox", "limit": 2}).json()
    assert first["total"] == 5 and len(first["images"]) == 2 and first["next"]
    second = user_client.get("/api/images", {"q": "fox", "limit": 2, "before": first["next"]}).json()
    third = user_client.get("/api/images", {"q": "fox", "limit": 2, "before": second["next"]}).json()
    seen = [r["id"] for page in (first, second, third) for r in page["images"]]
    assert len(set(seen)) == 5 and third["next"] is None
    assert user_client.get("/api/images", {"q": "fox", "before": "bm90IGEgY3Vyc29y"}).status_code == 422


def test_the_index_follows_updates_and_deletes(user_client, user, prompts):
    generation = prompts[PROMPTS[3]]
    Generation.objects.filter(pk=generation.pk).update(prompt="a grey wolf in snow")
    assert found(user_client, "fox") == []
    assert found(user_client, "wolf") == ["a grey wolf in snow"]
    Generation.objects.filter(pk=generation.pk).delete()
    assert found(user_client, "wolf") == []


def test_the_index_survives_a_rebuilt_table(user_client, user):
    """Django rebuilds a SQLite table for some migrations (dropping its triggers); migrate restores them."""
    from django.db import connection

    from media_gen.search import search_triggers_ensure

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER media_gen_generation_search_insert")
        search_triggers_ensure()
    GenerationFactory(owner=user, prompt="an otter on a rock")
    assert found(user_client, "otter") == ["an otter on a rock"]


def test_captions_are_searched_but_a_phrase_never_spans_prompt_and_caption(user_client, user):
    captioned = GenerationFactory(owner=user, prompt="a harbour at night", text_output="Boats rocking, 4 s")
    assert found(user_client, "boats harbour") == [captioned.prompt]
    assert found(user_client, '"boats rocking"') == [captioned.prompt]
    assert found(user_client, '"night boats"') == []
    Generation.objects.filter(pk=captioned.pk).update(text_output="gulls")
    assert found(user_client, "boats") == [] and found(user_client, "gulls") == [captioned.prompt]


def test_an_owner_never_matches_another_owners_words(user_client, other_user, user):
    GenerationFactory(owner=other_user, prompt="a quokka smiling")
    GenerationFactory(owner=user, kind="video", prompt="a quokka smiling")
    assert found(user_client, "quokka") == []
    assert found(user_client, "-quokka") == []


def test_a_capped_total_says_it_is_a_lower_bound(user_client, staff_client, user, monkeypatch):
    from media_gen import selectors

    for i in range(4):
        GenerationFactory(owner=user, prompt=f"fox {i}")
    monkeypatch.setattr(selectors, "SEARCH_MAX", 3)
    body = user_client.get("/api/images", {"q": "fox", "limit": 2}).json()
    assert (body["total"], body["total_is_estimate"], len(body["images"])) == (3, True, 2)
    last = user_client.get("/api/images", {"q": "fox", "limit": 2, "before": body["next"]}).json()
    assert len(last["images"]) == 1 and last["next"] is None
    assert user_client.get("/api/images", {"q": "fox 1"}).json()["total_is_estimate"] is False
    monkeypatch.setattr(selectors, "STAFF_COUNT_MAX", 2)
    staff = staff_client.get("/api/images", {"limit": 10}).json()
    assert (staff["total"], staff["total_is_estimate"], len(staff["images"])) == (2, True, 4)
    assert user_client.get("/api/images").json()["total_is_estimate"] is False
