"""gunicorn settings for production: ``gunicorn -c python:newsroom.gunicorn``.

Every value can be changed from the environment (``make serve`` uses these):

* ``BIND`` (default ``127.0.0.1:8000``): address to listen on; put a reverse
  proxy (TLS, buffering of slow clients) in front of it.
* ``WEB_CONCURRENCY`` (default: 2 per core, plus 1): sync worker processes.
* ``GUNICORN_THREADS`` (default 1): threads per worker (``gthread`` when > 1).
* ``GUNICORN_TIMEOUT`` (default 30 s), ``GUNICORN_ACCESS_LOG`` (``-`` for stdout).
"""

import os

wsgi_app = "newsroom.wsgi:application"
bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = timeout
keepalive = 5
# Restart each worker now and then, so a slow leak cannot grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
# Load Django once in the master; workers fork with it (no database connection
# is opened at import time, so none is shared between processes).
preload_app = True
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
# Behind a proxy on the same host, trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# gunicorn ≥ 24's control socket sits at one path per user; several servers on
# one host would fight over it, and nothing here uses it.
control_socket_disable = True


def pre_fork(server, worker):
    # Move everything loaded so far (Django, the URLconf, templates) out of the
    # garbage collector's sight: collections then scan only per-request objects,
    # and forked workers keep sharing those pages instead of copying them.
    import gc

    gc.freeze()
