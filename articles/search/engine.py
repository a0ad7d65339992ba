"""The search backend: matching and ranking articles, sets, people, organizations.

Article text is matched through the index (``index.matching``: bigram tokens,
then the folded phrase on the candidates); names, headings and directive text,
short fields, with ``icontains`` on the folded query. Every face
calls these functions, so an indexed backend replaces this module, not the faces.
"""

from django.db.models import Case, Exists, OuterRef, Q, Value, When

from . import index
from .query import search_terms


def _article_match(term):
    from articles.models import OrganizationMention, PersonMention

    in_title, in_lede, in_text = Q(), Q(), Q()
    for variant in term.variants:
        in_title |= Q(title__icontains=variant)
        in_lede |= Q(lede__icontains=variant)
        in_text |= Q(pk__in=index.matching(variant))
    # Only a term naming an entity can match without its words (a mention);
    # otherwise every match holds them and the rank needs no second look.
    in_words = in_text if term.organization_ids or term.person_ids else Q()
    if term.organization_ids:
        in_text |= Exists(
            OrganizationMention.objects.filter(
                article=OuterRef("pk"), organization__in=term.organization_ids
            )
        )
    if term.person_ids:
        in_text |= Exists(
            PersonMention.objects.filter(
                article=OuterRef("pk"), person__in=term.person_ids
            )
        )
    return (in_title, in_lede, in_words), in_text


def search_articles(queryset, query):
    """Articles of ``queryset`` matching every word of ``query``, best first.

    ``query`` is a string or the ``SearchTerm`` list ``search_terms()`` made of
    it. A word matches when the title, lede or body contains it or another name
    of the organization or person it names, or when the article mentions that
    entity; a ``-word`` excludes. Ranked title > lede > text > mention only (by
    how many words each holds), the newest first within a rank: ranking reads
    short fields and the index, never the bodies of every match.
    """
    terms = search_terms(query) if isinstance(query, str) else query
    if not any(not t.exclude for t in terms):
        return queryset.none()
    hits = [Value(0), Value(0), Value(0)]  # title, lede, any text
    for term in terms:
        places, in_text = _article_match(term)
        if term.exclude:
            queryset = queryset.exclude(in_text)
            continue
        queryset = queryset.filter(in_text)
        for rank, place in enumerate(places):
            if place:
                hits[rank] += Case(When(place, then=Value(1)), default=Value(0))
    return queryset.annotate(
        search_title_hits=hits[0], search_lede_hits=hits[1], search_text_hits=hits[2]
    ).order_by(
        "-search_title_hits",
        "-search_lede_hits",
        "-search_text_hits",  # before articles found only through a mention
        "-published_at",
        "-pk",
    )


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
    return search_articles(queryset, query).order_by()


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
        found = search_articles(queryset, query).order_by()
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
