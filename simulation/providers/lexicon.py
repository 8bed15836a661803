"""The words the local composer knows: objects with believable sizes, masses and materials, counts,
colours, sizes, materials, speeds, arrangements and the verbs of events.

Sizes are metres, masses kilograms. Real sizes where a scene still reads well (a bowling ball is
0.22 m and 7 kg); a few toys are drawn larger than life (dominoes) so a scene of them is visible.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- counts ------------------------------------------------------------------------------------------

NUMBER_WORDS = {
    "zero": 0, "no": 0, "none": 0, "one": 1, "a": 1, "an": 1, "single": 1, "lone": 1, "two": 2,
    "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
    "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000, "trillion": 10**12,
    "dozen": 12, "avalanche": 30, "flood": 30, "swarm": 20, "crowd": 20, "pair": 2, "couple": 2, "both": 2, "few": 3, "several": 4, "some": 3, "many": 8,
    "lots": 8, "bunch": 6, "handful": 5, "dozens": 36, "hundreds": 200, "thousands": 2000,
    "score": 20, "trio": 3,
}  # fmt: skip
# "twenty five", "a hundred and twenty": words that add to a number before them.
TENS = {20, 30, 40, 50, 60, 70, 80, 90}
MULTIPLIERS = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}
VAGUE_COUNTS = {
    "few",
    "several",
    "some",
    "many",
    "lots",
    "bunch",
    "handful",
    "dozens",
    "hundreds",
    "thousands",
}

# --- colours -------------------------------------------------------------------------------------------

COLOURS = {
    "red": "#e53935", "green": "#43a047", "blue": "#1e88e5", "yellow": "#fdd835", "orange": "#fb8c00",
    "purple": "#8e24aa", "violet": "#7e57c2", "pink": "#ec407a", "magenta": "#d81b60", "cyan": "#00acc1",
    "teal": "#00897b", "white": "#f5f5f5", "black": "#212121", "grey": "#9e9e9e", "gray": "#9e9e9e",
    "brown": "#8d6e63", "gold": "#ffc107", "golden": "#ffc107", "silver": "#bdbdbd", "lime": "#c0ca33",
    "navy": "#283593", "beige": "#d7ccc8", "turquoise": "#26c6da", "maroon": "#880e4f",
    "crimson": "#c62828", "scarlet": "#ff2400", "indigo": "#3949ab", "olive": "#827717",
    "tan": "#d2b48c", "cream": "#fff8e1", "ivory": "#fffff0", "amber": "#ffb300", "coral": "#ff7f50",
    "salmon": "#fa8072", "lavender": "#b39ddb", "mint": "#98ff98", "khaki": "#c3b091",
    "bronze": "#cd7f32", "copper": "#b87333", "emerald": "#2e7d32", "ruby": "#b71c1c",
    "sky": "#4fc3f7", "chocolate": "#5d4037", "charcoal": "#37474f",
}  # fmt: skip
SHADE_WORDS = {"dark": 0.6, "deep": 0.7, "light": 1.45, "pale": 1.6, "bright": 1.15}
RAINBOW = ["#e53935", "#fb8c00", "#fdd835", "#43a047", "#1e88e5", "#8e24aa", "#ec407a", "#00acc1"]
MULTICOLOUR_WORDS = {
    "colourful", "colorful", "rainbow", "multicoloured", "multicolored", "assorted", "varied",
    "different", "various", "mixed", "random",
}  # fmt: skip


# --- materials -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Material:
    name: str
    colour: str
    density: float  # kg/m^3
    friction: float
    restitution: float


MATERIALS = {
    "wood": Material("wood", "#a1887f", 600, 0.6, 0.3),
    "steel": Material("steel", "#b0bec5", 7800, 0.4, 0.2),
    "rubber": Material("rubber", "#424242", 1100, 0.9, 0.85),
    "ice": Material("ice", "#e1f5fe", 900, 0.02, 0.05),
    "glass": Material("glass", "#b3e5fc", 2500, 0.3, 0.25),
    "stone": Material("stone", "#90a4ae", 2400, 0.7, 0.1),
    "plastic": Material("plastic", "#9e9e9e", 950, 0.5, 0.4),
    "foam": Material("foam", "#fff9c4", 40, 0.8, 0.2),
    "frictionless": Material("frictionless", "#cfd8dc", 1000, 0.0, 0.2),
    "elastic": Material("elastic", "#ce93d8", 1100, 0.3, 0.95),
    "paper": Material("paper", "#eeeeee", 700, 0.5, 0.1),
    "gold": Material("gold", "#ffc107", 19300, 0.4, 0.1),
    "lead": Material("lead", "#607d8b", 11300, 0.5, 0.02),
    "clay": Material("clay", "#bf6b4b", 1900, 0.7, 0.1),
    # surfaces things move across
    "snow": Material("snow", "#fafafa", 400, 0.1, 0.02),
    "grass": Material("grass", "#66bb6a", 1000, 0.8, 0.2),
    "sand": Material("sand", "#e6c35c", 1600, 0.95, 0.02),
    "carpet": Material("carpet", "#8d6e63", 300, 1.0, 0.05),
    "mud": Material("mud", "#6d4c41", 1700, 1.0, 0.0),
    "asphalt": Material("asphalt", "#546e7a", 2300, 0.85, 0.1),
}
MATERIAL_WORDS = {
    "wood": "wood", "wooden": "wood", "timber": "wood", "oak": "wood", "pine": "wood",
    "metal": "steel", "metallic": "steel", "steel": "steel", "iron": "steel", "aluminium": "steel",
    "aluminum": "steel", "rubber": "rubber", "rubbery": "rubber", "bouncy": "rubber", "ice": "ice",
    "icy": "ice", "frozen": "ice", "slippery": "ice", "glass": "glass", "crystal": "glass",
    "stone": "stone", "rock": "stone", "concrete": "stone", "marble": "stone", "granite": "stone",
    "plastic": "plastic", "foam": "foam", "sponge": "foam", "soft": "foam", "paper": "paper",
    "cardboard": "paper", "frictionless": "frictionless", "snow": "snow", "snowy": "snow",
    "grass": "grass", "grassy": "grass", "sand": "sand", "sandy": "sand", "carpet": "carpet",
    "carpeted": "carpet", "mud": "mud", "muddy": "mud", "asphalt": "asphalt", "tarmac": "asphalt",
    "polished": "ice", "waxed": "ice", "greasy": "ice", "oily": "ice", "wet": "ice", "elastic": "elastic", "gold": "gold", "lead": "lead", "clay": "clay", "terracotta": "clay",
}  # fmt: skip
# Words that are a colour as well as a material: a material only when a material makes sense.
COLOUR_OR_MATERIAL = {"gold", "golden", "silver", "bronze", "copper"}
WEIGHT_WORDS = {"heavy": 3.0, "heavier": 3.0, "light": 0.3, "lightweight": 0.3, "hollow": 0.3}

# --- sizes ---------------------------------------------------------------------------------------------

SIZES = {
    "tiny": 0.4, "miniature": 0.4, "mini": 0.5, "small": 0.65, "little": 0.65, "smaller": 0.7,
    "medium": 1.0, "normal": 1.0, "regular": 1.0, "big": 1.5, "large": 1.5, "bigger": 1.4,
    "larger": 1.4, "huge": 2.5, "giant": 2.5, "enormous": 2.8, "massive": 2.5, "gigantic": 3.0,
    "oversized": 2.0, "jumbo": 2.0,
}  # fmt: skip
TALL_WORDS = {"tall", "high", "towering", "long", "huge_long"}
SHORT_WORDS = {"short", "low"}
MULTIPLE_WORDS = {"twice": 2.0, "double": 2.0, "triple": 3.0, "thrice": 3.0, "half": 0.5}

# --- speeds --------------------------------------------------------------------------------------------

SPEED_WORDS = {
    "slowly": 0.45, "slow": 0.45, "gently": 0.5, "gentle": 0.5, "softly": 0.5, "lazily": 0.4,
    "quickly": 1.8, "fast": 1.8, "rapidly": 1.8, "speeding": 2.0, "hard": 1.7, "swiftly": 1.8,
    "violently": 2.5, "full": 2.0,
}  # fmt: skip
SPEED_UNITS = {
    "m/s": 1.0, "mps": 1.0, "ms": 1.0, "meters": 1.0, "metres": 1.0,
    "km/h": 1 / 3.6, "kmh": 1 / 3.6, "kph": 1 / 3.6, "mph": 0.44704,
}  # fmt: skip
MASS_UNITS = {"kg": 1.0, "kilo": 1.0, "kilos": 1.0, "kilogram": 1.0, "kilograms": 1.0, "g": 0.001, "grams": 0.001,
              "gram": 0.001, "tonne": 1000.0, "tonnes": 1000.0, "ton": 1000.0, "tons": 1000.0}  # fmt: skip
DIMENSION_WORDS = {
    "radius": 2.0,
    "diameter": 1.0,
    "wide": 1.0,
    "across": 1.0,
    "tall": 1.0,
    "high": 1.0,
    "long": 1.0,
    "big": 1.0,
}
LENGTH_UNITS = {
    "m": 1.0, "meter": 1.0, "meters": 1.0, "metre": 1.0, "metres": 1.0, "cm": 0.01,
    "centimeters": 0.01, "centimetres": 0.01, "mm": 0.001, "feet": 0.3048, "foot": 0.3048,
    "ft": 0.3048,
}  # fmt: skip

# --- objects -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """One kind of thing: its shape and real size, mass and material."""

    name: str  # singular, used for ids and descriptions
    shape: str  # Box, Sphere, Cylinder, or a fixture built of several bodies
    size: tuple[float, float, float]
    mass: float  # kg at size 1; 0 = fixed scenery
    material: str
    colour: str
    category: str = "thing"  # ball, thing, pin, domino, vehicle, fixture, container, jointed
    plural: str = ""

    @property
    def plural_name(self) -> str:
        if self.plural:
            return self.plural
        if self.name.endswith(("s", "x", "sh", "ch")):
            return self.name + "es"
        return self.name + "s"

    @property
    def fixed(self) -> bool:
        return self.mass == 0


def _kinds() -> dict[str, Kind]:
    kinds = [
        # balls
        Kind("ball", "Sphere", (0.3, 0.3, 0.3), 0.5, "rubber", "#1e88e5", "ball"),
        Kind("bowling ball", "Sphere", (0.22, 0.22, 0.22), 7.0, "plastic", "#263238", "ball"),
        Kind("basketball", "Sphere", (0.24, 0.24, 0.24), 0.62, "rubber", "#ef6c00", "ball"),
        Kind("football", "Sphere", (0.22, 0.22, 0.22), 0.43, "rubber", "#f5f5f5", "ball"),
        Kind("soccer ball", "Sphere", (0.22, 0.22, 0.22), 0.43, "rubber", "#f5f5f5", "ball"),
        Kind("volleyball", "Sphere", (0.21, 0.21, 0.21), 0.27, "rubber", "#fff59d", "ball"),
        Kind("beach ball", "Sphere", (0.5, 0.5, 0.5), 0.2, "plastic", "#ff7043", "ball"),
        Kind("tennis ball", "Sphere", (0.067, 0.067, 0.067), 0.058, "rubber", "#c6ff00", "ball"),
        Kind("golf ball", "Sphere", (0.043, 0.043, 0.043), 0.046, "rubber", "#fafafa", "ball"),
        Kind("baseball", "Sphere", (0.074, 0.074, 0.074), 0.145, "plastic", "#fafafa", "ball"),
        Kind("cricket ball", "Sphere", (0.072, 0.072, 0.072), 0.16, "plastic", "#b71c1c", "ball"),
        Kind("softball", "Sphere", (0.097, 0.097, 0.097), 0.19, "plastic", "#fff176", "ball"),
        Kind("rugby ball", "Sphere", (0.2, 0.2, 0.2), 0.44, "rubber", "#8d6e63", "ball"),
        Kind("ping pong ball", "Sphere", (0.04, 0.04, 0.04), 0.01, "plastic", "#fafafa", "ball"),
        Kind("pool ball", "Sphere", (0.057, 0.057, 0.057), 0.17, "elastic", "#c62828", "ball"),
        Kind("billiard ball", "Sphere", (0.057, 0.057, 0.057), 0.17, "elastic", "#c62828", "ball"),
        Kind("cue ball", "Sphere", (0.057, 0.057, 0.057), 0.17, "elastic", "#fafafa", "ball"),
        Kind("cannonball", "Sphere", (0.2, 0.2, 0.2), 30.0, "steel", "#37474f", "ball"),
        Kind("marble", "Sphere", (0.025, 0.025, 0.025), 0.02, "glass", "#4fc3f7", "ball"),
        Kind("boulder", "Sphere", (1.2, 1.2, 1.2), 2200.0, "stone", "#78909c", "ball"),
        Kind("rock", "Sphere", (0.3, 0.3, 0.3), 35.0, "stone", "#90a4ae", "ball"),
        Kind("pebble", "Sphere", (0.04, 0.04, 0.04), 0.07, "stone", "#a1887f", "ball"),
        Kind("snowball", "Sphere", (0.15, 0.15, 0.15), 0.5, "ice", "#fafafa", "ball"),
        Kind("orange", "Sphere", (0.08, 0.08, 0.08), 0.2, "foam", "#fb8c00", "ball"),
        Kind("apple", "Sphere", (0.08, 0.08, 0.08), 0.2, "foam", "#e53935", "ball"),
        Kind("sphere", "Sphere", (0.4, 0.4, 0.4), 2.0, "plastic", "#1e88e5", "ball"),
        Kind("bead", "Sphere", (0.03, 0.03, 0.03), 0.01, "glass", "#ec407a", "ball"),
        Kind("feather", "Box", (0.25, 0.005, 0.04), 0.005, "foam", "#fafafa"),
        Kind("hammer", "Box", (0.3, 0.04, 0.1), 0.6, "steel", "#795548"),
        Kind("pencil", "Cylinder", (0.008, 0.18, 0.008), 0.006, "wood", "#fdd835"),
        Kind("shoe", "Box", (0.28, 0.1, 0.1), 0.4, "rubber", "#5d4037"),
        Kind("teapot", "Sphere", (0.2, 0.2, 0.2), 1.0, "clay", "#fafafa", "ball"),
        Kind("pancake", "Cylinder", (0.2, 0.015, 0.2), 0.05, "foam", "#e6c35c"),
        Kind("rubber duck", "Sphere", (0.1, 0.1, 0.1), 0.03, "rubber", "#fdd835", "ball"),
        Kind("person", "Box", (0.45, 1.75, 0.3), 70.0, "foam", "#ffcc80"),
        Kind("snowman", "Sphere", (0.7, 0.7, 0.7), 40.0, "snow", "#fafafa", "ball"),
        Kind("cat", "Box", (0.45, 0.25, 0.15), 4.0, "foam", "#ff9800"),
        Kind("nail", "Cylinder", (0.006, 0.08, 0.006), 0.005, "steel", "#9e9e9e"),
        # boxes and blocks
        Kind("box", "Box", (0.5, 0.5, 0.5), 5.0, "paper", "#c8a165", plural="boxes"),
        Kind("cube", "Box", (0.4, 0.4, 0.4), 3.0, "plastic", "#1e88e5"),
        Kind("crate", "Box", (0.6, 0.6, 0.6), 15.0, "wood", "#a1887f"),
        Kind("block", "Box", (0.3, 0.3, 0.3), 2.0, "wood", "#ffb74d"),
        Kind("jenga block", "Box", (0.75, 0.15, 0.25), 0.8, "wood", "#d7b48a"),
        Kind("book", "Box", (0.24, 0.04, 0.17), 0.8, "paper", "#5c6bc0"),
        Kind("brick", "Box", (0.215, 0.065, 0.1025), 2.3, "clay", "#bf6b4b"),
        Kind("domino", "Box", (0.06, 0.4, 0.2), 0.35, "wood", "#fafafa", "domino", "dominoes"),
        Kind("plank", "Box", (1.2, 0.05, 0.2), 4.0, "wood", "#a1887f"),
        Kind("board", "Box", (1.2, 0.05, 0.3), 5.0, "wood", "#a1887f"),
        Kind("tile", "Box", (0.3, 0.02, 0.3), 0.5, "stone", "#cfd8dc"),
        Kind("slab", "Box", (1.0, 0.15, 0.6), 200.0, "stone", "#90a4ae"),
        Kind("suitcase", "Box", (0.7, 0.45, 0.25), 12.0, "plastic", "#455a64"),
        Kind("present", "Box", (0.3, 0.3, 0.3), 1.0, "paper", "#e53935"),
        Kind("package", "Box", (0.4, 0.3, 0.3), 3.0, "paper", "#c8a165"),
        Kind("container", "Box", (6.0, 2.6, 2.4), 3000.0, "steel", "#1565c0"),
        Kind("sofa", "Box", (2.0, 0.8, 0.9), 60.0, "foam", "#6d4c41"),
        Kind("fridge", "Box", (0.7, 1.8, 0.7), 80.0, "steel", "#eceff1"),
        Kind("chair", "Box", (0.5, 0.9, 0.5), 6.0, "wood", "#8d6e63"),
        Kind("piano", "Box", (1.5, 1.3, 0.6), 250.0, "wood", "#212121"),
        Kind("anvil", "Box", (0.5, 0.3, 0.2), 50.0, "steel", "#37474f"),
        Kind("safe", "Box", (0.6, 0.8, 0.6), 300.0, "steel", "#455a64"),
        Kind("die", "Box", (0.05, 0.05, 0.05), 0.02, "plastic", "#fafafa", plural="dice"),
        Kind("lego brick", "Box", (0.032, 0.019, 0.016), 0.0025, "plastic", "#e53935"),
        Kind("pallet", "Box", (1.2, 0.15, 1.0), 25.0, "wood", "#bcaaa4"),
        Kind("hay bale", "Box", (0.9, 0.45, 0.45), 25.0, "foam", "#e6c35c"),
        Kind("mattress", "Box", (2.0, 0.25, 1.4), 30.0, "foam", "#eceff1"),
        Kind("pillow", "Box", (0.6, 0.15, 0.4), 0.6, "foam", "#fafafa"),
        Kind("phone", "Box", (0.075, 0.008, 0.15), 0.2, "glass", "#212121"),
        Kind("laptop", "Box", (0.33, 0.02, 0.23), 1.5, "steel", "#9e9e9e"),
        Kind("egg", "Sphere", (0.05, 0.05, 0.05), 0.06, "foam", "#fff8e1", "ball"),
        Kind("watermelon", "Sphere", (0.3, 0.3, 0.3), 8.0, "foam", "#2e7d32", "ball"),
        Kind("pumpkin", "Sphere", (0.35, 0.35, 0.35), 6.0, "foam", "#ef6c00", "ball"),
        Kind("globe", "Sphere", (0.3, 0.3, 0.3), 1.0, "plastic", "#1e88e5", "ball"),
        Kind("bubble", "Sphere", (0.1, 0.1, 0.1), 0.005, "foam", "#b3e5fc", "ball"),
        Kind("plate", "Cylinder", (0.26, 0.02, 0.26), 0.5, "clay", "#fafafa"),
        Kind("cone", "Cylinder", (0.3, 0.5, 0.3), 1.0, "rubber", "#ff6d00"),
        Kind("pipe", "Cylinder", (0.1, 1.0, 0.1), 3.0, "steel", "#90a4ae"),
        Kind("rod", "Cylinder", (0.03, 1.0, 0.03), 0.6, "steel", "#9e9e9e"),
        Kind("vase", "Cylinder", (0.15, 0.35, 0.15), 1.2, "glass", "#4db6ac"),
        Kind("candle", "Cylinder", (0.05, 0.2, 0.05), 0.3, "clay", "#fff8e1"),
        Kind("battery", "Cylinder", (0.014, 0.05, 0.014), 0.023, "steel", "#fdd835"),
        # cylinders
        Kind("cylinder", "Cylinder", (0.4, 0.6, 0.4), 3.0, "plastic", "#43a047"),
        Kind(
            "can", "Cylinder", (0.066, 0.122, 0.066), 0.05, "steel", "#e53935"
        ),  # empty, as in a fairground stall
        Kind("barrel", "Cylinder", (0.6, 0.9, 0.6), 25.0, "wood", "#8d6e63"),
        Kind("drum", "Cylinder", (0.58, 0.88, 0.58), 20.0, "steel", "#1565c0"),
        Kind("bottle", "Cylinder", (0.08, 0.3, 0.08), 0.8, "glass", "#66bb6a"),
        Kind("pin", "Cylinder", (0.12, 0.38, 0.12), 1.5, "wood", "#fafafa", "pin"),
        Kind("bowling pin", "Cylinder", (0.12, 0.38, 0.12), 1.5, "wood", "#fafafa", "pin"),
        Kind("pillar", "Cylinder", (0.35, 1.6, 0.35), 150.0, "stone", "#bdbdbd"),
        Kind("column", "Cylinder", (0.35, 1.6, 0.35), 150.0, "stone", "#bdbdbd"),
        Kind("pole", "Cylinder", (0.1, 2.0, 0.1), 8.0, "steel", "#9e9e9e"),
        Kind("tree", "Cylinder", (0.4, 5.0, 0.4), 300.0, "wood", "#6d4c41"),
        Kind("log", "Cylinder", (0.3, 1.5, 0.3), 60.0, "wood", "#795548", "log"),
        Kind("coin", "Cylinder", (0.024, 0.002, 0.024), 0.008, "gold", "#ffc107"),
        Kind("disc", "Cylinder", (0.3, 0.04, 0.3), 1.0, "plastic", "#ab47bc"),
        Kind("puck", "Cylinder", (0.076, 0.025, 0.076), 0.17, "rubber", "#212121"),
        Kind("tyre", "Cylinder", (0.65, 0.2, 0.65), 9.0, "rubber", "#212121"),
        Kind("wheel", "Cylinder", (0.6, 0.15, 0.6), 8.0, "rubber", "#212121"),
        Kind("cup", "Container", (0.09, 0.1, 0.09), 0, "plastic", "#ffffff", "container"),
        Kind("mug", "Container", (0.09, 0.1, 0.09), 0, "clay", "#ffffff", "container"),
        Kind("bowl", "Container", (0.5, 0.2, 0.5), 0, "clay", "#ffcc80", "container"),
        Kind("bucket", "Container", (0.3, 0.35, 0.3), 0, "plastic", "#e53935", "container"),
        Kind("basket", "Container", (0.6, 0.35, 0.6), 0, "wood", "#bcaaa4", "container"),
        Kind("bin", "Container", (0.5, 0.6, 0.5), 0, "plastic", "#546e7a", "container"),
        Kind("tray", "Container", (0.8, 0.06, 0.5), 0, "wood", "#a1887f", "container"),
        # vehicles
        Kind("car", "Box", (4.2, 1.4, 1.8), 1200.0, "steel", "#e53935", "vehicle"),
        Kind("toy car", "Box", (0.2, 0.08, 0.1), 0.2, "plastic", "#e53935", "vehicle"),
        Kind("truck", "Box", (6.0, 2.6, 2.4), 5000.0, "steel", "#1565c0", "vehicle"),
        Kind("bus", "Box", (10.0, 3.0, 2.5), 11000.0, "steel", "#fdd835", "vehicle", "buses"),
        Kind("cart", "Box", (1.0, 0.5, 0.6), 15.0, "wood", "#8d6e63", "vehicle"),
        Kind("train", "Box", (8.0, 3.0, 2.6), 20000.0, "steel", "#37474f", "vehicle"),
        # fixed scenery
        Kind("table", "Table", (1.6, 0.75, 0.9), 0, "wood", "#8d6e63", "fixture"),
        Kind("desk", "Table", (1.4, 0.75, 0.7), 0, "wood", "#6d4c41", "fixture"),
        Kind("shelf", "Shelf", (1.2, 1.2, 0.35), 0, "wood", "#8d6e63", "fixture", "shelves"),
        Kind("wall", "Wall", (0.3, 1.5, 3.0), 0, "stone", "#b0bec5", "fixture"),
        Kind("ramp", "Ramp", (3.0, 0.1, 1.0), 0, "wood", "#8d6e63", "fixture"),
        Kind("stairs", "Stairs", (1.0, 0.18, 0.3), 0, "stone", "#b0bec5", "fixture", "stairs"),
        Kind("platform", "Platform", (1.6, 0.8, 1.6), 0, "stone", "#90a4ae", "fixture"),
        Kind("pedestal", "Platform", (0.6, 1.0, 0.6), 0, "stone", "#b0bec5", "fixture"),
        # a springy pad: what falls on it comes back up (the elastic material's restitution)
        Kind("trampoline", "Platform", (1.6, 0.3, 1.6), 0, "elastic", "#1e88e5", "fixture"),
        # surfaces: a thin slab of a material on the ground ("slides across ice")
        Kind("ice sheet", "Platform", (8.0, 0.04, 2.0), 0, "ice", "#e1f5fe", "fixture"),
        # an open frame: two posts, a crossbar and a soft back panel that catches what goes in
        Kind("lawn", "Platform", (8.0, 0.04, 3.0), 0, "grass", "#66bb6a", "fixture"),
        Kind("sand pit", "Platform", (4.0, 0.04, 3.0), 0, "sand", "#e6c35c", "fixture"),
        Kind("carpet", "Platform", (4.0, 0.02, 3.0), 0, "carpet", "#8d6e63", "fixture"),
        Kind("snowfield", "Platform", (8.0, 0.04, 3.0), 0, "snow", "#fafafa", "fixture"),
        # a rail on posts: cans stand on it, things crash into it
        Kind("surface", "Platform", (8.0, 0.04, 3.0), 0, "wood", "#a1887f", "fixture"),
        Kind("concrete slab", "Platform", (4.0, 0.04, 3.0), 0, "stone", "#9e9e9e", "fixture"),
        Kind("road", "Platform", (8.0, 0.04, 3.0), 0, "asphalt", "#546e7a", "fixture"),
        Kind("window", "Wall", (0.03, 1.0, 1.2), 0, "glass", "#b3e5fc", "fixture"),
        Kind("fence", "Wall", (0.25, 1.0, 3.0), 0, "wood", "#a1887f", "fixture"),
        Kind("goal", "Goal", (0.8, 1.2, 2.4), 0, "wood", "#fafafa", "fixture"),
        Kind("floor", "Floor", (0.0, 0.0, 0.0), 0, "stone", "#9e9e9e", "fixture"),
        # jointed (built with joints when the scene format has them)
        Kind("pendulum", "Pendulum", (0.3, 2.0, 0.3), 5.0, "steel", "#546e7a", "jointed"),
        Kind("wrecking ball", "Pendulum", (1.0, 5.0, 1.0), 1000.0, "steel", "#37474f", "jointed"),
        Kind("newton's cradle", "Cradle", (0.2, 1.0, 0.2), 1.0, "steel", "#b0bec5", "jointed"),
        Kind("seesaw", "Seesaw", (4.0, 0.1, 0.4), 20.0, "wood", "#8d6e63", "jointed"),
        Kind("swing", "Swing", (0.6, 2.0, 0.3), 4.0, "wood", "#8d6e63", "jointed"),
        Kind("door", "Door", (1.0, 2.0, 0.05), 25.0, "wood", "#8d6e63", "jointed"),
        Kind("chain", "Chain", (0.1, 0.25, 0.1), 0.3, "steel", "#9e9e9e", "jointed"),
    ]
    return {kind.name: kind for kind in kinds}


KINDS = _kinds()

# Words (and two-word phrases) that name a kind; plurals are generated below.
NOUN_ALIASES = {
    "balls": "ball", "orb": "ball", "bowling": "bowling ball", "soccerball": "soccer ball",
    "basket ball": "basketball", "foot ball": "football", "beachball": "beach ball",
    "tennis": "tennis ball", "golf": "golf ball", "ping pong": "ping pong ball",
    "table tennis ball": "ping pong ball", "pingpong ball": "ping pong ball", "snooker ball": "pool ball",
    "cannon ball": "cannonball", "stone": "rock", "spheres": "sphere",
    "cubes": "cube", "blocks": "block", "crates": "crate", "boxes": "box", "carton": "box",
    "jenga blocks": "jenga block", "jenga tower": "jenga block",
    "books": "book", "bricks": "brick", "dominoes": "domino", "dominos": "domino", "planks": "plank",
    "boards": "board", "skittle": "pin", "skittles": "pin", "bowling pins": "bowling pin",
    "pins": "pin", "cans": "can", "tin": "can", "tins": "can", "soda can": "can", "barrels": "barrel",
    "drums": "drum", "bottles": "bottle", "pillars": "pillar", "columns": "column", "poles": "pole",
    "logs": "log", "trees": "tree", "trunk": "tree", "tree trunk": "tree", "coins": "coin", "discs": "disc", "disk": "disc", "disks": "disc",
    "wheels": "wheel", "tire": "tyre", "tires": "tyre", "tyres": "tyre", "cylinders": "cylinder",
    "cups": "cup", "mugs": "mug", "glass cup": "cup", "bowls": "bowl", "buckets": "bucket",
    "baskets": "basket", "bins": "bin", "trays": "tray", "cars": "car", "toy cars": "toy car",
    "toy car": "toy car", "model car": "toy car", "trucks": "truck", "lorry": "truck",
    "van": "truck", "carts": "cart", "trolley": "cart", "wagon": "cart", "tables": "table",
    "desks": "desk", "shelves": "shelf", "bookshelf": "shelf", "walls": "wall", "ramps": "ramp",
    "slope": "ramp", "slopes": "ramp", "incline": "ramp", "hill": "ramp", "chute": "ramp",
    "slide": "ramp", "inclined plane": "ramp", "incline plane": "ramp", "inclined ramp": "ramp",
    "staircase": "stairs", "steps": "stairs", "stair": "stairs",
    "step": "stairs", "platforms": "platform", "ledge": "platform", "pedestals": "pedestal",
    "plinth": "pedestal", "ground": "floor", "pendulums": "pendulum", "wrecking": "wrecking ball",
    "newtons cradle": "newton's cradle", "newton cradle": "newton's cradle",
    "newton's cradle": "newton's cradle", "cradle": "newton's cradle", "see saw": "seesaw",
    "teeter totter": "seesaw", "seesaws": "seesaw", "swings": "swing", "doors": "door",
    "gate": "door", "chains": "chain", "link": "chain", "links": "chain", "marbles": "marble", "boulders": "boulder", "rocks": "rock",
    "pebbles": "pebble", "snowballs": "snowball", "oranges": "orange", "apples": "apple",
    "beads": "bead", "tiles": "tile", "slabs": "slab", "presents": "present", "gift": "present",
    "gifts": "present", "packages": "package", "parcel": "package", "parcels": "package",
    "shipping container": "container", "sofa": "sofa", "couch": "sofa", "fridge": "fridge",
    "refrigerator": "fridge", "chairs": "chair", "stool": "chair", "pucks": "puck",
    "hockey puck": "puck", "buses": "bus", "trains": "train", "cannonballs": "cannonball",
    "basketballs": "basketball", "footballs": "football", "volleyballs": "volleyball",
    "baseballs": "baseball", "softballs": "softball", "suitcases": "suitcase", "luggage": "suitcase",
    "pool balls": "pool ball", "billiard balls": "billiard ball", "vehicle": "car", "automobile": "car",
    "sedan": "car", "boulder ball": "boulder", "weight": "block", "weights": "block",
    "keg": "barrel", "kegs": "barrel", "pianos": "piano", "anvils": "anvil", "safes": "safe", "dice": "die",
    "lego": "lego brick", "legos": "lego brick", "lego bricks": "lego brick", "pallets": "pallet", "bale": "hay bale", "bales": "hay bale", "hay bales": "hay bale", "haybale": "hay bale",
    "mattresses": "mattress", "pillows": "pillow", "cushion": "pillow", "cushions": "pillow",
    "phones": "phone", "smartphone": "phone", "laptops": "laptop", "eggs": "egg",
    "watermelons": "watermelon", "melon": "watermelon", "pumpkins": "pumpkin", "globes": "globe",
    "bubbles": "bubble", "plates": "plate", "dish": "plate", "dishes": "plate", "cones": "cone",
    "traffic cone": "cone", "traffic cones": "cone", "pipes": "pipe", "rods": "rod", "stick": "rod",
    "sticks": "rod", "vases": "vase", "candles": "candle", "batteries": "battery",
    "bowling balls": "bowling ball", "crate of": "crate", "trampolines": "trampoline",
    "bouncy castle": "trampoline", "ice": "ice sheet", "ice rink": "ice sheet", "rink": "ice sheet",
    "frozen lake": "ice sheet", "frozen pond": "ice sheet", "ice surface": "ice sheet", "goals": "goal",
    "goalpost": "goal", "dune": "ramp", "dunes": "ramp", "mountain": "ramp", "mountainside": "ramp",
    "hillside": "ramp", "embankment": "ramp", "road": "road", "street": "road", "roads": "road",
    "streets": "road", "pavement": "road", "sidewalk": "road", "runway": "road", "highway": "road",
    "teapots": "teapot", "kettle": "teapot", "pancakes": "pancake", "duck": "rubber duck",
    "ducks": "rubber duck", "rubber ducks": "rubber duck", "rubber ducky": "rubber duck",
    "person": "person", "people": "person", "man": "person", "woman": "person", "child": "person",
    "kid": "person", "skier": "person", "skiers": "person", "mannequin": "person", "figure": "person",
    "sledgehammer": "hammer", "glass": "cup", "glasses": "cup", "wine glass": "cup",
    "drinking glass": "cup", "concrete": "concrete slab", "forklift": "truck", "forklifts": "truck",
    "bulldozer": "truck", "tractor": "truck", "sled": "cart", "sleds": "cart", "sledge": "cart", "toboggan": "cart",
    "snowmen": "snowman", "court": "floor", "basketball court": "floor", "tennis court": "floor", "sledge hammer": "hammer", "mallet": "hammer", "mallets": "hammer",
    "cats": "cat", "kitten": "cat", "windows": "window",
    "window pane": "window", "pane": "window", "lane": "floor", "bowling lane": "floor",
    "alley": "floor", "nails": "nail", "screw": "nail", "screws": "nail", "grass": "lawn", "lawn": "lawn", "turf": "lawn", "field": "lawn",
    "sand": "sand pit", "sandpit": "sand pit", "beach": "sand pit", "rug": "carpet", "rugs": "carpet",
    "mat": "carpet", "snow": "snowfield", "fences": "fence", "railing": "fence", "rail": "fence",
    "feathers": "feather", "hammers": "hammer", "pencils": "pencil", "pen": "pencil", "pens": "pencil",
    "shoes": "shoe", "boot": "shoe", "boots": "shoe", "track": "ramp", "tracks": "ramp",
    "castle": "wall", "fort": "wall", "flight of stairs": "stairs", "flight of steps": "stairs", "goalposts": "goal", "goal posts": "goal", "soccer goal": "goal", "net": "goal", "tin can": "can", "tin cans": "can",
    "soup can": "can", "soup cans": "can", "paint can": "can", "oil drum": "drum",
    "oil drums": "drum", "wooden block": "block", "toy block": "block", "toy blocks": "block",
    "building blocks": "block", "cardboard box": "box", "cardboard boxes": "box", "bell": "pendulum", "skateboard": "cart",
}  # fmt: skip


def _noun_table() -> dict[str, str]:
    table = dict(NOUN_ALIASES)
    for name, kind in KINDS.items():
        table.setdefault(name, name)
        table.setdefault(kind.plural_name, name)
    return table


NOUNS = _noun_table()
MAX_NOUN_WORDS = max(len(noun.split()) for noun in NOUNS)

# --- arrangements --------------------------------------------------------------------------------------

ARRANGEMENT_WORDS = {
    "row": "row", "rows": "row", "line": "row", "lines": "row", "lined": "row", "queue": "row",
    "run": "row", "track": "row", "trail": "row", "path": "row", "chain": "row", "sequence": "row",
    "column": "stack", "stack": "stack", "stacks": "stack", "stacked": "stack", "tower": "stack",
    "towers": "stack", "pile": "pile", "piled": "pile", "heap": "pile", "mound": "pile",
    "pyramid": "pyramid", "pyramids": "pyramid", "triangle": "triangle", "triangular": "triangle",
    "formation": "", "circle": "circle", "circles": "circle", "ring": "circle", "round": "circle",
    "spiral": "spiral", "curve": "arc", "arc": "arc", "semicircle": "arc", "snake": "zigzag",
    "zigzag": "zigzag", "grid": "grid", "array": "grid", "square": "grid", "rack": "triangle",
    "wall": "wall", "house": "wall", "hut": "wall", "castle": "wall", "fort": "wall", "fortress": "wall", "chain_reaction": "row", "in_row": "row", "side_by_side": "row", "jenga": "jenga", "crisscross": "jenga", "criss": "jenga", "crossed": "jenga",
    "scattered": "scatter", "scatter": "scatter", "random": "scatter", "randomly": "scatter",
    "strewn": "scatter", "everywhere": "scatter", "cluster": "scatter", "bunch": "scatter",
}  # fmt: skip
# Arrangement nouns that take "of": "a stack of crates".
ARRANGEMENT_NOUNS = {
    "row", "rows", "line", "lines", "queue", "run", "track", "trail", "chain", "sequence", "column",
    "stack", "stacks", "tower", "towers", "pile", "heap", "mound", "pyramid", "pyramids", "triangle",
    "circle", "circles", "ring", "spiral", "curve", "arc", "semicircle", "snake", "zigzag", "grid",
    "array", "square", "wall", "house", "hut", "castle", "fort", "fortress", "cluster", "rack", "set", "group", "collection", "bunch", "handful",
    "lot", "lots", "avalanche", "flood", "swarm", "crowd", "pair", "couple", "dozen", "dozens", "hundreds", "thousands", "trio", "load",
}  # fmt: skip

# --- verbs: the events between groups ----------------------------------------------------------------

# Each verb word maps to an event kind. "into/onto/at" after a verb names its target.
VERBS = {
    # falling
    "fall": "fall", "falls": "fall", "falling": "fall", "fell": "fall", "drop": "fall",
    "drops": "fall", "dropping": "fall", "dropped": "fall", "land": "fall", "lands": "fall",
    "landing": "fall", "rain": "fall", "rains": "fall", "raining": "fall", "rained": "fall",
    "plunge": "fall", "plunges": "fall", "plunging": "fall", "plummet": "fall", "plummets": "fall",
    "plummeting": "fall", "tumble": "fall", "tumbles": "fall", "tumbling": "fall", "pour": "fall",
    "pours": "fall", "pouring": "fall", "poured": "fall", "released": "fall", "release": "fall",
    "descend": "fall", "descends": "fall", "descending": "fall", "sink": "fall", "sinks": "fall",
    "crash": "hit", "crashes": "hit", "crashing": "hit", "crashed": "hit",
    # bouncing
    "bounce": "bounce", "bounces": "bounce", "bouncing": "bounce", "bounced": "bounce",
    "rebound": "bounce", "rebounds": "bounce", "rebounding": "bounce", "hop": "bounce",
    "hops": "bounce", "hopping": "bounce", "jumping": "bounce", "jumps": "bounce", "jump": "bounce",
    # rolling / sliding / moving
    "roll": "roll", "rolls": "roll", "rolling": "roll", "rolled": "roll", "slide": "slide",
    "slides": "slide", "sliding": "slide", "slid": "slide", "skid": "slide", "skids": "slide",
    "skidding": "slide", "glide": "slide", "glides": "slide", "gliding": "slide",
    "move": "roll", "moves": "roll", "moving": "roll", "travel": "roll", "travels": "roll",
    "travelling": "roll", "traveling": "roll", "race": "roll", "races": "roll", "racing": "roll",
    "drive": "roll", "drives": "roll", "driving": "roll", "speeds": "roll", "zooms": "roll",
    "zooming": "roll", "heading": "roll", "heads": "roll", "coming": "roll", "comes": "roll",
    "go": "roll", "goes": "roll", "going": "roll", "come": "roll", "runs": "roll", "running": "roll",
    "charge": "roll", "charges": "roll", "charging": "roll", "careen": "roll", "careens": "roll",
    "careening": "roll", "sent": "roll", "send": "roll", "sends": "roll",
    # hitting / knocking
    "hit": "hit", "hits": "hit", "hitting": "hit", "strike": "hit", "strikes": "hit",
    "striking": "hit", "struck": "hit", "smash": "hit", "smashes": "hit", "smashing": "hit",
    "smashed": "hit", "slam": "hit", "slams": "hit", "slamming": "hit", "slammed": "hit",
    "ram": "hit", "rams": "hit", "ramming": "hit", "rammed": "hit", "bash": "hit",
    "bashes": "hit", "bashing": "hit", "collide": "collide", "collides": "collide",
    "colliding": "collide", "collided": "collide", "collision": "collide", "meet": "collide",
    "meets": "collide", "meeting": "collide", "clash": "collide", "clashing": "collide",
    "knock": "knock", "knocks": "knock", "knocking": "knock", "knocked": "knock",
    "topple": "topple", "topples": "topple", "toppling": "topple", "toppled": "topple",
    "push": "knock", "pushes": "knock", "pushing": "knock", "pushed": "knock", "shove": "knock",
    "shoves": "knock", "shoved": "knock", "bowl": "knock", "bowled": "knock", "bowls": "knock",
    "bowling": "knock", "scatter": "knock", "scatters": "knock", "scattering": "knock",
    "demolish": "knock", "demolishes": "knock", "demolishing": "knock", "destroy": "knock",
    "destroys": "knock", "destroying": "knock", "wreck": "knock", "wrecks": "knock",
    "wrecking": "knock", "break": "knock", "breaks": "knock", "breaking": "knock", "tip": "topple",
    "tips": "topple", "tipping": "topple", "tipped": "topple", "collapse": "topple",
    "collapses": "topple", "collapsing": "topple", "collapsed": "topple", "lean": "topple",
    "leans": "topple", "leaning": "topple", "wobble": "topple", "wobbles": "topple",
    "wobbling": "topple", "overturn": "topple",
    # throwing / launching
    "throw": "throw", "throws": "throw", "thrown": "throw", "throwing": "throw", "threw": "throw",
    "toss": "throw", "tossed": "throw", "tosses": "throw", "tossing": "throw", "launch": "throw",
    "launched": "throw", "launches": "throw", "launching": "throw", "fire": "throw",
    "fired": "throw", "fires": "throw", "firing": "throw", "shoot": "throw", "shot": "throw",
    "shoots": "throw", "shooting": "throw", "fly": "throw", "flies": "throw", "flying": "throw",
    "flung": "throw", "fling": "throw", "kick": "throw", "kicked": "throw", "kicks": "throw",
    "kicking": "throw", "lob": "throw", "lobbed": "throw", "hurl": "throw", "hurled": "throw",
    "hurls": "throw", "catapulted": "throw",
    # turning / swinging
    "spin": "spin", "spins": "spin", "spinning": "spin", "spun": "spin", "rotate": "spin",
    "rotates": "spin", "rotating": "spin", "twirl": "spin", "twirling": "spin", "whirl": "spin",
    "swing": "swing", "swings": "swing", "swinging": "swing", "swung": "swing", "sway": "swing",
    "sways": "swing", "swaying": "swing", "oscillate": "swing", "oscillates": "swing",
    "oscillating": "swing", "hang": "hang", "hangs": "hang", "hanging": "hang", "hung": "hang",
    "dangle": "hang", "dangles": "hang", "dangling": "hang", "suspended": "hang",
    # resting
    "rest": "rest", "rests": "rest", "resting": "rest", "sit": "rest", "sits": "rest",
    "sitting": "rest", "stand": "stand", "stands": "stand", "standing": "stand", "stay": "stand",
    "stays": "stand", "staying": "stand", "balanced": "stand", "balance": "stand",
    "balances": "stand", "balancing": "stand", "stable": "stand", "steady": "stand",
    "lie": "rest", "lies": "rest", "lying": "rest", "lay": "rest", "laid": "rest", "placed": "rest",
    "put": "rest", "set": "rest", "perched": "rest", "waiting": "rest", "wait": "rest",
    "stacked": "rest", "piled": "rest", "arranged": "rest", "lined": "rest", "stop": "rest",
    "stops": "rest", "stopping": "rest", "stopped": "rest", "halt": "rest", "halts": "rest",
    "settle": "rest", "settles": "rest", "settling": "rest",
    "pull": "roll", "pulls": "roll", "pulled": "roll", "pulling": "roll", "shatter": "fall",
    "shatters": "fall", "shattering": "fall", "bump": "hit", "bumps": "hit",
    "bumping": "hit", "bumped": "hit", "nudge": "hit", "nudges": "hit", "nudged": "hit", "tap": "hit",
    "started": "knock", "trigger": "knock", "triggers": "knock",
    "triggered": "knock", "set_off": "knock", "float": "fall", "floats": "fall", "floating": "fall",
    "drift": "fall", "drifts": "fall", "drifting": "fall", "taps": "hit", "tapped": "hit", "crush": "hit", "crushes": "hit", "crushing": "hit", "crushed": "hit", "skim": "slide", "skims": "slide", "spirals": "roll", "spiralling": "roll",
    "spiraling": "roll", "serve": "throw", "serves": "throw", "served": "throw", "pitch": "throw",
    "pitches": "throw", "pitched": "throw", "bowls_at": "throw", "ski": "slide", "skis": "slide", "skips": "slide", "skipping": "slide", "skipped": "slide",
    "dribble": "bounce", "dribbles": "bounce", "dribbled": "bounce", "dribbling": "bounce",
    "skiing": "slide", "sled": "slide", "sleds": "slide", "sledding": "slide", "skate": "slide",
    "skates": "slide", "skating": "slide", "glide_into": "slide",
    "destroyed": "knock", "demolished": "knock", "wrecked": "knock",
    "flatten": "knock", "flattens": "knock", "flattening": "knock", "flattened": "knock",
    "obliterate": "knock", "obliterates": "knock", "obliterated": "knock", "topples_over": "topple",
    "batter": "hit", "batters": "hit", "battering": "hit", "battered": "hit", "plow": "knock",
    "plows": "knock", "ploughs": "knock", "plough": "knock", "plowed": "knock", "ploughed": "knock",
}  # fmt: skip
PASSIVE_PARTICIPLES = {
    "started", "triggered", "set_off", "hurled", "thrown", "tossed", "launched", "fired", "kicked",
    "knocked", "hit", "struck", "smashed", "pushed", "toppled", "slammed", "rammed", "bowled",
    "shoved", "demolished", "destroyed", "wrecked", "crushed", "scattered", "tipped", "bashed",
    "flattened", "bumped", "crashed", "bombarded", "pelted", "nudged", "tapped", "obliterated",
    "battered", "plowed", "ploughed", "shot",
}  # fmt: skip

PREPOSITIONS = {
    "on": "on", "onto": "on", "upon": "on", "atop": "on", "on_top_of": "on", "over": "over",
    "above": "above", "into": "into", "in": "in", "inside": "in", "within": "in", "at": "at",
    "toward": "at", "towards": "at", "against": "at", "down": "down", "up": "up", "off": "off",
    "from": "from", "across": "across", "along": "along", "through": "across", "past": "across",
    "under": "under", "underneath": "under", "beneath": "under", "below": "under",
    "next_to": "beside", "beside": "beside", "near": "beside", "by": "by", "alongside": "beside",
    "behind": "behind", "in_front_of": "front", "before": "front", "around": "around",
    "between": "between", "left_of": "beside", "right_of": "beside", "to": "to", "onto_the": "on",
    "among": "in", "amongst": "in", "beyond": "behind", "opposite": "opposite", "facing": "opposite",
    "with": "with", "without": "without",
}  # fmt: skip

# Multi-word phrases folded into one token before parsing.
PHRASES = {
    "next to": "next_to", "on top of": "on_top_of", "in front of": "in_front_of",
    "to the left of": "left_of", "to the right of": "right_of", "left of": "left_of",
    "right of": "right_of", "head on": "head_on", "head-on": "head_on", "headon": "head_on",
    "each other": "each_other", "one another": "each_other", "knocks over": "knocks",
    "knock over": "knock", "knocked over": "knocked", "knocking over": "knocking",
    "knocks down": "knocks", "knock down": "knock", "knocked down": "knocked",
    "knocking down": "knocking", "falls over": "topples", "fall over": "topple",
    "falling over": "toppling", "fell over": "toppled", "tips over": "topples",
    "tipping over": "toppling", "tipped over": "toppled", "topples over": "topples",
    "toppling over": "toppling", "falls down": "topples", "falling down": "toppling",
    "comes down": "topples", "coming down": "toppling", "lots of": "lots", "a lot of": "lots",
    "a bunch of": "bunch", "a pile of": "pile of", "different sizes": "varied_sizes", "various sizes": "varied_sizes", "all sizes": "varied_sizes",
    "different shapes and sizes": "varied_sizes", "random sizes": "varied_sizes", "different colours": "different",
    "different colors": "different", "various colours": "different", "various colors": "different",
    "all colours": "different", "all colors": "different", "every colour": "different",
    "every color": "different", "chain reaction": "chain_reaction", "domino effect": "chain_reaction",
    "on its own": "", "by itself": "", "in turn": "", "one by one": "", "one after another": "",
    "one after the other": "", "at rest": "still", "side by side": "side_by_side",
    "in a row": "in_row", "in a line": "in_row", "in line": "in_row", "lined up": "in_row",
    "at an angle": "angled", "at right angles": "perpendicular", "from the side": "perpendicular",
    "ping pong": "ping pong", "table tennis": "ping pong", "newton's": "newtons",
    "newton s": "newtons", "see-saw": "seesaw", "teeter-totter": "seesaw",
    "per second": "per_second", "per hour": "per_hour", "miles per hour": "mph",
    "kilometres per hour": "km/h", "kilometers per hour": "km/h", "metres per second": "m/s",
    "meters per second": "m/s", "as big as": "as_big", "as large as": "as_big",
    "times bigger": "times_bigger", "times larger": "times_bigger", "times as big": "times_bigger",
    "times as large": "times_bigger", "times smaller": "times_smaller", "bounce off": "bounces",
    "bounces off": "bounces", "bouncing off": "bouncing",

    "all over": "everywhere", "here and there": "everywhere", "free fall": "falling",
    "free-falling": "falling", "free falling": "falling", "straight down": "down",
    "from above": "above_fall", "from a height": "from_height", "high up": "high",
    "up high": "high", "in mid air": "high", "in the air": "high", "mid-air": "high",
    "at the bottom of": "at_foot_of", "at the foot of": "at_foot_of", "at the end of": "at_foot_of",
    "at the base of": "at_foot_of", "at the top of": "on_top_of", "at the bottom": "at_foot",
    "at the end": "at_foot", "at the foot": "at_foot", "criss cross": "crisscross",
    "out of": "of", "made of": "of", "made from": "of", "made out of": "of", "built from": "of",
    "built out of": "of", "built of": "of", "consisting of": "of", "composed of": "of", "set off": "set_off", "bowling alley": "", "slow motion": "slowly", "sets off": "set_off", "setting off": "set_off", "different lengths": "varied_sizes",
    "criss-cross": "crisscross", "jenga style": "jenga", "jenga-style": "jenga",
    "downhill": "down hill", "uphill": "up hill", "from a cannon": "fast", "out of a cannon": "fast",
    "acts as": "as", "act as": "as", "acting as": "as", "serves as": "as",
    "at high speed": "fast", "at full speed": "fast", "at top speed": "fast", "at great speed": "fast",
    "at speed": "fast", "high speed": "fast", "full speed": "fast", "top speed": "fast",
    "at low speed": "slowly", "low speed": "slowly", "at a crawl": "slowly",
    "from the same height": "from_height", "the same height": "from_height", "same height": "from_height",
    "from a great height": "from_height", "from height": "from_height",
    "on hinges": "hinged", "on a hinge": "hinged", "on its hinges": "hinged", "with hinges": "hinged",
    "from the ceiling": "from_ceiling", "from a ceiling": "from_ceiling", "from the roof": "from_ceiling",
    "from a beam": "from_ceiling", "from the beam": "from_ceiling", "from a hook": "from_ceiling",
    "from a crane": "from_ceiling", "from a crossbar": "from_ceiling",
}  # fmt: skip

# Words that carry no meaning for the plan (never reported as not understood).
STOP_WORDS = {
    "the", "a", "an", "of", "and", "with", "is", "are", "was", "were", "be", "being", "been",
    "that", "which", "who", "then", "while", "as", "it", "its", "they", "them", "their", "these",
    "those", "this", "there", "here", "some", "each", "every", "all", "other", "another", "so",
    "very", "really", "just", "also", "too", "where", "when", "after", "before", "until", "till",
    "and_then", "scene", "simulation", "simulate", "show", "me", "please", "make", "create",
    "want", "i", "we", "you", "see", "watch", "can", "could", "would", "should", "will", "shall",
    "one", "ones", "first", "next", "last", "finally", "eventually", "slightly", "bit",
    "kind", "sort", "type", "like", "look", "looks", "looking", "made", "out", "have", "has", "had",
    "having", "get", "gets", "getting", "got", "let", "lets", "s", "both", "either", "lot",
    "whole", "entire", "together", "around", "way", "up", "down", "side", "end", "top", "bottom",
    "middle", "centre", "center", "front", "back", "edge", "corner", "still", "now", "again",
    "straight", "directly", "right", "left", "into", "onto", "to", "at", "on", "in", "by", "for",
    "from", "or", "but", "than", "what", "how", "because", "causing", "causes", "cause", "caused",
    "sending", "makes", "making", "whose", "do", "does", "did", "doing", "itself",
    "themselves", "thing", "things", "object", "objects", "any", "same", "stuff",
    "arranged", "placed", "positioned", "standing", "upright", "vertical", "vertically", "flat",
    "horizontal", "horizontally", "neatly", "carefully", "perfectly", "evenly", "spaced", "apart",
    "close", "closely", "far", "away", "tightly", "loosely", "nearby", "almost", "nearly",
    "about", "approximately", "roughly", "perhaps", "maybe", "filled", "full", "empty",
    "each_other", "per_second", "per_hour", "in_row", "set", "group", "collection", "load",
    "side_by_side", "happens", "happen", "happened", "happening", "build", "builds", "building",
    "imagine", "picture", "suppose", "pattern", "patterns", "shape", "formation", "design", "arrangement", "setup", "gravity", "times", "twice", "thrice", "ground", "floor", "start", "starts", "starting", "begin", "begins", "beginning",
}  # fmt: skip
