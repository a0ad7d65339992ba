"""Import scraped pages: ``manage.py import_article PATH... [--dry-run] [--json]``.

Each file is read on its own: a page the importer refuses (empty, binary, no
Chinese text, no body, too large) is reported and the batch goes on; the
command exits non-zero when any page failed. With ``--json`` every page gives
one JSON object on one line (the importer's contract, plus ``file``); a page
that failed gives ``{"file", "error": {"code", "message"}}``.
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.importer.errors import ImportRefused
from articles.importer.extract import Gazetteer, extract_page
from articles.importer.page import MAX_BYTES, too_large

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
                "--publish 不能与 --dry-run 同时使用:预演不写入任何内容。"
            )
        if not dry_run:
            raise CommandError("保存导入的文章尚未实现:请先用 --dry-run 预览。")
        gazetteer = Gazetteer.from_database()
        failed = 0
        for name, data in self._sources(paths):
            if isinstance(data, ImportRefused):
                error = data
            else:
                try:
                    extraction = extract_page(data, filename=name, gazetteer=gazetteer)
                except ImportRefused as refused:
                    error = refused
                else:
                    error = None
            if error is not None:
                failed += 1
                self._report_failure(name, error, print_json)
                continue
            if print_json:
                self.stdout.write(_dumps({"file": name, **extraction.as_json()}))
            else:
                self._report_success(name, extraction)
        if failed:
            raise CommandError(f"{failed} 个页面未能导入。", returncode=1)

    def _report_failure(self, name, error, print_json):
        if print_json:
            self.stdout.write(
                _dumps(
                    {"file": name, "error": {"code": error.code, "message": str(error)}}
                )
            )
        self.stderr.write(f"✗ {name}: {error}")

    def _report_success(self, name, extraction):
        page = extraction.page
        line = (
            f"✓ {name}: {page.title or '(无标题)'} — {len(page.paragraphs)} 段,"
            f" {len(extraction.persons)} 人, {len(extraction.organizations)} 个机构,"
            f" {len(extraction.directives)} 条要求(预演,未保存)"
        )
        self.stdout.write(line)
        for warning in page.warnings + extraction.warnings:
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
                        ImportRefused(f"文件夹里没有页面文件: {name}", code="empty"),
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
        yield str(path), ImportRefused(f"找不到文件: {path}", code="not_found")
    except OSError as error:
        yield (
            str(path),
            ImportRefused(f"无法读取文件 {path}: {error.strerror}", code="unreadable"),
        )


def _dumps(value):
    return json.dumps(value, ensure_ascii=False)
