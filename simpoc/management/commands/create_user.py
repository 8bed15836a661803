import getpass
import secrets

from django.core.management.base import BaseCommand, CommandError, CommandParser

from simpoc.services import ServiceError, user_create


class Command(BaseCommand):
    help = "Create a user. Without --password a random one is generated and printed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--password", help="the password (otherwise generated, or asked with --prompt)")
        parser.add_argument("--prompt", action="store_true", help="ask for the password")
        parser.add_argument("--email", default="")
        parser.add_argument("--staff", action="store_true", help="may use the admin back office")
        parser.add_argument("--superuser", action="store_true", help="staff with every permission")

    def handle(self, *args, **options) -> None:
        password = options["password"]
        if options["prompt"]:
            password = getpass.getpass("Password: ")
        generated = not password
        password = password or secrets.token_urlsafe(12)
        try:
            user = user_create(
                username=options["username"],
                password=password,
                email=options["email"],
                is_staff=options["staff"] or options["superuser"],
                is_superuser=options["superuser"],
            )
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"Created user {user.get_username()!r}."))
        if generated:
            self.stdout.write(f"Password: {password}")
