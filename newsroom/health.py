"""Probes for a load balancer or orchestrator.

``/healthz``: the process is alive and serving (touches neither database nor cache,
so a database outage does not get healthy workers killed).
``/readyz``: the database and the cache answer; 503 otherwise, so the balancer
sends no traffic to a worker that cannot serve it.
"""

import uuid

from django.core.cache import cache
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from newsroom.errors import RETRY_AFTER_SECONDS


@never_cache
@require_safe
def healthz(request):
    return JsonResponse({"status": "ok"})


def _database_ok():
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone()[0] == 1
    except Exception:  # any failure means "not ready"
        connections["default"].close_if_unusable_or_obsolete()
        return False


def _cache_ok():
    key = f"readyz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "1", timeout=10)
        ok = cache.get(key) == "1"
        cache.delete(key)
        return ok
    except Exception:
        return False


@never_cache
@require_safe
def readyz(request):
    checks = {
        "database": "ok" if _database_ok() else "unavailable",
        "cache": "ok" if _cache_ok() else "unavailable",
    }
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
        headers=None if ready else {"Retry-After": str(RETRY_AFTER_SECONDS)},
    )
