"""Ninja schemas of this app. The scene itself is `simulation.scene_schema.Scene`."""

from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field

from simulation.scene_schema import Camera, Scene


class GenerateIn(Schema):
    prompt: str = Field(min_length=1, max_length=2000)


class PlanEventOut(Schema):
    event: str = Field(description="what the sentence says happens, e.g. 'the ball knocks over the pins'")
    happened: bool = Field(description="whether the headless simulation saw it happen")
    detail: str = Field(description="what the simulation measured")


class PlanCheckOut(Schema):
    ran: bool = Field(description="whether the scene was simulated (false: nothing to check, or no time)")
    passed: bool = Field(description="every event happened")
    attempts: int = Field(description="layouts simulated (free choices such as spacing are adjusted)")
    events: list[PlanEventOut]


class PlanOut(Schema):
    """How the sentence was read, what should happen, and what a headless simulation saw."""

    read_as: str
    will_happen: list[str] = Field(description="e.g. '10 dominoes in a row; the ball rolls into the first'")
    not_understood: list[str] = Field(description="words of the sentence that were not placed")
    check: PlanCheckOut
    sentence: str = Field("", description="what the plan was composed from; send it back to /api/refine")
    edits: list[str] = Field(default_factory=list, description="refinements applied to the plan since")


class GeneratedSceneOut(Scene):
    """The generated Scene plus the saved record's id and how the prompt was read."""

    model_config = ConfigDict(populate_by_name=True)

    saved_id: int = Field(alias="_id", description="id of the saved scene record")
    notes: list[str] = Field(alias="_notes", default_factory=list, description="how the prompt was read")
    generator: str = Field(alias="_model", description="the scene generator that answered")
    plan: PlanOut = Field(alias="_plan", description="the plan read from the prompt and its check")


class PlanSourceIn(Schema):
    sentence: str = Field("", max_length=2000)
    edits: list[str] = Field(default_factory=list, max_length=20)


class RefineIn(Schema):
    scene: Scene
    prompt: str = Field(
        min_length=1, max_length=2000, description="the instruction, e.g. 'make the ball blue'"
    )
    plan: PlanSourceIn | None = Field(
        None,
        description="the _plan of the scene (its sentence and edits): the change is then made to the plan "
        "and the scene composed and checked again, while the scene is still what the plan composes",
    )


class RefinedSceneOut(Scene):
    model_config = ConfigDict(populate_by_name=True)

    notes: list[str] = Field(alias="_notes", default_factory=list, description="what was changed")
    generator: str = Field(alias="_model", description="the scene generator that answered")
    plan: PlanOut = Field(alias="_plan", description="the edited plan and its check")


class ValidationFindingOut(Schema):
    severity: str
    message: str
    objects: list[str]


class ValidationDetailsOut(Schema):
    errors: list[ValidationFindingOut]
    warnings: list[ValidationFindingOut]
    object_count: int


class ValidateOut(Schema):
    valid: bool
    message: str
    details: ValidationDetailsOut


class SceneRecordOut(Schema):
    id: int
    name: str
    prompt: str
    scene_data: dict[str, Any] = Field(description="a Scene (see scene.schema.json)")
    model: str
    created_at: datetime
    updated_at: datetime
    metadata: dict[str, Any]


class SceneListOut(Schema):
    scenes: list[SceneRecordOut]
    total: int
    limit: int
    offset: int


class SceneSaveIn(Schema):
    scene: Scene
    prompt: str | None = Field(None, max_length=2000)
    name: str | None = Field(None, max_length=200)


class SuccessOut(Schema):
    success: bool
    message: str


class ModelsOut(Schema):
    models: list[str]


class RenderIn(Schema):
    scene: Scene
    duration: float = Field(5.0, description="seconds of simulated time")
    fps: int = 30
    resolution: list[int] = Field(default_factory=lambda: [1280, 720], min_length=2, max_length=2)
    quality: str = Field("draft", description="draft | standard | high (supersampling and motion blur)")
    camera_config: Camera | None = None
    scene_context: str | None = Field(None, max_length=2000)
    camera_move: str | None = Field(
        None,
        description='static | orbit | follow | dolly | editor; default "editor" when camera_config is sent, '
        'else "static". Every move starts from camera_config (else the scene\'s camera).',
    )
    ground_style: str | None = Field(
        None,
        description="checker | tiles | wood | concrete | plain; default the scene's groundStyle, else checker",
    )


class RenderQueuedOut(Schema):
    success: bool
    video_id: int
    status: str


class RenderMetadataOut(Schema):
    camera_config: dict[str, Any] | None
    renderer: str
    frames: int | None = None
    physics_steps: int | None = None
    seconds: dict[str, float] | None = None
    final_positions: dict[str, list[float]] | None = None


class RenderRecordOut(Schema):
    id: int
    scene_data: dict[str, Any] = Field(description="a Scene (see scene.schema.json)")
    # Never null: the original client decodes video_path as a required string ("" until stored).
    video_path: str = Field(description='the permanent /api/genesis/videos/{id}/data path; "" until stored')
    video_url: str = Field(description='the same as video_path; "" until stored')
    thumbnail_url: str | None
    quality: str
    duration: float
    fps: int
    resolution: str
    camera_move: str
    ground_style: str
    scene_context: str
    object_descriptions: list[str]
    status: str
    progress: float = Field(description="frames done / frames total, 0 to 1")
    frames_done: int
    frames_total: int
    error: str | None
    size_bytes: int | None
    created_at: datetime
    updated_at: datetime
    metadata: RenderMetadataOut
    derived_videos: list[int] = Field(
        default_factory=list, description="ids of the videos made from this render (POST .../to-video)"
    )
    video_prompt: str = Field(default="", description="the prompt a to-video request without one is sent")


class RenderListOut(Schema):
    success: bool
    videos: list[RenderRecordOut]
    total: int
    limit: int
    offset: int


class RenderOneOut(Schema):
    success: bool
    video: RenderRecordOut


class RenderDeletedOut(Schema):
    success: bool
    deleted: bool
