"""Sentence -> scene plan.

The sentence is folded (lower case, multi-word phrases to one token), the object nouns found
(longest match: "bowling ball" before "ball"), each noun gathers the words before it (count,
colours, size, material, "a stack of") and after it ("in a row", "made of steel"), and each verb
links the noun before it (its actor) to the nouns after it through prepositions: "rolls down the
ramp into the pins" gives the ramp as the way and the pins as the target; "knocked over by a ball"
turns the direction round. Words left over are reported, never guessed.
"""

from __future__ import annotations

import dataclasses
import re
import zlib
from dataclasses import dataclass

from simulation.providers.lexicon import (
    ARRANGEMENT_NOUNS,
    ARRANGEMENT_WORDS,
    COLOUR_OR_MATERIAL,
    COLOURS,
    DIMENSION_WORDS,
    KINDS,
    LENGTH_UNITS,
    MASS_UNITS,
    MATERIAL_WORDS,
    MATERIALS,
    MAX_NOUN_WORDS,
    MULTICOLOUR_WORDS,
    MULTIPLE_WORDS,
    MULTIPLIERS,
    NOUNS,
    NUMBER_WORDS,
    PASSIVE_PARTICIPLES,
    PHRASES,
    PREPOSITIONS,
    SHADE_WORDS,
    SHORT_WORDS,
    SIZES,
    SPEED_UNITS,
    SPEED_WORDS,
    STOP_WORDS,
    TALL_WORDS,
    VAGUE_COUNTS,
    VERBS,
    WEIGHT_WORDS,
)
from simulation.providers.plan import Entity, Event, Plan, Relation

# Describing words the plan has no use for, but which may stand between a count and its noun.
FILLER_ADJECTIVES = {
    "coloured", "colored", "painted", "shiny", "old", "new", "nice", "pretty", "plain", "identical",
    "similar", "matching", "ordinary", "simple", "toy", "solid", "hollow", "smooth", "rough", "round",
    "square", "cute", "funny", "perfect", "standard", "real", "classic", "giant", "hinged", "thin",
    "thick", "narrow", "skinny", "slim", "chunky", "fat", "sturdy", "wobbly", "rickety", "fragile",
    "delicate", "parallel", "twin", "empty", "full", "coffee", "tea", "water", "milk", "juice", "soda",
    "wine", "beer", "paint", "liquid", "sweets", "candy", "tilted", "slanted", "sloping", "sloped",
    "angled", "inclined", "tilting",
}  # fmt: skip
# How steep a slope is: read by the layout (`ramp_angle`) when the sentence has a ramp.
RAMP_ADJECTIVES = {"steep", "steeply", "steeper", "gentle", "shallow", "gradual", "gently"}
# "twelve layers high": how many courses a stack, a jenga tower or a pyramid has.
LAYER_WORDS = {
    "layers",
    "layer",
    "levels",
    "level",
    "storeys",
    "stories",
    "tiers",
    "tier",
    "courses",
    "floors",
}
# "a goal made of planks": a fixture built of a material named by a thing.
# Verbs of breaking: said of the thing that breaks ("the vase shatters") they are a fall; with an
# object ("a rock shatters a window") they are a hit.
BREAKING = {"shatter", "shatters", "shattering"}
SENDING = {"send", "sends", "sent", "sending"}
# The slab laid on the ground for "a <material> floor".
SURFACE_OF = {"ice": "ice sheet", "grass": "lawn", "sand": "sand pit", "carpet": "carpet", "snow": "snowfield",
              "asphalt": "road"}  # fmt: skip
BUILT_OF = {
    "plank",
    "board",
    "brick",
    "block",
    "log",
    "crate",
    "box",
    "tile",
    "slab",
    "pallet",
    "rod",
    "pipe",
}
NOMINAL_EVENTS = {"collision", "impact"}
GRAVITY_PLACES = {"moon": -1.62, "mars": -3.71, "jupiter": -24.79}
OPEN_CONTAINERS = {"box", "crate", "bin", "barrel", "drum", "cart", "container", "present", "package"}
IMPERATIVE_LEAD = {
    "please",
    "now",
    "then",
    "just",
    "and",
    "first",
    "next",
    "let",
    "lets",
    "s",
    "us",
    "me",
    "i",
    "want",
    "to",
}
PARTICLES = {"over", "down", "off", "away", "aside", "up", "shut", "open", "closed", "apart", "flat"}
DETERMINERS = {"a", "an", "the", "this", "that", "my", "your", "its", "their", "some", "one", "each"}
PRONOUNS = {"it", "them", "they", "those", "these", "each_other", "one", "ones"}
TRANSITIVE = {"hit", "knock", "topple", "collide"}
CLAUSE_BREAKS = {"while", "then", "and_then", "which", "that", "who", "as", "when", "after", "before"}
DEFAULT_COUNTS = {
    "stack": 5, "pile": 10, "pyramid": 10, "triangle": 10, "row": 8, "circle": 12, "spiral": 30,
    "arc": 10, "zigzag": 12, "grid": 9, "wall": 24, "jenga": 30, "scatter": 12,
}  # fmt: skip
PLURAL_DEFAULTS = {"domino": 12, "pin": 10, "bowling pin": 10, "marble": 20, "coin": 10, "bead": 20}
_PHRASE_PATTERNS = [
    (re.compile(r"(?<![a-z_'])" + re.escape(p) + r"(?![a-z_])"), r)
    for p, r in sorted(PHRASES.items(), key=lambda item: -len(item[0]))
]
_TOKEN = re.compile(r"-?\d+(?:\.\d+)?|km/h|m/s|[a-z_]+(?:'[a-z]+)?")


def tokenize(sentence: str) -> list[str]:
    text = re.sub(r"[\x00-\x1f\x7f]+", " ", sentence).lower().replace("\u2019", "'").replace("\u00d7", " x ")
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)  # "1,000"
    text = re.sub(r"(\d)([a-z])", r"\1 \2", text)  # "10m/s", "3kg", "5x5"
    text = re.sub(r"\bm / s\b", "m/s", text)
    for pattern, replacement in _PHRASE_PATTERNS:
        text = pattern.sub(replacement, text)
    text = re.sub(r"-(?!\d)|(?<=[a-z0-9])-", " ", text)  # hyphens join words; a minus sign stays
    return _TOKEN.findall(text)


def _is_number(token: str) -> bool:
    return bool(re.fullmatch(r"-?\d+(?:\.\d+)?", token))


def _number(token: str) -> float | None:
    if _is_number(token):
        return float(token)
    value = NUMBER_WORDS.get(token)
    return None if value is None else float(value)


@dataclass
class Mention:
    start: int
    end: int
    kind: str
    entity: int = -1
    arrangement: str = ""
    built_of: str = ""  # "a goal made of planks": the kind whose material it is built of
    slope: bool = False  # "a steep road": a ramp of that surface's material


class Parser:
    def __init__(self, sentence: str):
        self.sentence = sentence
        self.tokens = tokenize(sentence)
        self.used = [False] * len(self.tokens)
        self.plan = Plan(sentence=sentence, seed=zlib.crc32(sentence.encode()) & 0xFFFF)
        self.mentions: list[Mention] = []
        self.adjectives: list[Event] = []
        self.event_positions: dict[int, int] = {}  # id(event) -> position of its verb

    # --- nouns -----------------------------------------------------------------------------------

    def _noun_at(self, i: int) -> tuple[int, str] | None:
        tokens = self.tokens
        for n in range(min(MAX_NOUN_WORDS, len(tokens) - i), 0, -1):
            phrase = " ".join(tokens[i : i + n])
            if phrase in NOUNS:
                return n, NOUNS[phrase]
        return None

    def _modifier_word(self, word: str) -> bool:
        return (
            word in COLOURS
            or word in SIZES
            or word in MATERIAL_WORDS
            or word in NUMBER_WORDS
            or word in SHADE_WORDS
            or word in MULTICOLOUR_WORDS
            or word in TALL_WORDS
            or word in WEIGHT_WORDS
            or _is_number(word)
        )

    def find_mentions(self) -> None:
        tokens = self.tokens
        i = 0
        while i < len(tokens):
            found = self._noun_at(i)
            if (
                found is None
                and self.mentions
                and self.mentions[-1].end == i
                and tokens[i] in ARRANGEMENT_NOUNS
                and tokens[i] not in {"run", "track", "trail", "path", "chain", "sequence"}  # "a marble run"
                and ARRANGEMENT_WORDS.get(tokens[i])
                and not KINDS[self.mentions[-1].kind].fixed
                and (i + 1 >= len(tokens) or tokens[i + 1] != "of")
            ):
                # "a domino tower", "a marble pyramid": the second word arranges the first.
                self.mentions[-1].arrangement = ARRANGEMENT_WORDS[tokens[i]]
                self.used[i] = True
                i += 1
                continue
            if found is None:
                i += 1
                continue
            n, kind = found
            word = tokens[i]
            nxt = tokens[i + n] if i + n < len(tokens) else ""
            prev = tokens[i - 1] if i else ""
            if (
                n == 1
                and word in MATERIAL_WORDS
                and prev == "of"
                and i >= 2
                and tokens[i - 2] not in ARRANGEMENT_NOUNS
                and self._noun_at(i - 2) is not None
            ):
                # "a ball made of ice", "a wall of stone": the material, not a thing of it.
                i += 1
                continue
            if n == 1:
                # A word that is a noun and a modifier ("rock wall", "orange ball", "ice cube"):
                # a modifier when a noun follows.
                if (self._modifier_word(word) or word in ARRANGEMENT_NOUNS) and self._noun_at(i + 1):
                    i += 1
                    continue
                # "a wall of bricks", "a chain of dominoes": an arrangement, not a thing.
                if word in ARRANGEMENT_NOUNS and nxt == "of":
                    i += 1
                    continue
                # "slides", "swing", "bowling": a verb unless a determiner or adjective comes first.
                if word in VERBS and not (prev in DETERMINERS or self._modifier_word(prev)):
                    i += 1
                    continue
                # "a brick wall", "a domino tower": the second noun arranges the first.
                if self.mentions and self.mentions[-1].end == i and word in ARRANGEMENT_WORDS:
                    last = self.mentions[-1]
                    if not KINDS[last.kind].fixed:
                        last.arrangement = ARRANGEMENT_WORDS[word]
                        self.used[i] = True
                        i += 1
                        continue
            if prev in {"like", "as"}:
                # "falls like dominoes": a comparison, not a thing in the scene.
                for k in range(i, i + n):
                    self.used[k] = True
                self.used[i - 1] = True
                i += n
                continue
            self.mentions.append(Mention(i, i + n, kind))
            for k in range(i, i + n):
                self.used[k] = True
            i += n
        self._merge_arrangement_nouns()

    def _merge_arrangement_nouns(self) -> None:
        """'a domino run of ten red dominoes': one entity, not two."""
        merged: list[Mention] = []
        for mention in self.mentions:
            between = self.tokens[merged[-1].end : mention.start] if merged else []
            if (
                merged
                and KINDS[merged[-1].kind].shape in {"Cradle", "Chain"}
                and KINDS[mention.kind].shape in {"Sphere", "Chain"}
                and "with" in between
            ):
                # "a newton's cradle with 7 balls": the balls count the cradle's.
                mention.kind = merged[-1].kind
                for k in range(merged[-1].start, merged[-1].end):
                    self.used[k] = True
                self.used[merged[-1].end + between.index("with")] = True
                merged[-1] = mention
                continue
            if (
                merged
                and KINDS[merged[-1].kind].fixed
                and mention.kind in BUILT_OF
                and between == ["of"]
                and KINDS[merged[-1].kind].shape not in {"Floor", "Container"}
            ):
                # "a goal made of planks", "a ramp made of planks": what it is built of, not more things.
                merged[-1].built_of = mention.kind
                for k in range(mention.start, mention.end):
                    self.used[k] = True
                self.used[merged[-1].end] = True
                continue
            if merged and merged[-1].kind == "jenga block" and mention.kind == "block":
                # "a jenga tower of 30 blocks", "a jenga style tower with 24 blocks"
                mention.kind, mention.arrangement = "jenga block", "jenga"
                merged[-1] = mention
                continue
            if merged and merged[-1].kind == mention.kind:
                between = self.tokens[merged[-1].end : mention.start]
                if "of" in between and all(
                    w in ARRANGEMENT_NOUNS or w in ARRANGEMENT_WORDS or self._modifier_word(w) or w == "of"
                    for w in between
                ):
                    mention.arrangement = merged[-1].arrangement or next(
                        (ARRANGEMENT_WORDS[w] for w in between if ARRANGEMENT_WORDS.get(w)), ""
                    )
                    for k in range(merged[-1].start, merged[-1].end):
                        self.used[k] = True
                    merged[-1] = mention
                    continue
            merged.append(mention)
        self.mentions = merged

    # --- what describes each noun ---------------------------------------------------------------

    def build_entities(self) -> None:
        for number, mention in enumerate(self.mentions):
            if KINDS[mention.kind].shape == "Floor":
                previous_end = self.mentions[number - 1].end if number else 0
                words = [self.tokens[k] for k in self._left_span(mention.start, previous_end)]
                material = next((MATERIAL_WORDS[w] for w in words if w in MATERIAL_WORDS), None)
                if material is None:
                    mention.entity = -1  # the ground is always there: nothing to build or move
                    continue
                # "a slippery floor", "an icy road": a slab of that material on the ground.
                mention.kind = SURFACE_OF.get(material, "surface")
            if (
                _surface(KINDS[mention.kind])
                and mention.start > 0
                and self.tokens[mention.start - 1] in {"steep", "sloping", "sloped", "inclined", "tilted"}
            ):
                mention.slope = True
            entity = Entity(index=len(self.plan.entities), kind=KINDS[mention.kind])
            entity.arrangement = mention.arrangement
            if mention.slope:
                entity.kind, entity.material = KINDS["ramp"], MATERIALS[KINDS[mention.kind].material]
            if mention.built_of:
                entity.material = MATERIALS[KINDS[mention.built_of].material]
            previous_end = self.mentions[number - 1].end if number else 0
            following = (
                self.mentions[number + 1].start if number + 1 < len(self.mentions) else len(self.tokens)
            )
            trailing = self._trailing_span(mention.end, following)
            self._describe(entity, trailing, trailing=True)
            left = self._left_span(mention.start, previous_end)
            count = self._describe(entity, left, mention_arranged=bool(mention.arrangement))
            if entity.kind.category == "container" and (entity.arrangement or (count or 1) > 1):
                # Cups stacked or in a pyramid are light things that fall, not fixed bowls.
                entity.kind = dataclasses.replace(entity.kind, shape="Cylinder", mass=0.05, category="thing")
            if entity.kind.name == "jenga block" and entity.arrangement in {"", "stack"}:
                entity.arrangement = "jenga"
            if count is None:
                count = self._default_count(entity, plural=self._plural(mention))
            count = self._clean_count(entity, count)
            if count <= 0:
                self.plan.notes.append(f"Left out the {entity.kind.plural_name}: the count was zero.")
                mention.entity = -1
                continue
            entity.count = 1 if entity.fixed and entity.kind.shape != "Stairs" else count
            if entity.kind.shape == "Stairs":
                entity.count = max(2, min(count if count > 1 else 5, 20))
            mention.entity = entity.index
            self.plan.entities.append(entity)
            for _ in range(entity.groups - 1):
                self.plan.entities.append(
                    Entity(**{**entity.__dict__, "index": len(self.plan.entities), "groups": 1})
                )
            if entity.fixed and entity.kind.shape not in {"Stairs", "Floor"}:
                # "two tables": fixed things are one body each, so each is its own entity.
                for _ in range(min(int(count), 6) - 1):
                    twin = Entity(**{**entity.__dict__, "index": len(self.plan.entities)})
                    self.plan.entities.append(twin)

    def _plural(self, mention: Mention) -> bool:
        words = " ".join(self.tokens[mention.start : mention.end])
        kind = KINDS[mention.kind]
        if words in {"grass", "glass", "moss", "chess"}:
            return False  # mass nouns that end in s
        return words != kind.name and (words.endswith("s") or words == kind.plural_name)

    def _left_span(self, start: int, stop: int) -> list[int]:
        span = []
        j = start - 1
        while j >= stop:
            word = self.tokens[j]
            if (
                self._modifier_word(word)
                or word in DETERMINERS
                or word in ARRANGEMENT_NOUNS
                or word in ARRANGEMENT_WORDS
                or word in SHORT_WORDS
                or word in {"of", "and", "or", "x", "by", "in"}
                or word in MULTIPLE_WORDS
                or word in FILLER_ADJECTIVES
                or (
                    (word in MASS_UNITS or word in LENGTH_UNITS or word in DIMENSION_WORDS)
                    and j - 1 >= stop
                    and _is_number(self.tokens[j - 1])
                )
            ):
                if word in {"and", "or", "by", "x", "in"} and not (
                    j - 1 >= stop and self._modifier_word(self.tokens[j - 1])
                ):
                    break
                span.append(j)
                j -= 1
                continue
            break
        return sorted(span)

    def _trailing_span(self, start: int, stop: int) -> list[int]:
        span = []
        for j in range(start, stop):
            word = self.tokens[j]
            if (
                word in {"with", "weighing", "of"}
                and j + 1 < stop
                and (self.tokens[j + 1] in DIMENSION_WORDS or _is_number(self.tokens[j + 1]))
            ):
                self.used[j] = True
                continue
            if word in VERBS and word not in ARRANGEMENT_WORDS and VERBS[word] not in {"rest"}:
                break
            if word in PREPOSITIONS and word not in {"in", "of", "with", "up"} and word != "by":
                break
            if word in {"by"} and j + 1 < stop and not _is_number(self.tokens[j + 1]):
                break
            # Words right before the next noun describe that noun, not this one.
            if all(self._modifier_word(w) or w in DETERMINERS for w in self.tokens[j:stop]) and stop < len(
                self.tokens
            ):
                break
            span.append(j)
        return span

    def _describe(
        self, entity: Entity, span: list[int], *, trailing: bool = False, mention_arranged: bool = False
    ) -> int | None:
        """Apply the words at `span` to `entity`; the count they give (None: none given)."""
        tokens = self.tokens
        numbers: list[tuple[int, float]] = []
        shade = 1.0
        for position in span:
            word = tokens[position]
            nxt = tokens[position + 1] if position + 1 < len(tokens) else ""
            if ARRANGEMENT_WORDS.get(word):
                if not entity.arrangement or ARRANGEMENT_WORDS[word] not in {"row", "stack"}:
                    entity.arrangement = ARRANGEMENT_WORDS[word]
                self.used[position] = True
            elif word in SHADE_WORDS and nxt in COLOURS:
                shade = SHADE_WORDS[word]
                self.used[position] = True
            elif word in COLOURS and word in entity.colour_names:
                self.used[position] = True  # "a red red ball"
            elif word in COLOURS and not (
                word in COLOUR_OR_MATERIAL and nxt in {"coin", "coins", "bar", "bars"}
            ):
                entity.colours.append(_shade(COLOURS[word], shade))
                entity.colour_names.append(f"{tokens[position - 1]} {word}" if shade != 1.0 else word)
                shade = 1.0
                self.used[position] = True
            elif word == "varied_sizes":
                entity.varied = True
                self.used[position] = True
            elif word in MULTICOLOUR_WORDS:
                entity.multicolour = True
                self.used[position] = True
            elif word in MATERIAL_WORDS:
                entity.material = MATERIALS[MATERIAL_WORDS[word]]
                self.used[position] = True
            elif word in SIZES:
                entity.size *= SIZES[word]
                self.used[position] = True
            elif word in TALL_WORDS and not self.used[position]:
                entity.tall = True
                self.used[position] = True
            elif word in SHORT_WORDS:
                self.used[position] = True
            elif word in WEIGHT_WORDS:
                entity.weight *= WEIGHT_WORDS[word]
                self.used[position] = True
            elif word in {"x", "by"} and numbers and position + 1 < len(tokens) and _number(nxt):
                self.used[position] = True
            elif _is_number(word) and nxt in MASS_UNITS:
                entity.mass = min(abs(float(word)) * MASS_UNITS[nxt], 1e6) or None
                self.used[position] = True
                self.used[position + 1] = True
            elif (
                _is_number(word)
                and nxt in LENGTH_UNITS
                and (
                    position + 2 >= len(tokens)
                    or tokens[position + 2] in DIMENSION_WORDS
                    or trailing
                    or (position > 0 and tokens[position - 1] in DIMENSION_WORDS)
                )
            ):
                dimension = tokens[position + 2] if position + 2 < len(tokens) else ""
                before_word = tokens[position - 1] if position > 0 else ""
                factor = DIMENSION_WORDS.get(before_word, DIMENSION_WORDS.get(dimension, 1.0))
                entity.metres = min(max(abs(float(word)) * LENGTH_UNITS[nxt] * factor, 0.005), 50.0)
                self.used[position] = self.used[position + 1] = True
                for k in (position - 1, position + 2):
                    if 0 <= k < len(tokens) and tokens[k] in DIMENSION_WORDS:
                        self.used[k] = True
            elif word in {"kg", "radius", "diameter"} or (
                word in MASS_UNITS and _is_number(tokens[position - 1] if position else "")
            ):
                self.used[position] = True
            elif (
                _number(word) is not None
                and word not in {"a", "an", "one"}
                and nxt in ARRANGEMENT_NOUNS
                and nxt
                not in {
                    "pair",
                    "couple",
                    "dozen",
                    "dozens",
                    "hundreds",
                    "thousands",
                    "lot",
                    "lots",
                    "bunch",
                    "handful",
                    "trio",
                }
                and nxt.endswith("s")
            ):
                # "two towers of blocks": two groups, each with the count after "of".
                entity.groups = max(1, min(int(abs(_number(word) or 1)), 6))
                self.used[position] = True
            elif _number(word) is not None and not (trailing and word in {"a", "an", "one"}):
                # "3 x 4": a grid's rows and columns.
                if numbers and position - 1 >= 0 and tokens[position - 1] in {"x", "by"}:
                    rows = int(numbers[-1][1])
                    entity.grid = (max(1, min(rows, 50)), max(1, min(int(abs(_number(word) or 1)), 50)))
                    entity.arrangement = entity.arrangement or "grid"
                    numbers.append((position, -1.0))
                else:
                    numbers.append((position, _number(word) or 0.0))
                self.used[position] = True
            elif (
                word in ARRANGEMENT_NOUNS
                or word in DETERMINERS
                or word in FILLER_ADJECTIVES
                or word in {"of", "and", "or"}
                or (word == "in" and not trailing)
            ):
                self.used[position] = True
        if entity.grid and not any(v > 0 for _, v in numbers if v != -1.0):
            return entity.grid[0] * entity.grid[1]
        if entity.grid:
            return entity.grid[0] * entity.grid[1]
        counted = [(tokens[p], v) for p, v in numbers if v != -1.0]
        arranged_here = mention_arranged or any(
            tokens[p] in ARRANGEMENT_WORDS or tokens[p] in ARRANGEMENT_NOUNS for p in span
        )
        if entity.arrangement and arranged_here and all(w in {"a", "an", "one"} for w, _ in counted):
            return None  # "a domino run", "a stack of books": the article counts the run, not the things
        return _combine_numbers(counted)

    def _default_count(self, entity: Entity, *, plural: bool) -> int:
        if entity.arrangement in DEFAULT_COUNTS:
            count = DEFAULT_COUNTS[entity.arrangement]
            if entity.kind.category == "domino" and entity.arrangement in {"row", "arc", "zigzag"}:
                count = 12
            if entity.tall and entity.arrangement == "jenga":
                count = 54  # a tall jenga tower: the real game's 18 layers
            if entity.tall and entity.arrangement == "stack":
                count = 10
            if entity.tall and entity.arrangement in {"row", "spiral", "arc", "zigzag"}:
                count *= 3  # "a long domino run"
            return count
        if plural:
            return PLURAL_DEFAULTS.get(entity.kind.name, 3)
        return 1

    def _clean_count(self, entity: Entity, count: float) -> int:
        if count < 0:
            self.plan.notes.append(
                f"Read the count {count:g} of {entity.kind.plural_name} as {abs(count):g} (counts are not negative)."
            )
            count = abs(count)
        if count != int(count):
            rounded = max(1, round(count))
            self.plan.notes.append(f"Rounded {count:g} {entity.kind.plural_name} to {rounded}.")
            return rounded
        return round(count) if count < 1e9 else 10**9

    # --- verbs and prepositions ------------------------------------------------------------------

    def _mention_at(self, position: int) -> Mention | None:
        for mention in self.mentions:
            if mention.start <= position < mention.end:
                return mention
        return None

    def _mention_before(self, position: int) -> Mention | None:
        found = None
        for mention in self.mentions:
            if mention.end <= position and mention.entity >= 0:
                found = mention
        return found

    def _pronoun_target(self, subject: Mention | None, position: int) -> int | None:
        """What 'them' / 'it' means: the latest entity mentioned before the subject."""
        candidates = [
            m
            for m in self.mentions
            if m.entity >= 0 and m.end <= position and (subject is None or m.entity != subject.entity)
        ]
        return candidates[-1].entity if candidates else None

    def read_events(self) -> None:
        tokens = self.tokens
        for position, word in enumerate(tokens):
            if self.used[position] or word not in VERBS:
                continue
            kind = VERBS[word]
            self.used[position] = True
            subject = self._mention_before(position)
            # "X knocked over by Y", "a can knocked off a table by a ball": Y acts on X.
            by, start_on = self._passive_by(position)
            if word in PASSIVE_PARTICIPLES and by is not None:
                for k in range(position + 1, by + 1):
                    if tokens[k] in PREPOSITIONS or tokens[k] in PARTICLES or tokens[k] == "by":
                        self.used[k] = True
                actor_mention = self._next_mention(by + 1)
                if actor_mention is None or subject is None:
                    continue
                while subject is not None and self.plan.entities[subject.entity].fixed:
                    # "cans on a fence shot down by a ball": what is on the fence is hit.
                    earlier = self._mention_before(subject.start)
                    if earlier is None:
                        break
                    subject = earlier
                if subject is None or self.plan.entities[subject.entity].fixed:
                    subject = self._mention_before(position)
                if start_on is not None:
                    self.plan.relations.append(Relation("on", subject.entity, start_on))
                event = Event(
                    kind="knock" if kind in {"knock", "topple", "hit", "throw"} else kind,
                    actor=actor_mention.entity,
                    target=subject.entity,
                )
                self._modifiers(event, position + 2, subject)
                self.plan.events.append(event)
                continue
            if kind in {"rest"}:
                continue
            following = self._next_mention(position + 1)
            if (
                word.endswith(("ing", "ed"))
                and following is not None
                and (
                    position == 0
                    or tokens[position - 1] in DETERMINERS
                    or tokens[position - 1] in SPEED_WORDS  # "a slow rolling ball"
                    or self._modifier_word(tokens[position - 1])
                )
                and all(
                    self._modifier_word(t) or t in DETERMINERS for t in tokens[position + 1 : following.start]
                )
            ):
                # "a bouncing rubber ball hits ...": a participle that describes, kept only when
                # the thing does nothing else.
                self.adjectives.append(Event(kind=kind, actor=following.entity))
                continue
            if subject is None and word in NOMINAL_EVENTS:
                # "an elastic collision between two billiard balls": the noun names the event.
                subject = self._next_mention(position + 1)
                if subject is None:
                    continue
                event = Event(kind=kind, actor=subject.entity)
                self._modifiers(event, position, subject)
                self.plan.events.append(event)
                continue
            # An order ("drop a ball onto a box", "knock over the pins with a ball"): the object of
            # the verb acts, or what it is done "with". Only at the start: in "a glass of water
            # falls off a table" the table does not fall.
            if subject is None and any(t not in IMPERATIVE_LEAD for t in tokens[:position]):
                self.used[position] = False
                continue
            if subject is None or self._is_order(position):
                subject = self._order_object(position)
                if subject is None:
                    continue
                tool = self._with_mention(subject.end if subject.start > position else position + 2)
                if tool is not None and kind in {"knock", "hit", "topple"}:
                    event = Event(kind="knock", actor=tool.entity, target=subject.entity)
                    self._modifiers(event, position, subject)
                    self.plan.events.append(event)
                    continue
                event = Event(kind=kind, actor=subject.entity)
                self._objects(event, subject.end - 1 if subject.start > position else position + 1, subject)
                self._modifiers(event, position, subject)
                self.plan.events.append(event)
                continue
            while self.plan.entities[subject.entity].fixed and self._located(subject):
                # "two balls on ice collide", "a crate on a steep ramp slides down": the thing on it acts.
                earlier = self._mention_before(subject.start)
                if earlier is None or self.plan.entities[earlier.entity].fixed:
                    break
                subject = earlier
            before = [t for t in tokens[max(0, position - 3) : position] if t not in SPEED_WORDS]
            participle = word.endswith(("ed", "ing")) and subject.end == position  # "a plank balanced on"
            earlier = [
                e
                for e in self.plan.events
                if subject.entity in {e.target, e.via, e.start_on}
                and subject.start > self.event_positions.get(id(e), len(tokens))
            ]
            # "rolls into the cans and they fall": a pronoun for what was hit is that thing (but
            # "rolls down a ramp and it hits a wall" is still the ball).
            pronoun = any(
                t in {"they", "it", "these", "those"} for t in tokens[subject.end : position]
            ) and any(subject.entity == e.target for e in earlier)
            if (
                earlier
                and not participle
                and not pronoun  # "rolls into the cans and they fall": the cans fall
                and not (before and before[-1] in CLAUSE_BREAKS - {"then", "and_then"})
            ):
                # "rolls across a table and falls off", "rolls down the ramp, knocks over ...": the
                # same actor goes on.
                subject = next(m for m in self.mentions if m.entity == earlier[-1].actor)
            event = Event(kind=kind, actor=subject.entity)
            self.event_positions[id(event)] = position
            self._objects(event, position, subject)
            self._modifiers(event, position, subject)
            if kind in TRANSITIVE and event.start_on is not None and event.target is not None:
                # "knocks a ball off a table": the ball is on the table.
                self.plan.relations.append(Relation("on", event.target, event.start_on))
                event.start_on = None
            if kind in {"rest", "stand", "spin"} and event.target is not None:
                # "a cube balanced on top of a sphere": where it is, not something that happens.
                self.plan.relations.append(Relation("on", event.actor, event.target))
                if kind != "spin":
                    continue
                event.target = None  # "a coin spins on a table": it spins, on the table
            partner = self._mention_before(subject.start)
            between = tokens[partner.end : subject.start] if partner is not None else []
            relative = tokens[subject.end : position][:1] in (["that"], ["which"], ["who"])
            joined = (
                bool(between)
                and between[0] == "and"
                and not relative  # "books and a ball that rolls off": only the ball
                and partner.entity
                not in {e.target for e in self.plan.events}  # "... onto a box and a ball falls"
                and all(self._modifier_word(t) or t in DETERMINERS for t in between[1:])
            )
            if kind == "collide" and event.target is None and joined:
                # "a red ball and a blue ball collide": the two named before the verb.
                event.actor, event.target = partner.entity, subject.entity
                event.head_on = True
            elif (
                joined
                and kind in {"fall", "bounce", "roll", "slide", "spin", "topple", "swing"}
                and event.target != partner.entity
            ):
                # "a heavy ball and a light ball dropped": both do it.
                self.plan.events.append(dataclasses.replace(event, actor=partner.entity))
            self.plan.events.append(event)

    def _located(self, mention: Mention) -> bool:
        """Whether `mention` is where something is ('on a steep icy ramp'): a place word before it."""
        k = mention.start - 1
        while k >= 0 and (
            self.tokens[k] in DETERMINERS
            or self._modifier_word(self.tokens[k])
            or self.tokens[k] in RAMP_ADJECTIVES
        ):
            k -= 1
        return k >= 0 and self.tokens[k] in {
            "on",
            "onto",
            "upon",
            "atop",
            "on_top_of",
            "in",
            "inside",
            "across",
            "over",
            "at",
        }

    def _is_order(self, position: int) -> bool:
        """'... and knock it over with a ball': a bare verb right after 'and' / 'then'."""
        word = self.tokens[position]
        base = not word.endswith(("s", "ing", "ed")) or word in {"toss", "press"}
        return base and position > 0 and self.tokens[position - 1] in {"and", "then", "and_then"}

    def _order_object(self, position: int) -> Mention | None:
        """The object of an order: the next noun, or what 'it' / 'them' stands for."""
        for k in range(position + 1, min(position + 4, len(self.tokens))):
            if self._mention_at(k) is not None:
                break
            if self.tokens[k] in {"it", "them", "one"}:
                target = self._pronoun_target(None, position)
                if target is not None:
                    self.used[k] = True
                    return next(m for m in self.mentions if m.entity == target)
        return self._next_mention(position + 1)

    def _passive_by(self, position: int) -> tuple[int | None, int | None]:
        """The position of the 'by' that makes the verb at `position` passive, and a fixture the
        thing acted on starts on ('knocked off a table by ...')."""
        tokens = self.tokens
        start_on = None
        preposition = ""
        j = position + 1
        while j < len(tokens) and j <= position + 8:
            word = tokens[j]
            mention = self._mention_at(j)
            if word == "by":
                return j, start_on
            if mention is not None:
                if (
                    mention.entity >= 0
                    and preposition in {"off", "from", "on"}
                    and self.plan.entities[mention.entity].fixed
                ):
                    start_on = mention.entity
                j = mention.end
                continue
            if word in VERBS and not self.used[j]:
                return None, None
            if word in PREPOSITIONS:
                preposition = PREPOSITIONS[word]
            elif word not in PARTICLES and word not in DETERMINERS:
                return None, None
            j += 1
        return None, None

    def _with_mention(self, position: int) -> Mention | None:
        """The mention right after 'with' following `position` ('... with a ball')."""
        tokens = self.tokens
        for j in range(position, min(position + 3, len(tokens))):
            if tokens[j] == "with":
                self.used[j] = True
                return self._next_mention(j + 1)
            if tokens[j] in VERBS:
                return None
        return None

    def _next_mention(self, position: int) -> Mention | None:
        for mention in self.mentions:
            if mention.start >= position and mention.entity >= 0:
                return mention
        return None

    def _objects(self, event: Event, position: int, subject: Mention) -> None:
        """Walk the prepositional phrases after the verb at `position`."""
        tokens = self.tokens
        preposition = ""
        j = position + 1
        while j < len(tokens):
            word = tokens[j]
            mention = self._mention_at(j)
            if mention is not None:
                if mention.entity < 0:
                    j = mention.end
                    continue
                if not preposition and event.kind == "throw" and not self.plan.entities[mention.entity].fixed:
                    # "a seesaw launches a ball", "kick a football": what is thrown is what moves.
                    event.actor = mention.entity
                    preposition = ""
                    j = mention.end
                    continue
                if (
                    not preposition
                    and tokens[position] in SENDING
                    and not self.plan.entities[mention.entity].fixed
                ):
                    event.kind = "knock"  # "a marble sends twenty dominoes toppling": it knocks them over
                if not preposition and tokens[position] in BREAKING and event.kind == "fall":
                    event.kind = "hit"  # "a rock shatters a window": it hits what it breaks
                if not preposition and event.kind not in TRANSITIVE:
                    break
                self._attach(event, preposition or "object", mention.entity)
                preposition = ""
                j = mention.end
                continue
            if word in VERBS and not self.used[j] and VERBS[word] not in {"rest"}:
                break
            if word in CLAUSE_BREAKS and preposition == "":
                break
            if word in PREPOSITIONS:
                preposition = PREPOSITIONS[word]
                self.used[j] = True
            elif word == "by" or word in {"on_top_of", "at_foot_of"}:
                preposition = PREPOSITIONS.get(word, "on")
                self.used[j] = True
            elif word == "top" and preposition == "on":
                # "falling on top": on top of what came before.
                target = self._pronoun_target(subject, subject.start)
                if target is not None:
                    self._attach(event, "on", target)
                    self.used[j] = True
                    preposition = ""
            elif word in PRONOUNS:
                target = None if word == "each_other" else self._pronoun_target(subject, subject.start)
                if word == "each_other":
                    event.head_on = event.head_on or event.kind in {"collide", "hit", "roll", "slide"}
                    if event.kind in {"roll", "hit", "slide"}:
                        event.kind = "collide"
                    self.used[j] = True
                elif target is not None and (preposition or event.kind in TRANSITIVE):
                    self._attach(event, preposition or "object", target)
                    self.used[j] = True
                    preposition = ""
            j += 1

    def _attach(self, event: Event, preposition: str, entity: int) -> None:
        kind = self.plan.entities[entity].kind
        if entity == event.actor or kind.shape == "Floor":
            return
        ways = {"down", "along", "across", "from", "on", "off", "object", "up"}
        if _surface(kind) and preposition in {"down", "up"}:
            # "rolls down the street", "slides down a sandy dune": a slope of that surface.
            surface = self.plan.entities[entity]
            surface.kind, surface.material = KINDS["ramp"], MATERIALS[kind.material]
            kind = surface.kind
        if (
            _surface(kind)
            and preposition in {"across", "along", "on", "over", "object"}
            and event.kind
            in {
                "roll",
                "slide",
            }
        ):
            # "a crate slides across ice": it moves on that surface, it does not fall off it.
            self.plan.relations.append(Relation("on", event.actor, entity))
            return
        if kind.shape in {"Ramp", "Stairs"} and preposition in ways and event.via is None:
            event.via = entity
            event.uphill = preposition == "up"
        elif kind.category == "fixture" and (
            preposition in {"off", "from"}
            or (preposition in {"across", "along", "over"} and event.kind in {"roll", "slide"})
        ):
            event.start_on = entity
        elif preposition in {"off", "from"} and event.kind in {"fall", "roll", "slide", "bounce"}:
            event.start_on = entity  # "an apple falls from a tree": it starts up there
        elif event.target is None:
            event.target = entity
            event.into = preposition in {"into", "in"}
            if preposition == "with" and event.kind not in {"collide"}:
                event.target = None

    def _modifiers(self, event: Event, position: int, subject: Mention | None) -> None:
        """Speeds, heights and 'head on' in the clause of the verb at `position`."""
        tokens = self.tokens
        start = subject.start if subject is not None else 0
        if subject is not None:
            # "a slow rolling bowling ball hits ...": speed words before the actor count too.
            previous = self._mention_before(subject.start)
            k = subject.start - 1
            while k >= (previous.end if previous is not None else 0) and (
                tokens[k] in SPEED_WORDS
                or tokens[k] in DETERMINERS
                or self._modifier_word(tokens[k])
                or (tokens[k] in VERBS and tokens[k].endswith("ing"))
            ):
                if tokens[k] in SPEED_WORDS:
                    start = k
                k -= 1
        stop = len(tokens)
        for j in range(position + 1, len(tokens)):
            if tokens[j] in VERBS and not self.used[j]:
                stop = j
                break
        for j in range(start, stop):
            word = tokens[j]
            nxt = tokens[j + 1] if j + 1 < len(tokens) else ""
            if word in SPEED_WORDS and not self.used[j]:
                event.speed_factor *= SPEED_WORDS[word]
                self.used[j] = True
            elif word == "head_on":
                event.head_on = True
                self.used[j] = True
            elif word in {"perpendicular", "angled"}:
                event.perpendicular = True
                self.used[j] = True
            elif _is_number(word) and not self.used[j]:
                value = float(word)
                unit = nxt
                if unit in SPEED_UNITS and (
                    unit in {"m/s", "km/h", "kmh", "kph", "mph", "mps"}
                    or (j + 2 < len(tokens) and tokens[j + 2] in {"per_second", "per_hour"})
                ):
                    factor = SPEED_UNITS[unit] if tokens[j + 2 : j + 3] != ["per_hour"] else 1 / 3.6
                    event.speed = min(abs(value) * factor, 60.0)
                    self.used[j] = self.used[j + 1] = True
                    if j + 2 < len(tokens) and tokens[j + 2] in {"per_second", "per_hour"}:
                        self.used[j + 2] = True
                elif unit in LENGTH_UNITS:
                    event.height = min(abs(value) * LENGTH_UNITS[unit], 30.0)
                    self.used[j] = self.used[j + 1] = True
            elif word == "from_ceiling" and event.kind in {"fall", "bounce"}:
                self.used[j] = True  # "falls from a crane": from up high
                if event.height is None:
                    event.height = 3.0
            elif word in {"high", "from_height", "above_fall"}:
                self.used[j] = True
                if event.height is None and word == "high":
                    event.height = 3.0

    def read_layers(self) -> None:
        """'a jenga tower twelve layers high', 'a five storey stack of crates': courses, not things."""
        tokens = self.tokens
        for position, word in enumerate(tokens):
            if word not in LAYER_WORDS or position == 0 or _number(tokens[position - 1]) is None:
                continue
            owner = self._mention_before(position) or self._next_mention(position + 1)
            if owner is None:
                continue
            entity = self.plan.entities[owner.entity]
            if entity.fixed or entity.kind.category == "jointed":
                continue
            layers = max(1, min(int(abs(_number(tokens[position - 1]) or 1)), 40))
            arrangement = entity.arrangement or "stack"
            if arrangement == "jenga":
                count = 3 * layers
            elif arrangement in {"pyramid", "triangle"}:
                count = layers * (layers + 1) // 2
            elif arrangement == "wall":
                count = layers * max(2, round(2.2 * layers))
            else:
                arrangement, count = "stack", layers
            entity.arrangement, entity.count = arrangement, count
            self.used[position - 1] = self.used[position] = True
            if position + 1 < len(tokens) and tokens[position + 1] in TALL_WORDS | {"deep"}:
                self.used[position + 1] = True

    def read_gravity(self) -> None:
        """'with no gravity', 'in space', 'on the moon': the scene's gravity."""
        tokens = self.tokens
        for position, word in enumerate(tokens):
            window = tokens[max(0, position - 2) : position + 2]
            value = None
            weightless = word == "gravity" and any(t in {"no", "zero", "without"} for t in window)
            if weightless or word in {"space", "weightless", "zero_g"}:
                value = 0.0
            elif word in GRAVITY_PLACES and position > 0 and tokens[position - 1] in {"on", "the", "of"}:
                value = GRAVITY_PLACES[word]
            if value is not None:
                self.plan.gravity = value
                self.used[position] = True
                for k in range(max(0, position - 2), position):
                    if tokens[k] in {"no", "zero", "without", "in", "on", "the"} and not self.used[k]:
                        self.used[k] = True

    def settle_meanings(self) -> None:
        """'a ball on top that falls off': it falls off what it is on. 'balls bouncing in a box':
        the box is open, like a bowl."""
        for event in self.plan.events:
            if (
                event.kind in {"fall", "topple", "roll", "slide"}
                and event.target is None
                and event.start_on is None
            ):
                resting = [
                    r
                    for r in self.plan.relations
                    if r.subject == event.actor
                    and r.kind == "on"
                    and not _surface(self.plan.entities[r.object].kind)
                ]
                if resting:
                    if self.plan.entities[resting[0].object].kind.shape in {"Ramp", "Stairs"}:
                        event.via = resting[0].object  # "a crate on a steep ramp slides": down it
                    else:
                        event.start_on = resting[0].object
                    self.plan.relations.remove(resting[0])
        for event in self.plan.events:
            # A cup that falls, rolls or is knocked over is a light loose cup, not a fixed bowl.
            moved = [event.actor] + (
                [event.target] if event.kind in {"hit", "knock"} and event.target is not None else []
            )
            for index in moved:
                entity = self.plan.entities[index]
                if entity.kind.category == "container":
                    entity.kind = dataclasses.replace(
                        entity.kind, shape="Cylinder", mass=0.05, category="thing"
                    )
        # "dominoes falling in a spiral": an arrangement said after the verb.
        for position, word in enumerate(self.tokens):
            if self.used[position] or not ARRANGEMENT_WORDS.get(word) or position < 2:
                continue
            lead = self.tokens[max(0, position - 2) : position]
            if "in" not in lead and "into" not in lead:
                continue
            owner = self._mention_before(position)
            current = self.plan.entities[owner.entity].arrangement if owner is not None else ""
            specific = not current or (
                current in {"stack", "row"} and ARRANGEMENT_WORDS[word] not in {"stack", "row"}
            )
            if owner is not None and self.plan.entities[owner.entity].count > 1 and specific:
                self.plan.entities[owner.entity].arrangement = ARRANGEMENT_WORDS[word]
                self.used[position] = True
        for event in self.plan.events:
            # "a billiard ball breaks a rack of balls": the plain balls are billiard balls too.
            if event.target is None:
                continue
            actor, target = self.plan.entities[event.actor], self.plan.entities[event.target]
            if target.kind.name == "ball" and actor.kind.name in {
                "pool ball",
                "billiard ball",
                "cue ball",
                "marble",
            }:
                target.kind = KINDS["pool ball" if actor.kind.name == "cue ball" else actor.kind.name]
        for position, word in enumerate(self.tokens):
            # "a ball on a string", "two balls hanging from ropes": pendulums with those bobs.
            if word not in {"string", "strings", "rope", "ropes", "thread", "cord", "wire", "from_ceiling"}:
                continue
            owner = self._mention_before(position)
            if owner is not None and self.plan.entities[owner.entity].kind.shape == "Pendulum":
                self.used[position] = True  # "hanging from the ceiling on a rope": hung already
                continue
            if owner is None or self.plan.entities[owner.entity].kind.category != "ball":
                continue
            entity = self.plan.entities[owner.entity]
            bob = entity.kind
            entity.kind = dataclasses.replace(
                KINDS["pendulum"], name=bob.name, material=bob.material, colour=bob.colour, mass=bob.mass
            )
            entity.size *= max(bob.size) / 0.3
            self.used[position] = True
        holders = {r.object for r in self.plan.relations if r.kind == "in"}
        holders |= {
            e.target
            for e in self.plan.events
            if e.target is not None and e.into and e.kind in {"fall", "bounce", "throw"}
        }
        for index in holders:
            entity = self.plan.entities[index]
            if entity.kind.name in OPEN_CONTAINERS and entity.count == 1:
                w = max(entity.kind.size) * 1.2
                entity.kind = dataclasses.replace(
                    entity.kind, shape="Container", mass=0, category="container", size=(w, w * 0.6, w)
                )

    def read_scenery_words(self) -> None:
        """Words that say how scenery is: 'a steep slope' (the layout reads the angle from the
        sentence), 'hanging from the ceiling' (hung things hang from a fixed anchor up high)."""
        ramps = any(e.kind.shape == "Ramp" for e in self.plan.entities)
        hung = any(e.kind.category == "jointed" for e in self.plan.entities) or any(
            ev.kind in {"hang", "swing"} for ev in self.plan.events
        )
        for position, word in enumerate(self.tokens):
            if (word in RAMP_ADJECTIVES and ramps) or (word == "from_ceiling" and hung):
                self.used[position] = True

    def implied_events(self) -> None:
        """What a scene is for when the sentence names no event: 'a brick wall and a wrecking ball'
        (it swings into the wall), 'a pendulum next to a tower of blocks', 'a bowling ball and ten
        pins' (it rolls into them)."""
        if self.plan.events or self.plan.gravity == 0.0:
            return
        entities = self.plan.entities
        on_something = {r.subject for r in self.plan.relations if r.kind in {"on", "in"}}
        loose = [
            e
            for e in entities
            if not e.fixed and e.kind.category != "jointed" and e.index not in on_something
        ]
        swingers = [e for e in entities if e.kind.shape == "Pendulum" and e.count == 1]
        if swingers and loose:
            target = max(loose, key=lambda e: e.count)
            self.plan.events.append(Event(kind="swing", actor=swingers[0].index, target=target.index))
            self.plan.notes.append(
                f"Nothing was said to happen: {swingers[0].the()} swings into {target.the()}."
            )
            return
        seesaws = [e for e in entities if e.kind.shape == "Seesaw"]
        if seesaws and loose:
            # "a seesaw and a heavy rock": the rock drops onto one end.
            dropped = max(loose, key=lambda e: self._mass_hint(e))
            self.plan.events.append(Event(kind="fall", actor=dropped.index, target=seesaws[0].index))
            self.plan.notes.append(
                f"Nothing was said to happen: {dropped.the()} falls onto {seesaws[0].the()}."
            )
            return
        balls = [e for e in loose if e.kind.category == "ball" and e.count == 1]
        # Pins and dominoes stand to be knocked over; a stack or a wall only by a ball made for it.
        heavy = bool(balls) and balls[0].kind.name in {"bowling ball", "cannonball", "boulder"}
        standing = [
            e
            for e in loose
            if e.kind.category in {"pin", "domino"}
            or (heavy and e.count > 1 and e.arrangement in {"stack", "pyramid", "wall", "jenga", "triangle"})
        ]
        if balls and standing and balls[0].index not in {s.index for s in standing}:
            ball, target = balls[0], standing[0]
            self.plan.events.append(Event(kind="roll", actor=ball.index, target=target.index))
            self.plan.notes.append(f"Nothing was said to happen: {ball.the()} rolls into {target.the()}.")

    @staticmethod
    def _mass_hint(entity: Entity) -> float:
        return (entity.mass or entity.kind.mass) * entity.weight * entity.size**3

    def merge_events(self) -> None:
        """One actor's steps are one journey: 'rolls down a ramp and hits a wall', 'rolls off the
        table and lands in a bucket' (the way or the start of one, the target of the next)."""
        merged: list[Event] = []
        seen: set[tuple] = set()
        knocked = {e.target for e in self.plan.events if e.kind in {"knock", "hit"} and e.target is not None}
        self.plan.events = [
            e
            for e in self.plan.events
            if not (
                e.kind in {"topple", "fall", "throw"}
                and e.target is None
                and e.start_on is None
                and e.actor in knocked
            )
        ]  # "... sends the dominoes toppling", "... knocked over and they fall": what the knock does
        for event in self.plan.events:
            key = (event.kind, event.actor, event.target, event.via)
            if key in seen:
                continue  # "a stack that stays standing": said twice, happens once
            seen.add(key)
            previous = merged[-1] if merged else None
            if (
                previous is not None
                and previous.actor == event.actor
                and previous.target is None
                and event.target is not None
                and event.via is None
                and (
                    previous.via is not None
                    or previous.start_on is not None
                    or previous.kind in {"throw", "roll", "slide"}  # "launched ... hits a tower"
                )
            ):
                previous.target = event.target
                if event.kind in {"knock", "hit"}:
                    previous.kind = event.kind if previous.kind not in {"fall"} else previous.kind
                previous.speed = previous.speed if previous.speed is not None else event.speed
                continue
            if (
                event.kind == "bounce"
                and event.target is None
                and any(e.actor == event.actor and e.target is not None for e in merged)
            ):
                continue  # "rolls into a wall and bounces back": what the hit does, not a new event
            if (
                previous is not None
                and previous.actor == event.actor
                and previous.start_on is not None
                and event.kind == "fall"
                and event.target is None
            ):
                continue  # "rolls off the table and falls": it falls off what it started on
            merged.append(event)
        self.plan.events = merged

    def read_chain_reaction(self) -> None:
        """'a domino chain reaction': the dominoes fall one after another, pushed by nobody."""
        if "chain_reaction" not in self.tokens:
            return
        self.used[self.tokens.index("chain_reaction")] = True
        acted_on = {e.target for e in self.plan.events} | {e.actor for e in self.plan.events}
        for entity in self.plan.entities:
            if entity.kind.category == "domino" and entity.index not in acted_on:
                self.plan.events.append(Event(kind="topple", actor=entity.index))

    def read_relations(self) -> None:
        """'a cup on a table', 'pins at the foot of the ramp': placement without an event."""
        tokens = self.tokens
        for number, mention in enumerate(self.mentions):
            # "a shelf with books and a ball", "a seesaw with a rock on one end": on the holder.
            holder = self.plan.entities[mention.entity] if mention.entity >= 0 else None
            if holder is None or holder.kind.category not in {"fixture", "container", "jointed"}:
                continue
            if holder.kind.shape not in {"Table", "Shelf", "Platform", "Container", "Seesaw", "Ramp"}:
                continue
            if mention.end >= len(tokens) or tokens[mention.end] != "with":
                continue
            self.used[mention.end] = True
            for other in self.mentions[number + 1 :]:
                if other.entity < 0:
                    continue
                gap = tokens[mention.end + 1 : other.start]
                if any(t in VERBS and VERBS[t] not in {"rest", "stand"} for t in gap):
                    break
                kind = "in" if holder.kind.category == "container" else "on"
                self.plan.relations.append(Relation(kind, other.entity, mention.entity))
        for position, word in enumerate(tokens):
            if self.used[position]:
                continue
            if word == "at_foot":
                # "... hits a box at the bottom": at the foot of the ramp named before.
                ramps = [e.index for e in self.plan.entities if e.kind.shape in {"Ramp", "Stairs"}]
                owner = self._mention_before(position)
                self.used[position] = True
                placed = owner is not None and any(
                    e.target == owner.entity and e.via is not None for e in self.plan.events
                )
                if ramps and owner is not None and owner.entity not in ramps and not placed:
                    self.plan.relations.append(Relation("at_foot", owner.entity, ramps[-1]))
                continue
            relation = {
                "on": "on", "onto": "on", "upon": "on", "atop": "on", "on_top_of": "on", "in": "in",
                "inside": "in", "into": "in", "under": "under", "underneath": "under", "beneath": "under",
                "below": "under", "next_to": "beside", "beside": "beside", "near": "beside",
                "alongside": "beside", "behind": "behind", "in_front_of": "front", "at_foot_of": "at_foot",
                "left_of": "beside", "right_of": "beside", "above": "above", "over": "above",
                "at": "at_foot", "by": "beside", "side_by_side": "beside",
            }.get(word)  # fmt: skip
            if relation is None:
                continue
            before = self._mention_before(position)
            after = self._next_mention(position + 1)
            if (
                relation == "on"
                and position + 1 < len(tokens)
                and tokens[position + 1] == "top"
                and (after is None or after.start > position + 3)
            ):
                # "a big box with a small box on top": on top of the one named before.
                below = self._mention_before(before.start) if before is not None else None
                if below is not None:
                    self.used[position] = self.used[position + 1] = True
                    self.plan.relations.append(Relation("on", before.entity, below.entity))
                continue
            if before is None or after is None or before.entity == after.entity:
                continue
            if any(VERBS.get(t) not in {None, "rest", "stand"} for t in tokens[before.end : position]):
                continue
            gap = tokens[position + 1 : after.start]
            if "and" in gap or any(
                w in VERBS or (self._mention_at(k + position + 1)) for k, w in enumerate(gap)
            ):
                continue
            self.used[position] = True
            self.plan.relations.append(Relation(relation, before.entity, after.entity))

    def leftovers(self) -> None:
        seen = set()
        for position, word in enumerate(self.tokens):
            if self.used[position] or word in STOP_WORDS or word in PREPOSITIONS or word in seen:
                continue
            if _is_number(word) or word in NUMBER_WORDS or word in PRONOUNS or word in SPEED_UNITS:
                continue
            if word in VERBS and VERBS[word] in {"rest", "stand"}:
                continue
            if len(word) <= 1:
                continue
            seen.add(word)
            self.plan.not_understood.append(word)

    def parse(self) -> Plan:
        self.find_mentions()
        self.build_entities()
        self.read_layers()
        self.read_events()
        acting = {e.actor for e in self.plan.events}
        self.plan.events += [e for e in self.adjectives if e.actor not in acting and e.actor >= 0]
        self.merge_events()
        self.read_chain_reaction()
        self.read_relations()
        self.read_gravity()
        if self.plan.gravity == 0.0:
            # Nothing falls without gravity: "balls floating in space" float.
            self.plan.events = [e for e in self.plan.events if e.kind not in {"fall", "bounce", "topple"}]
        self.settle_meanings()
        self.read_scenery_words()
        self.implied_events()
        for entity in self.plan.entities:
            if not entity.arrangement and entity.count > 1:
                # How these are set up unless the sentence says otherwise.
                if entity.kind.category == "domino":
                    entity.arrangement = "row"
                elif entity.kind.category == "pin" and entity.count in (3, 6, 10, 15):
                    entity.arrangement = "triangle"
        self.leftovers()
        return self.plan


def _surface(kind) -> bool:
    """A thin slab lying on the ground (ice): things move across it rather than off it."""
    return kind.shape == "Platform" and kind.size[1] < 0.1


def _shade(colour: str, factor: float) -> str:
    if factor == 1.0:
        return colour
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    if factor > 1:
        r, g, b = (round(c + (255 - c) * (factor - 1)) for c in (r, g, b))
    else:
        r, g, b = (round(c * factor) for c in (r, g, b))
    return "#" + "".join(f"{max(0, min(255, c)):02x}" for c in (r, g, b))


def _combine_numbers(words: list[tuple[str, float]]) -> float | None:
    """'a dozen' 12, 'two dozen' 24, 'twenty five' 25, 'a hundred and ten' 110, 'a few' 3."""
    if not words:
        return None
    meaningful = [(w, v) for w, v in words if w not in {"a", "an", "one"}] or words
    if any(w in VAGUE_COUNTS for w, _ in meaningful) and not any(
        w in MULTIPLIERS or w == "dozen" for w, _ in meaningful
    ):
        return next(v for w, v in meaningful if w in VAGUE_COUNTS)
    total, current = 0.0, 0.0
    for index, (word, value) in enumerate(words):
        if (
            word in {"a", "an"}
            and len(words) > 1
            and words[index + 1 :]
            and words[index + 1][0] not in (set(MULTIPLIERS) | {"dozen"})
        ):
            continue
        if word in MULTIPLIERS or word in {"dozen", "dozens"}:
            current = max(current, 1.0) * value
            if value >= 1000:
                total, current = total + current, 0.0
        else:
            current += value
    return total + current


def plan_parse(sentence: str) -> Plan:
    """The plan of `sentence`: its entities, events, relations, and the words it could not place."""
    return Parser(sentence).parse()
