"""Importing the two seed sources into an empty database reproduces the fixtures.

The expectations are read from ``fixtures/newsroom.json`` itself: the body
paragraphs, the 25 directives in their 4 sets with the same texts, every person
with every title, every organization with its aliases. The people, titles and
directives come from the entities and directives stages; while either is still
the skeleton (it finds nothing in a page full of people), those checks skip.
"""

import json
from collections import defaultdict
from pathlib import Path

from django.test import TestCase

from articles.importer.extract import extract_page
from articles.models import Article, Directive, Organization, Person, Position
from articles.services import article_import
from tests.test_fixtures import (
    BJAST_SEED,
    CONFERENCE_SEED,
    bjast_seed_body,
    conference_seed_body,
)

FIXTURE = json.loads(
    (Path(__file__).resolve().parent.parent / "fixtures" / "newsroom.json").read_text(
        encoding="utf-8"
    )
)


def records(model):
    return {r["pk"]: r["fields"] for r in FIXTURE if r["model"] == f"articles.{model}"}


def expected_sets():
    """``{article title: [(issuer, heading, addressees, [item texts])]}`` as the
    fixtures hold."""
    articles, people = records("article"), records("person")
    sets, organizations = records("directiveset"), records("organization")
    items = defaultdict(list)
    for fields in sorted(records("directive").values(), key=lambda f: f["ordinal"]):
        items[fields["directive_set"]].append(fields["text"])
    expected = defaultdict(list)
    for pk, fields in sorted(sets.items(), key=lambda pair: pair[1]["number"]):
        expected[articles[fields["article"]]["title"]].append(
            (
                people[fields["issuer"]]["name"],
                fields["heading"],
                sorted(organizations[o]["name"] for o in fields["addressees"]),
                items[pk],
            )
        )
    return dict(expected)


ARTICLE_TEXT = "\n".join(
    fields[key]
    for fields in records("article").values()
    for key in ("title", "lede", "body")
)


def fixture_forms():
    """``{organization pk: the forms of its name the articles write}``.

    An official full name the articles never write (中华人民共和国科学技术部
    for 科技部) cannot come from an import into an empty database; every form
    they do write must, on one organization. Venues are places, not bodies the
    importer lists; a one-character form (党) names nothing on its own.
    """
    forms = {
        pk: {fields["name"]}
        for pk, fields in records("organization").items()
        if fields["kind"] != "venue"
    }
    for fields in records("organizationalias").values():
        if fields["organization"] in forms:
            forms[fields["organization"]].add(fields["name"])
    return {
        pk: {form for form in names if len(form) > 1 and form in ARTICLE_TEXT}
        for pk, names in forms.items()
    }


# Forms the entities stage does not find yet (reported to its owner).
# Written forms the entities stage still misses (none now; 驻市科委、中关村管委会
# 纪检监察组, once cut to its last host, is found whole).
KNOWN_GAPS: set[str] = set()


def saved_forms(organization):
    return {organization.name, *(a.name for a in organization.aliases.all())}


class SeedImportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.extractions = [
            extract_page(BJAST_SEED.read_bytes(), filename=BJAST_SEED.name),
            extract_page(CONFERENCE_SEED.read_bytes(), filename=CONFERENCE_SEED.name),
        ]
        for extraction in cls.extractions:
            article_import(extraction=extraction)

    def require(self, kind):
        if not any(getattr(e, kind) for e in self.extractions):
            self.skipTest(f"the {kind} stage finds nothing yet (still the skeleton)")

    def test_body_paragraphs_are_the_fixtures(self):
        bjast, conference = (
            Article.objects.get(title=e.page.title) for e in self.extractions
        )
        self.assertEqual(bjast.paragraphs, bjast_seed_body())
        self.assertEqual(conference.paragraphs, conference_seed_body())
        self.assertEqual(Article.objects.filter(status="draft").count(), 2)

    def test_directive_sets_and_texts_are_the_fixtures(self):
        self.require("directives")
        actual = defaultdict(list)
        for article in Article.objects.prefetch_related(
            "directive_sets__items",
            "directive_sets__issuer",
            "directive_sets__addressees",
        ):
            for directive_set in article.directive_sets.all():
                actual[article.title].append(
                    (
                        directive_set.issuer.name,
                        directive_set.heading,
                        sorted(o.name for o in directive_set.addressees.all()),
                        [item.text for item in directive_set.items.all()],
                    )
                )
        self.assertEqual(dict(actual), expected_sets())
        self.assertEqual(Directive.objects.count(), 25)
        for item in Directive.objects.select_related("directive_set__article"):
            body = item.directive_set.article.body
            self.assertEqual(body[item.span_start : item.span_end], item.text)

    def test_every_person_with_every_title(self):
        self.require("persons")
        people, forms = records("person"), fixture_forms()
        self.assertEqual(
            set(Person.objects.values_list("name", flat=True)),
            {fields["name"] for fields in people.values()},
        )
        saved = [
            (p.person.name, p.title, saved_forms(p.organization))
            for p in Position.objects.select_related(
                "person", "organization"
            ).prefetch_related("organization__aliases")
        ]
        for fields in records("position").values():
            name, title = people[fields["person"]]["name"], fields["title"]
            written = forms.get(fields["organization"], set())
            with self.subTest(person=name, title=title, organization=written):
                self.assertTrue(
                    any(
                        (n, t) == (name, title) and written & organization_forms
                        for n, t, organization_forms in saved
                    )
                )

    def saved_organization_forms(self):
        return [
            saved_forms(o) for o in Organization.objects.prefetch_related("aliases")
        ]

    def test_every_organization_with_its_aliases(self):
        self.require("organizations")
        saved = self.saved_organization_forms()
        for written in fixture_forms().values():
            if written & set(KNOWN_GAPS):
                continue
            with self.subTest(organization=written):
                self.assertTrue(any(written <= forms for forms in saved))
