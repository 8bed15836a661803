"""The scene provider interface: text in, a valid scene out (with notes on how the text was read)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings

LOCAL_PROVIDER_NAME = "local-composer"


@dataclass
class SceneResult:
    scene: dict[str, Any]
    generator: str
    notes: list[str] = field(default_factory=list)


class SceneProvider(Protocol):
    name: str

    def generate(self, *, prompt: str) -> SceneResult: ...

    def refine(self, *, scene: dict[str, Any], instruction: str) -> SceneResult: ...


class LocalProvider:
    """The rule-based composer and refiner: deterministic, no network."""

    name = LOCAL_PROVIDER_NAME

    def generate(self, *, prompt: str) -> SceneResult:
        from simulation.providers.composer import scene_compose

        composition = scene_compose(prompt=prompt)
        return SceneResult(scene=composition.scene, generator=self.name, notes=composition.notes)

    def refine(self, *, scene: dict[str, Any], instruction: str) -> SceneResult:
        from simulation.providers.refiner import scene_refine_locally

        refinement = scene_refine_locally(scene=scene, instruction=instruction)
        return SceneResult(scene=refinement.scene, generator=self.name, notes=refinement.notes)


def provider_get() -> SceneProvider:
    """The configured provider: the LLM when SCENE_PROVIDER is "llm" and LLM_BASE_URL is set."""
    if settings.SCENE_PROVIDER == "llm" and settings.LLM_BASE_URL:
        from simulation.providers.llm import LlmProvider

        return LlmProvider(
            base_url=settings.LLM_BASE_URL, api_key=settings.LLM_API_KEY, model=settings.LLM_MODEL
        )
    return LocalProvider()
