"""``manage.py backup PATH``: everything in one archive (see newsroom/backup.py)."""

from django.core.management.base import BaseCommand

from newsroom.backup import create_backup


class Command(BaseCommand):
    help = (
        "Export everything (articles and their structure, history, users and "
        "groups, media files) to one .tar.gz archive; restore it with "
        "`manage.py restore PATH`."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Where to write the archive (.tar.gz).")

    def handle(self, *args, path, **options):
        manifest = create_backup(path)
        total = sum(manifest["objects"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {path}: {total} objects, {manifest['media_files']} media files."
            )
        )
