"""Rewrite simulation/scene.schema.json from the pydantic scene models."""

from django.core.management.base import BaseCommand

from simulation.scene_schema import SCHEMA_PATH, scene_json_schema_text


class Command(BaseCommand):
    help = "Export the scene format's JSON Schema to simulation/scene.schema.json."

    def handle(self, *args: object, **options: object) -> None:
        SCHEMA_PATH.write_text(scene_json_schema_text())
        self.stdout.write(f"wrote {SCHEMA_PATH}")
