"""Rewrite examples/physics/*.json, the physics parity vectors shared with the browser's tests."""

from django.core.management.base import BaseCommand

from simulation.parity import vectors_export


class Command(BaseCommand):
    help = "Recompute the shared physics test vectors (examples/physics/*.json) with the server's Rapier."

    def handle(self, *args: object, **options: object) -> None:
        for path in vectors_export():
            self.stdout.write(f"wrote {path}")
