"""The search backend: matching and ranking articles, sets, people, organizations.

Article text is matched through the index (``index.matching``: bigram tokens,
then the folded phrase on the candidates); names, headings and directive text,
short fields, with ``icontains`` on the folded query. Every face
calls these functions, so an indexed backend replaces this module, not the faces.
"""

from django.db import connections
from django.db.models import IntegerField, Q
from django.db.models.expressions import RawSQL

from . import index
from .query import search_terms

# How many of the newest matches a search ranks: the site's page (20 pages of
# 10, after which it asks the reader to narrow by date or section), and the
# lists API clients and editors page through.
SEARCH_CANDIDATES = 200
SEARCH_LIST_CANDIDATES = 1000


def _mentioned(term, using):
    """``(sql, params)`` of the articles mentioning what ``term`` names, or None."""
    from articles.models import OrganizationMention, PersonMention

    parts = []
    for field, mentions, ids in (
        ("organization", OrganizationMention, term.organization_ids),
        ("person", PersonMention, term.person_ids),
    ):
        if not ids:
            continue

        def build(listed_ids, field=field, mentions=mentions):
            return (
                mentions.objects.filter(**{f"{field}__in": index.listed(listed_ids)})
                .order_by()
                .values("article_id")
            )

        key = ("search-mentions", field)
        parts.append(index.compiled(key, build, sorted(ids), using=using))
    if not parts:
        return None
    return (
        " UNION ".join(sql for sql, _params in parts),
        [param for _sql, params in parts for param in params],
    )


def _ids(articles):
    return articles.order_by().values("pk")


def _scope(queryset):
    """How ``newest_matching`` keeps to ``queryset``: by the entries' own status
    and date when it is exactly the public set, not at all when it is every
    article, else through the queryset's ids.

    The two sets it is compared with are compiled once per process."""
    from articles.models import Article

    using = queryset.db
    sql, params = _ids(queryset).query.get_compiler(using).as_sql()
    ids_sql = (sql, list(params))
    published = index.compiled(
        "search-published", lambda: _ids(Article.objects.published()), using=using
    )
    if ids_sql == published:
        return None, True
    if ids_sql == index.compiled(
        "search-all", lambda: _ids(Article.objects.all()), using=using
    ):
        return None, False
    return ids_sql, False


def article_matches(queryset, query, *, limit=SEARCH_CANDIDATES):
    """``(id, text hits)`` of the newest ``limit + 1`` articles of ``queryset``
    matching ``query`` (one more than ``limit`` says there are more).

    A word matches when the text (title, lede, body, directive items) holds it
    or another name of the organization or person it names, or when the article
    mentions that entity; a ``-word`` excludes. Text hits count the words naming
    an entity that the text itself holds.
    """
    terms = search_terms(query) if isinstance(query, str) else query
    using = queryset.db
    words = [(t.variants, _mentioned(t, using)) for t in terms if not t.exclude]
    if not words:
        return []
    excluded = [(t.variants, _mentioned(t, using)) for t in terms if t.exclude]
    scope, public = _scope(queryset)
    return index.newest_matching(
        scope,
        words,
        excluded,
        limit=limit + 1,
        public=public,
        using=using,
    )


def _ranks(model, terms, by_hits, using):
    """The ranking annotations ``search_articles`` orders by, as raw SQL.

    The same conditions as ``title__icontains`` and ``pk__in`` lookups (the
    connection's own LIKE and cast), written directly: as ``Q`` objects in
    ``Case`` expressions their resolution, hashing and compilation took ~2 ms
    of every search.
    """
    connection = connections[using]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)

    def contains(name):
        field = model._meta.get_field(name)
        column = connection.ops.lookup_cast("icontains", field.get_internal_type())
        column %= f"{table}.{quote(field.column)}"
        return f"{column} {connection.operators['icontains'] % '%s'}"

    def like(variant):
        return f"%{connection.ops.prep_for_like_query(variant)}%"

    ranks = {}
    words = [term for term in terms if not term.exclude]
    for name, field in (("search_title_hits", "title"), ("search_lede_hits", "lede")):
        if not words:
            break
        condition = contains(field)
        ranks[name] = RawSQL(
            " + ".join(
                "(CASE WHEN ("
                + " OR ".join([condition] * len(term.variants))
                + ") THEN 1 ELSE 0 END)"
                for term in words
            ),
            [like(variant) for term in words for variant in term.variants],
            output_field=IntegerField(),
        )
    if by_hits:  # before articles found only through a mention
        pk = f"{table}.{quote(model._meta.pk.column)}"
        whens, params = [], []
        for n, ids in by_hits.items():
            listed = index.listed(ids, using=using)
            whens.append(f"WHEN {pk} IN ({listed.sql}) THEN {int(n)}")
            params += listed.params
        ranks["search_text_hits"] = RawSQL(
            f"(CASE {' '.join(whens)} ELSE 0 END)", params, output_field=IntegerField()
        )
    return ranks


def search_articles(queryset, query, *, matches=None, limit=SEARCH_CANDIDATES):
    """Articles of ``queryset`` matching every word of ``query``, best first.

    ``query`` is a string or the ``SearchTerm`` list ``search_terms()`` made of
    it; ``matches`` what ``article_matches`` already found for it. Only the
    newest ``limit`` matches are ranked (a page says when there were more):
    title > lede > text > mention only (by how many words each holds), the
    newest first within a rank. Ranking reads short fields of those articles.
    """
    terms = search_terms(query) if isinstance(query, str) else query
    if matches is None:
        matches = article_matches(queryset, terms, limit=limit)
    matches = matches[:limit]
    if not matches:
        return queryset.none()
    using = queryset.db
    by_hits = {}
    for pk, hits in matches:
        if hits:
            by_hits.setdefault(hits, []).append(pk)
    ranks = _ranks(queryset.model, terms, by_hits, using)
    ranked = (
        queryset.filter(pk__in=index.listed([pk for pk, _ in matches], using=using))
        .annotate(**ranks)
        .order_by(*[f"-{name}" for name in ranks], "-published_at", "-pk")
    )
    # The matches are this queryset's rows already (its scope and visibility
    # applied): a paginator need not count them again. A clone (a filter, a
    # page) counts as usual.
    ranked.count = lambda: len(matches)
    return ranked


def _each_term(queryset, query, match):
    terms = search_terms(query) if isinstance(query, str) else query
    if not any(not t.exclude for t in terms):
        return queryset.none()
    for term in terms:
        condition = Q()
        for variant in term.variants:
            condition |= match(variant)
        queryset = (
            queryset.exclude(condition) if term.exclude else queryset.filter(condition)
        )
    return queryset


def search_directives(queryset, query):
    """Directives whose text, summary, set heading or issuer matches ``query``."""
    from articles.models import PersonAlias

    def match(variant):
        issuers = PersonAlias.objects.filter(name__icontains=variant).values("person")
        return (
            Q(text__icontains=variant)
            | Q(summary__icontains=variant)
            | Q(directive_set__heading__icontains=variant)
            | Q(directive_set__issuer__name__icontains=variant)
            | Q(directive_set__issuer__in=issuers)
        )

    return _each_term(queryset, query, match)


def search_named(queryset, query):
    """People or organizations whose name or an alias matches ``query``."""
    alias_model = queryset.model.aliases.rel.related_model
    owner = queryset.model.aliases.rel.field.name

    def match(variant):
        aliases = alias_model.objects.filter(name__icontains=variant).values(owner)
        return Q(name__icontains=variant) | Q(pk__in=aliases)

    return _each_term(queryset, query, match)


def search_article_api(queryset, query):
    """The API's article ``q``: as the site (directive text is part of the body)."""
    return search_articles(queryset, query, limit=SEARCH_LIST_CANDIDATES).order_by()


def search_sets(queryset, query):
    """Directive sets whose heading, issuer or one of whose items matches."""
    from articles.models import Directive

    items = search_directives(Directive.objects.all(), query)
    return queryset.filter(pk__in=items.values("directive_set"))


def search_any(queryset, query):
    """``queryset`` narrowed to what matches ``query``, for the model it holds.

    What the admin's search box (and so its autocomplete) asks; no ranking.
    """
    from articles.models import Article, Directive, DirectiveSet

    model = queryset.model
    if model is Article:
        found = search_articles(
            queryset, query, limit=SEARCH_LIST_CANDIDATES
        ).order_by()
    elif model is Directive:
        found = search_directives(queryset, query)
    elif model is DirectiveSet:
        found = search_sets(queryset, query)
    else:
        found = search_named(queryset, query)
    return found


def entity_cards(terms, *, user=None):
    """The people and organizations the query names, as the public may see them.

    Two lists (people with their visible positions, organizations with their
    aliases), in at most four queries whatever the number of terms.
    """
    from django.db.models import Prefetch

    from articles import visibility

    person_ids = {pk for term in terms if not term.exclude for pk in term.person_ids}
    organization_ids = {
        pk for term in terms if not term.exclude for pk in term.organization_ids
    }
    people, organizations = [], []
    if person_ids:
        positions = (
            visibility.visible_positions(user)
            .filter(end_date__isnull=True)
            .select_related("organization")
        )
        people = list(
            visibility.visible_people(user)
            .filter(pk__in=person_ids)
            .prefetch_related(
                Prefetch("positions", queryset=positions, to_attr="card_positions")
            )
            .order_by("name")
        )
    if organization_ids:
        organizations = list(
            visibility.visible_organizations(user)
            .filter(pk__in=organization_ids)
            .prefetch_related("aliases")
            .order_by("name")
        )
    return people, organizations


MATCHING_SETS = 5


def matching_sets(queryset, terms):
    """Up to ``MATCHING_SETS`` sets of ``queryset`` one of whose items holds every
    word, newest first, each with ``matching_items``.

    Only items of articles the index already found are read, so the item text
    check never runs over every directive.
    """
    from django.db.models import Prefetch

    from articles.models import Directive

    words = [term for term in terms if not term.exclude]
    if not words:
        return []
    items = Directive.objects.all()
    for term in words:
        condition = Q()
        for variant in term.variants:
            condition |= Q(directive_set__article__in=index.matching(variant)) & Q(
                text__icontains=variant
            )
        items = items.filter(condition)
    return list(
        queryset.filter(pk__in=items.values("directive_set"))
        .select_related("article", "issuer")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=items.order_by("ordinal", "pk"),
                to_attr="matching_items",
            )
        )
        .order_by("-article__published_at", "number")[:MATCHING_SETS]
    )
