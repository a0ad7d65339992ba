"""The API's throttles: fixed-window counters in the shared cache.

DRF's ``SimpleRateThrottle`` keeps every request's timestamp of the window in
one cache value, read and rewritten whole on each request: at a high rate that
is a list of tens of thousands of floats per request, and two workers rewriting
it at once lose each other's entries. Here each client has one integer per
window (``INCR``, atomic in Redis), so a request costs one round trip
whatever the rate; a client may send up to twice its rate across a window's
edge, the usual price of a fixed window.

The rate is read at request time: DRF copies ``DEFAULT_THROTTLE_RATES`` into a
class attribute at import, so a changed setting (an override in tests, say)
would go unnoticed.

Anonymous clients are counted by the ``anon`` rate only. DRF's
``UserRateThrottle`` also counts them, by address, at the ``user`` rate, so an
anonymous client met whichever rate was lower: with ``anon`` raised for the
benchmark, its cached API runs were throttled at the 1,200/minute ``user`` rate
(the 429s nobody could explain).
"""

from types import SimpleNamespace

from rest_framework import throttling
from rest_framework.settings import api_settings


def _count(cache, key, timeout):
    """This request's number in its window.

    On Redis one round trip: a pipelined ``SET … NX EX`` (the window's first
    request starts it at 0, with its expiry) and ``INCR``. Django's own
    ``add`` and ``incr`` take three (``incr`` asks whether the key exists
    first). Other backends go through those.
    """
    backend = getattr(cache, "_cache", None)
    if hasattr(backend, "get_client"):  # django.core.cache.backends.redis
        name = cache.make_and_validate_key(key)
        pipeline = backend.get_client(name, write=True).pipeline(transaction=False)
        pipeline.set(name, 0, ex=timeout, nx=True)
        pipeline.incr(name)
        return pipeline.execute()[1]
    if cache.add(key, 1, timeout):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, timeout)
        return 1


class _FixedWindowMixin:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        now = self.timer()
        window = int(now // self.duration)
        self.window_end = (window + 1) * self.duration
        # The entry outlives its window a little, so a slow clock never revives it.
        count = _count(self.cache, f"{key}:{window}", self.duration + 1)
        return count <= self.num_requests

    def wait(self):
        """Seconds until the window ends (``Retry-After``)."""
        return max(self.window_end - self.timer(), 1)


class AnonRateThrottle(_FixedWindowMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(_FixedWindowMixin, throttling.UserRateThrottle):
    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None  # the anon rate's business
        return super().get_cache_key(request, view)


def allow_cached_read(request):
    """Whether an anonymous read the shared cache answers is within the rates.

    It is counted as the view's own throttles would count it (the same keys
    and windows), before the view runs: ``request`` is the plain Django
    request of an anonymous reader, so it carries no user yet. The API's views
    keep the default throttle classes (a test holds them to it), so these are
    the ones to count.
    """
    reader = SimpleNamespace(user=None, META=request.META, headers=request.headers)
    return all(
        throttle().allow_request(reader, None)
        for throttle in api_settings.DEFAULT_THROTTLE_CLASSES
    )
