import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


def openapi_document() -> dict:
    from webroot.api import api

    return api.get_openapi_schema(path_prefix="/api/")


def openapi_text() -> str:
    return json.dumps(openapi_document(), indent=2, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = "Write the API's OpenAPI document to frontend/openapi.json (the frontend's types come from it)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "frontend" / "openapi.json"))

    def handle(self, *args, **options) -> None:
        Path(options["output"]).write_text(openapi_text())
        self.stdout.write(f"Wrote {options['output']}")
