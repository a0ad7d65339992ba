#!/usr/bin/env python
"""EXPLAIN every query of every benchmark scenario on PostgreSQL.

    .venv/bin/python bench/explain.py --articles 10000   # data made by bench/run.py

Requests a few URLs of each scenario in-process, runs ``EXPLAIN (ANALYZE)`` on each
SELECT they issued, and prints, per scenario, the slowest query's time and every
sequential scan of a table that grows with the archive (articles, their sets,
directives, mentions, tags), which an index should have avoided.
"""

import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402  (bench/run.py: the same environment and scenarios)

GROWING = re.compile(
    r"Seq Scan on (articles_article\w*|articles_directive\w*|articles_\w*mention"
    r"|articles_credit|articles_photo)\b"
)


def main():
    sys.argv += ["--db", "postgres"] if "--db" not in sys.argv else []
    args = run.parse()
    args.urls = 3
    os.environ.update(run.environment(args), RESPONSE_CACHE_SECONDS="0")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    for name, urls in run.scenarios(args).items():
        worst, scans = 0.0, set()
        for url in urls[:3]:
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            for query in queries.captured_queries:
                sql = query["sql"]
                if not sql.lstrip().upper().startswith("SELECT"):
                    continue
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, FORMAT TEXT) " + sql)
                    plan = "\n".join(row[0] for row in cursor.fetchall())
                took = float(re.search(r"Execution Time: ([\d.]+)", plan).group(1))
                worst = max(worst, took)
                scans |= set(GROWING.findall(plan))
        found = ", ".join(sorted(scans)) or "none"
        print(f"{name:<13} slowest query {worst:7.2f} ms   seq scans: {found}")


if __name__ == "__main__":
    main()
