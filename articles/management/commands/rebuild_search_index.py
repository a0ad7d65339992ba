from django.core.management.base import BaseCommand
from django.db import transaction

from articles.search import index


class Command(BaseCommand):
    help = "Rebuild the search index of every article (in batches, with progress)."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database, **options):
        def progress(done):
            self.stdout.write(f"indexed {done} articles")

        with transaction.atomic(using=database):
            total = index.rebuild(using=database, progress=progress)
        self.stdout.write(
            self.style.SUCCESS(f"Search index rebuilt: {total} articles.")
        )
