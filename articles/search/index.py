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

import re

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


def matching(phrase, *, using="default"):
    """A subquery of the ids of articles whose searchable text holds ``phrase``.

    ``phrase`` is folded here; its tokens narrow through the index, the phrase
    itself is checked on what remains.
    """
    folded = fold_query(phrase)
    token_list = index_tokens(folded)
    vendor = connections[using].vendor
    # A lone character is indexed only where it stands alone in the text, so it
    # cannot narrow; the phrase check on the candidates still requires it.
    token_list = [token for token in token_list if not _LONE_CJK.fullmatch(token)]
    if vendor == "postgresql" and token_list:
        query = " & ".join("'" + token.replace("'", "''") + "'" for token in token_list)
        if _CJK_PAIR.fullmatch(folded):
            # A two-character word is its own bigram: the index answers exactly.
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
        query = " AND ".join(
            '"' + token.replace('"', '""') + '"' for token in token_list
        )
        return RawSQL(
            "SELECT article_id FROM articles_searchentry WHERE article_id IN "
            "(SELECT rowid FROM articles_searchentry_fts "
            "WHERE articles_searchentry_fts MATCH %s) AND instr(text, %s) > 0",
            [query, folded],
        )
    # Punctuation only (nothing to index): the folded text itself is checked.
    function = "strpos" if vendor == "postgresql" else "instr"
    return RawSQL(
        f"SELECT article_id FROM articles_searchentry WHERE {function}(text, %s) > 0",
        [folded],
    )


def _article_saved(sender, instance, using, **kwargs):
    index_article(instance, using=using)


def _item_changed(sender, instance, using, **kwargs):
    from articles.models import Article

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
