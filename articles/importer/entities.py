"""People with their titles, and organizations with their aliases.

The stage matches a folded copy of the body (Simplified characters, half-width
punctuation, same length: ``textfold``) and reports every fact with its span and its
text as written in the body. Recognition is lexicon and rule based (``lexicon``):
``organizations`` finds bodies by suffix, by 简称 definitions and by the gazetteer;
``persons`` finds names where a title, a list or a form of address vouches for
them, and the titles each holds, with the body each title belongs to where the
text says so.
"""

from . import lexicon as lx
from .organizations import OrganizationFinder, classify
from .persons import PersonFinder, display_form
from .textfold import fold
from .types import OrganizationFact, PersonFact, TitleFact


def extract_entities(page, *, gazetteer=None):
    """``(persons, organizations)`` named in ``page``'s body (and its 来源 line).

    ``gazetteer`` maps names and short forms already known in the database to
    an organization's full name (``Gazetteer`` in ``extract``); may be None.
    Spans are offsets into ``page.body``; names and titles are as written there.
    """
    body = page.body
    text = fold(body)
    orgs = OrganizationFinder(text, gazetteer)
    orgs.find()
    finder = PersonFinder(text, orgs, gazetteer)
    found = finder.find()
    groups = orgs.groups(title_spans=finder.title_spans)
    home = None
    if orgs.home is not None:
        home = next((g for g in groups if orgs.home in g.forms), None)
    finder.resolve_organizations(groups, home)

    written = {}
    for group in groups:
        for mention in group.mentions:
            written.setdefault(mention.form, body[mention.start : mention.end])

    def as_written(name):
        return written.get(name, name) if name else name

    persons = []
    for person in found:
        first = person.spans[0]
        persons.append(
            PersonFact(
                name=body[first[0] : first[1]],
                titles=[
                    TitleFact(
                        title=body[t.start : t.end],
                        organization=as_written(t.organization),
                        span=(t.start, t.end),
                    )
                    for t in person.titles
                ],
                spans=list(person.spans),
            )
        )
    persons.sort(key=lambda p: p.spans[0])

    organizations = []
    for group in groups:
        name = display_form(group)
        organizations.append(
            OrganizationFact(
                name=written.get(name, name),
                aliases=[written.get(f, f) for f in group.forms if f != name],
                spans=sorted((m.start, m.end) for m in group.mentions),
            )
        )
    _add_source(page, organizations)
    return persons, organizations


def _add_source(page, organizations):
    """The 来源 line names an organization when it reads as one (外宣办)."""
    source = (page.source or "").strip()
    if not source or len(source) > 40:
        return
    folded = fold(source)
    if classify(folded) != "named" or not lx.ORG_SUFFIX_RE.search(folded):
        return
    for organization in organizations:
        forms = {fold(organization.name), *map(fold, organization.aliases)}
        if folded in forms:
            return
    organizations.append(OrganizationFact(name=source))
