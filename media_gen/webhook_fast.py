"""``POST /api/webhooks/replicate?generation=<id>`` answered ahead of the middleware stack and ninja.

A delivery is Replicate telling us about a prediction; every one of them used to cost about 2.7 ms
of CPU, most of it in the ORM (the generation read as a model with its ordering compiled, the
conditional UPDATE compiled, the queue row saved as a model) and the rest in the stack in front of
the route. Here, for the ordinary delivery only:

- the signature is checked with the configured (or cached) secret, the same HMAC as
  ``webhooks.webhook_verify``;
- the generation is one raw indexed read of the three columns the move depends on;
- what to do is ``lifecycle.prediction_move`` (the same decision the route makes);
- a redelivery (its webhook-id recorded already) is answered from one read, without the write lock;
- the receipt, the move (``lifecycle.generation_move_statement``: the ORM's UPDATE, written once)
  and the download's queue row (the package built and signed by django-q2's own ``async_task``,
  inserted as the row ``OrmQ.objects.create`` would save) are one write transaction
  (``webhooks.webhook_transaction``: on SQLite ``BEGIN IMMEDIATE`` with bounded retries, then 503 +
  Retry-After with nothing written). Everything they need is prepared before the lock is taken, so
  it is held for three statements and the commit.

Anything else falls through to the route, which answers it exactly as before: another query string,
a signature that does not match the known secret (or no secret known yet), a body that is not a JSON
object as orjson reads it, an unknown generation, a prediction this module cannot plan, any error
before the commit (a database error, a task broker that cannot take the download: the transaction
is rolled back first). Answers are the route's own bytes
(``tests/media_gen/test_webhook_fast.py`` compares them).
"""

import re
from typing import Any, NamedTuple

import orjson
from django.db import connection, connections
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.brokers.orm import ORM
from django_q.conf import Conf
from django_q.models import OrmQ

from media_gen.fastpath import add_routed_headers
from media_gen.models import Generation, WebhookReceipt
from media_gen.services.delivery import _receipt_insert
from media_gen.services.lifecycle import (
    Moves,
    download_queue,
    generation_move_execute,
    generation_move_statement,
    prediction_move,
)
from media_gen.webhooks import RETRY_AFTER_SECONDS, WebhookInvalid, webhook_signed, webhook_transaction

# What the route's ``generation: int | None`` is given by ``_webhook_url``; anything else is the route's.
_QUERY = re.compile(r"generation=([1-9][0-9]{0,17})")
_ACCEPTED = {"ok": True, "message": "Accepted."}
_DUPLICATE = {"ok": False, "message": "Duplicate delivery ignored."}


class GenerationRow(NamedTuple):
    """What ``prediction_move`` reads of a generation."""

    pk: int
    prediction_id: str
    kind: str
    collection: str


def _generation_row(generation_id: int) -> GenerationRow | None:
    meta = Generation._meta
    quote = connection.ops.quote_name
    columns = ", ".join(
        quote(meta.get_field(name).column) for name in ("prediction_id", "kind", "collection")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {quote('id')} = %s",  # noqa: S608
            [generation_id],
        )
        found = cursor.fetchone()
    return GenerationRow(generation_id, *found) if found is not None else None


def _received(webhook_id: str) -> bool:
    """The webhook-id is recorded already (a redelivery): read without the write lock. The INSERT
    … ON CONFLICT in the transaction still decides a race between two copies arriving at once."""
    quote = connection.ops.quote_name
    meta = WebhookReceipt._meta
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {quote(meta.db_table)} WHERE {quote('webhook_id')} = %s",  # noqa: S608
            [webhook_id],
        )
        return cursor.fetchone() is not None


class RowInsertBroker(ORM):
    """django-q2's ORM broker whose ``enqueue`` is one INSERT of the row ``OrmQ.objects.create``
    would save (key, signed payload, lock = now): no model instance. ``async_task`` builds and signs
    the package as always, so the worker reads it like any other."""

    def __init__(self, list_key: str):
        self.list_key, self._info, self.connection, self.cache = list_key, None, None, None

    def enqueue(self, task: str) -> Any:
        db = connections[Conf.ORM]
        meta, quote = OrmQ._meta, db.ops.quote_name
        values = {"key": self.list_key or Conf.CLUSTER_NAME, "payload": task, "lock": timezone.now()}
        columns = ", ".join(quote(meta.get_field(name).column) for name in values)
        params = [meta.get_field(name).get_db_prep_save(value, db) for name, value in values.items()]
        with db.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES (%s, %s, %s)",  # noqa: S608
                params,
            )
            return getattr(cursor, "lastrowid", None)


class _Held(RowInsertBroker):
    """Keeps the package ``async_task`` built and signed, to be inserted later (inside the write
    transaction, by ``RowInsertBroker``): the signing is done before the lock is taken."""

    def __init__(self, list_key: str):
        super().__init__(list_key)
        self.package: str | None = None

    def enqueue(self, task: str) -> None:
        self.package = task


_broker: list[RowInsertBroker | None] = []


def _row_broker() -> RowInsertBroker | None:
    """A ``RowInsertBroker`` when django-q2's broker is the plain ORM one (else None: its own)."""
    if not _broker:
        configured = get_broker()
        _broker.append(RowInsertBroker(configured.list_key) if type(configured) is ORM else None)
    return _broker[0]


def _download_package(generation_id: int) -> tuple[RowInsertBroker, str] | None:
    """The download's signed queue package, built now by django-q2's ``async_task``, and the broker
    to insert it with; None where it is queued inside the transaction as the route does (another
    broker than the ORM's, or ``sync`` mode, where queueing runs the task)."""
    broker = _row_broker()
    if broker is None or Conf.SYNC:
        return None
    held = _Held(broker.list_key)
    download_queue(generation_id, broker=held)
    return (broker, held.package) if held.package is not None else None


_rendered: dict[str, tuple[bytes, str]] = {}


def _answer(request: HttpRequest, data: dict[str, Any], *, status: int = 200) -> HttpResponse:
    """What the route's ``Status(status, data)`` becomes (ninja's renderer; the 200 answers are two
    fixed bodies, rendered once), with the headers the stack behind adds."""
    from simpoc.api import api  # the API's renderer, as the route's answer has it

    if status == 200:
        key = data["message"]
        if key not in _rendered:
            rendered = api.create_response(request, data, status=200)
            _rendered[key] = (rendered.content, rendered["Content-Type"])
        content, content_type = _rendered[key]
        response = HttpResponse(content, content_type=content_type)
    else:
        response = api.create_response(request, data, status=status)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return add_routed_headers(request, response, vary_cookie=False)


def webhook_response(request: HttpRequest) -> HttpResponse | None:
    """The route's answer to an ordinary delivery, or None: the route answers it.

    Any error (a database or cache that is down, a task broker that cannot take the download; the
    write transaction rolled back first) is left to the route too: it meets the same trouble and
    answers it as it always has (503 + Retry-After for these), not a 500 from the middleware.
    """
    try:
        return _response(request)
    except Exception:
        return None


def _response(request: HttpRequest) -> HttpResponse | None:
    query = _QUERY.fullmatch(request.META.get("QUERY_STRING", ""))
    if query is None:
        return None
    meta = request.META
    webhook_id = meta.get("HTTP_WEBHOOK_ID", "")
    body = request.body
    if not webhook_signed(
        webhook_id=webhook_id,
        timestamp=meta.get("HTTP_WEBHOOK_TIMESTAMP", ""),
        signature=meta.get("HTTP_WEBHOOK_SIGNATURE", ""),
        body=body,
    ):
        return None
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(payload, dict):
        return None
    generation = _generation_row(int(query[1]))
    if generation is None:
        return None
    if _received(webhook_id):
        return _answer(request, _DUPLICATE)
    now = timezone.now()
    planned = prediction_move(generation=generation, prediction=payload, now=now)
    # Everything the writes need is prepared before the write lock is taken.
    statement = package = None
    if planned is not None:
        move, values = planned
        statement = generation_move_statement(move, pk=generation.pk, now=now, **values)
        if move is Moves.SUCCEEDED:
            package = _download_package(generation.pk)
    try:
        with webhook_transaction():
            if not _receipt_insert(webhook_id=webhook_id, generation_id=generation.pk):
                return _answer(request, _DUPLICATE)
            if statement is not None:
                moved = generation_move_execute(statement)
                if moved and move is Moves.SUCCEEDED:
                    if package is not None:
                        broker, signed = package
                        broker.enqueue(signed)
                    else:
                        download_queue(generation.pk)
    except WebhookInvalid as exc:  # busy past the lock budget: nothing was written
        return _answer(request, {"detail": exc.message}, status=exc.status_code)
    return _answer(request, _ACCEPTED)
