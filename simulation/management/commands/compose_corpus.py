from django.core.management.base import BaseCommand, CommandParser

from simulation.providers.corpus import corpus_report, corpus_run


class Command(BaseCommand):
    help = "Compose and check every sentence of the composer's corpus; print the pass rate and each failure."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--split", choices=["tune", "held"], help="only this part of the corpus")
        parser.add_argument("--limit", type=int, help="only the first N sentences")

    def handle(self, *args, **options) -> None:
        results = corpus_run(split=options["split"], limit=options["limit"])
        self.stdout.write(corpus_report(results))
