"""Query understanding: words, the entities they name, the names they stand for."""

import re
from dataclasses import dataclass, field

from django.db import connection

from .fold import fold_query
from .index import compiled, listed

SEARCH_MAX_WORDS = 8
SEARCH_MAX_VARIANTS = 12
# A word longer than this is not cut into entity names (bounds the lookup).
SEARCH_MAX_SEGMENTED = 30
SEARCH_MAX_NAME = 20
SEARCH_WORD_SEPARATORS = re.compile(r"[\s\u3000,，;；、]+")
_QUOTED = re.compile(r'"([^"]+)"|“([^”]+)”|「([^」]+)」')


@dataclass(frozen=True)
class SearchTerm:
    """One word of a search and the other names it stands for."""

    word: str
    variants: tuple = ()
    organization_ids: frozenset = field(default_factory=frozenset)
    person_ids: frozenset = field(default_factory=frozenset)
    entities: tuple = ()  # the Organization and Person records it names
    exclude: bool = False


@dataclass(frozen=True)
class _Word:
    text: str
    exact: bool = False  # quoted: kept whole, not cut into names
    exclude: bool = False


def _parse(query):
    """The words of ``query``: quotes keep a phrase, a leading ``-`` excludes."""
    words = []
    query = query.strip()
    pos = 0
    pieces = []
    for match in _QUOTED.finditer(query):
        pieces.append((query[pos : match.start()], False))
        negative = match.start() > 0 and query[match.start() - 1] == "-"
        if negative:
            pieces[-1] = (pieces[-1][0][:-1], False)
        phrase = next(g for g in match.groups() if g)
        pieces.append((("-" if negative else "") + phrase, True))
        pos = match.end()
    pieces.append((query[pos:], False))
    for text, exact in pieces:
        chunks = [text] if exact else SEARCH_WORD_SEPARATORS.split(text)
        for chunk in chunks:
            exclude = chunk.startswith("-") and len(chunk) > 1
            chunk = chunk[1:] if exclude else chunk
            chunk = fold_query(chunk).strip() if not exact else fold_query(chunk)
            if chunk and all(w.text != chunk for w in words):
                words.append(_Word(chunk, exact, exclude))
    return words[:SEARCH_MAX_WORDS]


def search_words(query):
    """The distinct words of ``query`` (split on spaces and list punctuation)."""
    return [w.text for w in _parse(query)]


def _substrings(text):
    if len(text) > SEARCH_MAX_SEGMENTED:
        return {text}
    return {
        text[i:j]
        for i in range(len(text))
        for j in range(i + 2, min(len(text), i + SEARCH_MAX_NAME) + 1)
    }


def _segment(word, known):
    """``word`` cut into known names and the phrases between them (longest first)."""
    if word.text in known or word.exact or len(word.text) > SEARCH_MAX_SEGMENTED:
        return [word]
    parts, i, pending = [], 0, ""
    text = word.text
    while i < len(text):
        for j in range(min(len(text), i + SEARCH_MAX_NAME), i + 1, -1):
            if text[i:j] in known:
                if pending:
                    parts.append(_Word(pending, exclude=word.exclude))
                    pending = ""
                parts.append(_Word(text[i:j], exclude=word.exclude))
                i = j
                break
        else:
            pending += text[i]
            i += 1
    if pending:
        parts.append(_Word(pending, exclude=word.exclude))
    if any(len(p.text) < 2 for p in parts):  # a stray character: keep it whole
        return [word]
    return parts


def _named(lookup):
    """``{model: ids}`` of the organizations and people one of whose names or
    aliases is in ``lookup``: one query, each name column by its own index (a
    union, not an OR, which would read every row)."""
    from articles.models import Organization, Person

    models = {"organization": Organization, "person": Person}

    def build(names):
        from django.db.models import CharField, Value

        parts = []
        for label, model in models.items():
            kind = Value(label, output_field=CharField())
            aliases = model.aliases.rel
            parts.append(
                model.objects.filter(name__in=listed(names, sql_type="text"))
                .order_by()
                .annotate(search_kind=kind)
                .values_list("search_kind", "pk")
            )
            parts.append(
                aliases.related_model.objects.filter(
                    name__in=listed(names, sql_type="text")
                )
                .order_by()
                .annotate(search_kind=kind)
                .values_list("search_kind", aliases.field.name)
            )
        return parts[0].union(*parts[1:])

    found = {}
    with connection.cursor() as cursor:
        cursor.execute(*compiled("search-names", build, sorted(lookup)))
        for label, pk in cursor.fetchall():
            found.setdefault(models[label], set()).add(pk)
    return found


def _public_names(model, ids):
    """``(pk, name, slug, alias)`` of those of ``ids`` the public may see, a row
    per alias (one without any has its alias None), by id.

    Kept per entity under the content generation (``cache.Fragments``: any
    write, or the next scheduled publication, makes them a miss), since the
    organization's visibility rule takes ~2 ms to plan on every search naming
    one. A hidden entity is kept as hidden the same way.
    """
    from articles import cache

    def build(listed_ids):
        return (
            model.objects.public()
            .filter(pk__in=listed(listed_ids))
            .order_by()
            .values_list("pk", "name", "slug", "aliases__name")
        )

    def read(ids):
        rows = {pk: [] for pk in ids}
        with connection.cursor() as cursor:
            cursor.execute(*compiled(("search-public-names", model), build, ids))
            for row in cursor.fetchall():
                rows[row[0]].append(tuple(row))
        return rows

    if not cache.Fragment.is_enabled():
        found = read(ids)
    else:
        fragments = cache.Fragments("search-names", model._meta.label, ids)
        found = fragments.values
        missing = [pk for pk in ids if pk not in found]
        if missing:
            fresh = read(missing)
            fragments.store(fresh)
            found.update(fresh)
    return [row for pk in ids for row in found[pk]]


def search_terms(query):
    """``query``'s words, each with the names of what it denotes (one query,
    and one more per kind of entity named).

    A word that is the full name or an alias of an organization or person also
    matches that entity's other names, so 北科院 finds 北京市科学技术研究院. A
    word without spaces that contains known names is cut at them: 北科院工作会议
    is 北科院 and 工作会议. Traditional and full-width input is folded first.
    """
    from articles.models import Organization, Person

    words = _parse(query)
    if not words:
        return []
    lookup = set()
    for word in words:
        lookup |= {word.text} if word.exact else _substrings(word.text)
    names, records = {}, {}
    for model, ids in _named(lookup).items():
        # Visibility only on what the names found (most queries name nothing).
        for pk, name, slug, alias in _public_names(model, sorted(ids)):
            key = (model, pk)
            names.setdefault(key, {name}).add(alias or name)
            records[key] = model(pk=pk, name=name, slug=slug)
    by_name = {}
    for key, entity_names in names.items():
        for name in entity_names:
            by_name.setdefault(fold_query(name), []).append(key)
    segmented = []
    for word in words:
        for part in _segment(word, by_name):
            if all(p.text != part.text for p in segmented):
                segmented.append(part)
    terms = []
    for word in segmented[:SEARCH_MAX_WORDS]:
        keys = by_name.get(word.text, [])
        variants = [word.text]
        for key in keys:
            variants.extend(sorted(n for n in names[key] if n not in variants))
        entities = tuple(records[k] for k in keys)
        terms.append(
            SearchTerm(
                word=word.text,
                variants=tuple(variants[:SEARCH_MAX_VARIANTS]),
                organization_ids=frozenset(k[1] for k in keys if k[0] is Organization),
                person_ids=frozenset(k[1] for k in keys if k[0] is Person),
                entities=entities,
                exclude=word.exclude,
            )
        )
    return terms
