"""The importer's entities stage: people with their titles, organizations with aliases.

The seed articles are the target: run on their bodies, the stage finds every person
of the fixture with every title, at the body the fixture records (resolved through
a gazetteer of the fixture's names), and the organizations the articles mention.
Short examples written here cover the patterns one at a time.
"""

import json
from pathlib import Path

import pytest
from django.test import TestCase

from articles.importer.entities import extract_entities
from articles.importer.extract import Gazetteer
from articles.importer.textfold import fold
from articles.importer.types import Page
from articles.models import PARAGRAPH_SEPARATOR

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "newsroom.json"


def _fixture():
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def _by_model(records, model):
    return [r for r in records if r["model"] == f"articles.{model}"]


def fixture_gazetteer():
    """The fixture's organization names and aliases → full name, as in the DB."""
    records = _fixture()
    names = {r["pk"]: r["fields"]["name"] for r in _by_model(records, "organization")}
    forms = {name: name for name in names.values()}
    for alias in _by_model(records, "organizationalias"):
        forms[alias["fields"]["name"]] = names[alias["fields"]["organization"]]
    return Gazetteer(organizations=forms)


def seed_expectations(article_pk):
    """``{person: [(title, organization full name)]}`` the fixture records.

    A title is recorded once, in the article that reported it first: a person
    the article names without a position reported there (习近平 in the second
    article, written 习近平总书记 again) keeps the positions recorded elsewhere.
    """
    records = _fixture()
    people = {r["pk"]: r["fields"]["name"] for r in _by_model(records, "person")}
    orgs = {r["pk"]: r["fields"]["name"] for r in _by_model(records, "organization")}
    named = {
        people[m["fields"]["person"]]
        for m in _by_model(records, "personmention")
        if m["fields"]["article"] == article_pk
    }
    here, anywhere = {}, {}
    for position in sorted(
        _by_model(records, "position"), key=lambda r: r["fields"]["order"]
    ):
        fields = position["fields"]
        entry = (fields["title"], orgs[fields["organization"]])
        name = people[fields["person"]]
        anywhere.setdefault(name, []).append(entry)
        if fields["reported_in"] == article_pk:
            here.setdefault(name, []).append(entry)
    return {name: here.get(name) or anywhere.get(name, []) for name in named}


def seed_article(pk):
    return next(r for r in _by_model(_fixture(), "article") if r["pk"] == pk)


def seed_page(pk):
    fields = seed_article(pk)["fields"]
    return Page(
        title=fields["title"],
        lede=fields["lede"],
        paragraphs=fields["body"].split(PARAGRAPH_SEPARATOR),
    )


def run(*paragraphs, gazetteer=None, source=""):
    page = Page(paragraphs=list(paragraphs), source=source)
    persons, organizations = extract_entities(page, gazetteer=gazetteer)
    return page, persons, organizations


def titles_of(persons):
    return {p.name: [t.title for t in p.titles] for p in persons}


def org_names(organizations):
    return {o.name: o.aliases for o in organizations}


class SeedArticleTests(TestCase):
    """Each seed body gives the fixture's people, titles and bodies."""

    def check_seed(self, pk):
        gazetteer = fixture_gazetteer()
        page = seed_page(pk)
        persons, _ = extract_entities(page, gazetteer=gazetteer)
        expected = seed_expectations(pk)
        found = {
            p.name: [
                (t.title, gazetteer.organizations.get(t.organization)) for t in p.titles
            ]
            for p in persons
        }
        self.assertEqual(set(found), set(expected))
        for name, positions in expected.items():
            with self.subTest(person=name):
                self.assertEqual(found[name], positions)

    def test_bjast_work_conference(self):
        self.check_seed(1)

    def test_ministry_city_conference(self):
        self.check_seed(2)

    def test_seed_counts_fifteen_people_and_twenty_one_positions(self):
        people, positions = set(), set()
        for pk in (1, 2):
            persons, _ = extract_entities(seed_page(pk), gazetteer=fixture_gazetteer())
            people.update(p.name for p in persons)
            positions.update((p.name, t.title) for p in persons for t in p.titles)
        self.assertEqual((len(people), len(positions)), (15, 21))

    def test_organizations_the_seeds_mention_are_found(self):
        """Every organization a seed article mentions, through a written form.

        Two are left out on purpose: 中国共产党, written only as the one character
        党 (党的二十大), and 北京市人民政府 in the second article, which the body
        never writes (it holds 市长 and 副市长 through their titles; the title
        test checks that).
        """
        records = _fixture()
        names = {
            r["pk"]: r["fields"]["name"] for r in _by_model(records, "organization")
        }
        gazetteer = fixture_gazetteer()
        for pk, left_out in ((1, {"中国共产党"}), (2, {"北京市人民政府"})):
            mentioned = {
                names[m["fields"]["organization"]]
                for m in _by_model(records, "organizationmention")
                if m["fields"]["article"] == pk
            }
            _, organizations = extract_entities(seed_page(pk), gazetteer=gazetteer)
            found = set()
            for organization in organizations:
                for form in (organization.name, *organization.aliases):
                    found.add(gazetteer.organizations.get(form, form))
            with self.subTest(article=pk):
                self.assertEqual(mentioned - found, left_out)

    def test_the_short_form_defined_in_the_text_is_an_alias(self):
        _, organizations = extract_entities(seed_page(1))
        self.assertEqual(org_names(organizations)["北京市科学技术研究院"], ["北科院"])

    def test_spans_point_at_the_text_as_written(self):
        page = seed_page(2)
        body = page.body
        persons, organizations = extract_entities(page, gazetteer=fixture_gazetteer())
        for person in persons:
            self.assertTrue(person.spans)
            for start, end in person.spans:
                self.assertEqual(body[start:end], person.name)
            for title in person.titles:
                self.assertEqual(body[slice(*title.span)], title.title)
        for organization in organizations:
            forms = {organization.name, *organization.aliases}
            for start, end in organization.spans:
                self.assertIn(body[start:end], forms)
        # 尹力 is named four times in the body.
        yin = next(p for p in persons if p.name == "尹力")
        self.assertEqual(len(yin.spans), body.count("尹力"))

    def test_with_the_database_gazetteer(self):
        from django.core.management import call_command

        call_command("loaddata", "newsroom", verbosity=0)
        page = seed_page(2)
        gazetteer = Gazetteer.for_text(page.body)
        _, organizations = extract_entities(page, gazetteer=gazetteer)
        names = {gazetteer.organizations.get(o.name, o.name) for o in organizations}
        self.assertIn("中华人民共和国科学技术部", names)
        self.assertIn("中国共产党中央委员会", names)  # written 党中央


# --- Persons and titles -----------------------------------------------------------


def test_chain_of_titles_before_a_name_shares_the_body_written_at_its_head():
    _, persons, _ = run("财政部党组书记、部长蓝佛安出席会议并讲话。")
    (person,) = persons
    assert person.name == "蓝佛安"
    assert [(t.title, t.organization) for t in person.titles] == [
        ("党组书记", "财政部"),
        ("部长", "财政部"),
    ]


def test_a_level_body_in_a_title_and_the_government_of_a_mayor():
    _, persons, organizations = run("省委常委、副省长陈小江主持会议。")
    (person,) = persons
    assert [(t.title, t.organization) for t in person.titles] == [
        ("省委常委", "省委"),
        ("副省长", "省政府"),
    ]
    # 省委 is written only inside a title: it is not listed as an organization.
    assert organizations == []


def test_a_level_body_written_on_its_own_is_an_organization():
    _, _, organizations = run("市委、市政府高度重视这项工作,市委书记周建国作出批示。")
    assert set(org_names(organizations)) == {"市委", "市政府"}


def test_title_written_after_the_name_and_honorifics_are_not_titles():
    _, persons, _ = run(
        "会议由党委书记林志强主持。林志强书记指出,各单位要抓好落实。林志强同志强调,要守住底线。"
    )
    assert titles_of(persons) == {"林志强": ["党委书记"]}


def test_a_title_only_after_the_name_counts():
    _, persons, _ = run("会上,王海平院长作了总结讲话,郑红秘书长主持会议。")
    assert titles_of(persons) == {"王海平": ["院长"], "郑红": ["秘书长"]}


def test_people_listed_under_one_title_share_it():
    _, persons, _ = run("副市长赵立新、钱文华、孙丽出席活动。")
    assert titles_of(persons) == {
        "赵立新": ["副市长"],
        "钱文华": ["副市长"],
        "孙丽": ["副市长"],
    }


def test_leaders_listed_under_a_label_have_no_title_of_their_own():
    _, persons, _ = run("区委书记马建军主持会议,区领导方晓东、石磊参加。")
    assert titles_of(persons) == {"马建军": ["区委书记"], "方晓东": [], "石磊": []}


def test_an_institute_leadership_label_is_a_post():
    _, persons, _ = run("所领导郝建国、冯春出席会议。")
    assert titles_of(persons) == {"郝建国": ["所领导"], "冯春": ["所领导"]}


def test_two_titles_at_two_bodies():
    _, persons, _ = run("我校兼职教授、清华大学教授马骏也受邀出席了会议。")
    (person,) = persons
    assert person.name == "马骏"
    assert [(t.title, t.organization) for t in person.titles] == [
        ("兼职教授", None),
        ("教授", "清华大学"),
    ]


def test_a_missing_name_is_not_filled_with_a_title():
    _, persons, _ = run("会议由研究院常务副院长教授主持,全体人员参加了会议。")
    assert persons == []


def test_a_surname_with_a_title_is_a_reference_not_a_name():
    _, persons, _ = run("党委副书记黄立新主持会议。会上,黄书记传达了文件精神。")
    assert titles_of(persons) == {"黄立新": ["党委副书记"]}


def test_a_list_closed_by_a_form_of_address():
    _, persons, _ = run("集中学习毛泽东、邓小平同志关于调查研究的论述。")
    assert titles_of(persons) == {"毛泽东": [], "邓小平": []}


def test_a_counted_list_takes_the_title_after_the_count():
    _, persons, _ = run("会议聘任许明、程立新两位教授为兼职研究员。")
    assert titles_of(persons) == {"许明": ["教授"], "程立新": ["教授"]}


def test_reporters_and_credits_are_not_persons():
    _, persons, _ = run(
        "本报讯(记者 宋文博)市长何永刚主持召开常务会议。",
        "(柳青/文 赵刚/摄)",
    )
    assert titles_of(persons) == {"何永刚": ["市长"]}


def test_given_name_ends_before_the_verb():
    _, persons, _ = run("党组书记刘晖主持会议,院长伍建民作报告,副院长路风也讲了话。")
    assert set(titles_of(persons)) == {"刘晖", "伍建民", "路风"}


def test_ordinary_words_are_not_names():
    _, persons, _ = run(
        "全面加强调研工作,高度重视安全生产。各高校校长参加会议。方案明确了时间表。"
    )
    assert persons == []


def test_gazetteer_names_are_found_without_context():
    gazetteer = Gazetteer(persons={"欧阳明远"})
    _, persons, _ = run("欧阳明远在调研时说,要把好事办好。", gazetteer=gazetteer)
    assert [p.name for p in persons] == ["欧阳明远"]


def test_traditional_characters_are_matched_and_reported_as_written():
    page, persons, organizations = run("行政院今日召開院會,院長林全在致詞時表示感謝。")
    (person,) = persons
    assert person.name == "林全"
    assert [(t.title, t.organization) for t in person.titles] == [("院長", "行政院")]
    assert org_names(organizations) == {"行政院": []}
    assert page.body[slice(*person.titles[0].span)] == "院長"


# --- Organizations ------------------------------------------------------------------


def test_alias_definitions():
    _, _, organizations = run(
        "中国科学技术协会(以下简称“中国科协”)召开常委会议。中国科协表示,将加强合作。",
        "广州市工业和信息化局(简称市工信局)发布通知。",
    )
    names = org_names(organizations)
    assert names["中国科学技术协会"] == ["中国科协"]
    assert names["广州市工业和信息化局"] == ["市工信局"]


def test_aliases_from_the_gazetteer_group_written_forms():
    gazetteer = Gazetteer(
        organizations={
            "中华人民共和国科学技术部": "中华人民共和国科学技术部",
            "科技部": "中华人民共和国科学技术部",
            "科学技术部": "中华人民共和国科学技术部",
        }
    )
    _, _, organizations = run(
        "科学技术部有关负责同志出席。科技部将加强支持。", gazetteer=gazetteer
    )
    assert org_names(organizations) == {"科学技术部": ["科技部"]}


def test_names_by_suffix_with_their_left_boundary():
    _, _, organizations = run(
        "国内合作处、研究生院、网络安全和信息化办公室等单位负责人参加会议。",
        "会议在东南大学举行,中国科学院、国家数据局派员出席,并推进国家自然博物馆建设。",
    )
    assert list(org_names(organizations)) == [
        "国内合作处",
        "研究生院",
        "网络安全和信息化办公室",
        "东南大学",
        "中国科学院",
        "国家数据局",
        "国家自然博物馆",
    ]


def test_media_outlets_count():
    _, _, organizations = run("学习了《南方日报》的评论,新华社也作了报道。")
    assert set(org_names(organizations)) == {"南方日报", "新华社"}


def test_places_meetings_and_generic_words_are_not_organizations():
    _, _, organizations = run(
        "大会在国际会议中心报告厅开幕。全市科技工作会议和浦江论坛同期举行。",
        "各有关部门、地方政府和高水平研究型大学要服务大局,干部要深入基层党组织。",
    )
    assert organizations == []


def test_our_institute_is_not_an_alias_and_a_generic_head_joins_the_named_body():
    _, _, organizations = run(
        "中国科技管理研究院召开工作会议。研究院的研究人员参加。我院将继续努力。"
    )
    assert org_names(organizations) == {"中国科技管理研究院": ["研究院"]}


def test_a_sub_unit_and_its_parent_are_both_named():
    _, _, organizations = run(
        "10月24日,科研所党支部召开全体会议,结合科研所实际开展学习。"
    )
    assert set(org_names(organizations)) == {"科研所党支部", "科研所"}


def test_the_source_line_names_an_organization():
    _, _, organizations = run("区委书记调研“四城联创”工作。", source="外宣办")
    assert org_names(organizations) == {"外宣办": []}


def test_fold_keeps_offsets():
    text = "行政院會議,院長林全(26)日"
    folded = fold(text)
    assert len(folded) == len(text)
    assert folded.startswith("行政院会议,院长林全(26)")


@pytest.mark.parametrize("text", ["", "   ", "No Chinese at all."])
def test_empty_or_foreign_text(text):
    _, persons, organizations = run(text)
    assert persons == [] and organizations == []


def test_a_name_inside_a_body_is_not_a_person():
    _, persons, _ = run("浙江大学党委书记任少波、北京师范大学教授李实出席。")
    assert titles_of(persons) == {"任少波": ["党委书记"], "李实": ["教授"]}


def test_a_verb_after_a_two_character_name_is_not_a_third_character():
    _, persons, _ = run("深圳市科技创新委员会副主任李强陪同调研。")
    (person,) = persons
    assert person.name == "李强"
    assert person.titles[0].organization == "深圳市科技创新委员会"


def test_county_bodies_in_a_list_and_a_press_agency_after_according_to():
    _, _, organizations = run(
        "据新华社报道,县发改委、县财政局、县教育局主要负责同志参加会议。"
    )
    assert list(org_names(organizations)) == [
        "新华社",
        "县发改委",
        "县财政局",
        "县教育局",
    ]


def test_a_company_with_its_place_in_brackets():
    _, _, organizations = run("市科技局局长带队赴腾讯科技(深圳)有限公司调研。")
    assert "腾讯科技(深圳)有限公司" in org_names(organizations)


def test_an_unprefixed_head_belongs_to_the_one_body_of_its_kind_named_before():
    _, persons, _ = run(
        "中国科技管理研究院召开会议,副院长顾淑林主持。",
        "东京大学、新加坡国立大学代表出席,校长李明也出席了签约仪式。",
    )
    organizations = {p.name: p.titles[0].organization for p in persons}
    # One 研究院 named before 副院长; two universities before 校长: not said which.
    assert organizations == {"顾淑林": "中国科技管理研究院", "李明": None}


def test_a_gazetteer_form_that_runs_on_into_a_title_is_not_a_mention():
    gazetteer = Gazetteer(organizations={"组织部": "中共北京市委组织部"})
    _, persons, organizations = run(
        "校党委组织部长周强出席。市委组织部有关负责同志参加。", gazetteer=gazetteer
    )
    assert titles_of(persons) == {"周强": ["校党委组织部长"]}
    # 市委组织部 names its parent 市委 too, as 科研所党支部 names 科研所.
    assert org_names(organizations) == {"市委组织部": [], "市委": []}


def test_a_former_post_and_an_academician_in_one_chain():
    _, persons, _ = run("中国工程院院士、中国农业大学原校长柯炳生作报告。")
    (person,) = persons
    assert [(t.title, t.organization) for t in person.titles] == [
        ("院士", "中国工程院"),
        ("原校长", "中国农业大学"),
    ]


def test_a_department_of_a_ministry_and_its_heads():
    _, persons, organizations = run("教育部高等教育司司长吴岩、副司长宋毅出席活动。")
    assert {p.name: p.titles[0].organization for p in persons} == {
        "吴岩": "教育部高等教育司",
        "宋毅": "教育部高等教育司",
    }
    assert set(org_names(organizations)) == {"教育部高等教育司", "教育部"}


def test_a_bureau_is_not_cut_at_an_inner_character():
    _, _, organizations = run("市委组织部副部长、市人社局局长刘涛主持会议。")
    assert set(org_names(organizations)) == {"市委组织部", "市委", "市人社局"}


def test_a_full_name_opening_two_clauses_with_a_verb_of_speech():
    _, persons, _ = run("会上,李明华指出,要加强管理。李明华强调,要守住底线。")
    assert titles_of(persons) == {"李明华": []}
    # Once is not enough without a title: 周边加强调研 is not 周边加 强调.
    _, persons, _ = run("李明华指出,要加强管理。周边加强调研,周边加强调研。")
    assert persons == []


def test_a_body_written_into_its_head_title():
    """經濟部長王美花: 經濟部 + 部長; 组织部长 and 徐冠华院长 are titles only."""
    _, persons, organizations = run("行政院長蘇貞昌、經濟部長王美花出席記者會。")
    assert {p.name: [(t.title, t.organization) for t in p.titles] for p in persons} == {
        "蘇貞昌": [("院長", "行政院")],
        "王美花": [("部長", "經濟部")],
    }
    assert set(org_names(organizations)) == {"行政院", "經濟部"}
    _, persons, organizations = run("校党委委员、组织部长周强出席,徐冠华院长主持。")
    assert titles_of(persons) == {
        "周强": ["校党委委员", "组织部长"],
        "徐冠华": ["院长"],
    }
    assert organizations == []


def test_a_unit_stationed_at_several_bodies_is_one_organization():
    _, _, organizations = run(
        "驻市科委、中关村管委会纪检监察组组长出席会议。市教委、市财政局有关负责同志参加。"
    )
    names = {o.name for o in organizations}
    assert "驻市科委、中关村管委会纪检监察组" in names
    assert {"市教委", "市财政局"} <= names  # a plain 、 list still splits
