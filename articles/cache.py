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

The content of the article, person and organization pages, the home pages and
the directive index is kept longer: a ``RecordsFragment`` is not tied to the
generation but to the records it shows (for an article: itself, the people and
organizations it names, its related articles), so a write elsewhere leaves it
warm and the first reader after any write pays a look-up, not a render. Every
save and delete of a model of the app, whoever makes it (the write path,
``loaddata``, a restore, a cascade), is seen by ``connect()``'s signal
handlers, which mark the records it touches as changed when the transaction
commits; a write they cannot place changes the ``structure`` token instead,
which every such fragment carries. The other pages' content and the API's
anonymous list items (``RecordsFragments``) are kept the same way.

Replicas: ``newsroom.db_router`` reads public requests from the replica only
once the generation is older than ``DATABASE_REPLICA_LAG`` seconds, so a page
rendered just after a write (and cached under the new generation) is read from
the primary and cannot carry the replica's older rows.
"""

import contextvars
import hashlib
import threading
import time
import uuid
from types import SimpleNamespace

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models import signals
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
# The records-scoped fragments' state: a clock that only goes forward, the tick
# at which each record last changed, and a token for writes no record names.
CLOCK_KEY = "content:clock"
RECORD_KEY = "content:record:{tag}"
STRUCTURE_KEY = "content:structure"
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


def _get_or_add(key, make):
    """``key``'s value, made first if missing (first use, or evicted): a fresh
    token is always safe, the entries made under the lost one become misses."""
    cache = _cache()
    value = cache.get(key)
    if value is None:
        cache.add(key, make(), None)  # another process may have added one first
        value = cache.get(key)
    return value


def current_generation():
    return _get_or_add(GENERATION_KEY, _new_generation)


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
    """The Redis client (for writes) of ``cache`` if it is a Redis backend,
    else None. ``newsroom.redis_cache`` keeps one per connection pool, where
    Django's backend builds one for every call."""
    backend = getattr(cache, "_cache", None)
    if not hasattr(backend, "get_client"):  # django.core.cache.backends.redis
        return None
    return backend.get_client(write=True)


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
        self.keys = {pk: _item_key(name, variant, pk) for pk in ids}
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


def _item_key(name, variant, pk):
    """The key of the fragment ``name`` of object ``pk`` in shape ``variant``."""
    digest = hashlib.sha256(f"{variant}\n{pk}".encode()).hexdigest()
    return FRAGMENT_KEY.format(name=name, digest=digest)


def _fragment_timeout(generation):
    """Seconds a fragment may live: ``FRAGMENT_CACHE_SECONDS``, and no longer
    than the next scheduled publication."""
    limit = settings.FRAGMENT_CACHE_SECONDS
    moment = next_publication(generation)
    if moment != NOTHING_SCHEDULED:
        limit = min(limit, int(moment - time.time()))
    return limit


def _clock():
    """The content clock's tick (started at the time in µs when missing, so a
    clock lost to eviction starts again ahead of every tick it gave)."""
    return _get_or_add(CLOCK_KEY, lambda: int(time.time() * 1_000_000))


def _advance_clock():
    cache = _cache()
    try:
        return cache.incr(CLOCK_KEY)
    except ValueError:  # missing: see _clock
        _clock()
        return cache.incr(CLOCK_KEY)


def _structure():
    return _get_or_add(STRUCTURE_KEY, _new_generation)


# The clock's next tick written to every record key given, in one round trip;
# a missing clock starts at the time in µs (see _clock).
_TICK_SCRIPT = """
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('SET', KEYS[1], ARGV[1]) end
local tick = redis.call('INCR', KEYS[1])
for i = 2, #KEYS do redis.call('SET', KEYS[i], tick) end
return tick
"""


def records_changed(tags=(), *, structure=False):
    """Mark the records ``tags`` name as changed now (and, with ``structure``,
    every ``RecordsFragment``): called when a write commits (and at once)."""
    cache = _cache()
    if structure:
        cache.set(STRUCTURE_KEY, _new_generation(), None)
    if not tags:
        return
    keys = [RECORD_KEY.format(tag=tag) for tag in tags]
    client = redis_client(cache)
    if client is not None:
        names = [cache.make_and_validate_key(key) for key in (CLOCK_KEY, *keys)]
        client.eval(_TICK_SCRIPT, len(names), *names, int(time.time() * 1_000_000))
        return
    tick = _advance_clock()
    cache.set_many(dict.fromkeys(keys, tick), None)


class _RecordsEntries:
    """The mechanics shared by ``RecordsFragment`` and ``RecordsFragments``.

    An entry is ``(structure token, tick, version, sorted tags, value)``: the
    tick is the content clock's, read (with the structure token and the
    generation, in the look-up's one round trip) before the rows the value
    is made of, so a write committed after that read has a later tick and
    makes the entry a miss, while one committed before is in the rows.
    ``keys`` maps each entry's id to its cache key. A look-up is two round
    trips however many entries it reads: their keys, then every record tick
    the found ones name.
    """

    def _look_up(self, version, keys):
        """The values of the entries of ``keys`` still fresh, by id."""
        self.version = version
        self.keys = keys
        cache = _cache()
        found = cache.get_many(
            [STRUCTURE_KEY, CLOCK_KEY, GENERATION_KEY, *keys.values()]
        )
        self.structure = found.get(STRUCTURE_KEY) or _structure()
        self.tick = found.get(CLOCK_KEY) or _clock()
        self.generation = found.get(GENERATION_KEY) or current_generation()
        candidates = {}
        for pk, key in keys.items():
            entry = found.get(key)
            if entry is None:
                continue
            structure, tick, version, tags, value = entry
            if structure == self.structure and version == self.version:
                candidates[pk] = (
                    tick,
                    [RECORD_KEY.format(tag=tag) for tag in tags],
                    value,
                )
        record_keys = {key for _, names, _ in candidates.values() for key in names}
        ticks = cache.get_many(list(record_keys)) if record_keys else {}
        # A record whose tick was lost (evicted) may have changed: a miss.
        return {
            pk: value
            for pk, (tick, names, value) in candidates.items()
            if all(key in ticks and ticks[key] <= tick for key in names)
        }

    def _store(self, entries):
        """Store ``entries`` (``{id: (value, tags)}``) until the next
        scheduled publication at most."""
        if not entries:
            return  # a page of hits: not even the next publication's look-up
        limit = _fragment_timeout(self.generation)
        if limit < 1:
            return
        cache = _cache()
        keys = {
            RECORD_KEY.format(tag=tag) for _, tags in entries.values() for tag in tags
        }
        found = cache.get_many([*keys, CLOCK_KEY])
        now = found.get(CLOCK_KEY) or _clock()
        # A record seen for the first time changes "now", which no entry
        # made before this tick can be fresher than.
        _add_many([key for key in keys if key not in found], now)
        cache.set_many(
            {
                self.keys[pk]: (
                    self.structure,
                    self.tick,
                    self.version,
                    sorted(tags),
                    value,
                )
                for pk, (value, tags) in entries.items()
            },
            limit,
        )
        pending = getattr(_written, "pending", None)
        if pending is not None:
            pending.pop("told", None)  # a later write here is told at once again


class RecordsFragment(_RecordsEntries):
    """A part of a page kept until one of the records it shows changes.

    ``store`` names the records (tags such as ``article:12``, ``person:3``,
    ``organization:5``). An entry holds the content clock's tick read before
    the page's rows were read (``_RecordsEntries``), so create the fragment
    before reading them. It also holds ``shape``, the stored value's format:
    a caller changes it whenever its value changes shape, so an entry an
    older release stored (during a rolling deploy, or left in Redis) is a
    miss, never a value of the wrong form. And it holds the structure token
    (writes no tag names). Like every fragment it lives no longer than the
    next scheduled publication, when a related article may appear with no
    write. Two round trips answer a hit.
    """

    def __init__(self, name, shape, *parts):
        self.enabled = Fragment.is_enabled()
        self.value = None
        if not self.enabled:
            return
        digest = hashlib.sha256("\n".join(map(str, parts)).encode()).hexdigest()
        self.key = FRAGMENT_KEY.format(name=name, digest=digest)
        self.value = self._look_up(shape, {None: self.key}).get(None)

    def store(self, value, tags):
        if self.enabled:
            self._store({None: (value, tags)})


class RecordsFragments(_RecordsEntries):
    """Records-scoped fragments of one kind for many objects (an API page's
    items), as ``Fragments`` are generation-scoped ones: the rules of
    ``RecordsFragment``, two round trips to read them all (one for their
    entries, one for the record ticks those name), and ``store({id: (value,
    tags)})`` for the missing ones. ``values`` maps each found id to its
    value. The look-up reads the clock: make it before reading the rows of
    the objects to store.
    """

    def __init__(self, name, variant, ids):
        self.enabled = Fragment.is_enabled()
        self.values = {}
        if not self.enabled:
            return
        keys = {pk: _item_key(name, variant, pk) for pk in ids}
        self.values = self._look_up(None, keys)

    def store(self, entries):
        if self.enabled:
            self._store(entries)


def _add_many(keys, value):
    """``cache.add(key, value)`` for each key, kept for ever: one pipelined
    round trip on Redis (``SET NX``), one call a key elsewhere."""
    if not keys:
        return
    cache = _cache()
    client = redis_client(cache)
    if client is None:
        for key in keys:
            cache.add(key, value, None)
        return
    pipeline = client.pipeline(transaction=False)
    for key in keys:
        pipeline.set(cache.make_and_validate_key(key), value, nx=True)
    pipeline.execute()


# Tags of the records each write touches, gathered until its transaction commits.
_written = threading.local()
# The columns whose values before a write matter (a mention moved elsewhere
# changes the page it left too), kept when a row is loaded.
_TRACKED = {
    # Where it shows (its people's, bodies' and the directive index's pages)
    # and in what order.
    "Article": (
        "status",
        "published_at",
        "publisher_id",
        "event_place_id",
    ),
    "PersonMention": ("article_id", "person_id"),
    "OrganizationMention": ("article_id", "organization_id"),
    "Credit": ("article_id",),
    "Photo": ("article_id",),
    "DirectiveSet": ("article_id", "issuer_id"),
    "Directive": ("directive_set_id",),
    "PersonAlias": ("person_id",),
    "Position": ("person_id",),
    "OrganizationAlias": ("organization_id",),
    "Organization": ("parent_id",),
}
# The article and directive indexes' pages: which articles (directives) are
# public, and their order.
ARTICLE_INDEX_TAG = "articles:index"
DIRECTIVE_INDEX_TAG = "directives:index"
# Rows no page shows (the search index, import bookkeeping): no tag, no token.
_UNSHOWN = {"SearchEntry", "ImportRecord"}
# The models whose rows name records; a write of any other (a section, a tag)
# changes the structure token.
_TAGGED = {*_TRACKED, "Person", "Organization"}


def _row_tags(row, kind, using):
    """The tags of the records ``row`` (a model instance, or the values it was
    loaded with) shows on."""
    from .models import (
        Article,
        Credit,
        DirectiveSet,
        OrganizationMention,
        PersonMention,
        Position,
    )

    if kind == "Article":
        # Any article, a draft too, decides whether its publisher and place
        # are public (a body linked only to a draft is hidden).
        tags = {f"article:{row.pk}"}
        tags.update(
            f"organization:{pk}"
            for pk in (row.publisher_id, row.event_place_id)
            if pk is not None
        )
        if row.status == Article.Status.PUBLISHED:
            # A published article is among its names' related articles and
            # articles, and makes public the bodies it names, publishes,
            # credits or addresses, the titles it reports and the sets it
            # holds: their people's and bodies' pages show them.
            people = _ids(
                (PersonMention.objects.filter(article=row.pk), "person_id"),
                (DirectiveSet.objects.filter(article=row.pk), "issuer_id"),
                using=using,
            )
            tags.update(f"person:{pk}" for pk in people)
            addressed = DirectiveSet.addressees.through.objects.filter(
                directiveset__article=row.pk
            )
            organizations = _ids(
                (OrganizationMention.objects.filter(article=row.pk), "organization_id"),
                (Credit.objects.filter(article=row.pk), "organization_id"),
                (addressed, "organization_id"),
                using=using,
            )
            tags.update(f"organization:{pk}" for pk in organizations)
            for person, organization in (
                Position.objects.using(using)
                .filter(reported_in=row.pk)
                .values_list("person_id", "organization_id")
            ):
                tags.update((f"person:{person}", f"organization:{organization}"))
        return tags
    if kind == "DirectiveSet":
        # The issuer's page lists the set, the index shows it.
        return {
            f"article:{row.article_id}",
            f"person:{row.issuer_id}",
            DIRECTIVE_INDEX_TAG,
        }
    if kind == "Directive":
        cached = getattr(row, "_state", None) and row._state.fields_cache
        directive_set = (cached or {}).get("directive_set")
        if directive_set is not None and directive_set.pk == row.directive_set_id:
            article = directive_set.article_id
        else:
            article = (
                DirectiveSet.objects.using(using)
                .filter(pk=row.directive_set_id)
                .values_list("article_id", flat=True)
                .first()
            )
        tags = {DIRECTIVE_INDEX_TAG}
        if article:
            tags.add(f"article:{article}")
        return tags
    tags = set()
    if kind in ("Person", "Organization"):
        tags.add(f"{kind.lower()}:{row.pk}")
    for attname, tag in (
        ("article_id", "article"),
        ("person_id", "person"),
        ("organization_id", "organization"),
        ("parent_id", "organization"),  # a unit's body lists it
    ):
        if getattr(row, attname, None) is not None:
            tags.add(f"{tag}:{getattr(row, attname)}")
    return tags


def _ids(*columns, using):
    """The ids in each ``(rows, column)`` of ``columns``, none null: one
    query (a UNION)."""
    first, *rest = (
        rows.using(using)
        .exclude(**{column: None})
        .order_by()
        .values_list(column, flat=True)
        for rows, column in columns
    )
    return first.union(*rest)


def _remember_loaded(sender, instance, **kwargs):
    instance._newsroom_loaded = {
        name: instance.__dict__[name]
        for name in _TRACKED[sender.__name__]
        if name in instance.__dict__
    }


def _note(using, tags=(), structure=False):
    pending = getattr(_written, "pending", None)
    if pending is None:
        pending = _written.pending = {"tags": set(), "structure": False}
    if transaction.get_connection(using).in_atomic_block:
        # Told at once as well, for the transaction's own reads (other
        # transactions cannot see the rows before the commit tells them):
        # once per record until a fragment is stored in this thread again.
        told = pending.setdefault("told", set())
        fresh = set(tags) - told
        structure_fresh = structure and STRUCTURE_KEY not in told
        if fresh or structure_fresh:
            records_changed(fresh, structure=structure_fresh)
            told |= fresh | ({STRUCTURE_KEY} if structure_fresh else set())
    pending["tags"].update(tags)
    pending["structure"] = pending["structure"] or structure
    # Each write asks; the first callback of a commit takes them all. Tags of
    # a rolled-back write stay behind and are told with the next commit:
    # one more miss, never a stale hit.
    transaction.on_commit(_tell_pending, using=using)


def _tell_pending():
    pending = getattr(_written, "pending", None)
    if not pending or not (pending["tags"] or pending["structure"]):
        return
    _written.pending = None
    records_changed(pending["tags"], structure=pending["structure"])
    _bump()  # every response too, whoever wrote (loaddata included)


def _row_written(sender, instance, using, **kwargs):
    kind = sender.__name__
    if kind in _UNSHOWN:
        return
    if kind not in _TAGGED:
        _note(using, structure=True)
        return
    tags = _row_tags(instance, kind, using)
    deleted = kwargs["signal"] is signals.post_delete
    if kind == "Article" and (kwargs.get("created") or deleted):
        tags.add(ARTICLE_INDEX_TAG)
    loaded = getattr(instance, "_newsroom_loaded", None)
    if loaded and not instance._state.adding:
        # Fields deferred at load (absent here) are taken as unchanged.
        changed = {
            name
            for name, value in loaded.items()
            if instance.__dict__.get(name, value) != value
        }
        if changed:
            now = {name: instance.__dict__.get(name) for name in _TRACKED[kind]}
            before = SimpleNamespace(**{**now, **loaded, "pk": instance.pk})
            tags |= _row_tags(before, kind, using)
            if kind == "Article" and changed & _INDEX_ORDER:
                tags.add(ARTICLE_INDEX_TAG)
                if _has_sets(instance):
                    tags.add(DIRECTIVE_INDEX_TAG)
    _note(using, tags)


# An article's fields that decide whether it and its sets are public, and
# where the indexes place them.
_INDEX_ORDER = {"status", "published_at"}


def _has_sets(article):
    from .models import DirectiveSet

    return (
        DirectiveSet.objects.using(article._state.db)
        .filter(article=article.pk)
        .exists()
    )


def _relation_changed(
    sender, instance, action, reverse, model, pk_set, using, **kwargs
):
    if not action.startswith("post_"):
        return
    kinds = {type(instance).__name__, model.__name__}
    if action == "post_clear" or not kinds <= _TAGGED | {"Tag"}:
        _note(using, structure=True)
        return
    if model.__name__ in ("Person", "Organization"):  # their tags are their ids
        related = [SimpleNamespace(pk=pk) for pk in pk_set]
    else:
        related = model._default_manager.using(using).filter(pk__in=pk_set)
    kind = type(instance).__name__
    tags = _row_tags(instance, kind, using) if kind in _TAGGED else set()
    if model.__name__ in _TAGGED:
        for row in related:
            tags |= _row_tags(row, model.__name__, using)
    _note(using, tags)


def _set_deleting(sender, instance, using, **kwargs):
    # Its addressees' links go with it, without a signal of their own.
    _note(
        using,
        {
            f"organization:{pk}"
            for pk in instance.addressees.values_list("pk", flat=True)
        },
    )


def connect():
    """Watch every write of the app's models (called once, at start)."""
    from django.apps import apps

    from .models import DirectiveSet

    signals.pre_delete.connect(
        _set_deleting, sender=DirectiveSet, dispatch_uid="records_fragment_set"
    )

    for model in apps.get_app_config("articles").get_models():
        uid = f"records_fragment_{model.__name__}"
        signals.post_save.connect(_row_written, sender=model, dispatch_uid=uid)
        signals.post_delete.connect(_row_written, sender=model, dispatch_uid=uid)
        if model.__name__ in _TRACKED:
            signals.post_init.connect(_remember_loaded, sender=model, dispatch_uid=uid)
        for field in model._meta.local_many_to_many:
            signals.m2m_changed.connect(
                _relation_changed,
                sender=field.remote_field.through,
                dispatch_uid=f"{uid}_{field.name}",
            )


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
