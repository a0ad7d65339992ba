"""Several app servers: two gunicorn processes on one database and one Redis.

An edit made through one server shows at once on the other (page and API
response), and sessions, throttling budgets and cached responses are shared.
The servers use the suite's PostgreSQL test database when the suite runs on
PostgreSQL, and a SQLite file of their own otherwise.
"""

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
import redis
from django.db import connection

from tests.windows import start_well_inside_a_day

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
ARTICLE = "/articles/bjast-2025-work-conference/"
API_ARTICLE = "/api/v1/articles/bjast-2025-work-conference/"
API_PERSON = "/api/v1/people/liu-hui/"

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"),
        reason="needs Redis: set REDIS_URL=redis://127.0.0.1:6379/1 to run it",
    ),
    pytest.mark.django_db(transaction=True),
]

SETUP = """
from django.contrib.auth import get_user_model
from django.core.management import call_command
from rest_framework.authtoken.models import Token
call_command("loaddata", "newsroom", verbosity=0)
user = get_user_model().objects.create_superuser("chief", password="chief-secret-1")
print(Token.objects.create(user=user).key)
"""

# A change that bypasses the write path, so only a cached response can hide it.
SILENT_CHANGE = """
from articles.models import Person
Person.objects.filter(slug="liu-hui").update(description="不经写入路径的修改")
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def environment(tmp_path):
    """The servers' environment: one database, one Redis, a fresh key prefix."""
    if connection.vendor == "postgresql":
        settings_dict = connection.settings_dict
        database_url = (
            f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:"
            f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"
        )
    else:
        database_url = f"sqlite:///{tmp_path / 'servers.sqlite3'}"
    prefix = f"test-servers-{uuid.uuid4().hex}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DEBUG": "1",
        "SECRET_KEY": "two-servers-test-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "CACHE_KEY_PREFIX": prefix,
        "RESPONSE_CACHE_SECONDS": "600",
        "API_THROTTLE_ANON": "1000/minute",
        "CONN_MAX_AGE": "60",
    }
    if connection.vendor != "postgresql":
        manage(env, "migrate", "--noinput", "--verbosity", "0")
    yield env
    client = redis.Redis.from_url(env["REDIS_URL"])
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)


def manage(env, *args, code=None):
    command = [sys.executable, "manage.py", *args]
    if code is not None:
        command = [sys.executable, "manage.py", "shell", "-c", code]
    result = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


class Server:
    def __init__(self, env, **extra):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [str(GUNICORN), "-c", "python:newsroom.gunicorn"],
            cwd=ROOT,
            env={**env, **extra, "BIND": f"127.0.0.1:{self.port}"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(self.process.stderr.read().decode())
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("gunicorn did not start")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture
def servers(environment):
    token = manage(environment, code=SETUP).strip().splitlines()[-1]
    extra = {"WEB_CONCURRENCY": "1"}
    first, second = Server(environment, **extra), Server(environment, **extra)
    yield first, second, token, environment
    first.stop()
    second.stop()


def request(url, *, method="GET", data=None, headers=None, opener=None):
    """``(status, headers, body text)``; HTTP errors are answers too."""
    req = urllib.request.Request(url, data=data, method=method)
    for name, value in (headers or {}).items():
        req.add_header(name, value)
    try:
        with (opener or urllib.request.build_opener()).open(req, timeout=30) as r:
            return r.status, r.headers, r.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def test_an_edit_through_one_server_shows_at_once_on_the_other(servers):
    first, second, token, env = servers
    # Both servers have the page and the API response cached.
    for server in (first, second):
        for path in (ARTICLE, API_ARTICLE, API_PERSON):
            assert request(server.base + path)[0] == 200
    # The cache is one: a change made behind the write path's back stays
    # hidden on both servers until the next write.
    manage(env, code=SILENT_CHANGE)
    assert "不经写入路径的修改" not in request(second.base + API_PERSON)[2]

    status, _, text = request(first.base + API_ARTICLE)
    version = json.loads(text)["version"]
    status, _, text = request(
        first.base + API_ARTICLE,
        method="PATCH",
        data=json.dumps({"title": "两台服务器之间的修改", "version": version}).encode(),
        headers={
            "Authorization": f"Token {token}",
            "Content-Type": "application/json",
        },
    )
    assert status == 200, text
    status, headers, page = request(second.base + ARTICLE)
    assert status == 200 and "两台服务器之间的修改" in page
    status, _, text = request(second.base + API_ARTICLE)
    assert json.loads(text)["title"] == "两台服务器之间的修改"
    # The write made every cached response stale, the silently changed one too.
    assert "不经写入路径的修改" in request(second.base + API_PERSON)[2]


def test_a_session_opened_on_one_server_works_on_the_other(servers):
    first, second, _, _ = servers
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    _, _, form = request(first.base + "/admin/login/", opener=opener)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode(
        {
            "username": "chief",
            "password": "chief-secret-1",
            "csrfmiddlewaretoken": csrf,
            "next": "/admin/",
        }
    ).encode()
    status, _, _ = request(
        first.base + "/admin/login/?next=/admin/",
        method="POST",
        data=data,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        opener=opener,
    )
    assert status == 200  # followed the redirect to the admin index
    status, _, page = request(second.base + "/admin/", opener=opener)
    assert status == 200 and 'action="/admin/logout/"' in page


def test_throttling_budgets_are_shared(environment):
    manage(environment, code=SETUP)
    # A day's window: the throttle's windows are fixed, so four requests that
    # straddled a minute's edge (a 3/minute rate) were counted in two windows.
    env = {**environment, "API_THROTTLE_ANON": "3/day", "WEB_CONCURRENCY": "1"}
    first, second = Server(env), Server(env)
    try:
        start_well_inside_a_day()
        statuses = [
            request(server.base + API_PERSON)[0]
            for server in (first, second, first, second)
        ]
    finally:
        first.stop()
        second.stop()
    assert statuses == [200, 200, 200, 429]
