import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Create (or reset) the demo user for a local run and print its credentials."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="demo")

    def handle(self, *args, **options) -> None:
        password_file = settings.DATA_DIR / "demo_password"
        try:
            password = password_file.read_text().strip()
        except FileNotFoundError:
            password = secrets.token_urlsafe(9)
            settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
            password_file.write_text(password)
            password_file.chmod(0o600)
        user, _ = get_user_model().objects.get_or_create(username=options["username"])
        user.is_staff = True
        user.is_superuser = True
        user.set_password(password)
        user.save()
        self.stdout.write(
            f"Demo user: {user.get_username()}  password: {password}  (staff; /admin works too)"
        )
