"""A batch import that must not slow down as the database grows.

    python bench/import_batch.py --pages 1000 [--database-url URL] [--chunk 100]

Writes ``--pages`` distinct pages of about 3,000 characters: the 北科院 seed with
its people, organizations, title and URL replaced by generated ones, so every
page brings new people, titles and organizations and the database grows with
each import (as a real feed does). Each page goes the way
``manage.py import_article`` sends it: ``extract_page`` with the database's
gazetteer, then ``services.article_import`` (one transaction). It prints pages
per second (of this process's CPU time, which a shared machine does not skew,
and of wall time) for each chunk of ``--chunk`` pages, and the last chunk's
CPU rate as a share of the first's: close to 1 means the import does not grow
with the data.

The database is a fresh, migrated SQLite file under ``var/bench/`` unless
``--database-url`` names one (created empty beforehand, e.g. with ``createdb``).
Not part of ``make test``.
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "sources" / "000_14f64c4529034942.txt"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = "伟建民晖东起锦文士林智平宇国亮力和俊益新勇钧敏静丽强磊军洋艳杰娟涛明超"
# Two-character provinces, one after another.
PLACES = "天津河北山西辽宁吉林江苏浙江安徽福建江西山东河南湖北湖南广东四川云南陕西甘肃"
# The seed's people and organizations, replaced on every page.
SEED_PEOPLE = ("刘晖", "伍建民", "杨东起", "邵锦文", "万士林", "施智平", "卢宇国")
SEED_PLACE = "北京市"
SEED_SHORT = "北科院"


def parse():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--chunk", type=int, default=100)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args()


def setup(database_url):
    if not database_url:
        folder = ROOT / "var" / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "import-batch.sqlite3"
        path.unlink(missing_ok=True)
        database_url = f"sqlite:///{path}"
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def pages(count, rng):
    """``count`` distinct scraped pages as bytes."""
    seed = SEED.read_text(encoding="utf-8")
    names = set()
    for number in range(count):
        at = 2 * (number % (len(PLACES) // 2))
        place = PLACES[at : at + 2]
        text = seed.replace(SEED_PLACE, place + "省").replace(
            SEED_SHORT, place[0] + "科院"
        )
        for old in SEED_PEOPLE:
            while True:
                name = rng.choice(SURNAMES) + "".join(
                    rng.sample(GIVEN, rng.choice((1, 2)))
                )
                if name not in names:
                    names.add(name)
                    break
            text = text.replace(old, name)
        text = text.replace(
            "2025年工作会议", f"2025年第{number + 1}次工作会议", 1
        ).replace("14f64c4529034942", f"{number:016x}")
        yield f"page-{number:05}.txt", text.encode("utf-8")


def main():
    args = parse()
    setup(args.database_url)
    from django.db import connection

    from articles.importer.extract import Gazetteer, extract_page
    from articles.models import Article, Organization, Person
    from articles.services import article_import

    rng = random.Random(args.seed)
    rates, started, done = [], time.perf_counter(), 0
    chunk_start, chunk_cpu = started, time.process_time()
    for name, data in pages(args.pages, rng):
        extraction = extract_page(data, filename=name, gazetteer=Gazetteer.for_text)
        article_import(extraction=extraction)
        done += 1
        if done % args.chunk == 0:
            now, cpu = time.perf_counter(), time.process_time()
            rates.append(args.chunk / (cpu - chunk_cpu))
            print(
                f"pages {done - args.chunk + 1:5}–{done:5}: {rates[-1]:6.1f} pages/s "
                f"of CPU ({args.chunk / (now - chunk_start):5.1f} of wall time) "
                f"(articles {Article.objects.count()}, people "
                f"{Person.objects.count()}, organizations "
                f"{Organization.objects.count()})",
                flush=True,
            )
            chunk_start, chunk_cpu = now, cpu
    total = time.perf_counter() - started
    print(
        f"{done} pages in {total:.1f} s ({done / total:.1f} pages/s) on "
        f"{connection.vendor}; last chunk / first chunk = "
        f"{rates[-1] / rates[0]:.2f}"
        if rates
        else f"{done} pages in {total:.1f} s"
    )


if __name__ == "__main__":
    main()
