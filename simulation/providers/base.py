"""The scene provider interface: text in, a valid scene out (with notes on how the text was read)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from simpoc.services import ServiceError

LOCAL_PROVIDER_NAME = "local-composer"


@dataclass
class EventOutcome:
    event: str
    happened: bool
    detail: str

    def as_json(self) -> dict[str, Any]:
        return {"event": self.event, "happened": self.happened, "detail": self.detail}


@dataclass
class CheckReport:
    """What a headless simulation of the scene saw of each event the plan promises."""

    ran: bool = False
    attempts: int = 0
    events: list[EventOutcome] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.ran and all(e.happened for e in self.events)

    def as_json(self) -> dict[str, Any]:
        return {
            "ran": self.ran,
            "passed": self.passed,
            "attempts": self.attempts,
            "events": [e.as_json() for e in self.events],
        }


@dataclass
class PlanSummary:
    """The `_plan` of /api/generate and /api/refine: how the text was read and what the check saw."""

    read_as: str = ""
    will_happen: list[str] = field(default_factory=list)
    not_understood: list[str] = field(default_factory=list)
    check: CheckReport = field(default_factory=CheckReport)
    sentence: str = ""  # what the plan was composed from ("" when it was not composed locally)
    edits: list[str] = field(default_factory=list)  # refinements applied to the plan since

    def as_json(self) -> dict[str, Any]:
        return {
            "read_as": self.read_as,
            "will_happen": list(self.will_happen),
            "not_understood": list(self.not_understood),
            "check": self.check.as_json(),
            "sentence": self.sentence,
            "edits": list(self.edits),
        }


@dataclass
class SceneResult:
    scene: dict[str, Any]
    generator: str
    notes: list[str] = field(default_factory=list)
    plan: PlanSummary = field(default_factory=PlanSummary)


class SceneProvider(Protocol):
    name: str

    def generate(self, *, prompt: str) -> SceneResult: ...

    def refine(
        self, *, scene: dict[str, Any], instruction: str, plan: dict[str, Any] | None = None
    ) -> SceneResult: ...


class LocalProvider:
    """The rule-based composer and refiner: deterministic, no network."""

    name = LOCAL_PROVIDER_NAME

    def generate(self, *, prompt: str) -> SceneResult:
        from simulation.providers.composer import NothingUnderstood, scene_compose

        try:
            composition = scene_compose(prompt=prompt)
        except NothingUnderstood as exc:
            raise ServiceError(str(exc), status_code=422) from exc
        return SceneResult(
            scene=composition.scene, generator=self.name, notes=composition.notes, plan=composition.summary
        )

    def refine(
        self, *, scene: dict[str, Any], instruction: str, plan: dict[str, Any] | None = None
    ) -> SceneResult:
        from simulation.providers.check import scene_check_by_simulation
        from simulation.providers.edit import plan_refine
        from simulation.providers.refiner import scene_refine_locally

        if plan and plan.get("sentence"):
            # Through the plan the scene was composed from, when the scene is still what it composes.
            refined = plan_refine(
                scene=scene,
                sentence=str(plan["sentence"]),
                edits=[str(e) for e in plan.get("edits") or []],
                instruction=instruction,
            )
            if refined is not None:
                composition, edits = refined
                composition.summary.edits = edits
                return SceneResult(
                    scene=composition.scene,
                    generator=self.name,
                    notes=composition.notes,
                    plan=composition.summary,
                )
        refinement = scene_refine_locally(scene=scene, instruction=instruction)
        passed, events = scene_check_by_simulation(refinement.scene)
        notes = list(refinement.notes)
        if not passed:
            notes.append(
                "The check by simulation did not see: "
                + "; ".join(f"{e.event} ({e.detail})" for e in events if not e.happened)
            )
        summary = PlanSummary(
            read_as="; ".join(refinement.notes),
            will_happen=[e.event for e in events],
            check=CheckReport(ran=bool(events), attempts=1, events=events),
        )
        return SceneResult(scene=refinement.scene, generator=self.name, notes=notes, plan=summary)
