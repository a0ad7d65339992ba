"""The fixtures hold the two seed articles faithfully and load idempotently."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import IntegrityError
from django.db.models import Count
from django.test import TestCase

from articles.models import (
    Article,
    Credit,
    Directive,
    Organization,
    Person,
    PersonMention,
    Photo,
    Position,
)

SOURCES = Path(__file__).resolve().parent.parent / "fixtures" / "sources"
BJAST_SEED = SOURCES / "000_14f64c4529034942.txt"
CONFERENCE_SEED = SOURCES / "001_4bec83a4ff05383a.txt"


def seed_lines(path):
    return [
        line for line in path.read_text(encoding="utf-8").split("\n") if line.strip()
    ]


def bjast_seed_body():
    """Body paragraphs of seed 000: after the photo captions, before the credit line."""
    lines = seed_lines(BJAST_SEED)
    first = next(i for i, line in enumerate(lines) if line.startswith("1月24日"))
    last = lines.index("(办公室/文 科学传播中心/摄)")
    return lines[first:last]


def conference_seed_body():
    """Body paragraphs of seed 001: after the 导语 line, before the 编辑 line."""
    lines = seed_lines(CONFERENCE_SEED)
    first = next(i for i, line in enumerate(lines) if line.startswith("导语:")) + 1
    last = next(i for i, line in enumerate(lines) if line.startswith("编辑:"))
    return lines[first:last]


class FixtureTestCase(TestCase):
    fixtures = ["newsroom"]

    @classmethod
    def setUpTestData(cls):
        cls.bjast = Article.objects.get(slug="bjast-2025-work-conference")
        cls.conference = Article.objects.get(
            slug="beijing-innovation-center-ministry-city-conference"
        )


class FidelityTests(FixtureTestCase):
    def test_every_seed_paragraph_is_in_the_body_verbatim_and_in_order(self):
        for article, seed_body in [
            (self.bjast, bjast_seed_body()),
            (self.conference, conference_seed_body()),
        ]:
            with self.subTest(article=article.slug):
                self.assertEqual(article.paragraphs, seed_body)

    def test_half_width_punctuation_is_kept(self):
        self.assertIn("1月24日,北京市科学技术研究院(以下简称“北科院”)", self.bjast.body)

    def test_titles_and_lede_verbatim(self):
        self.assertEqual(self.bjast.title, seed_lines(BJAST_SEED)[1])
        self.assertEqual(self.conference.title, seed_lines(CONFERENCE_SEED)[0])
        lede_line = next(
            line for line in seed_lines(CONFERENCE_SEED) if line.startswith("导语:")
        )
        self.assertEqual(self.conference.lede, lede_line.removeprefix("导语:"))

    def test_site_chrome_is_kept_out_of_the_body(self):
        chrome = [
            "首页 >",
            "发布时间",
            "办公室/文",
            "编辑:",
            "标签:",
            "相关信息",
            "MORE >>",
            "网友交流群",
            "抓住“为民”“实干”两个关键词",
        ]
        for article in (self.bjast, self.conference):
            for marker in chrome:
                with self.subTest(article=article.slug, marker=marker):
                    self.assertNotIn(marker, article.body)
        self.assertNotIn("工作会议现场", self.bjast.body)

    def test_chrome_that_is_metadata_is_stored_as_metadata(self):
        self.assertEqual(
            self.bjast.published_at.isoformat(), "2025-01-27T08:57:00+00:00"
        )
        self.assertEqual(str(self.bjast.section), "新闻 › 院内新闻")
        self.assertEqual(self.bjast.publisher.name, "北京市科学技术研究院")
        self.assertEqual(
            list(self.bjast.photos.values_list("caption", flat=True)),
            ["工作会议现场", "工作会议线上分会场"],
        )
        self.assertEqual(
            [
                (c.get_role_display(), c.name, c.organization.name)
                for c in self.bjast.credits.all()
            ],
            [
                (Credit.Role.WRITER.label, "办公室", "北京市科学技术研究院办公室"),
                (
                    Credit.Role.PHOTOGRAPHER.label,
                    "科学传播中心",
                    "北京市科学技术研究院科学传播中心",
                ),
            ],
        )
        self.assertEqual(str(self.bjast.event_date), "2025-01-24")
        self.assertEqual(
            list(self.conference.credits.values_list("role", "name")),
            [
                ("editor", "中国电源产业网"),
                ("source", "电源协会行业党支部"),
                ("source", "“识政”微信公众号"),
            ],
        )
        self.assertEqual(self.conference.publisher.name, "中国电源产业网")
        self.assertEqual(str(self.conference.event_date), "2025-05-06")
        self.assertEqual(self.conference.event_place.name, "中关村国际创新中心")

    def test_every_directive_is_verbatim_from_its_article(self):
        for directive in Directive.objects.select_related("directive_set__article"):
            with self.subTest(directive=directive.pk):
                self.assertTrue(
                    any(directive.text in p for p in directive.article.paragraphs)
                )
                self.assertTrue(directive.text.startswith(directive.summary))


class CountTests(FixtureTestCase):
    def test_counts(self):
        self.assertEqual(Article.objects.count(), 2)
        self.assertEqual(Article.objects.published().count(), 2)
        self.assertEqual(Directive.objects.count(), 25)
        by_issuer = dict(
            Directive.objects.values_list("directive_set__issuer__name").annotate(
                n=Count("id")
            )
        )
        self.assertEqual(by_issuer, {"刘晖": 4, "伍建民": 14, "尹力": 6, "阴和俊": 1})

    def test_directive_sets_in_order(self):
        liu = Directive.objects.filter(directive_set__issuer__name="刘晖")
        self.assertEqual({d.set_heading for d in liu}, {"四点要求"})
        self.assertEqual([d.ordinal for d in liu], [1, 2, 3, 4])
        self.assertTrue(
            liu[0].text.startswith("深入学习贯彻习近平总书记关于科技创新的重要论述")
        )
        self.assertTrue(liu[3].text.startswith("深入推进全面从严治党"))
        wu = Directive.objects.filter(directive_set__issuer__name="伍建民")
        self.assertEqual({d.set_heading for d in wu}, {"十四个方面的工作"})
        self.assertEqual([d.ordinal for d in wu], list(range(1, 15)))
        self.assertEqual(wu[13].text, "加强领导班子和干部队伍建设。")
        yin = Directive.objects.filter(directive_set__issuer__name="尹力")
        self.assertEqual(
            [d.text[:5] for d in yin],
            [
                "要深入学习",
                "要不断强化",
                "要大力推动",
                "要统筹推进",
                "要积极融入",
                "要强化组织",
            ],
        )
        yin_hejun = Directive.objects.get(directive_set__issuer__name="阴和俊")
        self.assertTrue(yin_hejun.text.startswith("要深入学习贯彻"))
        issuers = self.bjast.directive_sets.values_list("issuer__name", flat=True)
        self.assertEqual(list(dict.fromkeys(issuers)), ["刘晖", "伍建民"])

    def test_directives_carry_issuer_position_addressees_and_kind(self):
        liu = Directive.objects.filter(directive_set__issuer__name="刘晖").first()
        self.assertEqual(liu.position.title, "党组书记")
        self.assertEqual(liu.kind, Directive.Kind.REQUIREMENT)
        self.assertEqual(
            [o.name for o in liu.directive_set.addressees.all()],
            ["北京市科学技术研究院"],
        )
        wu = Directive.objects.filter(directive_set__issuer__name="伍建民").first()
        self.assertEqual(wu.kind, Directive.Kind.ARRANGEMENT)
        self.assertEqual(wu.position.title, "院长")

    def test_every_title_is_a_position(self):
        expected = {
            ("习近平", "中国共产党中央委员会", "总书记"),
            ("刘晖", "北京市科学技术研究院", "党组书记"),
            ("伍建民", "北京市科学技术研究院", "党组副书记"),
            ("伍建民", "北京市科学技术研究院", "院长"),
            ("杨东起", "北京市科学技术研究院", "党组副书记"),
            ("邵锦文", "北京市科学技术研究院", "院领导"),
            ("万士林", "北京市科学技术研究院", "院领导"),
            ("施智平", "北京市科学技术研究院", "院领导"),
            ("卢宇国", "北京市科学技术研究院", "院领导"),
            ("刘子亮", "北京市科学技术研究院", "院领导"),
            ("靳伟", "中国共产党北京市委员会", "市委常委"),
            ("靳伟", "北京市人民政府", "副市长"),
            ("尹力", "中国共产党北京市委员会", "市委书记"),
            ("阴和俊", "中华人民共和国科学技术部", "党组书记"),
            ("阴和俊", "中华人民共和国科学技术部", "部长"),
            ("曾益新", "中华人民共和国国家卫生健康委员会", "党组副书记"),
            ("曾益新", "中华人民共和国国家卫生健康委员会", "副主任"),
            ("殷勇", "中国共产党北京市委员会", "市委副书记"),
            ("殷勇", "北京市人民政府", "市长"),
            ("游钧", "中国共产党北京市委员会", "市委副书记"),
            ("游钧", "中共北京市委组织部", "组织部部长"),
        }
        actual = set(
            Position.objects.values_list("person__name", "organization__name", "title")
        )
        self.assertEqual(actual, expected)
        self.assertEqual(
            [p.title for p in Position.objects.filter(person__name="伍建民")],
            ["党组副书记", "院长"],
        )

    def test_every_person_named_exists_once_and_is_mentioned(self):
        self.assertEqual(Person.objects.count(), 15)
        xi = Person.objects.get(name="习近平")
        self.assertEqual(
            set(xi.articles.values_list("slug", flat=True)),
            {self.bjast.slug, self.conference.slug},
        )
        for person in Person.objects.all():
            with self.subTest(person=person.name):
                self.assertTrue(PersonMention.objects.filter(person=person).exists())
                article_text = "".join(a.title + a.body for a in person.articles.all())
                self.assertIn(person.name, article_text)

    def test_short_forms_resolve_to_full_names(self):
        for short, full in [
            ("北科院", "北京市科学技术研究院"),
            ("市科委", "北京市科学技术委员会"),
            ("科技部", "中华人民共和国科学技术部"),
            ("中关村管委会", "中关村科技园区管理委员会"),
            ("市委", "中国共产党北京市委员会"),
            ("国务院国资委", "国务院国有资产监督管理委员会"),
        ]:
            with self.subTest(short=short):
                self.assertEqual(Organization.objects.resolve(short).name, full)

    def test_organization_names_or_aliases_appear_in_the_texts(self):
        texts = BJAST_SEED.read_text(encoding="utf-8") + CONFERENCE_SEED.read_text(
            encoding="utf-8"
        )
        for organization in Organization.objects.prefetch_related("aliases"):
            names = [organization.name, *(a.name for a in organization.aliases.all())]
            with self.subTest(organization=organization.name):
                self.assertTrue(any(name in texts for name in names))

    def test_child_organizations(self):
        bjast = Organization.objects.resolve("北科院")
        self.assertEqual(
            set(bjast.children.values_list("name", flat=True)),
            {"北京市科学技术研究院办公室", "北京市科学技术研究院科学传播中心"},
        )


@pytest.mark.django_db(transaction=True)
def test_loading_twice_duplicates_nothing():
    call_command("loaddata", "newsroom", verbosity=0)
    counts = {
        m: m.objects.count() for m in (Article, Directive, Person, Position, Photo)
    }
    call_command("loaddata", "newsroom", verbosity=0)
    assert {m: m.objects.count() for m in counts} == counts


@pytest.mark.django_db(transaction=True)
def test_new_rows_after_loading_get_fresh_keys():
    """loaddata resets sequences (PostgreSQL), so the next insert does not collide."""
    call_command("loaddata", "newsroom", verbosity=0)
    person = Person.objects.create(name="新人", slug="new-person")
    assert person.pk > Person.objects.exclude(pk=person.pk).order_by("-pk")[0].pk


@pytest.mark.django_db(transaction=True)
def test_a_failed_load_leaves_the_database_as_it_was(tmp_path):
    call_command("loaddata", "newsroom", verbosity=0)
    before = Directive.objects.count(), Article.objects.get(pk=1).title
    records = json.loads((SOURCES.parent / "newsroom.json").read_text(encoding="utf-8"))
    for record in records:
        if record["model"] == "articles.article":
            record["fields"]["title"] = "被改动的标题"
    records.append(
        {
            "model": "articles.directive",
            "pk": 999,
            "fields": {**records[-1]["fields"], "directive_set": 424242},
        }
    )
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(IntegrityError):
        call_command("loaddata", str(broken), verbosity=0)
    assert (Directive.objects.count(), Article.objects.get(pk=1).title) == before
