#!/usr/bin/env python
"""The benchmark: every kind of page against a bare Django view, in one run.

    .venv/bin/python bench/run.py --articles 10000 --db postgres

Generates (once; again with ``--regenerate``) a newsroom of N articles in its own
database (PostgreSQL ``newsroom_perf_bench`` by default, or a SQLite file under
var/bench/), serves it with the production command (gunicorn, 2 sync workers,
DEBUG off, BENCH=1 for the reference views and the query counter), and drives each
scenario with wrk over many distinct URLs in three modes: ``uncached`` (the
response cache off, every fragment cold: each page's first render), ``warm`` (the
response cache off, after fetching every URL once and then one editor's write
elsewhere: what a reader meets after any write, when no page is cached but the
fragments of what did not change are) and ``cached`` (on, after fetching every
URL once). Prints req/s, p50/p99 latency, queries and bytes per request, and each
scenario's ratio to the reference view (uncached, warm) or to a fixed 10 KB
response (cached); the goals of issue 11 are checked at the end.
Results are also written to var/bench/<db>-<N>.json.
"""

import argparse
import base64
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote, unquote, urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LUA = Path(__file__).resolve().parent / "urls.lua"
OUT = ROOT / "var" / "bench"

# Scenario -> the scenario its ratio goal compares it with, and the goal.
GOALS = {
    "article": ("reference", 0.5),
    "person": ("article", 0.5),
    "organization": ("article", 0.5),
    "directives": ("article", 0.5),
    "home_deep": ("home", 0.8),
    "api_deep": ("api_list", 0.8),
    "api_expand": ("api_list", 0.5),
}
CACHED_GOAL = ("fixed", 0.8)
P99_GOAL_MS = 100


def parse():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument(
        "--database-url",
        help="PostgreSQL URL (default postgres://postgres@127.0.0.1:5432/"
        "newsroom_perf_bench)",
    )
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""))
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--duration", type=int, default=10, help="seconds per run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--urls", type=int, default=1000, help="URLs per scenario")
    parser.add_argument("--only", help="comma-separated scenarios to run")
    parser.add_argument("--modes", default="uncached,warm,cached")
    return parser.parse_args()


def environment(args):
    if args.db == "postgres":
        database_url = (
            args.database_url
            or "postgres://postgres@127.0.0.1:5432/newsroom_perf_bench"
        )
    else:
        OUT.mkdir(parents=True, exist_ok=True)
        database_url = f"sqlite:///{OUT / f'bench-{args.articles}.sqlite3'}"
    env = {
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "BENCH": "1",
        "DEBUG": "0",
        "SECRET_KEY": "benchmark-only-secret-key-not-for-production",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        "CONN_MAX_AGE": "600",
        "API_THROTTLE_ANON": "100000000/minute",
        "CACHE_KEY_PREFIX": f"bench-{os.getpid()}",
        "GUNICORN_MAX_REQUESTS": "0",
    }
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    return env


def prepare(args):
    """Migrate, generate N articles unless already there, collect static files."""
    import django

    django.setup()
    from django.core.management import call_command

    from articles.models import Article

    call_command("migrate", "--noinput", verbosity=0)
    if args.regenerate or Article.objects.count() != args.articles:
        from bench.generate import generate

        started = time.monotonic()
        generate(args.articles, out=lambda line: print(line, flush=True))
        print(f"generated in {time.monotonic() - started:.0f} s", flush=True)
    call_command("collectstatic", "--noinput", verbosity=0)


def cursor(position):
    """DRF's cursor for "after id ``position``" (see articles/api/pagination.py)."""
    return base64.b64encode(urlencode({"p": position}).encode()).decode()


def scenarios(args):
    """Each scenario's distinct URLs, drawn from the generated data."""
    from django.db.models import Exists, OuterRef

    from articles.models import Article, DirectiveSet, Organization, Person
    from articles.pagination import COUNT_LIMIT

    rng = random.Random(7)
    n = args.urls
    published = Article.objects.published()
    slugs = list(published.order_by("?").values_list("slug", flat=True)[:n])
    total = published.count()
    # The home page reaches the newest COUNT_LIMIT articles (the API every one).
    home_pages = max(1, (min(total, COUNT_LIMIT) + 9) // 10)
    api_pages = max(1, (total + 19) // 20)
    public_sets = DirectiveSet.objects.published()
    people = list(
        Person.objects.filter(Exists(public_sets.filter(issuer=OuterRef("pk"))))
        .order_by("?")
        .values_list("slug", "name")[:n]
    )
    orgs = list(
        Organization.objects.public().order_by("?").values_list("slug", "name")[:n]
    )
    # The directive filters offer only who issued and who received public sets.
    addressees = list(
        Organization.objects.filter(
            Exists(public_sets.filter(addressees=OuterRef("pk")))
        )
        .order_by("?")
        .values_list("slug", flat=True)[:n]
    )
    ids = list(published.order_by("?").values_list("pk", flat=True)[:n])
    years = sorted({d.year for d in published.dates("published_at", "year")})
    kinds = DirectiveSet.Kind.values
    expand = "people,organizations,credits,photos,directives"

    def directive_filters(i):
        person, org = people[i % len(people)], addressees[i % len(addressees)]
        options = [
            {"issuer": person[0]},
            {"addressee": org},
            {"year": rng.choice(years), "kind": rng.choice(kinds)},
            {"issuer": person[0], "year": rng.choice(years)},
            {"kind": rng.choice(kinds), "page": rng.randint(1, 50)},
        ]
        return urlencode(options[i % len(options)])

    words = [name for _, name in people[:200]] + [name for _, name in orgs[:200]]
    deep = range(max(1, home_pages * 9 // 10), home_pages + 1)
    api_deep = range(max(1, api_pages * 9 // 10), api_pages + 1)
    plan = {
        "reference": [f"/bench/reference/{quote(s)}/" for s in slugs],
        "fixed": ["/bench/fixed/"],
        "article": [f"/articles/{quote(s)}/" for s in slugs],
        "home": ["/"] + [f"/?page={p}" for p in range(2, min(home_pages, 20) + 1)],
        "home_deep": [f"/?page={p}" for p in deep][:n],
        "person": [f"/people/{quote(s)}/" for s, _ in people],
        "organization": [f"/organizations/{quote(s)}/" for s, _ in orgs],
        "directives": [f"/directives/?{directive_filters(i)}" for i in range(n)],
        "search": [f"/search/?{urlencode({'q': w})}" for w in words],
        "api_list": [
            f"/api/v1/articles/?page={p}" for p in range(1, min(api_pages, 20) + 1)
        ],
        # As many deep pages as first ones: an API page's items are kept in the
        # fragment cache whatever page shows them (``cache.Fragments``), so 300
        # deep pages against 20 first ones compared item-cache misses with hits.
        "api_deep": [
            f"/api/v1/articles/?page={p}"
            for p in api_deep[:: max(1, len(api_deep) // 20)][:20]
        ],
        "api_cursor": [
            f"/api/v1/articles/?pagination=cursor&cursor={quote(cursor(i))}"
            for i in ids
        ],
        "api_expand": [
            f"/api/v1/articles/?page={p}&expand={expand}"
            for p in range(1, min(api_pages, 20) + 1)
        ],
        "api_detail": [f"/api/v1/articles/{quote(s)}/" for s in slugs],
    }
    if args.only:
        wanted = set(args.only.split(",")) | {"reference", "fixed"}
        plan = {k: v for k, v in plan.items() if k in wanted}
    return plan


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """The production command, as `make serve` runs it."""

    def __init__(self, env, workers, cache_seconds):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "-c",
                "python:newsroom.gunicorn",
            ],
            cwd=ROOT,
            env={
                **os.environ,
                **env,
                "BIND": f"127.0.0.1:{self.port}",
                "WEB_CONCURRENCY": str(workers),
                "RESPONSE_CACHE_SECONDS": str(cache_seconds),
            },
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.base + "/bench/fixed/", timeout=5).read()
                return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise SystemExit("gunicorn did not start")

    def stop(self):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


def fetch(url):
    with urllib.request.urlopen(url, timeout=120) as response:
        body = response.read()
        return (
            response.status,
            int(response.headers.get("X-Queries", -1)),
            len(body),
            float(response.headers.get("X-CPU-ms", 0)),
        )


def sample(base, urls, count=20):
    """Mean queries, bytes and worker CPU ms per request over ``count`` URLs."""
    step = max(1, len(urls) // count)
    picked = urls[::step][:count]
    results = [fetch(base + url) for url in picked]
    bad = [url for url, r in zip(picked, results, strict=True) if r[0] != 200]
    if bad:
        raise SystemExit(f"not 200: {bad[:3]}")
    return tuple(sum(r[i] for r in results) / len(results) for i in (1, 2, 3))


def warm(base, plan, limit=30):
    """Fetch every URL once (at most ``limit`` seconds a scenario)."""
    for name, urls in plan.items():
        deadline = time.monotonic() + limit

        def once(url, deadline=deadline):
            if time.monotonic() < deadline:
                fetch(base + url)

        with ThreadPoolExecutor(4) as pool:
            list(pool.map(once, urls))
        if time.monotonic() >= deadline:
            print(f"  (warming {name} stopped after {limit} s)", flush=True)


def wrk(base, urls, args):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("\n".join(urls) + "\n")
    try:
        result = subprocess.run(
            [
                "wrk",
                f"-t{args.threads}",
                f"-c{args.connections}",
                f"-d{args.duration}s",
                "--timeout",
                "30s",
                "-s",
                str(LUA),
                base,
            ],
            env={**os.environ, "BENCH_URLS": handle.name},
            capture_output=True,
            text=True,
            timeout=args.duration + 120,
        )
    finally:
        os.unlink(handle.name)
    for line in result.stdout.splitlines():
        if line.startswith("BENCH "):
            return json.loads(line[6:])
    raise SystemExit(f"wrk failed: {result.stdout}\n{result.stderr}")


def write_elsewhere(plan):
    """An editor's write, as happens all day: a published article that no
    scenario reads gets a new title through the write path. Under one content
    generation it made every fragment a miss; records-scoped fragments of the
    pages that do not show it stay warm."""
    from articles import services
    from articles.models import Article

    shown = {unquote(url.split("/")[2]) for url in plan.get("article", [])}
    article = Article.objects.published().exclude(slug__in=shown).first()
    services.article_update(
        instance=article, data={"title": f"{article.title}(更新)"}, user=None
    )
    print(f"  wrote elsewhere: article {article.pk} retitled", flush=True)


def run_mode(mode, env, plan, args):
    server = Server(env, args.workers, 600 if mode == "cached" else 0)
    try:
        if mode in ("cached", "warm"):
            print("  warming the cache…", flush=True)
            warm(server.base, plan)
        if mode == "warm":
            write_elsewhere(plan)
        rows = {}
        for name, urls in plan.items():
            queries, size, cpu = sample(server.base, urls)
            stats = wrk(server.base, urls, args)
            stats.update(queries=queries, bytes=size, cpu=cpu, urls=len(urls))
            rows[name] = stats
            print(
                f"  {name:<13} {stats['rps']:8.1f} req/s  p50 {stats['p50']:7.1f} ms"
                f"  p99 {stats['p99']:7.1f} ms  {queries:5.1f} q  "
                f"{size / 1024:6.1f} KB  {cpu:6.2f} CPU ms  errors {stats['errors']}",
                flush=True,
            )
        return rows
    finally:
        server.stop()


def report(results, args):
    print()
    print(
        f"Newsroom benchmark: {args.articles} articles on {args.db}, gunicorn "
        f"{args.workers} sync workers, wrk {args.connections} connections, "
        f"{args.duration} s per scenario"
    )
    for mode, rows in results.items():
        floor = "fixed" if mode == "cached" else "reference"
        print(
            f"\n{mode} (ratio: req/s ÷ {floor}'s; cpu ratio: {floor}'s worker "
            "CPU time ÷ this one's, which the machine's other load hardly moves)"
        )
        print(
            f"  {'scenario':<13} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
            f"{'queries':>8} {'KB':>7} {'CPU ms':>7} {'ratio':>6} {'cpu r.':>6}"
        )
        for name, r in rows.items():
            ratio = r["rps"] / rows[floor]["rps"] if rows[floor]["rps"] else 0
            cpu_ratio = rows[floor]["cpu"] / r["cpu"] if r["cpu"] else 0
            print(
                f"  {name:<13} {r['rps']:8.1f} {r['p50']:8.1f} {r['p99']:8.1f} "
                f"{r['queries']:8.1f} {r['bytes'] / 1024:7.1f} {r['cpu']:7.2f} "
                f"{ratio:6.2f} {cpu_ratio:6.2f}"
            )
    print("\nGoals")
    for mode in ("uncached", "warm"):
        rows = results.get(mode, {})
        for name, (other, goal) in GOALS.items():
            if name in rows and other in rows:
                ratio = rows[name]["rps"] / rows[other]["rps"]
                cpu = rows[other]["cpu"] / max(rows[name]["cpu"], 0.01)
                mark = "ok " if ratio >= goal else "MISS"
                print(
                    f"  {mark} {mode} {name} ÷ {other}: {ratio:.2f} req/s, "
                    f"{cpu:.2f} by CPU time (goal ≥ {goal})"
                )
        for name, r in rows.items():
            if name not in ("fixed",) and r["p99"] >= P99_GOAL_MS:
                print(
                    f"  MISS {mode} {name} p99 {r['p99']:.0f} ms (goal < {P99_GOAL_MS})"
                )
    cached = results.get("cached", {})
    other, goal = CACHED_GOAL
    for name, r in cached.items():
        if name in ("reference", "fixed") or other not in cached:
            continue
        ratio = r["rps"] / cached[other]["rps"]
        mark = "ok " if ratio >= goal else "MISS"
        print(f"  {mark} cached {name} ÷ {other}: {ratio:.2f} (goal ≥ {goal})")


def main():
    # A stop (Ctrl-C, SIGTERM) unwinds through the servers' ``finally``.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    args = parse()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    env = environment(args)
    os.environ.update(env)
    prepare(args)
    plan = scenarios(args)
    from django.db import connections

    connections.close_all()
    results = {}
    for mode in args.modes.split(","):
        print(f"{mode}:", flush=True)
        results[mode] = run_mode(mode, env, plan, args)
    report(results, args)
    OUT.mkdir(parents=True, exist_ok=True)
    target = OUT / f"{args.db}-{args.articles}.json"
    target.write_text(json.dumps({"args": vars(args), "results": results}, indent=2))
    print(f"\nwritten to {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
