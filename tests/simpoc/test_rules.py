"""The rules every app shares (simpoc.rules): visible to this user, lock the user row then check."""

import pytest
from django.db import transaction
from django.utils import timezone

from gallery.models import Asset
from simpoc.errors import ServiceError
from simpoc.rules import is_visible_to, user_lock_then_check, visible_to
from tests.gallery.factories import AssetFactory


@pytest.mark.django_db
def test_owner_sees_own_visible_items_staff_see_everything(user, other_user, staff_user):
    mine = AssetFactory(owner=user)
    hidden = AssetFactory(owner=user, hidden_at=timezone.now())
    theirs = AssetFactory(owner=other_user)
    everything = Asset.objects.exclude(kind=Asset.Kind.THUMBNAIL)
    assert set(visible_to(everything, user=user)) == {mine}
    assert set(visible_to(everything, user=staff_user)) == {mine, hidden, theirs}
    assert is_visible_to(user=user, owner_id=user.pk, hidden=False)
    assert not is_visible_to(user=user, owner_id=user.pk, hidden=True)
    assert not is_visible_to(user=user, owner_id=other_user.pk, hidden=False)
    assert is_visible_to(user=staff_user, owner_id=other_user.pk, hidden=True)
    assert not is_visible_to(user=None, owner_id=user.pk, hidden=False)


@pytest.mark.django_db
def test_lock_then_check_runs_the_check_and_its_refusal_stands(user):
    calls = []
    with transaction.atomic():
        user_lock_then_check(user_id=user.pk, check=lambda: calls.append("checked"))
    assert calls == ["checked"]

    def refuse() -> None:
        raise ServiceError("over the cap", status_code=429)

    with pytest.raises(ServiceError) as refused, transaction.atomic():
        user_lock_then_check(user_id=user.pk, check=refuse)
    assert refused.value.status_code == 429


@pytest.mark.django_db(transaction=True)
def test_lock_then_check_refuses_to_run_outside_a_transaction(user):
    with pytest.raises(RuntimeError, match=r"inside transaction\.atomic"):
        user_lock_then_check(user_id=user.pk, check=lambda: None)
