# ruff: noqa: S608, S610, S611 -- only constant names are formatted into SQL here; every value is a parameter.
"""Search of prompts and captions: the ``q`` syntax and its query on each engine (migration 0009
keeps the index).

Syntax: words in any order, each must appear (``lighthouse stormy``); ``-word`` leaves out items
with that word; ``"a stormy sea"`` matches those words next to each other in that order. Words are
letters and digits, compared without case (and on SQLite without accents); nothing else in ``q``
matters. The prompt and the text output (a caption) are both searched; a phrase never spans the two.

Every indexed word carries its scope: ``o<owner id><kind>x<word>`` for its owner's searches and
``k<kind>x<word>`` for staff's (one token per scope, the scope alone marks every row). A search then
reads only its scope's posting lists: an owner's ten thousand items, not the site's million, however
common the word is site-wide (SQLite FTS5 has no other way to narrow a doclist; on PostgreSQL the
same lexemes in a GIN index do the same). Relevance: FTS5's bm25 / PostgreSQL's ts_rank (normalised
by the log of the text's length, as bm25 prefers short texts that hold every word), newest first
among equals. Staff's search of everyone's items (no other filter) ranks only its newest
``RANK_WINDOW`` matches and lists older ones after them newest first, and on SQLite a word in more
than ``RANK_COMMON`` of the kind's items filters without ranking (``search_ranked_ids``): ranking
every match of a word in 7,732 of 750,000 images cost 33 ms of CPU (SQLite) / 113 ms (PostgreSQL).

``total`` counts matches up to ``SEARCH_MAX``; beyond that it says ``SEARCH_MAX`` and
``total_is_estimate`` is true (a lower bound), and pages stop there.
"""

import re
import sqlite3
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

SEARCH_MAX = 10_000
# Staff's search of everyone's items ranks the newest this many matches; older ones follow, newest
# first (``search_ranked_ids``).
RANK_WINDOW = 1_000
# A word in more than this many of the scope's items filters staff's search but does not rank it
# (SQLite; ``_ranked_window``).
RANK_COMMON = 10_000
HELP = (
    "Search of the prompt and any text output: every word must appear, in any order "
    "(`lighthouse stormy`); `-word` leaves out items with that word; "
    '`"quoted words"` must appear together in that order. Most relevant first, newest first among '
    "equals. `total` counts at most 10,000 matches (then `total_is_estimate` is true)."
)
# The list routes' description in the API docs (OpenAPI): the filters and the search syntax.
LIST_DESCRIPTION = (
    "Your items of this kind (staff: everyone's), newest first, `limit` per page; `next` is the "
    "`before` cursor of the next page.\n\n"
    "Filters: `status` (processing, completed, failed, canceled), `favorite`, `model_id`, "
    "`collection`, and `q`, a search of the prompt and any text output (a caption):\n\n"
    "- `lighthouse stormy`: every word must appear, in any order;\n"
    '- `lighthouse -stormy`: `-word` leaves out items with that word (`-"a phrase"` too);\n'
    '- `"stormy sea"`: quoted words must appear together, in that order.\n\n'
    "Words are letters and digits, compared without case; other characters only separate words "
    "(no wildcards or operators). Search results come most relevant first, newest first among "
    "equals (staff's search of everyone's items ranks its newest 1,000 matches by relevance, then "
    "lists the older ones newest first). `total` counts at most 10,000 search matches (and staff's listing "
    "at most 10,000 rows); past that it says 10,000 and `total_is_estimate` is true."
)
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
# Letters and digits: what both engines' tokenizers keep as word characters (no underscore).
_WORD = re.compile(r"[^\W_]+")
TABLE = "media_gen_generation_search"  # SQLite FTS5 (rowid = the generation's id)
VECTOR = "search_vector"  # PostgreSQL: the generated tsvector column of media_gen_generation


@dataclass(frozen=True)
class Search:
    words: list[str] = field(default_factory=list)
    phrases: list[list[str]] = field(default_factory=list)
    excluded: list[list[str]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.words or self.phrases or self.excluded)


def search_parse(q: str) -> Search:
    """``q`` as words that must match, phrases that must match and words or phrases that must not."""
    search = Search()
    for match in _TOKEN.finditer(q[:200]):
        negated = bool(match[1] or match[3])
        words = _WORD.findall((match[2] if match[2] is not None else match[4]).lower())
        if not words:
            continue
        if negated:
            search.excluded.append(words)
        elif len(words) > 1 or match[2] is not None:
            search.phrases.append(words)
        else:
            search.words.append(words[0])
    return search


def search_scope(*, kind: str, owner_id: int | None) -> str:
    """The token prefix of one owner's items of ``kind``, or of everyone's (staff)."""
    return f"o{owner_id}{kind}" if owner_id is not None else f"k{kind}"


def _scoped(scope: str, text: str) -> str:
    """``scope`` itself, then each word of ``text`` as one scoped token."""
    return " ".join([scope, *(f"{scope}x{word}" for word in _WORD.findall(text.lower()))])


def search_document(*, owner_id: int, kind: str, prompt: str, text_output: str) -> str:
    """What the index holds for one generation: its words scoped to its owner, then scoped to staff.
    The scope token between the prompt and the caption keeps a phrase from spanning the two."""
    return " ".join(
        _scoped(scope, text)
        for scope in (search_scope(kind=kind, owner_id=owner_id), search_scope(kind=kind, owner_id=None))
        for text in (prompt or "", text_output or "")
    )


def search_functions_register(raw: sqlite3.Connection) -> None:
    """The SQL function the SQLite triggers (and migration 0009) build each row's document with."""
    raw.create_function(
        "media_gen_search_document",
        4,
        lambda owner_id, kind, prompt, text_output: search_document(
            owner_id=owner_id, kind=kind, prompt=prompt or "", text_output=text_output or ""
        ),
        deterministic=True,
    )


def _phrase(scope: str, words: list[str]) -> str:
    return " ".join(f"{scope}x{word}" for word in words)


def _fts5_match(search: Search, scope: str) -> str:
    """An FTS5 MATCH expression; every token is quoted (letters and digits only), so nothing in
    ``q`` is FTS5 syntax. Only exclusions: everything in the scope but those."""
    wanted = [f'"{_phrase(scope, words)}"' for words in [[w] for w in search.words] + search.phrases]
    expression = " AND ".join(wanted or [f'"{scope}"'])
    for words in search.excluded:
        expression += f' NOT "{_phrase(scope, words)}"'
    return expression


def _tsquery(search: Search, scope: str) -> str:
    """A to_tsquery text of scoped lexemes (letters and digits only, so they need no quoting)."""
    parts = [_phrase(scope, [word]) for word in search.words]
    parts += ["(" + " <-> ".join(f"{scope}x{w}" for w in words) + ")" for words in search.phrases]
    if not parts:
        parts = [scope]
    parts += ["!(" + " <-> ".join(f"{scope}x{w}" for w in words) + ")" for words in search.excluded]
    return " & ".join(parts)


def search_filter(
    generations: QuerySet, *, search: Search, kind: str, owner_id: int | None
) -> tuple[QuerySet, RawSQL]:
    """``generations`` narrowed to the matches of ``search`` among ``owner_id``'s items of ``kind``
    (everyone's when None), and the order expression of relevance (ascending: best first)."""
    scope = search_scope(kind=kind, owner_id=owner_id)
    if connection.vendor == "sqlite":
        matched = generations.extra(
            tables=[TABLE],
            where=[f"{TABLE}.rowid = media_gen_generation.id", f"{TABLE} MATCH %s"],
            params=[_fts5_match(search, scope)],
        )
        return matched, RawSQL(f"{TABLE}.rank", [])
    query = _tsquery(search, scope)
    matched = generations.extra(
        where=[f"media_gen_generation.{VECTOR} @@ to_tsquery('simple', %s)"], params=[query]
    )
    return matched, RawSQL(f"-ts_rank(media_gen_generation.{VECTOR}, to_tsquery('simple', %s), 1)", [query])


def _newest(cursor, *, search: Search, scope: str, offset: int, limit: int) -> list[int]:
    """The scope's matches newest id first, from the index alone (FTS5 walks its doclist backwards;
    PostgreSQL reads the GIN matches and keeps the top ``offset + limit`` by id)."""
    if connection.vendor == "sqlite":
        sql = f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s ORDER BY rowid DESC LIMIT %s OFFSET %s"
        params: list = [_fts5_match(search, scope), limit, offset]
    else:
        sql = (
            f"SELECT id FROM media_gen_generation WHERE {VECTOR} @@ to_tsquery('simple', %s) "
            "ORDER BY id DESC LIMIT %s OFFSET %s"
        )
        params = [_tsquery(search, scope), limit, offset]
    cursor.execute(sql, params)
    return [row[0] for row in cursor.fetchall()]


def _common(cursor, *, words: list[str], scope: str) -> bool:
    """Whether a word (or phrase) is in more than ``RANK_COMMON`` of the scope's items (counted up to
    there: at most that many index entries read)."""
    sql = f"SELECT count(*) FROM (SELECT 1 FROM {TABLE} WHERE {TABLE} MATCH %s LIMIT %s)"
    cursor.execute(sql, [f'"{_phrase(scope, words)}"', RANK_COMMON + 1])
    return cursor.fetchone()[0] > RANK_COMMON


def _ranked_window(cursor, *, search: Search, scope: str, window: list[int]) -> list[int]:
    """``window`` (matches, newest id first) most relevant first, newest id first among equals.

    SQLite: bm25 over the words and phrases of the search that are not common in the scope, for the
    rows from the window's oldest id on (a range FTS5 seeks to); a common word still filters (the
    window holds only full matches) but does not rank: bm25 reads a word's whole posting list for its
    document frequency (750,000 entries for a word in most images, 60 ms) and weighs it near zero
    anyway. PostgreSQL: ts_rank of the window's rows (ts_rank has no corpus statistics to read)."""
    if not window:
        return []
    if connection.vendor == "sqlite":
        ranking = [[w] for w in search.words] + search.phrases
        ranking = [words for words in ranking if not _common(cursor, words=words, scope=scope)]
        if not ranking:
            return window
        expression = " AND ".join(f'"{_phrase(scope, words)}"' for words in ranking)
        cursor.execute(
            f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s AND rowid >= %s ORDER BY rank, rowid DESC",
            [expression, window[-1]],
        )
        wanted = set(window)
        return [row[0] for row in cursor.fetchall() if row[0] in wanted]
    cursor.execute(
        f"SELECT id FROM media_gen_generation WHERE id = ANY(%s) "
        f"ORDER BY ts_rank({VECTOR}, to_tsquery('simple', %s), 1) DESC, id DESC",
        [window, _tsquery(search, scope)],
    )
    return [row[0] for row in cursor.fetchall()]


def search_ranked_ids(
    *, search: Search, kind: str, owner_id: int | None, offset: int, limit: int
) -> list[int]:
    """One page of the scope's matches from the index alone (no other filter, no visibility rule:
    staff's unfiltered search): the newest ``RANK_WINDOW`` matches most relevant first (newest id
    first among equals), then the older ones newest first. Ranking every match cost staff 33 ms
    (SQLite, bm25) to 113 ms (PostgreSQL, a heap row per match for ts_rank) for a word in 7,732
    images at 1M rows; joining each match to its row for ``created_at`` 195 ms."""
    scope = search_scope(kind=kind, owner_id=owner_id)
    with connection.cursor() as cursor:
        newest = _index_newest(cursor, search=search, scope=scope)
        return _windowed(cursor, search=search, scope=scope, newest=newest, offset=offset, limit=limit)


def _index_newest(cursor, *, search: Search, scope: str):
    """``newest(offset, limit)`` for ``_windowed``, read from the index (``_newest``)."""

    def newest(offset: int, limit: int) -> list[int]:
        return _newest(cursor, search=search, scope=scope, offset=offset, limit=limit)

    return newest


def _windowed(cursor, *, search: Search, scope: str, newest, offset: int, limit: int) -> list[int]:
    """``search_ranked_ids``'s page, given ``newest(offset, limit)``: the matches newest first."""
    if offset >= RANK_WINDOW:
        return newest(offset, limit)
    window = newest(0, RANK_WINDOW)
    page = _ranked_window(cursor, search=search, scope=scope, window=window)[offset : offset + limit]
    if len(page) < limit and len(window) == RANK_WINDOW:
        page += newest(RANK_WINDOW, limit - len(page))
    return page


def search_scope_page(
    *, search: Search, kind: str, owner_id: int | None, offset: int, limit: int
) -> tuple[int, list[int]]:
    """``search_count`` and the page of ``search_ranked_ids`` (at most ``SEARCH_MAX`` matches in all).

    PostgreSQL reads a heap row for every GIN match (to see whether it is visible), for the count as
    for the newest ids: so one statement reads up to ``SEARCH_MAX + 1`` matching ids and both come
    from that list (at 1M rows the window's own ``ORDER BY id DESC LIMIT 1000`` walked the primary
    key backwards through 97,000 rows for 1,000 matches: 109 ms). Past ``SEARCH_MAX`` matches the
    ids read are not the newest, and the newest are found by their own query (dense matches: the
    primary key's backward walk finds them at once). SQLite: both from FTS5's index alone."""
    if connection.vendor == "sqlite":
        total = search_count(search=search, kind=kind, owner_id=owner_id)
        shown = max(0, min(limit, min(total, SEARCH_MAX) - offset))
        ids = search_ranked_ids(search=search, kind=kind, owner_id=owner_id, offset=offset, limit=shown)
        return total, ids if shown else []
    scope = search_scope(kind=kind, owner_id=owner_id)
    with connection.cursor() as cursor:
        # One array, not a row per id: a third of the client's CPU for 7,732 ids (0.8 ms, not 3 ms).
        cursor.execute(
            f"SELECT array(SELECT id FROM media_gen_generation WHERE {VECTOR} @@ to_tsquery('simple', %s) "
            "LIMIT %s)",
            [_tsquery(search, scope), SEARCH_MAX + 1],
        )
        matches = sorted(cursor.fetchone()[0], reverse=True)
        total = len(matches)
        shown = max(0, min(limit, min(total, SEARCH_MAX) - offset))
        if not shown:
            return total, []
        if total > SEARCH_MAX:  # not the newest: ask for those
            newest = _index_newest(cursor, search=search, scope=scope)
        else:

            def newest(offset: int, limit: int) -> list[int]:
                return matches[offset : offset + limit]

        return total, _windowed(cursor, search=search, scope=scope, newest=newest, offset=offset, limit=shown)


def search_count(*, search: Search, kind: str, owner_id: int | None) -> int:
    """How many items of the scope match, up to ``SEARCH_MAX + 1``, from the index alone."""
    scope = search_scope(kind=kind, owner_id=owner_id)
    if connection.vendor == "sqlite":
        sql = f"SELECT count(*) FROM (SELECT 1 FROM {TABLE} WHERE {TABLE} MATCH %s LIMIT %s)"
        params: list = [_fts5_match(search, scope), SEARCH_MAX + 1]
    else:
        sql = (
            "SELECT count(*) FROM (SELECT 1 FROM media_gen_generation "
            f"WHERE {VECTOR} @@ to_tsquery('simple', %s) LIMIT %s) matched"
        )
        params = [_tsquery(search, scope), SEARCH_MAX + 1]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


# The triggers (migration 0009's, replacing 0006's) that keep the SQLite index in step. Django rebuilds
# a SQLite table for some schema changes (copy into a new table, drop the old one), which drops its
# triggers: so they are created again after every migrate (``MediaGenConfig``), when missing.
_DOCUMENT = "media_gen_search_document(new.owner_id, new.kind, new.prompt, new.text_output)"
SQLITE_TRIGGERS = (
    "CREATE TRIGGER IF NOT EXISTS media_gen_generation_search_insert AFTER INSERT ON media_gen_generation "
    f"BEGIN INSERT INTO {TABLE} (rowid, document) VALUES (new.id, {_DOCUMENT}); END",
    "CREATE TRIGGER IF NOT EXISTS media_gen_generation_search_update "
    "AFTER UPDATE OF prompt, text_output, owner_id, kind ON media_gen_generation "
    f"BEGIN DELETE FROM {TABLE} WHERE rowid = old.id; "
    f"INSERT INTO {TABLE} (rowid, document) VALUES (new.id, {_DOCUMENT}); END",
    "CREATE TRIGGER IF NOT EXISTS media_gen_generation_search_delete AFTER DELETE ON media_gen_generation "
    f"BEGIN DELETE FROM {TABLE} WHERE rowid = old.id; END",
)


def search_triggers_ensure(*, using: str = "default") -> None:
    """Create the SQLite triggers when the search table exists and they do not (idempotent)."""
    from django.db import connections

    conn = connections[using]
    if conn.vendor != "sqlite":
        return
    with conn.cursor() as cursor:
        cursor.execute(f"SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '{TABLE}'")
        row = cursor.fetchone()
        if row is None or "document" not in row[0]:  # before migration 0009: its own triggers
            return
        for statement in SQLITE_TRIGGERS:
            cursor.execute(statement)
