"""The public response cache: shared by every app server, and never stale.

Anonymous GET responses (the public pages through ``PublicCacheMiddleware``, the
API's JSON through ``articles.api.middleware``) are kept in the ``default`` cache
(Redis when ``REDIS_URL`` is set, so every app server shares it; local memory
otherwise). Two rules keep a cached response from ever showing old content:

* **Every write changes the content generation.** Entries are keyed by the
  request's URL and carry the generation (a random token in the cache itself)
  they were rendered under. The write path calls ``content_changed()`` after
  each write; the new token makes every entry of the old one a miss at once, on
  every app server, whatever pages and responses the changed record shows on.
* **No entry outlives the next scheduled publication.** A scheduled article
  becomes public when its time comes, with no write; entries therefore expire no
  later than the earliest ``published_at`` still in the future (one indexed
  query per generation, itself cached until then).

Never cached: requests carrying a session or messages cookie or an
``Authorization`` header (editors see drafts), responses that set a cookie, that
say ``private``/``no-store``, or that vary on a header the key does not cover.
A hit is answered before sessions, authentication and CSRF are touched, with
the stored ``ETag`` (and a 304 for a matching ``If-None-Match``).

Replicas: ``newsroom.db_router`` reads public requests from the replica only
once the generation is older than ``DATABASE_REPLICA_LAG`` seconds, so a page
rendered just after a write (and cached under the new generation) is read from
the primary and cannot carry the replica's older rows.
"""

import contextvars
import hashlib
import time
import uuid
import weakref

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import (
    cc_delim_re,
    get_conditional_response,
    patch_cache_control,
)

GENERATION_KEY = "content:generation"
NEXT_PUBLICATION_KEY = "content:next-publication:{generation}"
ENTRY_KEY = "response:{digest}"
FRAGMENT_KEY = "fragment:{name}:{digest}"
# No scheduled article: a sentinel, since None means "not computed yet".
NOTHING_SCHEDULED = 0.0

# Request headers that make a response differ and that the key includes.
KEYED_HEADERS = ("HTTP_ACCEPT", "HTTP_ORIGIN")
# Response Vary entries the key (or the bypass rules) already cover. The site
# answers in Chinese whatever Accept-Language says, and requests with a session,
# messages cookie or Authorization header are never cached.
COVERED_VARY = {"accept", "origin", "accept-language", "cookie", "authorization"}
# django.contrib.messages' cookie storage has a fixed cookie name.
MESSAGES_COOKIE = "messages"

# Whether the current request may read from a replica (see newsroom.db_router).
public_read = contextvars.ContextVar("newsroom_public_read", default=False)


def _cache():
    return caches[settings.RESPONSE_CACHE_ALIAS]


def _new_generation():
    # The creation time leads, so a reader can tell how young the generation is.
    return f"{time.time():.3f}:{uuid.uuid4().hex}"


def _bump():
    _cache().set(GENERATION_KEY, _new_generation(), None)


def content_changed():
    """Make every cached response stale: call it after every write.

    Inside a transaction the generation changes at once and again on commit:
    a request that rendered the old rows between the two stored its response
    under a generation nobody asks for any more.
    """
    _bump()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_bump)


def current_generation():
    cache = _cache()
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # First use, or evicted: any fresh token is safe, old entries are lost.
        cache.add(GENERATION_KEY, _new_generation(), None)
        generation = cache.get(GENERATION_KEY)
    return generation


def generation_age(generation):
    """Seconds since ``generation`` was made."""
    try:
        return time.time() - float(generation.split(":", 1)[0])
    except (AttributeError, ValueError):
        return 0.0


def _next_publication():
    """The earliest future ``published_at`` as a timestamp, or NOTHING_SCHEDULED."""
    from .models import Article  # the cache is loaded by settings-time middleware

    moment = (
        Article.objects.scheduled()
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    return moment.timestamp() if moment else NOTHING_SCHEDULED


def enabled():
    return settings.RESPONSE_CACHE_SECONDS > 0


def anonymous_request(request):
    """Whether ``request`` may share a cached response: GET/HEAD, no identity."""
    if request.method not in ("GET", "HEAD"):
        return False
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    cookies = request.COOKIES
    return (
        settings.SESSION_COOKIE_NAME not in cookies and MESSAGES_COOKIE not in cookies
    )


def redis_client(cache):
    """The Redis client (for writes) of ``cache`` if it is Django's Redis
    backend, else None.

    One per backend and process: Django's backend builds a client for every
    call, which costs more CPU than the round trip (redis-py fills two
    dictionaries of ~150 reply handlers each time). A client is thread-safe;
    its connection pool notices a fork.
    """
    backend = getattr(cache, "_cache", None)
    if not hasattr(backend, "get_client"):  # django.core.cache.backends.redis
        return None
    client = _redis_clients.get(backend)
    if client is None:
        client = _redis_clients[backend] = backend.get_client(write=True)
    return client


_redis_clients = weakref.WeakKeyDictionary()


def _get_many(keys, along=None):
    """``get_many(keys)`` on the response cache, and ``along``'s commands.

    ``along`` is work another part of the site has for the same cache (the
    API's throttle counts, ``articles.api.throttling.Counts``): its ``cache``,
    ``queue(pipeline)``, which adds its Redis commands to a pipeline,
    ``collect(replies)``, which takes their replies, and ``run()``, which does
    the work on its own. On Redis the read (an ``MGET``, through the one
    client of ``redis_client``) and those commands are one pipeline, so one
    round trip; on another backend, or another cache, each goes its own way.
    """
    cache = _cache()
    client = redis_client(cache)
    if client is None:
        found = cache.get_many(keys)
        if along is not None:
            along.run()
        return found
    if along is not None and getattr(along.cache, "_cache", None) is not cache._cache:
        along.run()
        along = None
    names = [cache.make_and_validate_key(key) for key in keys]
    pipeline = client.pipeline(transaction=False)
    pipeline.mget(names)
    if along is not None:
        along.queue(pipeline)
    values, *replies = pipeline.execute()
    if along is not None:
        along.collect(replies)
    loads = cache._cache._serializer.loads  # as the backend's get_many reads them
    return {
        key: loads(value)
        for key, value in zip(keys, values, strict=True)
        if value is not None
    }


class Lookup:
    """One request's place in the cache: its key, and the entry if stored.

    Entries are keyed by the URL alone and carry the generation they were
    rendered under; one round trip (a GET of the generation and the entry
    together, and ``along``'s commands: see ``_get_many``) answers a hit, and
    an entry of an older generation is a miss.
    """

    def __init__(self, request, variant, along=None):
        headers = "\n".join(request.META.get(name, "") for name in KEYED_HEADERS)
        digest = hashlib.sha256(
            f"{variant}\n{request.build_absolute_uri()}\n{headers}".encode()
        ).hexdigest()
        self.key = ENTRY_KEY.format(digest=digest)
        self.along = along
        found = _get_many([GENERATION_KEY, self.key], along)
        self.generation = found.get(GENERATION_KEY) or current_generation()
        self.next_key = NEXT_PUBLICATION_KEY.format(generation=self.generation)
        self.next_publication = None
        entry = found.get(self.key)
        self.entry = (
            entry[1:] if entry is not None and entry[0] == self.generation else None
        )

    def response(self, request):
        """The stored response (or a 304 for a matching ``If-None-Match``)."""
        status, headers, content = self.entry
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        response.newsroom_cached = True
        return get_conditional_response(
            request, etag=response.get("ETag"), response=response
        )

    def timeout(self):
        """Seconds the entry may live: until the next scheduled publication."""
        self.next_publication = next_publication(self.generation)
        limit = settings.RESPONSE_CACHE_SECONDS
        if self.next_publication != NOTHING_SCHEDULED:
            limit = min(limit, int(self.next_publication - time.time()))
        return limit

    def store(self, response):
        if not storable(response):
            return
        timeout = self.timeout()
        if timeout < 1:
            return
        headers = [
            (name, value)
            for name, value in response.items()
            if name.lower() != "set-cookie"
        ]
        _cache().set(
            self.key,
            (self.generation, response.status_code, headers, response.content),
            timeout,
        )


def next_publication(generation):
    """The next scheduled publication as a timestamp (or NOTHING_SCHEDULED),
    computed once per generation and kept until then."""
    key = NEXT_PUBLICATION_KEY.format(generation=generation)
    moment = _cache().get(key)
    if moment is None:
        moment = _next_publication()
        until = moment - time.time()
        if moment == NOTHING_SCHEDULED:
            _cache().set(key, NOTHING_SCHEDULED, None)
        elif until >= 1:
            _cache().set(key, moment, int(until))
    return moment


class Fragment:
    """A part of a page kept under the content generation, like a response.

    The same two rules hold: an entry carries the generation it was rendered
    under (any write makes it a miss) and lives no longer than the next
    scheduled publication. ``FRAGMENT_CACHE_SECONDS`` caps its life (0: off).
    A look-up is one round trip.
    """

    @staticmethod
    def is_enabled():
        return settings.FRAGMENT_CACHE_SECONDS > 0

    def __init__(self, name, *parts):
        self.enabled = self.is_enabled()
        self.value = self.stored = None
        if not self.enabled:
            return
        digest = hashlib.sha256("\n".join(map(str, parts)).encode()).hexdigest()
        self.key = FRAGMENT_KEY.format(name=name, digest=digest)
        found = _get_many([GENERATION_KEY, self.key])
        self.generation = found.get(GENERATION_KEY) or current_generation()
        entry = found.get(self.key)
        if entry is not None and entry[0] == self.generation:
            self.value = entry[1]

    def store(self, value):
        self.stored = value
        if not self.enabled:
            return
        limit = _fragment_timeout(self.generation)
        if limit >= 1:
            _cache().set(self.key, (self.generation, value), limit)


class Fragments:
    """Fragments of one kind for many objects (an API page's items): the same
    rules as ``Fragment``, one round trip to read them all and one to store
    the missing ones. ``values`` maps each found id to its value."""

    def __init__(self, name, variant, ids):
        self.values = {}
        self.keys = {
            pk: FRAGMENT_KEY.format(
                name=name,
                digest=hashlib.sha256(f"{variant}\n{pk}".encode()).hexdigest(),
            )
            for pk in ids
        }
        found = _get_many([GENERATION_KEY, *self.keys.values()])
        self.generation = found.get(GENERATION_KEY) or current_generation()
        for pk, key in self.keys.items():
            entry = found.get(key)
            if entry is not None and entry[0] == self.generation:
                self.values[pk] = entry[1]

    def store(self, values):
        limit = _fragment_timeout(self.generation)
        if values and limit >= 1:
            _cache().set_many(
                {
                    self.keys[pk]: (self.generation, value)
                    for pk, value in values.items()
                },
                limit,
            )


def _fragment_timeout(generation):
    """Seconds a fragment may live: ``FRAGMENT_CACHE_SECONDS``, and no longer
    than the next scheduled publication."""
    limit = settings.FRAGMENT_CACHE_SECONDS
    moment = next_publication(generation)
    if moment != NOTHING_SCHEDULED:
        limit = min(limit, int(moment - time.time()))
    return limit


def storable(response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if "private" in cache_control or "no-store" in cache_control:
        return False
    vary = {v.strip().lower() for v in cc_delim_re.split(response.get("Vary", ""))}
    return vary <= COVERED_VARY | {""}


def lookup(request, variant, along=None):
    """The cache's ``Lookup`` for an anonymous ``request``, or None to bypass.

    ``along``, if given, is called (with the request) only when the cache is
    read, for the work to do in the same round trip (see ``_get_many``).
    """
    if not enabled() or not anonymous_request(request):
        return None
    return Lookup(request, variant, along(request) if along is not None else None)


class PublicCacheMiddleware:
    """Serves the public pages from the shared cache.

    Sits above the session, authentication and CSRF middleware, so a hit costs
    one cache round trip. The API's reads are answered just below, once the
    throttle has counted them (``articles.api.middleware``); the admin is
    never cached.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        anonymous = anonymous_request(request)
        state = generation = None
        if anonymous and enabled():
            if not request.path.startswith(tuple(settings.RESPONSE_CACHE_EXCLUDE)):
                state = Lookup(request, "page")
                if state.entry is not None:
                    return state.response(request)
                generation = state.generation
            elif "replica" in settings.DATABASES:
                generation = current_generation()
        # A young generation means a write just happened that the replica may
        # not have yet: read the primary, or the response cached under the new
        # generation could show the old rows.
        token = public_read.set(
            anonymous
            and (
                generation is None
                or generation_age(generation) > settings.DATABASE_REPLICA_LAG
            )
        )
        try:
            response = self.get_response(request)
        finally:
            public_read.reset(token)
        if request.method in ("GET", "HEAD") and "Cache-Control" not in response:
            # Shared caches (a CDN) may keep public pages but must ask again
            # each time: the ETag makes that a cheap 304.
            patch_cache_control(
                response,
                **({"public": True} if anonymous else {"private": True}),
                no_cache=True,
            )
        if state is not None and request.method == "GET":
            state.store(response)
        return response
