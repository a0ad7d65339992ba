"""The importer's pipeline: page, then entities, then directives."""

from dataclasses import dataclass, field

from .directives import extract_directives
from .entities import extract_entities
from .page import read_page
from .types import Extraction


@dataclass
class Gazetteer:
    """Names already known in the database: organization forms → full name."""

    organizations: dict = field(default_factory=dict)
    persons: set = field(default_factory=set)

    @classmethod
    def from_database(cls):
        from articles.models import Organization, OrganizationAlias, Person

        organizations = dict(Organization.objects.values_list("name", "name"))
        organizations.update(
            OrganizationAlias.objects.values_list("name", "organization__name")
        )
        return cls(
            organizations=organizations,
            persons=set(Person.objects.values_list("name", flat=True)),
        )

    def learn(self, resolution):
        """Add the names a saved import resolved or created (see ``resolve``),
        so a batch need not read the whole tables again after every page."""
        for match in resolution.organizations:
            if match.organization is None:
                continue
            full_name = match.organization.name
            for form in (full_name, match.fact.name, *match.fact.aliases):
                self.organizations.setdefault(form, full_name)
        for match in resolution.persons:
            if match.person is not None:
                self.persons.add(match.person.name)


def extract_page(data, *, filename="", gazetteer=None):
    """Everything the importer finds in one scraped page (nothing is saved)."""
    page = read_page(data, filename=filename)
    persons, organizations = extract_entities(page, gazetteer=gazetteer)
    directives = extract_directives(page, persons=persons)
    return Extraction(
        page=page, persons=persons, organizations=organizations, directives=directives
    )
