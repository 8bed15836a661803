"""Which scene provider answers: the one place that knows both the local composer and the LLM.

Kept apart from base.py so that llm.py (which builds on base's result types and local provider)
and base.py never import each other.
"""

from __future__ import annotations

from django.conf import settings

from simulation.providers.base import LocalProvider, SceneProvider


def provider_get() -> SceneProvider:
    """The configured provider: the LLM when SCENE_PROVIDER is "llm" and LLM_BASE_URL is set."""
    if settings.SCENE_PROVIDER == "llm" and settings.LLM_BASE_URL:
        from simulation.providers.llm import LlmProvider

        return LlmProvider(
            base_url=settings.LLM_BASE_URL, api_key=settings.LLM_API_KEY, model=settings.LLM_MODEL
        )
    return LocalProvider()
