"""``manage.py restore PATH``: load a backup into an empty database."""

from django.core.management.base import BaseCommand, CommandError

from newsroom.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore an archive written by `manage.py backup` into an empty, migrated "
        "database (all or nothing), then its media files into MEDIA_ROOT."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The archive written by `manage.py backup`.")

    def handle(self, *args, path, **options):
        try:
            manifest = restore_backup(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        total = sum(manifest["objects"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {total} objects and {manifest['media_files']} media files "
                f"from {path} (written {manifest['created']})."
            )
        )
