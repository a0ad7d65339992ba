"""The importer's pipeline: page, then entities, then directives."""

import re
from dataclasses import dataclass, field

from articles.search.index import listed

from .directives import extract_directives
from .entities import extract_entities
from .page import read_page
from .textfold import fold
from .types import Extraction

# The longest name or short form the gazetteer looks for (a person's name is
# shorter).
MAX_FORM = 24
MAX_PERSON_NAME = 10
# Where no name runs on: spaces and the punctuation between clauses.
_BREAKS = re.compile(r"[\s,，。、;；:：!！?？…“”‘’\"'《》〈〉【】\[\]]+")


def _candidates(text):
    """Every substring of 2 to ``MAX_FORM`` characters within a run of ``text``."""
    found = set()
    for source in {text, fold(text)}:
        for run in _BREAKS.split(source):
            for i in range(len(run) - 1):
                for j in range(i + 2, min(len(run), i + MAX_FORM) + 1):
                    found.add(run[i:j])
    return found


@dataclass
class Gazetteer:
    """Names already known in the database: organization forms → full name."""

    organizations: dict = field(default_factory=dict)
    persons: set = field(default_factory=set)

    @classmethod
    def for_text(cls, text):
        """The known names that occur in ``text``, and only those.

        Every run of ``text`` between punctuation yields its substrings of
        ``MAX_FORM`` characters or fewer (on the text as written and folded to
        Simplified); those are looked up on the indexed name columns, one
        query per table with the forms as one parameter. The work grows with
        the length of the text, never with the size of the Person and
        Organization tables, so no request loads a whole table, and nothing
        needs a cache to invalidate.
        """
        from articles.models import Organization, OrganizationAlias, Person

        candidates = sorted(_candidates(text))
        names = [form for form in candidates if len(form) <= MAX_PERSON_NAME]
        organizations = dict(
            Organization.objects.filter(
                name__in=listed(candidates, sql_type="text")
            ).values_list("name", "name")
        )
        for alias, full in OrganizationAlias.objects.filter(
            name__in=listed(candidates, sql_type="text")
        ).values_list("name", "organization__name"):
            organizations.setdefault(alias, full)
        persons = set(
            Person.objects.filter(name__in=listed(names, sql_type="text")).values_list(
                "name", flat=True
            )
        )
        return cls(organizations=organizations, persons=persons)


def extract_page(data, *, filename="", gazetteer=None):
    """Everything the importer finds in one scraped page (nothing is saved).

    ``gazetteer`` is a ``Gazetteer``, or a callable that makes one from the
    page's body (``Gazetteer.for_text``: only the names the page contains).
    """
    page = read_page(data, filename=filename)
    if callable(gazetteer):
        gazetteer = gazetteer(page.body)
    persons, organizations = extract_entities(page, gazetteer=gazetteer)
    directives = extract_directives(page, persons=persons, organizations=organizations)
    return Extraction(
        page=page, persons=persons, organizations=organizations, directives=directives
    )
