"""The article index: folded text for the phrase check, bigram tokens for speed.

Every article has one ``SearchEntry`` row holding its folded searchable text.
Beside it each backend keeps the same tokens (``fold.tokens``: CJK bigrams,
Latin words and numbers whole) in its own full-text form:

* PostgreSQL: ``articles_searchentry.vector``, a ``tsvector`` built from the
  token array (no parser in between) under a GIN index;
* SQLite: the FTS5 table ``articles_searchentry_fts`` (tokenizer
  ``unicode61``) with the article's id as rowid.

A phrase is found by ANDing its tokens through the index, then checking the
folded phrase on those candidates only, so no query reads every body. The
entry is written in the same transaction as the article (``connect``), so no
writer (the services, ``loaddata``, the importer, a restore) can leave it stale.
"""

import json
import re
import threading
import time
from contextlib import contextmanager

from django.db import connections
from django.db.models import signals
from django.db.models.expressions import RawSQL

from .fold import CJK_RANGES, fold_query, tokens

# Tokens the index keeps: the FTS5 tokenizer drops pure punctuation, and a
# PostgreSQL lexeme must stay well under its 2 KB limit.
_INDEXABLE = re.compile(r"[^\W_]")
MAX_TOKEN_LENGTH = 200
_LONE_CJK = re.compile(f"[{CJK_RANGES}]")
_CJK_PAIR = re.compile(f"[{CJK_RANGES}]{{2}}")
BATCH = 500


def _folded(fields, items):
    return fold_query("\n".join(part or "" for part in (*fields, *items)))


def _item_texts(article_ids, using, directives=None):
    """The directive item texts of each article in ``article_ids`` (one query)."""
    if directives is None:
        from articles.models import Directive

        directives = Directive.objects
    texts = {}
    rows = (
        directives.using(using)
        .filter(directive_set__article__in=article_ids)
        .order_by("directive_set__number", "ordinal", "pk")
        .values_list("directive_set__article", "text")
    )
    for article_id, text in rows:
        texts.setdefault(article_id, []).append(text)
    return texts


def searchable_text(article, *, using="default"):
    """What search reads of ``article``, folded: its text fields, then its
    directive items (which an editor may word apart from the body)."""
    fields = (article.title, article.subtitle, article.lede, article.body)
    return _folded(fields, _item_texts([article.pk], using).get(article.pk, []))


def index_tokens(text):
    """The distinct, sorted index tokens of already folded ``text``."""
    return sorted(
        {
            token
            for token in tokens(text)
            if len(token) <= MAX_TOKEN_LENGTH and _INDEXABLE.search(token)
        }
    )


def _write(cursor, vendor, article_id, text, status, published_at, *, create=True):
    """Insert or replace the entry; with ``create=False`` only an existing one
    is rewritten (an item deleted along with its article must not bring the
    article's entry back)."""
    token_list = index_tokens(text)
    if vendor == "postgresql":
        if create:
            cursor.execute(
                "INSERT INTO articles_searchentry "
                "(article_id, text, status, published_at, vector) "
                "VALUES (%s, %s, %s, %s, array_to_tsvector(%s::text[])) "
                "ON CONFLICT (article_id) DO UPDATE "
                "SET text = EXCLUDED.text, vector = EXCLUDED.vector, "
                "status = EXCLUDED.status, published_at = EXCLUDED.published_at",
                [article_id, text, status, published_at, token_list],
            )
        else:
            cursor.execute(
                "UPDATE articles_searchentry SET text = %s, status = %s, "
                "published_at = %s, vector = array_to_tsvector(%s::text[]) "
                "WHERE article_id = %s",
                [text, status, published_at, token_list, article_id],
            )
        return
    if create:
        cursor.execute(
            "INSERT OR REPLACE INTO articles_searchentry "
            "(article_id, text, status, published_at) VALUES (%s, %s, %s, %s)",
            [article_id, text, status, published_at],
        )
    else:
        cursor.execute(
            "UPDATE articles_searchentry SET text = %s, status = %s, "
            "published_at = %s WHERE article_id = %s",
            [text, status, published_at, article_id],
        )
        if not cursor.rowcount:
            return
    cursor.execute(
        "DELETE FROM articles_searchentry_fts WHERE rowid = %s", [article_id]
    )
    cursor.execute(
        "INSERT INTO articles_searchentry_fts (rowid, tokens) VALUES (%s, %s)",
        [article_id, " ".join(token_list)],
    )


def _db_date(connection, value):
    """``value`` as a raw cursor takes it (SQLite stores naive UTC text)."""
    return connection.ops.adapt_datetimefield_value(value)


def index_article(article, *, using="default", create=True):
    """Write ``article``'s entry (insert or replace) in the current transaction."""
    connection = connections[using]
    with connection.cursor() as cursor:
        text = searchable_text(article, using=using)
        _write(
            cursor,
            connection.vendor,
            article.pk,
            text,
            article.status,
            _db_date(connection, article.published_at),
            create=create,
        )


def rebuild(*, articles=None, directives=None, using="default", progress=None):
    """Index every article of ``articles`` (all by default) in batches.

    A migration passes its historical managers. Returns how many were indexed;
    ``progress(done)`` is called after each batch.
    """
    if articles is None:
        from articles.models import Article

        articles = Article.objects.all()
    connection = connections[using]
    rows = (
        articles.using(using)
        .order_by("pk")
        .values_list(
            "pk", "status", "published_at", "title", "subtitle", "lede", "body"
        )
    )
    done, last = 0, 0
    with connection.cursor() as cursor:
        while batch := list(rows.filter(pk__gt=last)[:BATCH]):
            items = _item_texts([row[0] for row in batch], using, directives)
            for pk, status, published_at, *fields in batch:
                text = _folded(fields, items.get(pk, []))
                date = _db_date(connection, published_at)
                _write(cursor, connection.vendor, pk, text, status, date)
            done += len(batch)
            last = batch[-1][0]
            if progress:
                progress(done)
        if connection.vendor == "sqlite":
            # FTS5 rows have no foreign key: drop those of deleted articles.
            cursor.execute(
                "DELETE FROM articles_searchentry_fts WHERE rowid NOT IN "
                "(SELECT article_id FROM articles_searchentry)"
            )
    return done


def _narrowing_tokens(folded):
    # A lone character is indexed only where it stands alone in the text, so it
    # cannot narrow; the phrase check on the candidates still requires it.
    return [t for t in index_tokens(folded) if not _LONE_CJK.fullmatch(t)]


def _exact(folded, token_list):
    """Whether the index alone answers ``folded``: a two-character word is its
    own bigram, a Latin word its own token."""
    return bool(_CJK_PAIR.fullmatch(folded)) or token_list == [folded]


def matching(phrase, *, using="default"):
    """A subquery of the ids of articles whose searchable text holds ``phrase``.

    ``phrase`` is folded here; its tokens narrow through the index, the phrase
    itself is checked on what remains.
    """
    folded = fold_query(phrase)
    token_list = _narrowing_tokens(folded)
    vendor = connections[using].vendor
    if vendor == "postgresql" and token_list:
        query = _tsquery(token_list)
        if _exact(folded, token_list):
            return RawSQL(
                "SELECT article_id FROM articles_searchentry "
                "WHERE vector @@ %s::tsquery",
                [query],
            )
        return RawSQL(
            "SELECT article_id FROM articles_searchentry "
            "WHERE vector @@ %s::tsquery AND strpos(text, %s) > 0",
            [query, folded],
        )
    if vendor == "sqlite" and token_list:
        return RawSQL(
            "SELECT article_id FROM articles_searchentry WHERE article_id IN "
            "(SELECT rowid FROM articles_searchentry_fts "
            "WHERE articles_searchentry_fts MATCH %s) AND instr(text, %s) > 0",
            [_fts_query(token_list), folded],
        )
    # Punctuation only (nothing to index): the folded text itself is checked.
    function = "strpos" if vendor == "postgresql" else "instr"
    return RawSQL(
        f"SELECT article_id FROM articles_searchentry WHERE {function}(text, %s) > 0",
        [folded],
    )


class Slot:
    """A list parameter of a statement ``compiled`` once, filled in per call."""

    def __init__(self, vendor):
        self.vendor = vendor

    def fill(self, values):
        values = list(values)
        if self.vendor != "postgresql":
            return json.dumps(values, ensure_ascii=False)
        if all(type(value) is int for value in values):
            # Ids as the array's text: psycopg dumps a list item by item, and
            # Django hashes a list parameter item by item when it compares
            # expressions (~0.3 ms for the 200 ids a search ranks).
            return "{" + ",".join(map(str, values)) + "}"
        return values


def listed(values, *, sql_type="bigint", using="default"):
    """``values`` as a subquery for an ``__in`` lookup, sent as one parameter.

    A long list as ``IN (%s, %s, …)`` costs a placeholder each: psycopg splits
    and quotes every one on every query (0.2 s of CPU for the importer's
    ~10,000 name forms), and SQLite allows at most 999. An array (PostgreSQL)
    or a JSON list (SQLite) is one value, however long. ``values`` may be a
    ``Slot`` of a ``compiled`` statement.
    """
    vendor = connections[using].vendor
    param = values if isinstance(values, Slot) else Slot(vendor).fill(values)
    if vendor == "postgresql":
        return RawSQL(f"SELECT unnest(%s::{sql_type}[])", [param])
    return RawSQL("SELECT value FROM json_each(%s)", [param])


# Statements ``compiled`` so far: {(key, database alias): (sql, params, slots)}.
_COMPILED = {}


def compiled(key, build, *lists, using="default"):
    """``(sql, params)`` of the queryset ``build(*slots)``, each slot filled
    with the list in ``lists`` at its place.

    The ORM takes 1–5 ms to build and compile a search's querysets (the
    organization's visibility rule alone ~3 ms), on every search. Those whose
    shape does not depend on the query are compiled once per process and
    database: ``build`` passes each ``Slot`` it gets through ``listed`` (one
    parameter, whatever the length) and must not depend on anything else that
    changes at run time (``Now()`` is SQL: the database reads the clock).
    """
    entry = _COMPILED.get((key, using))
    if entry is None:
        vendor = connections[using].vendor
        slots = [Slot(vendor) for _ in lists]
        queryset = build(*slots)
        sql, params = queryset.query.get_compiler(using).as_sql()
        entry = _COMPILED[(key, using)] = (sql, tuple(params), slots)
    sql, params, slots = entry
    filled = {
        id(slot): slot.fill(values) for slot, values in zip(slots, lists, strict=True)
    }
    return sql, [filled.get(id(param), param) for param in params]


# Articles whose entry a ``deferred()`` block will write at its end.
_pending = threading.local()


@contextmanager
def deferred():
    """Write each entry touched inside the block once, as the block ends.

    A write of many rows of one article (an import: the article, then each of
    its items) would otherwise rewrite the entry once per row. The entries
    are still written inside the caller's transaction, so they commit or roll
    back with it; a block that raises writes none. Nested blocks join the
    outermost.
    """
    if getattr(_pending, "articles", None) is not None:
        yield
        return
    _pending.articles = {}
    try:
        yield
        from articles.models import Article

        for (using, pk), create in _pending.articles.items():
            article = Article.objects.using(using).filter(pk=pk).first()
            if article is not None:
                index_article(article, using=using, create=create)
    finally:
        _pending.articles = None


def _touch(using, pk, *, create):
    """Note ``pk`` for the open ``deferred()`` block; False when none is open."""
    articles = getattr(_pending, "articles", None)
    if articles is None:
        return False
    articles[(using, pk)] = articles.get((using, pk), False) or create
    return True


def _tsquery(token_list):
    return " & ".join("'" + token.replace("'", "''") + "'" for token in token_list)


def _fts_query(token_list):
    return " AND ".join('"' + token.replace('"', '""') + '"' for token in token_list)


def _indexed(alias, token_sets, postgres):
    """The index condition "holds the tokens of one of ``token_sets``" on the
    entry ``alias``."""
    if postgres:
        query = " | ".join(f"({_tsquery(tokens)})" for tokens in token_sets)
        return f"{alias}.vector @@ %s::tsquery", [query]
    query = " OR ".join(f"({_fts_query(tokens)})" for tokens in token_sets)
    return (
        f"{alias}.article_id IN (SELECT rowid FROM articles_searchentry_fts "
        "WHERE articles_searchentry_fts MATCH %s)",
        [query],
    )


# Tokens held by at least this share of the entries narrow too little for
# what the GIN index spends reading their postings; how long a process keeps
# the list.
COMMON_TOKEN_SHARE = 0.5
COMMON_TOKEN_SECONDS = 600
_common = {}


def _kept(store, using, seconds, read):
    """``read(cursor)``'s answer for the database ``using``, kept ``seconds``
    by this process in ``store`` (``{using: (when, answer)}``)."""
    now = time.monotonic()
    kept = store.get(using)
    if kept is not None and now - kept[0] < seconds:
        return kept[1]
    with connections[using].cursor() as cursor:
        answer = read(cursor)
    store[using] = (now, answer)
    return answer


def _common_tokens(using):
    """The tokens at least ``COMMON_TOKEN_SHARE`` of the entries hold, by the
    planner's own statistics of the vectors (``ANALYZE``'s most common
    elements), kept ``COMMON_TOKEN_SECONDS`` by each process."""

    def read(cursor):
        cursor.execute(
            "SELECT u.token FROM pg_stats s, unnest(s.most_common_elems::text::text[], "
            "s.most_common_elem_freqs) AS u(token, share) "
            "WHERE s.schemaname = current_schema() "
            "AND s.tablename = 'articles_searchentry' AND s.attname = 'vector' "
            "AND u.token IS NOT NULL AND u.share >= %s",
            [COMMON_TOKEN_SHARE],
        )
        return frozenset(token for (token,) in cursor.fetchall())

    return _kept(_common, using, COMMON_TOKEN_SECONDS, read)


def _rarest(tokens, common):
    """``tokens`` without those in ``common`` unless that leaves none.

    Only the index's narrowing drops them: the phrase check on the candidates
    still holds the whole phrase, so the matches are the same. 上海市人民政府
    narrows through 上海 & 海市 & 市人 & 民政 (540 entries of 100,000 in 3.4 ms)
    instead of also reading 人民's and 政府's postings, held by 69% and 89% of
    the entries (533 in 7 ms).
    """
    rarer = [token for token in tokens if token not in common]
    return rarer or tokens


def newest_matching(scope, words, excluded=(), *, limit, public=False, using="default"):
    """``(id, text hits)`` of the newest ``limit`` articles of ``scope`` that
    hold every word and none of ``excluded``.

    ``scope`` is ``(sql, params)`` of a subquery of article ids, or ``None`` for
    every article; ``public`` keeps to what the public may see by the entries'
    own status and date (no look at the articles). Each word, and
    each excluded word, is ``(variants, mentioned)``: it is found when the text
    holds one of ``variants`` (folded) or, if ``mentioned`` (``(sql, params)``
    of article ids) is given, when the article is among those; the text hits
    count the words with ``mentioned`` found in the text itself.

    One query: the index narrows by tokens, the entries are walked newest first
    and the phrase check runs on them lazily until ``limit`` pass, so a common
    word costs about ``limit`` checks, not one per article holding it. On
    PostgreSQL a public search of words naming no entity walks the newest
    entries first (``_recent``), and the older ones in a second query only
    when those do not hold ``limit`` matches.
    """
    postgres = connections[using].vendor == "postgresql"
    common = _common_tokens(using) if postgres else frozenset()
    strpos = "strpos(c.text, %s) > 0" if postgres else "instr(c.text, %s) > 0"
    # (sql, params, broad) and (sql, params)
    narrow, check, steppable = [], [], []
    hits, hit_params = [], []

    def in_text(variants):
        return "(" + " OR ".join([strpos] * len(variants)) + ")"

    for variants, mentioned in words:
        token_sets = [_narrowing_tokens(v) for v in variants]
        indexable = all(token_sets)
        narrowing = [_rarest(tokens, common) for tokens in token_sets]
        # The index alone answers a word of one token per name.
        exact = mentioned is None and all(map(_exact, variants, token_sets))
        # Tokens most entries hold narrow a walk down the newest entries less
        # than their vectors (~18 KB each) cost to read, when the text is read
        # anyway: there the text alone is checked (see _recent).
        broad = (
            indexable
            and not exact
            and any(set(tokens) <= common for tokens in narrowing)
        )
        steppable.append(mentioned is None or broad)
        if mentioned is None:
            if indexable:
                sql, params = _indexed("e", narrowing, postgres)
                narrow.append((sql, params, broad))
            if not (indexable and exact):
                check.append((in_text(variants), variants))
            continue
        mention_sql, mention_params = mentioned
        if indexable and postgres:
            # An OR of two index conditions on the entry itself (a BitmapOr of
            # the GIN index and the primary key, the mentions read once as an
            # array), so no second pass over the entries joins them.
            sql, params = _indexed("e", narrowing, postgres)
            sql = f"({sql} OR e.article_id = ANY(ARRAY({mention_sql})))"
            narrow.append((sql, [*params, *mention_params], broad))
        elif indexable:
            # A union, not an OR: each side keeps its own index.
            sql, params = _indexed("i", narrowing, postgres)
            sql = (
                "e.article_id IN (SELECT i.article_id FROM articles_searchentry i "
                f"WHERE {sql} UNION {mention_sql})"
            )
            narrow.append((sql, [*params, *mention_params], False))
        # The mention first: a mentioned article's text need not be read.
        check.append(
            (
                f"(c.article_id IN ({mention_sql}) OR {in_text(variants)})",
                [*mention_params, *variants],
            )
        )
        hits.append(f"CASE WHEN {in_text(variants)} THEN 1 ELSE 0 END")
        hit_params += variants
    for variants, mentioned in excluded:
        if mentioned is None:
            check.append((f"NOT {in_text(variants)}", variants))
        else:
            mention_sql, mention_params = mentioned
            check.append(
                (
                    f"NOT ({in_text(variants)} OR c.article_id IN ({mention_sql}))",
                    [*variants, *mention_params],
                )
            )
    where, scope_params = [], []
    if public:
        where.append(
            "e.status = 'published' AND e.published_at IS NOT NULL "
            "AND e.published_at <= CURRENT_TIMESTAMP"
        )
    if scope is not None:
        where.append(f"e.article_id IN ({scope[0]})")
        scope_params = list(scope[1])

    def run(limit, window=None, since=None):
        """The walk; over the newest entries (``window``, from ``since``) the
        broad words are checked on the text, not narrowed by the index."""
        recent = window == "recent"
        narrows = [(sql, p) for sql, p, broad in narrow if not (recent and broad)]
        conditions = [*where]
        window_params = []
        if window:
            conditions.append(
                "e.published_at >= %s" if recent else "e.published_at < %s"
            )
            window_params = [since]
        conditions += [sql for sql, _p in narrows]
        # OFFSET 0 keeps the walk a subquery, so the checks run on its rows in
        # order.
        inner = (
            "SELECT e.article_id, e.text FROM articles_searchentry e "
            f"WHERE {' AND '.join(conditions) or '1 = 1'} "
            "ORDER BY e.published_at DESC, e.article_id DESC "
            + ("OFFSET 0" if postgres else "LIMIT -1")
        )
        if postgres and (check or hits):
            # PostgreSQL fetches a stored text again for every strpos on it (an
            # alias, then a full name, then the hits): one plain copy per entry
            # walked is read once. OFFSET 0 keeps the copy a step of its own.
            inner = (
                f"SELECT w.article_id, w.text || '' AS text FROM ({inner}) w OFFSET 0"
            )
        sql = (
            f"SELECT c.article_id, {' + '.join(hits) or '0'} FROM ({inner}) c "
            f"WHERE {' AND '.join(sql for sql, _p in check) or '1 = 1'} LIMIT %s"
        )
        params = [
            *hit_params,
            *scope_params,
            *window_params,
            *[param for _sql, p in narrows for param in p],
            *[param for _sql, p in check for param in p],
            limit,
        ]
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    # A word naming an entity by rarer tokens narrows by them and its mentions
    # to few entries mostly, whose tokens the GIN index would read twice.
    stepped = postgres and public and all(steppable)
    since = _recent(using) if stepped else None
    if since is None:
        return run(limit)
    # The newest entries first: found there, the matches need no look at the
    # older ones (see _recent); else the rest are the newest of the older ones.
    found = run(limit, "recent", since)
    if len(found) < limit:
        # An entry re-dated between the two queries is not counted twice.
        seen = {pk for pk, _hits in found}
        older = run(limit - len(found), "older", since)
        found += [row for row in older if row[0] not in seen]
    return found


# The newest public entries a search looks at first, and how long a process
# keeps the date they start at.
RECENT_ENTRIES = 2000
RECENT_SECONDS = 60
_recent_since = {}


def _recent(using):
    """The date from which the newest ``RECENT_ENTRIES`` public entries run
    (None when there are fewer), kept ``RECENT_SECONDS`` by each process.

    Over every entry, a common word's walk either fetched and sorted all the
    entries holding its bigrams (研究所: 13,500 of 100,000, ~30 ms) or
    checked each entry's vector (~18 KB of TOAST) down the date index, to keep
    the newest 200. Among the newest entries only, the GIN index and the date
    index meet in one bitmap (研究所: ~7 ms). Any date gives the same matches
    (the older entries are walked after, when the newest do not hold
    ``limit``), so a date some seconds old costs nothing but a slightly
    larger first step.
    """

    def read(cursor):
        cursor.execute(
            "SELECT published_at FROM articles_searchentry "
            "WHERE status = 'published' AND published_at IS NOT NULL "
            "AND published_at <= CURRENT_TIMESTAMP "
            "ORDER BY published_at DESC, article_id DESC OFFSET %s LIMIT 1",
            [RECENT_ENTRIES],
        )
        row = cursor.fetchone()
        return row[0] if row else None

    return _kept(_recent_since, using, RECENT_SECONDS, read)


def _article_saved(sender, instance, using, **kwargs):
    if not _touch(using, instance.pk, create=True):
        index_article(instance, using=using)


def _item_changed(sender, instance, using, **kwargs):
    from articles.models import Article

    if getattr(_pending, "articles", None) is not None:
        _touch(using, instance.directive_set.article_id, create=False)
        return
    set_id = instance.directive_set_id
    article = Article.objects.using(using).filter(directive_sets=set_id).first()
    if article is not None:
        index_article(article, using=using, create=False)


def connect():
    """Keep every article's entry current with its row (called once, at start)."""
    from articles.models import Article, Directive

    signals.post_save.connect(
        _article_saved, sender=Article, dispatch_uid="search_index_article"
    )
    for signal in (signals.post_save, signals.post_delete):
        signal.connect(_item_changed, sender=Directive, dispatch_uid="search_item")
