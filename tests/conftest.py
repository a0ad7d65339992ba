"""Suite-wide switches: what runs where, and what may be skipped.

On a developer's machine, tests that need PostgreSQL or Chromium skip with a clear
reason when those are missing. CI sets REQUIRE_POSTGRES=1 and REQUIRE_BROWSER=1,
which turn each such skip into a failure.
"""

import os
import shutil

import pytest
from django.db import connection


def _required(name):
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def pytest_configure(config):
    if _required("REQUIRE_POSTGRES") and connection.vendor != "postgresql":
        raise pytest.UsageError(
            "REQUIRE_POSTGRES=1 but DATABASE_URL does not point at PostgreSQL "
            f"(engine: {connection.vendor})."
        )


def pytest_collection_modifyitems(config, items):
    on_postgres = connection.vendor == "postgresql"
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            if _required("REQUIRE_POSTGRES"):
                continue  # pytest_configure has already refused this run
            item.add_marker(
                pytest.mark.skip(
                    reason="needs PostgreSQL: set DATABASE_URL=postgres://… to run it"
                )
            )


@pytest.fixture(scope="session")
def chromium_path():
    """The system Chromium for browser tests, or a skip (a failure in CI)."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    missing = None
    if path is None:
        missing = "Chromium is not installed (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "Playwright for Python is not installed (pip install -e '.[dev]')"
    if missing:
        if _required("REQUIRE_BROWSER"):
            pytest.fail(f"REQUIRE_BROWSER=1 but {missing}")
        pytest.skip(f"browser test skipped: {missing}")
    return path


@pytest.fixture(autouse=True)
def _search_lookups_known(monkeypatch):
    """Search keeps two lookups per process for minutes (the tokens most entries
    hold, the date the newest entries start at), one query each when they
    expire. Each test starts with both known and empty, so a query count pins
    what every request asks and the search is the plain walk; the tests of
    those steps clear them."""
    import time

    from articles.search import index

    known = time.monotonic()
    monkeypatch.setattr(index, "_common", {"default": (known, frozenset())})
    monkeypatch.setattr(index, "_recent_since", {"default": (known, None)})
