"""The Replicate collections simpoc runs, as data: one row per collection slug (issue 15's contract).

Every decision "which kind is this" reads this table: which record family (``Generation.kind`` and
its list endpoint) a collection's runs belong to, which stored media its models take as input, and
what their output is stored as. A new collection is a new row, not new code.
"""

from dataclasses import dataclass

from simpoc.services import ServiceError

IMAGE, VIDEO, AUDIO, TEXT = "image", "video", "audio", "text"
# The record families (Generation.Kind values) and the path segment of their endpoints.
FAMILIES = (IMAGE, VIDEO, AUDIO)
PLURALS = {IMAGE: "images", VIDEO: "videos", AUDIO: "audio"}
# What each family's output is stored as when the collection does not say (a run without one).
FAMILY_OUTPUT = {IMAGE: IMAGE, VIDEO: VIDEO, AUDIO: AUDIO}
# Combined videos are made here, not on Replicate; their records name this collection.
COMBINE = "combine"


@dataclass(frozen=True)
class Collection:
    slug: str
    family: str  # Generation.kind of its runs
    inputs: tuple[str, ...]  # the stored media its models take ("image", "video", "audio")
    output: str  # "image", "video", "audio" or "text"
    inputs_required: bool = True  # False: a media input is optional (music from a melody)


COLLECTIONS: tuple[Collection, ...] = (
    Collection("text-to-image", IMAGE, (), IMAGE),
    Collection("super-resolution", IMAGE, (IMAGE,), IMAGE),
    Collection("image-editing", IMAGE, (IMAGE,), IMAGE),
    Collection("text-to-video", VIDEO, (), VIDEO),
    Collection("image-to-video", VIDEO, (IMAGE,), VIDEO),
    Collection("video-to-video", VIDEO, (VIDEO,), VIDEO),
    Collection("video-to-text", VIDEO, (VIDEO,), TEXT),
    Collection("ai-music-generation", AUDIO, (AUDIO,), AUDIO, inputs_required=False),
    Collection("text-to-speech", AUDIO, (), AUDIO),
)
BY_SLUG = {collection.slug: collection for collection in COLLECTIONS}


def collections_of(family: str) -> tuple[str, ...]:
    """The slugs of ``family``'s collections, its default (the first) first."""
    return tuple(collection.slug for collection in COLLECTIONS if collection.family == family)


def collection_get(slug: str) -> Collection | None:
    return BY_SLUG.get(slug)


def collection_for(*, family: str, slug: str | None) -> Collection:
    """``slug`` checked against ``family`` (its default when None or ""); a 422 naming the allowed ones."""
    allowed = collections_of(family)
    chosen = slug or allowed[0]
    collection = BY_SLUG.get(chosen)
    if collection is None or collection.family != family:
        raise ServiceError(
            f"collection: unknown {family} collection {chosen!r}; use one of: {', '.join(allowed)}.",
            status_code=422,
        )
    return collection


def output_kind(*, family: str, slug: str) -> str:
    """What a run's output is stored as: its collection's output, else the family's (no collection,
    or one this table does not know, such as a combine)."""
    collection = BY_SLUG.get(slug)
    return collection.output if collection is not None else FAMILY_OUTPUT[family]


def accepts_input(*, slug: str, media: str) -> bool:
    """Whether models of ``slug`` take a stored ``media`` item (unknown collections: any media)."""
    collection = BY_SLUG.get(slug)
    return collection is None or media in collection.inputs
