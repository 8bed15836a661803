"""The prompt a render is sent to a video model with ("make it real"), written from its scene.

What a video model needs to turn flat shapes into a real scene: what the scene is about
(``scene_context``), what each body is (its description, else its shape), its colour and the
material it is drawn with (``simulation.render.looks``), and that the motion should stay as it is.
"""

from collections import Counter
from typing import Any

from simulation.models import Render
from simulation.render.looks import object_material
from simulation.scene_schema import SceneInvalid, SceneObject, scene_parse

PROMPT_MAX_CHARS = 1_500
OBJECTS_NAMED = 12
# Plain names for the colours people pick; the nearest one names a body's colour.
COLOUR_NAMES = {
    "black": (20, 20, 20),
    "white": (240, 240, 240),
    "grey": (128, 128, 128),
    "red": (220, 40, 40),
    "orange": (240, 140, 30),
    "yellow": (240, 220, 40),
    "green": (50, 170, 60),
    "blue": (40, 90, 220),
    "light blue": (120, 190, 240),
    "purple": (140, 60, 180),
    "pink": (240, 130, 180),
    "brown": (130, 80, 40),
}
SHAPE_NOUNS = {"Box": "box", "Sphere": "ball", "Cylinder": "cylinder", "Capsule": "capsule", "Cone": "cone"}


def colour_name(hex_colour: str) -> str:
    """The nearest plain colour name of ``#rrggbb``."""
    value = hex_colour.lstrip("#")
    try:
        rgb = tuple(int(value[i : i + 2], 16) for i in (0, 2, 4))
    except ValueError:
        return "grey"
    return min(
        COLOUR_NAMES, key=lambda name: sum((a - b) ** 2 for a, b in zip(COLOUR_NAMES[name], rgb, strict=True))
    )


def _object_phrase(obj: SceneObject) -> str:
    noun = (obj.description or "").strip().rstrip(".") or SHAPE_NOUNS.get(
        obj.visualProperties.shape, "object"
    )
    return f"{noun} ({colour_name(obj.visualProperties.color)}, {object_material(obj)})"


def _objects(scene_data: Any) -> list[SceneObject]:
    try:
        # By id: PostgreSQL's jsonb does not keep the keys' order, and the prompt must not change.
        return sorted(scene_parse(scene_data).objects.values(), key=lambda obj: obj.id)
    except SceneInvalid:
        return []  # an old render whose scene no longer parses still gets the context


def render_video_prompt(*, render: Render) -> str:
    """A prompt for an image- or video-to-video model, from the render's scene and context."""
    counted = Counter(_object_phrase(obj) for obj in _objects(render.scene_data))
    named = [
        f"{count}x {phrase}" if count > 1 else phrase for phrase, count in counted.most_common(OBJECTS_NAMED)
    ]
    more = sum(counted.values()) - sum(count for _, count in counted.most_common(OBJECTS_NAMED))
    if more:
        named.append(f"{more} more objects")
    parts = ["A photorealistic video of a physics scene"]
    context = render.scene_context.strip().rstrip(".")
    if context:
        parts[0] += f": {context}"
    if named:
        parts.append("In it: " + "; ".join(named))
    parts.append(
        "Real materials, natural light and soft shadows; keep the camera and every motion exactly as in the input"
    )
    return (". ".join(parts) + ".")[:PROMPT_MAX_CHARS]
