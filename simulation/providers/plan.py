"""The scene plan: what a sentence says, typed, before anything is laid out.

Entities are groups of one kind of thing (a count, a size, a material, colours and an arrangement);
events say what one entity does to another ("the ball rolls down the ramp into the pins"), with
their direction; relations place entities that do nothing ("a cup on a table").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from simulation.providers.lexicon import KINDS, Kind, Material

# event kind -> (verb after one actor, verb after several)
EVENT_VERBS = {
    "fall": ("falls", "fall"),
    "bounce": ("bounces", "bounce"),
    "roll": ("rolls", "roll"),
    "slide": ("slides", "slide"),
    "hit": ("hits", "hit"),
    "knock": ("knocks over", "knock over"),
    "collide": ("collides with", "collide with"),
    "topple": ("topples", "topple"),
    "throw": ("is thrown", "are thrown"),
    "spin": ("spins", "spin"),
    "swing": ("swings", "swing"),
    "hang": ("hangs", "hang"),
    "stand": ("stands", "stand"),
}


@dataclass
class Entity:
    index: int
    kind: Kind
    count: int = 1
    colours: list[str] = field(default_factory=list)
    colour_names: list[str] = field(default_factory=list)
    multicolour: bool = False
    size: float = 1.0
    tall: bool = False
    material: Material | None = None
    weight: float = 1.0
    arrangement: str = ""
    grid: tuple[int, int] | None = None
    varied: bool = False  # "of different sizes"
    mass: float | None = None  # kg each, when the sentence gives it ("a 10 kg ball")
    metres: float | None = None  # largest dimension, when the sentence gives it ("1 m wide")
    groups: int = 1  # "two towers of blocks": this many groups like it

    @property
    def name(self) -> str:
        return self.kind.name

    @property
    def fixed(self) -> bool:
        return self.kind.fixed

    def label(self, *, with_count: bool = True) -> str:
        if self.kind.shape == "Cradle":
            return f"a {self.kind.name} with {self.count if self.count > 1 else 5} balls"
        if self.kind.shape == "Chain":
            return f"a chain of {self.count if self.count > 1 else 8} links"
        if self.kind.shape == "Stairs":
            return f"stairs with {self.count} steps"
        words: list[str] = []
        if with_count and self.count > 1:
            words.append(str(self.count))
        if self.size != 1.0:
            words.append(_size_word(self.size))
        if self.multicolour:
            words.append("colourful")
        elif self.colour_names:
            words.append(" and ".join(self.colour_names))
        if self.material and self.material.name != KINDS[self.kind.name].material:
            words.append(self.material.name)
        words.append(self.kind.plural_name if self.count > 1 else self.kind.name)
        text = " ".join(words)
        if self.varied and self.count > 1:
            text += " of different sizes"
        if self.arrangement and self.count > 1:
            text += ARRANGEMENT_PHRASES.get(self.arrangement, f" in a {self.arrangement}")
        if with_count and self.count == 1:
            text = ("an " if text[0] in "aeiou" else "a ") + text
        return text

    def the(self) -> str:
        """'the blue ball', 'the 10 red dominoes'."""
        return "the " + self.label(with_count=True).removeprefix("a ").removeprefix("an ").removeprefix(
            "the "
        )


ARRANGEMENT_PHRASES = {
    "row": " in a row",
    "stack": " in a stack",
    "pile": " in a pile",
    "pyramid": " in a pyramid",
    "triangle": " in a triangle",
    "circle": " in a circle",
    "spiral": " in a spiral",
    "arc": " in an arc",
    "zigzag": " in a zigzag",
    "grid": " in a grid",
    "wall": " built as a wall",
    "jenga": " in crossed layers",
    "scatter": " scattered",
}


def _size_word(size: float) -> str:
    if size <= 0.45:
        return "tiny"
    if size < 1:
        return "small"
    if size >= 2.2:
        return "huge"
    return "big" if size <= 1.6 else f"{size:g}x"


@dataclass
class Event:
    kind: str  # a key of EVENT_VERBS
    actor: int
    target: int | None = None  # the entity it acts on (None: the ground / nothing)
    via: int | None = None  # a ramp or stairs it goes down
    start_on: int | None = None  # what it starts on ("rolls off the table")
    head_on: bool = False
    perpendicular: bool = False
    speed: float | None = None  # m/s, when the sentence gives one
    speed_factor: float = 1.0  # "slowly", "fast"
    height: float | None = None  # metres, when the sentence gives one
    uphill: bool = False  # "rolls up a ramp"
    into: bool = False  # "into" / "in" its target (an open box takes things in)


@dataclass
class Relation:
    kind: str  # on, in, under, beside, behind, front, at_foot
    subject: int
    object: int


@dataclass
class Plan:
    sentence: str
    entities: list[Entity] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    not_understood: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seed: int = 0
    gravity: float | None = None  # m/s^2 along y, when the sentence sets it ("no gravity", "on the moon")

    def read_as(self) -> str:
        parts = [e.label() for e in self.entities]
        for relation in self.relations:
            subject, obj = self.entities[relation.subject], self.entities[relation.object]
            word = {"at_foot": "at the foot of", "front": "in front of", "beside": "next to"}.get(
                relation.kind, relation.kind
            )
            parts.append(f"{subject.the()} {word} {obj.the()}")
        for event in self.events:
            parts.append(self.event_text(event))
        if self.gravity is not None:
            parts.append(f"gravity {self.gravity:g} m/s²")
        return "; ".join(parts)

    def event_text(self, event: Event, speed: float | None = None) -> str:
        entity = self.entities[event.actor]
        actor = entity.the()
        verb = EVENT_VERBS[event.kind][0 if entity.count == 1 else 1]
        text = f"{actor} {verb}"
        if event.kind in {"knock", "hit"} and event.target is None:
            text = f"{actor} {'is' if entity.count == 1 else 'are'} pushed"
        if event.via is not None:
            if event.kind not in {"roll", "slide"}:
                text = f"{actor} {EVENT_VERBS['roll'][0 if entity.count == 1 else 1]}"
            text += f" {'up' if event.uphill else 'down'} {self.entities[event.via].the()}"
        if event.start_on is not None:
            text += f" off {self.entities[event.start_on].the()}"
        if event.target is not None:
            target = self.entities[event.target].the()
            if event.kind in {"fall", "bounce"}:
                text += f" onto {target}"
            elif event.kind in {"roll", "slide", "throw", "swing"} or event.via is not None:
                text += f" into {target}"
            else:
                text += f" {target}"
        if event.kind == "collide" and event.target is None:
            text += " each other"
        if event.head_on:
            text += " head on"
        speed = speed if speed is not None else event.speed
        if speed is not None and event.kind in {"roll", "slide", "hit", "knock", "collide", "throw"}:
            text += f" at {speed:.1f} m/s"
        return text
