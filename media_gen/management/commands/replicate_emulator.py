"""Run the built-in Replicate emulator (demo mode's upstream) until interrupted."""

import os
import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from media_gen.emulator import Emulator, EmulatorConfig


def _size(value: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in value.lower().split("x"))
    except ValueError as exc:
        raise CommandError(f"Sizes look like 320x240, got {value!r}") from exc
    if not (8 <= width <= 4096 and 8 <= height <= 4096):
        raise CommandError("Sizes must be between 8 and 4096 pixels on each side")
    return width, height


class Command(BaseCommand):
    help = "Serve the Replicate emulator: Replicate's REST API with generated images, videos, audio and text."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument(
            "--start-delay", type=float, default=0.5, help="seconds a prediction spends starting"
        )
        parser.add_argument(
            "--run-delay", type=float, default=2.0, help="seconds a prediction spends processing"
        )
        parser.add_argument(
            "--image-size",
            default="512x512",
            help="images asked for no width/height; an aspect_ratio keeps this area",
        )
        parser.add_argument(
            "--video-size",
            default="320x192",
            help="videos asked for no width/height; a ratio keeps this area",
        )
        parser.add_argument(
            "--video-frames",
            type=int,
            default=24,
            help="frames when neither a length nor a duration is asked",
        )
        parser.add_argument("--video-fps", type=int, default=12, help="frame rate when none is asked")
        parser.add_argument("--webhook-secret", default="", help="whsec_... (generated when empty)")
        parser.add_argument(
            "--test-doubles",
            action="store_true",
            default=os.environ.get("REPLICATE_EMULATOR_TEST_DOUBLES", "") == "1",
            help="list the test doubles (emulator/bad-captioner, emulator/bad-music) in their "
            "collections and the model search; they always run by id "
            "(default: env REPLICATE_EMULATOR_TEST_DOUBLES=1)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        config = EmulatorConfig(
            host=options["host"],
            port=options["port"],
            start_delay=options["start_delay"],
            run_delay=options["run_delay"],
            image_size=_size(options["image_size"]),
            video_size=_size(options["video_size"]),
            video_frames=max(1, options["video_frames"]),
            video_fps=max(1, options["video_fps"]),
            webhook_secret=options["webhook_secret"],
            list_test_doubles=options["test_doubles"],
        )
        try:
            emulator = Emulator(config).start()
        except OSError as exc:
            raise CommandError(f"Cannot listen on {config.host}:{config.port}: {exc}") from exc
        self.stdout.write(
            f"Replicate emulator on {emulator.url} (faults: POST {emulator.url}/_emulator/faults)"
        )
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        stop.wait()
        emulator.stop()
        self.stdout.write("Replicate emulator stopped")
