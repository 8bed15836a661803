"""Reads and query shaping of this app: always filtered to what the user may see."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from simpoc.rules import visible_to
from simulation.models import Render, Scene


def scene_list(*, user: AbstractBaseUser, model: str | None = None) -> QuerySet[Scene]:
    scenes = Scene.objects.filter(owner=user)
    if model:
        scenes = scenes.filter(model=model)
    return scenes.order_by("-created_at", "-id")


def scene_page(
    *, user: AbstractBaseUser, model: str | None = None, offset: int, limit: int
) -> tuple[list[Scene], int]:
    """One page of ``scene_list`` and the total it is a page of."""
    scenes = scene_list(user=user, model=model)
    return list(scenes[offset : offset + limit]), scenes.count()


def scene_get(*, user: AbstractBaseUser, scene_id: int) -> Scene | None:
    return Scene.objects.filter(owner=user, pk=scene_id).first()


def generator_names(*, user: AbstractBaseUser) -> list[str]:
    """Names of the scene generators this user's saved scenes came from, excluding manual saves."""
    names = (
        Scene.objects.filter(owner=user)
        .exclude(model="manual")
        .order_by("model")
        .values_list("model", flat=True)
        .distinct()
    )
    return list(names)


def render_list(*, user: AbstractBaseUser, quality: str | None = None) -> QuerySet[Render]:
    """Owner or staff; a render whose video is hidden only for staff (``simpoc.rules``)."""
    renders = visible_to(
        Render.objects.select_related("asset").defer("asset__data"), user=user, hidden_at="asset__hidden_at"
    )
    if quality:
        renders = renders.filter(quality=quality)
    return renders.order_by("-created_at", "-id")


def render_page(
    *, user: AbstractBaseUser, quality: str | None = None, offset: int, limit: int
) -> tuple[list[Render], int]:
    """One page of ``render_list`` and the total it is a page of."""
    renders = render_list(user=user, quality=quality)
    return list(renders[offset : offset + limit]), renders.count()


def render_archive_list(*, user: AbstractBaseUser) -> QuerySet[Render]:
    """The renders an archive for ``user`` may hold (``render_list``'s rule), with the owner's name."""
    return render_list(user=user).select_related("owner")


def render_get(*, user: AbstractBaseUser, render_id: int) -> Render | None:
    return render_list(user=user).filter(pk=render_id).first()


def render_get_owned(*, user: AbstractBaseUser, render_id: int) -> Render | None:
    """The user's own render (not staff's view of others'): what only its owner may act on."""
    return (
        Render.objects.select_related("asset", "owner")
        .defer("asset__data")
        .filter(owner=user, pk=render_id)
        .first()
    )


def render_derived_videos(*, render_ids: list[int]) -> dict[int, list[int]]:
    """The ids of the videos made from each render, through ``settings.RENDER_DERIVED_VIDEOS_HOOK``.

    The generations live in media_gen, which this app never imports: the hook (a dotted path to a
    function of the top taking ``render_ids``) reads them. No hook: no videos.
    """
    dotted = getattr(settings, "RENDER_DERIVED_VIDEOS_HOOK", "")
    if not dotted or not render_ids:
        return {}
    return import_string(dotted)(render_ids=render_ids)


def renders_in_flight(*, user: AbstractBaseUser) -> int:
    return Render.objects.filter(owner=user, status__in=Render.IN_FLIGHT).count()


def render_find(*, pk: int) -> QuerySet[Render]:
    """The render with this id (none or one) for the back office, with its owner and video's facts."""
    return Render.objects.select_related("owner", "asset").defer("asset__data").filter(pk=pk)


# --- Queue health (staff) -------------------------------------------------------------------------

# A render reports progress every frame: this long without an update means its worker is gone.
RENDER_STUCK_AFTER = timedelta(minutes=15)
RENDER_FAILURES_SHOWN = timedelta(days=7)


def renders_stuck(
    *, now: datetime | None = None, older_than: timedelta = RENDER_STUCK_AFTER
) -> QuerySet[Render]:
    """Queued or rendering without any progress for longer than expected, oldest first."""
    cutoff = (now or timezone.now()) - older_than
    return (
        Render.objects.filter(status__in=Render.IN_FLIGHT, updated_at__lt=cutoff)
        .select_related("owner")
        .order_by("updated_at", "id")
    )


def renders_failed_recently(
    *, now: datetime | None = None, within: timedelta = RENDER_FAILURES_SHOWN
) -> QuerySet[Render]:
    """Renders that failed in the last ``within``, newest first."""
    since = (now or timezone.now()) - within
    return (
        Render.objects.filter(status=Render.Status.FAILED, updated_at__gte=since)
        .select_related("owner")
        .order_by("-updated_at", "-id")
    )
