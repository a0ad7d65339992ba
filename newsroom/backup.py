"""Export everything to one archive, and restore it into an empty database.

The archive (``.tar.gz``) holds:

* ``manifest.json``: format version, creation time, object counts per model;
* ``data.json``: every row of every model worth keeping (articles and their
  structure, organizations, people, positions, directives, the history kept by
  django-reversion, the admin log, users, groups, API tokens), as ``dumpdata``
  writes it with natural keys for content types, permissions, users and groups,
  so it loads into any freshly migrated database whatever ids those got there;
* ``media/``: the uploaded files (``MEDIA_ROOT``).

Sessions, content types and permissions are left out (``migrate`` recreates the
last two; sessions are disposable), as are the login-attempt records of
django-axes. ``restore_backup`` loads the data in one transaction (a failed load
leaves the database as it was) and writes the media files only after the data
loaded.
"""

import datetime
import io
import json
import shutil
import tarfile
import tempfile
from collections import Counter
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

FORMAT_VERSION = 1
EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "axes",
    "articles.searchentry",  # derived: rebuilt from the articles after a restore
]


class BackupError(Exception):
    pass


def _excluded_labels():
    return [label for label in EXCLUDED if _label_installed(label)]


def _label_installed(label):
    app_label = label.split(".")[0]
    return apps.is_installed(app_label) or any(
        config.label == app_label for config in apps.get_app_configs()
    )


def dump_data(output):
    """Write every kept row to ``output`` (a path), with natural keys."""
    call_command(
        "dumpdata",
        exclude=_excluded_labels(),
        natural_foreign=True,
        natural_primary=True,
        indent=1,
        output=str(output),
        verbosity=0,
    )


def create_backup(path):
    """Write the archive to ``path``; returns the manifest."""
    path = Path(path)
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data.json"
        dump_data(data)
        rows = json.loads(data.read_text(encoding="utf-8"))
        media = (
            sorted(p for p in media_root.rglob("*") if p.is_file())
            if media_root.is_dir()
            else []
        )
        manifest = {
            "format": FORMAT_VERSION,
            "created": datetime.datetime.now(datetime.UTC).isoformat(),
            "objects": dict(sorted(Counter(row["model"] for row in rows).items())),
            "media_files": len(media),
        }
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            blob = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(blob)
            archive.addfile(info, io.BytesIO(blob))
            archive.add(data, arcname="data.json")
            for file in media:
                archive.add(file, arcname=f"media/{file.relative_to(media_root)}")
        partial.replace(path)  # never a half-written archive under the final name
    return manifest


def database_is_empty():
    """No content and no users: only what ``migrate`` creates."""
    models = [
        get_user_model(),
        *apps.get_app_config("articles").get_models(),
        apps.get_model("reversion", "Revision"),
    ]
    return not any(model._default_manager.exists() for model in models)


def _safe_members(archive):
    for member in archive.getmembers():
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts:
            raise BackupError(f"Unsafe path in the archive: {member.name}")
        if not (member.isfile() or member.isdir()):
            raise BackupError(f"Unexpected entry in the archive: {member.name}")
    return archive.getmembers()


def restore_backup(path):
    """Load the archive at ``path`` into an empty, migrated database."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No such backup file: {path}")
    if not database_is_empty():
        raise BackupError(
            "The database is not empty. Restore into a freshly migrated database "
            "(manage.py migrate on a new one)."
        )
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(path, "r:gz") as archive:
        archive.extractall(tmp, members=_safe_members(archive), filter="data")
        tmp = Path(tmp)
        try:
            manifest = json.loads((tmp / "manifest.json").read_text("utf-8"))
        except (FileNotFoundError, ValueError) as error:
            raise BackupError("This is not a Newsroom backup archive.") from error
        if manifest.get("format") != FORMAT_VERSION:
            raise BackupError(f"Unknown backup format: {manifest.get('format')!r}")
        # Media first: loading an image row reads its file (ImageField sizes).
        # If the load fails, the files copied here are taken away again.
        media = tmp / "media"
        copied = _copy_new_files(media, Path(settings.MEDIA_ROOT))
        try:
            with transaction.atomic():
                call_command("loaddata", str(tmp / "data.json"), verbosity=0)
        except BaseException:
            for file in copied:
                file.unlink(missing_ok=True)
            raise
    return manifest


def _copy_new_files(source, target):
    """Copy the files under ``source`` to ``target``; return those it created."""
    created = []
    if not source.is_dir():
        return created
    for file in sorted(p for p in source.rglob("*") if p.is_file()):
        destination = target / file.relative_to(source)
        if not destination.exists():
            created.append(destination)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(file, destination)
    return created
