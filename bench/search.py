#!/usr/bin/env python
"""Search latency per query class on a generated corpus (not part of ``make test``).

    createdb -h 127.0.0.1 -U postgres nr_search_bench        # once
    .venv/bin/python bench/search.py --articles 10000         # generates if needed

Builds the corpus with ``generate.py`` (bulk) when the database does not hold
``--articles`` articles, then runs a fixed query set per class (2-char, 3-char,
4+-char, alias, person, Traditional, two words, no hit), once untimed to warm
the caches and then ``--repeat`` times, through
``articles.search`` as the search page does (first page of 10 plus the count)
and prints p50/p95 per class in milliseconds. The index is (re)built when it
does not cover every article, and its build time and size are printed. With
``--baseline`` the same queries also run as a plain ``icontains`` scan over
title, lede and body (the search before the index) for comparison.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

CLASSES = {
    "2-char": ["会议", "科技", "创新", "人才"],
    "3-char": ["北科院", "研究所", "实验室"],
    "4+-char": ["科技创新", "工作会议", "高质量发展"],
    "alias": [],  # filled from the corpus: organizations' short forms
    "person": [],  # filled from the corpus: people's names
    "traditional": ["科技創新", "工作會議", "實驗室"],
    "two words": ["科技 创新", "会议 人才"],
    "no hit": ["量子引力波", "zzzz"],
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/nr_search_bench",
    )
    parser.add_argument("--baseline", action="store_true")
    args = parser.parse_args()
    os.environ.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        DATABASE_URL=args.database_url,
        SECRET_KEY="benchmark-only-secret-key-not-for-production",
        DEBUG="0",
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Q

    from articles import search
    from articles.models import Article, OrganizationAlias, Person, SearchEntry

    call_command("migrate", verbosity=0)
    if Article.objects.count() != args.articles:
        import generate

        started = time.perf_counter()
        generate.generate(args.articles)
        took = time.perf_counter() - started
        print(f"generated {args.articles} articles in {took:.1f} s")
    if SearchEntry.objects.count() != Article.objects.count():
        started = time.perf_counter()
        call_command("rebuild_search_index", verbosity=0)
        took = time.perf_counter() - started
        print(f"indexed {Article.objects.count()} articles in {took:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_size_pretty(pg_total_relation_size('articles_searchentry')),"
                " pg_size_pretty(pg_relation_size('articles_searchentry_vector_gin'))"
            )
            table, gin = cursor.fetchone()
        print(f"index: table with text and vectors {table}, GIN {gin}")

    def baseline(queryset, query):
        for word in query.split():
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(lede__icontains=word)
                | Q(body__icontains=word)
            )
        return queryset.order_by("-published_at")

    engines = [("index", search.search_articles)]
    if args.baseline:
        engines.append(("icontains", baseline))
    CLASSES["alias"] = list(
        OrganizationAlias.objects.values_list("name", flat=True)[:4]
    )
    CLASSES["person"] = list(Person.objects.values_list("name", flat=True)[:4])
    published = Article.objects.published()
    print(f"{'engine':<10} {'class':<12} {'p50 ms':>8} {'p95 ms':>8}  queries")
    for engine, run in engines:
        for name, queries in CLASSES.items():
            # One untimed pass first: the first query after a restart reads
            # the index from disk, which no later one of a running site does.
            for query in queries:
                found = run(published, query)
                list(found[:10])
                found.count()
            timings = []
            for _ in range(args.repeat):
                for query in queries:
                    started = time.perf_counter()
                    found = run(published, query)
                    list(found[:10])
                    found.count()
                    timings.append((time.perf_counter() - started) * 1000)
            if not timings:
                continue
            timings.sort()
            p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
            print(
                f"{engine:<10} {name:<12} {statistics.median(timings):8.1f} "
                f"{p95:8.1f}  " + " ".join(queries)
            )


if __name__ == "__main__":
    main()
