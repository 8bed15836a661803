"""The words the local composer understands, and the parser that turns a prompt into object groups.

A prompt is read as a list of groups ("three red balls", "a wooden table", "a stack of five
colourful boxes"), each with a count, a shape or fixture, colours, a material and a size, plus the
relation of each group to another ("on", "next to", "into") and the motion words near it
("falling", "bouncing", "rolling").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

NUMBERS = {
    "a": 1, "an": 1, "one": 1, "single": 1, "two": 2, "pair": 2, "couple": 2, "three": 3, "four": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "dozen": 12, "fifteen": 15, "twenty": 20, "several": 3, "few": 3, "some": 3, "many": 8, "lots": 8,
}  # fmt: skip
MAX_GROUP_COUNT = 40

COLOURS = {
    "red": "#e53935", "green": "#43a047", "blue": "#1e88e5", "yellow": "#fdd835", "orange": "#fb8c00",
    "purple": "#8e24aa", "violet": "#7e57c2", "pink": "#ec407a", "magenta": "#d81b60", "cyan": "#00acc1",
    "teal": "#00897b", "white": "#f5f5f5", "black": "#212121", "grey": "#9e9e9e", "gray": "#9e9e9e",
    "brown": "#8d6e63", "gold": "#ffc107", "golden": "#ffc107", "silver": "#bdbdbd", "lime": "#c0ca33",
    "navy": "#283593", "beige": "#d7ccc8", "turquoise": "#26c6da",
}  # fmt: skip
RAINBOW = ["#e53935", "#fb8c00", "#fdd835", "#43a047", "#1e88e5", "#8e24aa", "#ec407a", "#00acc1"]
MULTICOLOUR_WORDS = {"colourful", "colorful", "rainbow", "multicoloured", "multicolored", "assorted"}


@dataclass(frozen=True)
class Material:
    name: str
    color: str
    density: float  # kg per unit of volume fraction: mass = density * volume (m^3)
    friction: float
    restitution: float


MATERIALS = {
    "wood": Material("wood", "#a1887f", 600, 0.6, 0.3),
    "metal": Material("metal", "#b0bec5", 2500, 0.4, 0.15),
    "rubber": Material("rubber", "#424242", 900, 0.9, 0.85),
    "ice": Material("ice", "#e1f5fe", 900, 0.02, 0.1),
    "glass": Material("glass", "#b3e5fc", 2000, 0.3, 0.2),
    "stone": Material("stone", "#90a4ae", 2400, 0.7, 0.1),
    "plastic": Material("plastic", "#9e9e9e", 400, 0.5, 0.4),
    "foam": Material("foam", "#fff9c4", 50, 0.8, 0.2),
}
MATERIAL_WORDS = {
    "wood": "wood", "wooden": "wood", "metal": "metal", "metallic": "metal", "steel": "metal",
    "iron": "metal", "rubber": "rubber", "bouncy": "rubber", "ice": "ice", "icy": "ice",
    "slippery": "ice", "glass": "glass", "stone": "stone", "rock": "stone", "concrete": "stone",
    "plastic": "plastic", "foam": "foam", "soft": "foam", "heavy": "metal", "light": "foam",
}  # fmt: skip
DEFAULT_MATERIAL = MATERIALS["plastic"]

SIZES = {
    "tiny": 0.4,
    "small": 0.65,
    "medium": 1.0,
    "big": 1.5,
    "huge": 2.2,
    "giant": 2.5,
    "little": 0.65,
    "large": 1.5,
}

# Movable shapes: noun -> (shape, base scale x, y, z, singular word for ids)
SHAPE_NOUNS: dict[str, tuple[str, tuple[float, float, float], str]] = {}
for _words, _shape, _scale, _name in (
    (("box", "boxes", "cube", "cubes", "block", "blocks", "crate", "crates"), "Box", (0.6, 0.6, 0.6), "box"),
    (("brick", "bricks"), "Box", (0.6, 0.3, 0.3), "brick"),
    (("domino", "dominoes", "dominos"), "Box", (0.12, 1.0, 0.5), "domino"),
    (("plank", "planks", "board", "boards"), "Box", (1.6, 0.12, 0.4), "plank"),
    (("ball", "balls", "sphere", "spheres", "marble", "marbles", "orb", "orbs"), "Sphere", (0.5, 0.5, 0.5), "ball"),
    (("cylinder", "cylinders", "can", "cans", "barrel", "barrels", "tube", "tubes"), "Cylinder", (0.5, 0.8, 0.5),
     "cylinder"),
    (("pillar", "pillars", "column", "columns", "pole", "poles"), "Cylinder", (0.35, 1.6, 0.35), "pillar"),
    (("coin", "coins", "disc", "discs", "disk", "disks", "wheel", "wheels"), "Cylinder", (0.6, 0.12, 0.6), "disc"),
):  # fmt: skip
    for _word in _words:
        SHAPE_NOUNS[_word] = (_shape, _scale, _name)

# Fixed scenery the composer builds itself.
FIXTURE_NOUNS = {
    "table": "table", "tables": "table", "desk": "table", "ramp": "ramp", "ramps": "ramp", "slope": "ramp",
    "incline": "ramp", "hill": "ramp", "wall": "wall", "walls": "wall", "platform": "platform",
    "shelf": "platform", "pedestal": "platform", "floor": "floor", "ground": "floor",
}  # fmt: skip

LAYOUT_WORDS = {
    "stack": "stack", "stacked": "stack", "tower": "stack", "pile": "stack", "pyramid": "pyramid",
    "row": "row", "line": "row", "lined": "row", "column": "stack", "grid": "grid", "circle": "circle",
    "ring": "circle",
}  # fmt: skip
RELATION_WORDS = {
    "on": "on", "onto": "on", "atop": "on", "top": "on", "above": "on", "over": "on", "upon": "on",
    "next": "next", "beside": "next", "near": "next", "by": "next", "alongside": "next",
    "into": "into", "toward": "into", "towards": "into", "against": "into", "at": "into", "hitting": "into",
    "under": "under", "below": "under", "beneath": "under",
}  # fmt: skip
MOTION_WORDS = {
    "falling": "fall", "falls": "fall", "fall": "fall", "dropping": "fall", "dropped": "fall",
    "drop": "fall", "raining": "fall", "tumbling": "fall",
    "bouncing": "bounce", "bounces": "bounce", "bounce": "bounce",
    "rolling": "roll", "rolls": "roll", "roll": "roll", "sliding": "roll", "slides": "roll",
    "thrown": "roll", "flying": "roll", "crashing": "roll", "smashing": "roll", "knocking": "roll",
    "hits": "roll", "launched": "roll", "moving": "roll",
}  # fmt: skip
PRONOUNS = {"them", "it", "they", "those", "these"}
BOUNDARY_WORDS = {"with", "and", "while", "then", "plus"}


@dataclass
class Group:
    noun: str  # the word as written
    kind: str  # "shape" or "fixture"
    shape: str = "Box"  # for shapes
    fixture: str = ""  # for fixtures: table, ramp, wall, platform, floor
    base_scale: tuple[float, float, float] = (0.6, 0.6, 0.6)
    name: str = "box"
    count: int = 1
    counted: bool = False
    colours: list[str] = field(default_factory=list)
    colour_words: list[str] = field(default_factory=list)
    multicolour: bool = False
    material: Material | None = None
    size: float = 1.0
    layout: str = ""
    motion: str = ""
    relation: str = ""
    target: int | None = None  # index of the related group

    def describe(self) -> str:
        words = []
        if self.kind == "shape" or self.count > 1:
            words.append(str(self.count))
        if self.multicolour:
            words.append("colourful")
        if self.size != 1.0:
            words.append(next(word for word, factor in SIZES.items() if factor == self.size))
        words.extend(self.colour_words)
        if self.material:
            words.append(self.material.name)
        label = self.fixture if self.kind == "fixture" else self.name
        plural = "es" if label.endswith(("x", "s")) else "s"
        words.append(label + (plural if self.count > 1 else ""))
        text = " ".join(words)
        if self.layout:
            text = f"a {self.layout} of {text}"
        if self.motion:
            text += f" ({self.motion})"
        return text


def tokenize(prompt: str) -> list[str]:
    return re.findall(r"[a-z]+|\d+", prompt.lower().replace("next-to", "next to"))


def _count(token: str) -> int | None:
    if token.isdigit():
        return max(1, min(int(token), MAX_GROUP_COUNT))
    return NUMBERS.get(token)


def parse_groups(prompt: str) -> list[Group]:
    """The object groups of a prompt, in order, with relations resolved to group indexes."""
    tokens = tokenize(prompt)
    groups: list[Group] = []
    group_token_index: list[int] = []
    start = 0
    for index, token in enumerate(tokens):
        if token in SHAPE_NOUNS:
            shape, scale, name = SHAPE_NOUNS[token]
            group = Group(noun=token, kind="shape", shape=shape, base_scale=scale, name=name)
        elif token in FIXTURE_NOUNS:
            group = Group(noun=token, kind="fixture", fixture=FIXTURE_NOUNS[token], name=FIXTURE_NOUNS[token])
        else:
            continue
        modifiers = tokens[max(start, index - 6) : index]
        # Words before a relation belong to the previous group: "balls falling onto | a blue box".
        cuts = [i for i, word in enumerate(modifiers) if word in RELATION_WORDS or word in BOUNDARY_WORDS]
        if cuts:
            modifiers = modifiers[cuts[-1] + 1 :]
        plural = token.endswith("s") and token not in {"glass"}
        for word in modifiers:
            if word == "of":  # "a stack of boxes": the "a" counts the stack, not the boxes
                group.count, group.counted = 1, False
            count = _count(word)
            if count is not None:
                group.count, group.counted = count, True
            if word in COLOURS:
                group.colours.append(COLOURS[word])
                group.colour_words.append(word)
            if word in MULTICOLOUR_WORDS:
                group.multicolour = True
            if word in MATERIAL_WORDS:
                group.material = MATERIALS[MATERIAL_WORDS[word]]
            if word in SIZES:
                group.size = SIZES[word]
            if word in LAYOUT_WORDS:
                group.layout = LAYOUT_WORDS[word]
            if word in MOTION_WORDS:
                group.motion = MOTION_WORDS[word]
        if not group.counted and plural:
            group.count = 8 if group.name == "domino" else 6 if group.layout == "pyramid" else 3
        if group.kind == "fixture":
            group.count = 1
        groups.append(group)
        group_token_index.append(index)
        start = index + 1
    # Motion and relation words follow a group ("a ball rolling into them", "balls on a table").
    for number, group in enumerate(groups):
        first = group_token_index[number] + 1
        last = group_token_index[number + 1] if number + 1 < len(groups) else len(tokens)
        between = tokens[first:last]
        for offset, word in enumerate(between):
            if word in MOTION_WORDS and not group.motion:
                group.motion = MOTION_WORDS[word]
            if (
                word in LAYOUT_WORDS
                and word not in {"column"}
                and not group.layout
                and word in {"row", "line"}
            ):
                group.layout = "row"
            if word in RELATION_WORDS and not group.relation:
                relation = RELATION_WORDS[word]
                if relation == "next" and "to" not in between[offset : offset + 2] and word == "next":
                    continue
                if number + 1 < len(groups):
                    group.relation, group.target = relation, number + 1
                elif any(t in PRONOUNS for t in between[offset:]) and number > 0:
                    group.relation, group.target = relation, number - 1
    return groups
