"""Project wiring: migrations, system checks, settings from the environment."""

import os
import subprocess
import sys
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.windows import start_well_inside_a_day

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_migrations_are_complete():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_system_checks_are_clean():
    out = StringIO()
    call_command("check", stdout=out)
    assert "no issues" in out.getvalue()


def test_deploy_checks_pass_with_production_settings():
    result = run_settings(
        "from django.core.management import call_command; "
        "call_command('check', '--deploy', '--fail-level', 'WARNING')",
        DEBUG="0",
        SECRET_KEY="a-production-secret-" + "x" * 40,
        ALLOWED_HOSTS="news.example.com",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="1",
        SECURE_HSTS_PRELOAD="1",
    )
    assert result.returncode == 0, result.stderr


def run_settings(code, **env):
    """Run ``code`` in a fresh interpreter with the project's settings and ``env``."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS"}
    }
    environment.update(env, DJANGO_SETTINGS_MODULE="newsroom.settings")
    script = f"import django; django.setup(); {code}"
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = run_settings("pass", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_development_defaults():
    result = run_settings(
        "from django.conf import settings as s; "
        "d = s.DATABASES['default']; "
        "print(s.DEBUG, d['ENGINE'], d['NAME'], "
        "s.TIME_ZONE, s.LANGUAGE_CODE, s.USE_TZ, s.ALLOWED_HOSTS)",
        DEBUG="1",
    )
    assert result.returncode == 0, result.stderr
    debug, engine, name, tz, language, use_tz, hosts = result.stdout.split(" ", 6)
    assert (debug, engine, tz, language, use_tz) == (
        "True",
        "django.db.backends.sqlite3",
        "Asia/Shanghai",
        "zh-hans",
        "True",
    )
    assert name == str(ROOT / "var" / "db.sqlite3")
    assert "127.0.0.1" in hosts


def test_database_url_selects_postgresql():
    result = run_settings(
        "from django.conf import settings as s; d = s.DATABASES['default']; "
        "print(d['ENGINE'], d['NAME'], d['HOST'])",
        DEBUG="1",
        DATABASE_URL="postgres://postgres@db.example:5432/newsroom",
    )
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "newsroom",
        "db.example",
    ]


@pytest.mark.django_db
def test_ensure_admin_gives_a_fresh_random_password(settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("ensure_admin", stdout=out)
    first = out.getvalue().rsplit(" ", 1)[-1].strip()
    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser and user.check_password(first)
    out = StringIO()
    call_command("ensure_admin", stdout=out)
    second = out.getvalue().rsplit(" ", 1)[-1].strip()
    user.refresh_from_db()
    assert second != first and user.check_password(second)


@pytest.mark.django_db
def test_ensure_admin_refuses_outside_development(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("ensure_admin")
    assert not get_user_model().objects.exists()


def test_redis_url_selects_a_shared_cache():
    result = run_settings(
        "from django.conf import settings as s; c = s.CACHES['default']; "
        "print(c['BACKEND'], c['LOCATION'])",
        DEBUG="1",
        REDIS_URL="redis://cache.example:6379/2",
    )
    assert result.stdout.split() == [
        "newsroom.redis_cache.RedisCache",
        "redis://cache.example:6379/2",
    ]


def test_the_redis_cache_keeps_one_client_per_pool():
    """Django's backend builds a redis-py client per call; ours reuses it."""
    from newsroom.redis_cache import RedisCacheClient

    backend = RedisCacheClient(["redis://cache.example:6379/2"])
    client = backend.get_client("a")
    assert backend.get_client("b", write=True) is client
    assert client.connection_pool is backend._get_connection_pool(write=True)


@pytest.mark.skipif(
    not os.environ.get("REDIS_URL"),
    reason="needs Redis: set REDIS_URL=redis://127.0.0.1:6379/1 to run it",
)
def test_throttling_counts_are_shared_between_processes():
    """Two worker processes draw on one anonymous-client budget through Redis."""
    env = {
        "DEBUG": "1",
        "REDIS_URL": os.environ["REDIS_URL"],
        "CACHE_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        # A day's window, entered well before its end (see tests.windows).
        "API_THROTTLE_ANON": "2/day",
        "ALLOWED_HOSTS": "testserver",
    }
    request_schema = (
        "from django.test import Client; "
        "print([Client().get('/api/schema/', REMOTE_ADDR='203.0.113.9').status_code "
        "for _ in range({n})])"
    )
    start_well_inside_a_day()
    first = run_settings(request_schema.format(n=2), **env)
    assert first.stdout.strip() == "[200, 200]", first.stderr
    second = run_settings(request_schema.format(n=1), **env)
    assert second.stdout.strip() == "[429]", second.stderr


def test_production_keeps_checked_persistent_connections():
    result = run_settings(
        "from django.conf import settings as s; d = s.DATABASES['default']; "
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])",
        DEBUG="0",
        SECRET_KEY="a-production-secret-" + "x" * 40,
        DATABASE_URL="postgres://postgres@db.example:5432/newsroom",
    )
    assert result.stdout.split() == ["60", "True"], result.stderr


def test_a_replica_url_adds_the_replica_and_its_router():
    result = run_settings(
        "from django.conf import settings as s; r = s.DATABASES['replica']; "
        "print(r['HOST'], r['TEST']['MIRROR'], *s.DATABASE_ROUTERS)",
        DEBUG="1",
        DATABASE_URL="postgres://postgres@primary.example:5432/newsroom",
        DATABASE_REPLICA_URL="postgres://reader@replica.example:5432/newsroom",
    )
    assert result.stdout.split() == [
        "replica.example",
        "default",
        "newsroom.db_router.PrimaryReplicaRouter",
    ], result.stderr


def test_media_go_to_an_s3_bucket_when_asked():
    result = run_settings(
        "from django.core.files.storage import storages; d = storages['default']; "
        "print(type(d).__name__, d.bucket_name, d.url('photos/a.jpg'))",
        DEBUG="1",
        MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="newsroom-media",
        AWS_S3_CUSTOM_DOMAIN="media.example.com",
    )
    assert result.stdout.split() == [
        "S3Storage",
        "newsroom-media",
        "https://media.example.com/media/photos/a.jpg",
    ], result.stderr


def test_media_stay_on_the_local_disk_by_default():
    result = run_settings(
        "from django.core.files.storage import storages; d = storages['default']; "
        "print(type(d).__name__)",
        DEBUG="1",
    )
    assert result.stdout.split() == ["FileSystemStorage"], result.stderr


def test_an_unknown_media_storage_is_refused():
    result = run_settings("pass", DEBUG="1", MEDIA_STORAGE="ftp")
    assert result.returncode != 0
    assert "MEDIA_STORAGE must be" in result.stderr
