"""Give a developer a way into admin without a fixed default password."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Create (or reset) a local superuser with a fresh random password, "
        "and print it. "
        "Development only: refuses to run when DEBUG is off."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        if not settings.DEBUG:
            raise CommandError(
                "ensure_admin is for local development (DEBUG=1); "
                "use `manage.py createsuperuser` elsewhere."
            )
        password = secrets.token_urlsafe(12)
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"is_staff": True, "is_superuser": True}
        )
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(password)
        user.save()
        verb = "Created" if created else "Reset the password of"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} superuser '{username}'. "
                f"Log in at /admin/ with password: {password}"
            )
        )
