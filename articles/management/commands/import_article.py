"""Import scraped pages: ``manage.py import_article PATH... [--dry-run] [--json]
[--publish]``.

Each page is imported on its own, in its own transaction: a page the importer
refuses (empty, binary, no Chinese text, no body, too large, or a conflict with
an article edited since an earlier import) is reported and the batch goes on;
the command exits non-zero when any page failed. Without ``--dry-run`` each page
becomes a draft article (published with ``--publish``). With ``--json`` every
page gives one JSON object on one line (the importer's contract, plus ``file``
and, when saved, ``import``); a page that failed gives
``{"file", "error": {"code", "message"}}``.
"""

import json
import sys
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from articles.importer.errors import ImportRefused
from articles.importer.extract import Gazetteer, extract_page
from articles.importer.page import MAX_BYTES, too_large
from articles.services import article_import

# Folders are read for pages with these endings (scraped text or HTML).
PAGE_SUFFIXES = {".txt", ".text", ".html", ".htm", ".shtml", ".xhtml"}


class Command(BaseCommand):
    help = "Import scraped article pages (plain text or HTML) with their structure."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="files, folders, or - for stdin")
        parser.add_argument(
            "--dry-run", action="store_true", help="extract only; write nothing"
        )
        parser.add_argument(
            "--json", action="store_true", help="print each page's extraction as JSON"
        )
        parser.add_argument(
            "--publish", action="store_true", help="publish the imported articles"
        )

    def handle(self, *args, paths, dry_run, publish, **options):
        print_json = options["json"]
        if dry_run and publish:
            raise CommandError(
                _("--publish cannot be combined with --dry-run, which writes nothing.")
            )
        failed = 0
        for name, data in self._sources(paths):
            saved = None
            try:
                if isinstance(data, ImportRefused):
                    raise data
                extraction = extract_page(
                    data, filename=name, gazetteer=Gazetteer.for_text
                )
                if not dry_run:
                    saved = article_import(extraction=extraction, publish=publish)
            except (ImportRefused, PermissionDenied, ValidationError) as error:
                failed += 1
                self._report_failure(name, error, print_json)
                continue
            if print_json:
                output = {"file": name, **extraction.as_json()}
                if saved is not None:
                    output["import"] = saved.as_json()
                self.stdout.write(_dumps(output))
            else:
                self._report_success(name, extraction, saved)
        if failed:
            raise CommandError(
                ngettext(
                    "%(count)d page was not imported.",
                    "%(count)d pages were not imported.",
                    failed,
                )
                % {"count": failed},
                returncode=1,
            )

    def _report_failure(self, name, error, print_json):
        code = getattr(error, "code", None) or "invalid"
        message = str(error)
        if isinstance(error, ValidationError):
            message = _("Invalid data, nothing was saved: %(errors)s") % {
                "errors": "; ".join(error.messages)
            }
        elif isinstance(error, PermissionDenied):
            code = "permission"
        if print_json:
            self.stdout.write(
                _dumps({"file": name, "error": {"code": code, "message": message}})
            )
        self.stderr.write(f"✗ {name}: {message}")

    def _report_success(self, name, extraction, saved):
        page = extraction.page
        counts = _(
            "%(paragraphs)d paragraphs, %(persons)d people, "
            "%(organizations)d organizations, %(directives)d directives"
        ) % {
            "paragraphs": len(page.paragraphs),
            "persons": len(extraction.persons),
            "organizations": len(extraction.organizations),
            "directives": len(extraction.directives),
        }
        if saved is None:
            outcome = _("dry run, nothing saved")
        else:
            article = saved.article
            published = article.status == article.Status.PUBLISHED
            if saved.created:
                outcome = (
                    _("new article #%(id)s") if published else _("new draft #%(id)s")
                )
            else:
                outcome = _("updated draft #%(id)s")
            outcome %= {"id": article.pk}
        title = page.title or _("(no headline)")
        self.stdout.write(f"✓ {name}: {title} — {counts} ({outcome})")
        if saved is not None:
            for label, names in (
                (_("new people"), saved.new_people),
                (_("new organizations"), saved.new_organizations),
                (_("new positions"), saved.new_positions),
            ):
                if names:
                    self.stdout.write(f"  + {label}: " + "、".join(names))
        warnings = page.warnings + extraction.warnings
        warnings += saved.warnings if saved is not None else []
        for warning in warnings:
            self.stdout.write(f"  ! {warning}")

    def _sources(self, paths):
        """``(name, bytes)`` for every page named; ``(name, ImportRefused)`` when
        a path cannot be read, so that the rest of the batch still runs."""
        stdin_read = False
        for name in paths:
            if name == "-":
                if stdin_read:
                    continue
                stdin_read = True
                yield "-", sys.stdin.buffer.read()
                continue
            path = Path(name)
            if path.is_dir():
                children = sorted(
                    child
                    for child in path.rglob("*")
                    if child.is_file()
                    and child.suffix.lower() in PAGE_SUFFIXES
                    and not child.name.startswith(".")
                )
                if not children:
                    yield (
                        name,
                        ImportRefused(
                            _("The folder holds no page files: %(name)s")
                            % {"name": name},
                            code="empty",
                        ),
                    )
                for child in children:
                    yield from _read(child)
            else:
                yield from _read(path)


def _read(path):
    try:
        if path.stat().st_size > MAX_BYTES:
            # Refused without reading it all into memory.
            yield str(path), too_large(path.stat().st_size)
            return
        yield str(path), path.read_bytes()
    except FileNotFoundError:
        yield (
            str(path),
            ImportRefused(
                _("No such file: %(path)s") % {"path": path}, code="not_found"
            ),
        )
    except OSError as error:
        yield (
            str(path),
            ImportRefused(
                _("The file %(path)s cannot be read: %(error)s")
                % {"path": path, "error": error.strerror},
                code="unreadable",
            ),
        )


def _dumps(value):
    return json.dumps(value, ensure_ascii=False)
