"""Import scraped pages: ``manage.py import_article PATH... [--dry-run] [--json]``."""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.importer.extract import Gazetteer, extract_page


class Command(BaseCommand):
    help = "Import scraped article pages (plain text or HTML) with their structure."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="files, folders, or - for stdin")
        parser.add_argument(
            "--dry-run", action="store_true", help="extract only; write nothing"
        )
        parser.add_argument(
            "--json", action="store_true", help="print the extraction as JSON"
        )

    def handle(self, *args, paths, dry_run, **options):
        print_json = options["json"]
        if not dry_run:
            raise CommandError("Only --dry-run is implemented so far.")
        gazetteer = Gazetteer.from_database()
        for path, data in self._sources(paths):
            extraction = extract_page(data, filename=path, gazetteer=gazetteer)
            if print_json:
                self.stdout.write(_dumps(extraction.as_json()))

    def _sources(self, paths):
        for name in paths:
            if name == "-":
                yield "-", sys.stdin.buffer.read()
                continue
            path = Path(name)
            if path.is_dir():
                for child in sorted(p for p in path.iterdir() if p.is_file()):
                    yield str(child), child.read_bytes()
            elif path.is_file():
                yield str(path), path.read_bytes()
            else:
                raise CommandError(f"No such file: {name}")


def _dumps(value):
    return json.dumps(value, ensure_ascii=False, indent=1)
