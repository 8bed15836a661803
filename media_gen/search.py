"""Prompt search: the ``q`` syntax and its query on each engine (migration 0003 keeps the index).

Syntax: words in any order, each must appear (``lighthouse stormy``); ``-word`` leaves out prompts
with that word; ``"a stormy sea"`` matches those words next to each other in that order. Words are
letters and digits, compared without case or accents; nothing else in ``q`` matters.

Results come most relevant first (SQLite FTS5's bm25, PostgreSQL's ts_rank), newest first among
equals, at most ``SEARCH_MAX`` of them (ts_rank normalised by the log of the prompt's length, as bm25
prefers short prompts that hold every word).
"""

import re
from dataclasses import dataclass, field

from django.db import connection

SEARCH_MAX = 10_000
HELP = (
    'Prompt search: every word must appear, in any order; -word excludes a word; "quoted words" '
    "must appear together in that order. Most relevant first, newest first among equals."
)
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
_WORD = re.compile(r"\w+")


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


def _fts5_match(search: Search, scope: list[str]) -> str:
    """An FTS5 MATCH expression; every token is quoted, so nothing in ``q`` is FTS5 syntax."""
    wanted = [f'scope : "{token}"' for token in scope]
    wanted += [f'prompt : "{word}"' for word in search.words]
    wanted += ['prompt : "{}"'.format(" ".join(words)) for words in search.phrases]
    expression = " AND ".join(wanted)
    for words in search.excluded:
        expression += ' NOT prompt : "{}"'.format(" ".join(words))
    return expression


def _tsquery(search: Search) -> str:
    """A to_tsquery text; words are letters and digits only, so they need no quoting."""
    parts = list(search.words)
    parts += ["(" + " <-> ".join(words) + ")" for words in search.phrases]
    parts += ["!(" + " <-> ".join(words) + ")" for words in search.excluded]
    return " & ".join(parts)


def search_ids(*, search: Search, kind: str, owner_id: int | None) -> list[int]:
    """Ids of the generations of ``kind`` (of ``owner_id``, or everyone's) matching ``search``, most
    relevant first, newest first among equals; at most SEARCH_MAX."""
    if connection.vendor == "sqlite":
        # One token for one owner's items of a kind (a short doclist), or the kind's for staff.
        scope = [f"o{owner_id}k{kind}"] if owner_id is not None else [f"k{kind}"]
        sql = (
            "SELECT s.rowid FROM media_gen_generation_search s "
            "JOIN media_gen_generation g ON g.id = s.rowid "
            "WHERE media_gen_generation_search MATCH %s "
            "ORDER BY s.rank, g.created_at DESC, g.id DESC LIMIT %s"
        )
        params: list = [_fts5_match(search, scope), SEARCH_MAX]
    else:
        owned = "AND owner_id = %s " if owner_id is not None else ""
        sql = (
            "SELECT id FROM media_gen_generation "  # noqa: S608 (a constant fragment, values are parameters)
            f"WHERE prompt_search @@ to_tsquery('simple', %s) AND kind = %s {owned}"
            "ORDER BY ts_rank(prompt_search, to_tsquery('simple', %s), 1) DESC, created_at DESC, id DESC LIMIT %s"
        )
        query = _tsquery(search)
        params = [query, kind, *([owner_id] if owner_id is not None else []), query, SEARCH_MAX]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


# The triggers (migration 0006's, replacing 0003's) that keep the SQLite index in step. Django rebuilds a SQLite table
# for some schema changes (copy into a new table, drop the old one), which drops its triggers: so
# they are created again after every migrate (``MediaGenConfig``), when missing.
SQLITE_TRIGGERS = (
    "CREATE TRIGGER IF NOT EXISTS media_gen_generation_search_insert AFTER INSERT ON media_gen_generation "
    "BEGIN INSERT INTO media_gen_generation_search (rowid, prompt, scope) "
    "VALUES (new.id, new.prompt, 'o' || new.owner_id || 'k' || new.kind || ' k' || new.kind); END",
    "CREATE TRIGGER IF NOT EXISTS media_gen_generation_search_update AFTER UPDATE OF prompt, owner_id, kind "
    "ON media_gen_generation BEGIN DELETE FROM media_gen_generation_search WHERE rowid = old.id; "
    "INSERT INTO media_gen_generation_search (rowid, prompt, scope) "
    "VALUES (new.id, new.prompt, 'o' || new.owner_id || 'k' || new.kind || ' k' || new.kind); END",
    "CREATE TRIGGER IF NOT EXISTS media_gen_generation_search_delete AFTER DELETE ON media_gen_generation "
    "BEGIN DELETE FROM media_gen_generation_search WHERE rowid = old.id; END",
)


def search_triggers_ensure(*, using: str = "default") -> None:
    """Create the SQLite triggers when the search table exists and they do not (idempotent)."""
    from django.db import connections

    conn = connections[using]
    if conn.vendor != "sqlite":
        return
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'media_gen_generation_search'"
        )
        if cursor.fetchone() is None:
            return
        for statement in SQLITE_TRIGGERS:
            cursor.execute(statement)
