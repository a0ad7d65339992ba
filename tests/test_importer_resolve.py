"""Resolution: facts matched against the database, without writing anything.

The extractions are built by hand, so these tests do not depend on how the
entities and directives stages read a page.
"""

from django.test import TestCase

from articles.importer.page import read_page
from articles.importer.resolve import AMBIGUOUS, EXISTING, NEW, resolve
from articles.importer.types import Extraction, OrganizationFact, PersonFact, TitleFact
from articles.models import Organization, OrganizationAlias, Person, Position

BODY = [
    "3月5日,某某市科学技术局召开全体干部大会。局党组书记、局长张三主持会议。",
    "张三对全局工作提出两点要求:一是深入学习会议精神;二是抓好各项任务落实。",
]


def make_extraction(*, title="某某局召开全体干部大会", persons=(), organizations=()):
    page = read_page("\n".join([title, "发布时间:2024-03-06 10:30", *BODY]))
    return Extraction(
        page=page, persons=list(persons), organizations=list(organizations)
    )


def organization(name, *aliases):
    record = Organization.objects.create(name=name, slug=name, kind="government")
    for alias in aliases:
        OrganizationAlias.objects.create(organization=record, name=alias)
    return record


class ResolutionTests(TestCase):
    def test_an_organization_is_found_by_alias_and_new_forms_are_proposed(self):
        bureau = organization("某某市科学技术局", "市科技局")
        extraction = make_extraction(
            organizations=[OrganizationFact(name="市科技局", aliases=["科技局"])]
        )
        match = resolve(extraction).organizations[0]
        self.assertEqual((match.status, match.organization), (EXISTING, bureau))
        self.assertEqual(match.new_aliases, ["科技局"])

    def test_an_unknown_organization_is_proposed_as_new(self):
        extraction = make_extraction(
            organizations=[OrganizationFact(name="某某研究所")]
        )
        self.assertEqual(resolve(extraction).organizations[0].status, NEW)

    def test_a_person_of_the_same_name_and_organization_is_the_same_person(self):
        bureau = organization("某某市科学技术局")
        zhang = Person.objects.create(name="张三", slug="zhang-san")
        Position.objects.create(person=zhang, organization=bureau, title="局长")
        fact = PersonFact(
            name="张三",
            titles=[TitleFact(title="党组书记", organization="某某市科学技术局")],
        )
        extraction = make_extraction(
            persons=[fact], organizations=[OrganizationFact(name="某某市科学技术局")]
        )
        match = resolve(extraction).persons[0]
        self.assertEqual((match.status, match.person), (EXISTING, zhang))

    def test_two_people_of_one_name_stay_two(self):
        bureau = organization("某某市科学技术局")
        organization("某某大学")
        zhang = Person.objects.create(name="张三", slug="zhang-san")
        Position.objects.create(person=zhang, organization=bureau, title="局长")
        fact = PersonFact(
            name="张三", titles=[TitleFact(title="教授", organization="某某大学")]
        )
        extraction = make_extraction(
            persons=[fact], organizations=[OrganizationFact(name="某某大学")]
        )
        resolution = resolve(extraction)
        self.assertEqual(resolution.persons[0].status, NEW)
        self.assertEqual(resolution.persons[0].candidates, [zhang])
        self.assertTrue(resolution.warnings)

    def test_indistinguishable_namesakes_are_reported_as_ambiguous(self):
        Person.objects.create(name="李四", slug="li-si-1")
        Person.objects.create(name="李四", slug="li-si-2")
        extraction = make_extraction(persons=[PersonFact(name="李四")])
        resolution = resolve(extraction)
        self.assertEqual(resolution.persons[0].status, AMBIGUOUS)
        self.assertEqual(len(resolution.persons[0].candidates), 2)
        self.assertTrue(resolution.warnings)
