"""Scene generation over any OpenAI-compatible chat API (`POST {base}/chat/completions`).

The model is asked for JSON matching the scene schema (joints included); the answer is validated
(structure and physics) and then checked by simulation (what is launched moves, nothing flies off);
one retry carries the validation errors or the failed check back; after that, or when the API
cannot be reached, the local composer answers with a note that says why.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import httpx

from simulation.providers.base import CheckReport, LocalProvider, PlanSummary, SceneResult
from simulation.providers.check import scene_check_by_simulation
from simulation.providers.lexicon import KINDS
from simulation.providers.parse import plan_parse
from simulation.scene_schema import scene_json_schema
from simulation.validation import scene_check

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 60.0
MAX_ANSWER_CHARACTERS = 400_000

SYSTEM_PROMPT = """You design rigid-body physics scenes for a simulator. Answer with one JSON object
only: a Scene that matches this JSON Schema. Y is up; the ground's top face is y = 0; units are
metres, kilograms and seconds. Each object's key in "objects" equals its "id". Shapes: "Box" (a unit
cube stretched by scale), "Sphere" (diameter scale.x; keep scale uniform), "Cylinder" (diameter
scale.x, height scale.y, axis Y). Rotation is Euler XYZ in radians. mass 0 makes an object static.
No two objects may overlap at the start and nothing may start below the ground. Choose colours as
"#rrggbb". Include a "camera" that sees every object. Make described events happen: give moving
things a "linearVelocity" aimed at what they hit, put falling things above what they land on, stand
dominoes about half their height apart. Joints (top-level "joints": {id: {id, type: fixed | revolute |
spherical | prismatic | rope | spring, bodyA, bodyB (null = the world), anchorA (in bodyA's frame),
anchorB, axis, limits, motor, length, stiffness, damping}}) hold pendulums, hinges, chains and wheels.
Believable sizes (metres) and masses (kg) of everyday things: VOCABULARY.

JSON Schema:
"""


class LlmError(Exception):
    pass


def _extract_json(content: str) -> Any:
    text = content.strip()
    fenced = re.search(r"```(?:json)?\s*(.*?)```", text, re.DOTALL)
    if fenced:
        text = fenced.group(1).strip()
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise LlmError(f"the answer is not valid JSON ({exc.msg} at character {exc.pos})") from exc
    if isinstance(data, dict) and "objects" not in data and isinstance(data.get("scene"), dict):
        data = data["scene"]
    return data


class LlmProvider:
    def __init__(
        self, *, base_url: str, api_key: str, model: str, transport: httpx.BaseTransport | None = None
    ):
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.model = model
        self.name = f"llm:{model}"
        self.transport = transport
        self.local = LocalProvider()
        self.request_text = ""

    def _chat(self, messages: list[dict[str, str]]) -> str:
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        body = {
            "model": self.model,
            "messages": messages,
            "temperature": 0.2,
            "response_format": {"type": "json_object"},
        }
        try:
            with httpx.Client(timeout=TIMEOUT_SECONDS, transport=self.transport) as client:
                response = client.post(f"{self.base_url}/chat/completions", json=body, headers=headers)
        except httpx.HTTPError as exc:
            raise LlmError(f"the language model could not be reached ({type(exc).__name__})") from exc
        if response.status_code != 200:
            raise LlmError(f"the language model answered HTTP {response.status_code}")
        try:
            content = response.json()["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise LlmError("the language model's reply is not a chat completion") from exc
        if not isinstance(content, str) or not content.strip():
            raise LlmError("the language model's reply is empty")
        if len(content) > MAX_ANSWER_CHARACTERS:
            raise LlmError("the language model's answer is too long")
        return content

    def _ask(self, messages: list[dict[str, str]]) -> SceneResult:
        """Ask, validate, retry once with the errors; raise LlmError when both answers fail."""
        problems = ""
        for attempt in (1, 2):
            content = self._chat(messages)
            try:
                data = _extract_json(content)
                report = scene_check(data)
                if report.valid:
                    scene = report.scene.to_json()
                    plan = plan_parse(self.request_text) if self.request_text else None
                    passed, events = scene_check_by_simulation(scene, plan=plan)
                    if passed:
                        notes = [f"Generated by {self.model}."] + [
                            f"Warning: {w.message}" for w in report.warnings
                        ]
                        if attempt == 2:
                            notes.append("The first answer was invalid; the corrected one was used.")
                        check = CheckReport(ran=bool(events), attempts=attempt, events=events)
                        return SceneResult(
                            scene=scene, generator=self.name, notes=notes, plan=self._summary(check)
                        )
                    problems = "the check by simulation failed: " + "; ".join(
                        f"{e.event} did not happen ({e.detail})" for e in events if not e.happened
                    )
                else:
                    problems = "; ".join(f.message for f in report.errors[:20])
            except LlmError as exc:
                problems = str(exc)
            logger.info("LLM scene attempt %s invalid: %s", attempt, problems)
            messages = [
                *messages,
                {"role": "assistant", "content": content[:20_000]},
                {
                    "role": "user",
                    "content": f"That answer is not a valid scene: {problems}. "
                    "Answer again with the whole corrected Scene as one JSON object.",
                },
            ]
        raise LlmError(f"the language model's answers were not valid scenes ({problems})")

    def _system(self) -> dict[str, str]:
        schema = json.dumps(scene_json_schema(), separators=(",", ":"))
        vocabulary = "; ".join(
            f"{k.name} {k.shape} {'x'.join(f'{v:g}' for v in k.size)} m {k.mass:g} kg"
            for k in KINDS.values()
            if k.shape in {"Box", "Sphere", "Cylinder"}
        )
        return {"role": "system", "content": SYSTEM_PROMPT.replace("VOCABULARY", vocabulary) + schema}

    def _summary(self, check: CheckReport) -> PlanSummary:
        plan = plan_parse(self.request_text)
        return PlanSummary(
            read_as=plan.read_as(),
            will_happen=[plan.event_text(e) for e in plan.events],
            not_understood=[],
            check=check,
        )

    def generate(self, *, prompt: str) -> SceneResult:
        self.request_text = prompt
        try:
            return self._ask(
                [self._system(), {"role": "user", "content": f"Describe this as a Scene: {prompt}"}]
            )
        except LlmError as exc:
            fallback = self.local.generate(prompt=prompt)
            fallback.notes.insert(0, f"Used the local composer because {exc}.")
            return fallback

    def refine(
        self, *, scene: dict[str, Any], instruction: str, plan: dict[str, Any] | None = None
    ) -> SceneResult:
        self.request_text = instruction
        current = json.dumps(scene, separators=(",", ":"))
        try:
            return self._ask(
                [
                    self._system(),
                    {
                        "role": "user",
                        "content": f"Here is a Scene:\n{current}\nApply this change and answer with the "
                        f"whole new Scene: {instruction}",
                    },
                ]
            )
        except LlmError as exc:
            fallback = self.local.refine(scene=scene, instruction=instruction, plan=plan)
            fallback.notes.insert(0, f"Used the local refiner because {exc}.")
            return fallback
