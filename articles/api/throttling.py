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

An anonymous read is counted before any view runs, in the response cache's
look-up (``AnonymousReadCounts``, ``articles.api.middleware``); the view's
throttles then take that count instead of counting the request again.
"""

from types import SimpleNamespace

from rest_framework import throttling
from rest_framework.settings import api_settings

from articles import cache as response_cache

# The counts already made for a request: {throttle key: (count, window end)}.
COUNTED = "newsroom_throttle_counts"


class Counts:
    """Fixed-window counters to increment: ``windows`` is ``[(key, timeout)]``.

    On Redis each is a ``SET … NX EX`` (the window's first request starts it
    at 0, with its expiry) and an ``INCR``, all pipelined: one round trip
    (``run``), or none of their own when they go along with the response
    cache's look-up (``queue`` and ``collect``, see ``articles.cache.Lookup``).
    Django's own ``add`` and ``incr`` take three (``incr`` asks whether the key
    exists first); other backends go through those.
    """

    def __init__(self, cache, windows):
        self.cache = cache
        self.windows = windows
        self.values = None

    def queue(self, pipeline):
        for key, timeout in self.windows:
            name = self.cache.make_and_validate_key(key)
            pipeline.set(name, 0, ex=timeout, nx=True)
            pipeline.incr(name)

    def collect(self, replies):
        """Takes the replies to the commands ``queue`` added."""
        self.counted(replies[1::2])

    def run(self):
        """Makes the counts on their own and returns them."""
        client = response_cache.redis_client(self.cache)
        if client is not None:
            pipeline = client.pipeline(transaction=False)
            self.queue(pipeline)
            self.collect(pipeline.execute())
        else:
            self.counted([_count(self.cache, *window) for window in self.windows])
        return self.values

    def counted(self, values):
        self.values = values


def _count(cache, key, timeout):
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

    def window(self, request, view):
        """This request's counter: ``(key, counter key, timeout)``, or None
        when it is not counted. Sets ``window_end``."""
        if self.rate is None:
            return None
        key = self.get_cache_key(request, view)
        if key is None:
            return None
        window = int(self.timer() // self.duration)
        self.window_end = (window + 1) * self.duration
        # The entry outlives its window a little, so a slow clock never revives it.
        return key, f"{key}:{window}", self.duration + 1

    def allow_request(self, request, view):
        window = self.window(request, view)
        if window is None:
            return True
        key, counter, timeout = window
        counted = getattr(request, COUNTED, {}).get(key)
        if counted is None:
            (count,) = Counts(self.cache, [(counter, timeout)]).run()
        else:  # counted on the way in (AnonymousReadCounts)
            count, self.window_end = counted
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


class AnonymousReadCounts(Counts):
    """An anonymous read counted as the view's throttles would count it (the
    same keys and windows), before any view runs: ``request`` is the plain
    Django request of an anonymous reader, so it carries no user yet. The
    API's views keep the default throttle classes (a test holds them to it),
    so these are the ones to count.

    Once collected, ``allowed`` says whether the cache may answer; the counts
    stay on the request, so a view that answers instead (a miss, or a reader
    over the rate, who gets the 429) does not count the request again.
    """

    def __init__(self, request):
        reader = SimpleNamespace(user=None, META=request.META, headers=request.headers)
        self.request = request
        self.throttles = []
        windows = []
        for throttle_class in api_settings.DEFAULT_THROTTLE_CLASSES:
            throttle = throttle_class()
            window = throttle.window(reader, None)
            if window is not None:
                self.throttles.append((throttle, window[0]))
                windows.append(window[1:])
        super().__init__(throttling.default_cache, windows)

    def counted(self, values):
        super().counted(values)
        setattr(
            self.request,
            COUNTED,
            {
                key: (count, throttle.window_end)
                for (throttle, key), count in zip(self.throttles, values, strict=True)
            },
        )

    @property
    def allowed(self):
        """Whether the reader is within every rate (once counted)."""
        return all(
            count <= throttle.num_requests
            for (throttle, _), count in zip(self.throttles, self.values, strict=True)
        )
