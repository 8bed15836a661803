"""Rules every app shares, written once: who may see a user's item, and the per-user cap.

- **Visible to this user.** The owner sees their own items, staff see everything; an item whose
  stored output is hidden by a moderator is seen only by staff. ``visible_to`` is the rule as a
  query, ``is_visible_to`` the same rule for one row already loaded.
- **Lock the user row, then check the cap.** Two requests of one user must not both slip under a
  limit (generations in flight, renders in flight, storage quota). ``user_row_lock`` takes the lock
  the same way on every engine, inside the caller's transaction, so the count and the insert that
  follow are covered by it; ``user_lock_then_check`` runs the caller's check right after.
"""

from collections.abc import Callable
from typing import TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


def visible_to(
    queryset: QuerySet[M], *, user: AbstractBaseUser, owner: str = "owner", hidden_at: str = "hidden_at"
) -> QuerySet[M]:
    """``queryset`` narrowed to what ``user`` may see.

    ``owner`` names the owner field, ``hidden_at`` the moderation timestamp, through a relation
    when the item points at its stored output (``"asset__hidden_at"``): a row without an output
    is visible to its owner (the isnull test becomes a LEFT JOIN's ``IS NULL``).
    """
    if user.is_staff:
        return queryset
    return queryset.filter(**{owner: user, f"{hidden_at}__isnull": True})


def is_visible_to(*, user: AbstractBaseUser | None, owner_id: int, hidden: bool) -> bool:
    """The rule of ``visible_to`` for one loaded row; anonymous users see nothing."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return owner_id == user.pk and not hidden


def user_row_lock(*, user_id: int) -> None:
    """Serialise one user's capped writes until the end of the caller's transaction.

    A no-op UPDATE of the user's row is a row lock on PostgreSQL (held to the end of the
    transaction, so a second request of the same user waits here and then counts the first one's
    row) and the database write lock on SQLite (which BEGIN IMMEDIATE already holds in this
    project's settings, but this does not rely on the transaction mode). One statement, the same on
    both engines.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("The user row lock must be taken inside transaction.atomic().")
    user_model = get_user_model()
    user_model.objects.filter(pk=user_id).update(**{user_model._meta.pk.attname: user_id})


def user_lock_then_check(*, user_id: int, check: Callable[[], None]) -> None:
    """Lock the user's row (``user_row_lock``), then run ``check``, which raises ServiceError to refuse.

    Call it inside ``transaction.atomic()``, before the insert the cap guards.
    """
    user_row_lock(user_id=user_id)
    check()
