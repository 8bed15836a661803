"""Factories of the simulation app's rows."""

import factory

from simulation.models import Render, Scene
from tests.factories import UserFactory


def scene_json(*objects: dict, **extra) -> dict:
    return {"objects": {o["id"]: o for o in objects}, "selectedObject": None, **extra}


def body(
    object_id: str,
    *,
    position=(0.0, 0.5, 0.0),
    rotation=(0.0, 0.0, 0.0),
    scale=(1.0, 1.0, 1.0),
    shape: str = "Box",
    mass: float = 1.0,
    friction: float = 0.5,
    restitution: float = 0.3,
    color: str = "#e53935",
    **extra,
) -> dict:
    def vec(v):
        return {"x": v[0], "y": v[1], "z": v[2]}

    return {
        "id": object_id,
        "transform": {"position": vec(position), "rotation": vec(rotation), "scale": vec(scale)},
        "physicsProperties": {"mass": mass, "friction": friction, "restitution": restitution},
        "visualProperties": {"color": color, "shape": shape},
        **extra,
    }


class SceneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scene

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"scene {n}")
    prompt = "a red box"
    scene_data = factory.LazyFunction(lambda: scene_json(body("box")))
    model = "local-composer"


class RenderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Render

    owner = factory.SubFactory(UserFactory)
    scene_data = factory.LazyFunction(lambda: scene_json(body("box")))
    duration = 1.0
    fps = 10
    width = 160
    height = 90
    renderer = "mujoco-cpu"
    frames_total = 10
