"""The importer's directive stage: who demanded what, item by item, with spans.

The seed articles must give back the fixture's 25 directives; the short examples
below (written for these tests) cover each list pattern and each trap.
"""

import json
from pathlib import Path

import pytest

from articles.importer.directives import extract_directives, fold
from articles.importer.types import Page, PersonFact, TitleFact
from articles.models import PARAGRAPH_SEPARATOR, Directive

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "newsroom.json"


def extract(*paragraphs, persons=(), truncated=False):
    page = Page(paragraphs=list(paragraphs), truncated=truncated)
    found = extract_directives(
        page, persons=[PersonFact(name=name) for name in persons]
    )
    for directive in found:
        start, end = directive.span
        assert page.body[start:end] == directive.text
    return found


def texts(found):
    return [directive.text for directive in found]


# -- the seed articles --------------------------------------------------------


def _fixture():
    records = json.loads(FIXTURES.read_text(encoding="utf-8"))
    by_model = {}
    for record in records:
        by_model.setdefault(record["model"], []).append(record)
    return by_model


def _seed_cases():
    data = _fixture()
    people = {p["pk"]: p["fields"]["name"] for p in data["articles.person"]}
    sets = {s["pk"]: s["fields"] for s in data["articles.directiveset"]}
    for article in data["articles.article"]:
        # Items with what their set states once (since directive sets are records).
        wanted = [
            {
                **d["fields"],
                "issuer": sets[d["fields"]["directive_set"]]["issuer"],
                "set_heading": sets[d["fields"]["directive_set"]]["heading"],
                "kind": sets[d["fields"]["directive_set"]]["kind"],
                "set_number": sets[d["fields"]["directive_set"]]["number"],
            }
            for d in data["articles.directive"]
            if sets[d["fields"]["directive_set"]]["article"] == article["pk"]
        ]
        yield pytest.param(
            article["fields"]["body"], wanted, people, id=article["fields"]["slug"]
        )


@pytest.mark.parametrize("body,wanted,people", list(_seed_cases()))
@pytest.mark.parametrize("with_persons", [True, False], ids=["persons", "fallback"])
def test_seed_articles_give_the_fixture_directives(body, wanted, people, with_persons):
    """Each seed body yields the fixture's directives: same issuer, text (without
    the closing 。), heading, kind and set, whether or not the persons stage
    found the speakers."""
    page = Page(paragraphs=body.split(PARAGRAPH_SEPARATOR))
    assert page.body == body
    persons = (
        [PersonFact(name=name) for name in people.values()] if with_persons else []
    )
    found = extract_directives(page, persons=persons)
    assert [d.text for d in found] == [w["text"].removesuffix("。") for w in wanted]
    assert [d.issuer for d in found] == [people[w["issuer"]] for w in wanted]
    assert [d.group or "" for d in found] == [w["set_heading"] for w in wanted]
    assert [d.kind for d in found] == [w["kind"] for w in wanted]
    assert [d.set_index + 1 for d in found] == [w["set_number"] for w in wanted]
    for directive in found:
        assert body[directive.span[0] : directive.span[1]] == directive.text
        if directive.group:
            assert directive.ordinal is not None


def test_kinds_are_directive_kinds():
    """Every kind the stage gives can be stored on a Directive."""
    found = extract(
        "张伟强调,要抓好安全生产。",
        "张伟指出,各单位要做好值班值守。",
        "张伟提出三点建议:一是加强学习;二是改进作风;三是狠抓落实。",
        "张伟部署了两项工作:一是抓项目;二是抓招商。",
        persons=["张伟"],
    )
    assert found
    assert {d.kind for d in found} <= set(Directive.Kind.values)


# -- numbered lists ------------------------------------------------------------


def test_heading_then_yi_shi_items_inline():
    found = extract(
        "区委书记张伟主持会议。张伟对全区工作提出三点要求:一是抓好安全生产,"
        "压实企业主体责任;二是做好防汛准备;三是加强值班值守。",
        persons=["张伟"],
    )
    assert texts(found) == [
        "抓好安全生产,压实企业主体责任",
        "做好防汛准备",
        "加强值班值守",
    ]
    assert [d.ordinal for d in found] == [1, 2, 3]
    assert {d.group for d in found} == {"三点要求"}
    assert {d.issuer for d in found} == {"张伟"}
    assert {d.kind for d in found} == {"requirement"}


def test_yi_shi_yao_keeps_the_yao_and_items_end_at_the_next_ordinal():
    found = extract(
        "李明强调:一是要压实责任,把任务落到人头。要加强督查。二是要强化保障。",
        persons=["李明"],
    )
    assert texts(found) == ["要压实责任,把任务落到人头。要加强督查", "要强化保障"]
    assert [d.kind for d in found] == ["emphasis", "emphasis"]
    assert found[0].group is None


def test_yi_yao_er_yao_drops_only_the_number():
    found = extract("王强主持会议。他强调,一要讲方法;二要抓班子;三要抓统筹。")
    assert texts(found) == ["要讲方法", "要抓班子", "要抓统筹"]
    assert {d.issuer for d in found} == {"王强"}


def test_di_yi_di_er_and_shou_xian_qi_ci_zui_hou():
    found = extract(
        "赵丽说,第一,要守住安全底线。第二,要提升服务质量。",
        "赵丽还强调,首先,要统一思想;其次,要明确分工;最后,要狠抓落实。",
        persons=["赵丽"],
    )
    assert texts(found) == [
        "要守住安全底线",
        "要提升服务质量",
        "要统一思想",
        "要明确分工",
        "要狠抓落实",
    ]
    assert [d.ordinal for d in found] == [1, 2, 1, 2, 3]
    assert found[0].set_index != found[2].set_index


def test_items_each_on_their_own_paragraph_with_arabic_numbers():
    found = extract(
        "校长孙涛出席会议并讲话,他要求:",
        "1.加强实验室安全管理。",
        "2.做好学生心理辅导。",
        "3.完善应急预案。",
        "随后,与会人员进行了讨论。",
        persons=["孙涛"],
    )
    assert texts(found) == ["加强实验室安全管理", "做好学生心理辅导", "完善应急预案"]
    assert [d.ordinal for d in found] == [1, 2, 3]
    assert {d.issuer for d in found} == {"孙涛"}


def test_two_unheaded_lists_by_one_speaker_restart_at_one():
    found = extract(
        "周敏强调:一是要注重质量,二是要注重效率。",
        "周敏就党建工作提出要求:一是要加强学习,二是要改进作风,三是要严守纪律。",
        persons=["周敏"],
    )
    assert [d.ordinal for d in found] == [1, 2, 1, 2, 3]
    assert [d.set_index for d in found] == [0, 0, 1, 1, 1]
    assert texts(found)[2] == "要加强学习"


def test_last_item_runs_to_the_end_of_its_paragraph_but_not_into_other_news():
    found = extract(
        "吴刚提出两点意见:一要抓好落实。二要守住底线。要严肃问责。"
        "同时决定下月召开专题会议。",
        persons=["吴刚"],
    )
    assert texts(found) == ["要抓好落实", "要守住底线。要严肃问责"]
    assert {d.group for d in found} == {"两点意见"}


def test_nested_lists_are_sets_of_their_own():
    found = extract(
        "郑华提出两点要求:一是抓好两项工作:(1)抓招商;(2)抓项目。二是守住安全底线。",
        persons=["郑华"],
    )
    outer = [d for d in found if d.group == "两点要求"]
    inner = [d for d in found if d.group == "两项工作"]
    assert len(found) == 4
    assert [d.ordinal for d in outer] == [1, 2]
    assert texts(outer) == ["抓好两项工作:(1)抓招商;(2)抓项目", "守住安全底线"]
    assert texts(inner) == ["抓招商", "抓项目"]
    assert [d.ordinal for d in inner] == [1, 2]
    assert inner[0].set_index != outer[0].set_index
    assert inner[0].set_index == inner[1].set_index


def test_heading_may_stand_a_sentence_before_the_first_ordinal():
    found = extract(
        "钱进对干部提出3个要求。他说,第一,要忠诚。第二,要干净。第三,要担当。",
        persons=["钱进"],
    )
    assert texts(found) == ["要忠诚", "要干净", "要担当"]
    assert {d.group for d in found} == {"3个要求"}


# -- lists without ordinal words -----------------------------------------------


def test_headed_list_split_on_semicolons():
    found = extract(
        "局长冯军讲话。向全局干部提出了四点要求:加强学习,提升素质;改进作风,"
        "服务群众;严守纪律,清正廉洁;狠抓落实,务求实效。",
        persons=["冯军"],
    )
    assert texts(found) == [
        "加强学习,提升素质",
        "改进作风,服务群众",
        "严守纪律,清正廉洁",
        "狠抓落实,务求实效",
    ]
    assert {d.issuer for d in found} == {"冯军"}  # carried over the full stop
    assert {d.ordinal for d in found} == {None}
    assert {d.group for d in found} == {"四点要求"}


def test_run_on_list_with_the_count_after_the_items():
    found = extract(
        "市长陈涛在会上要求各部门加快项目审批、压缩办理时限,强化要素保障,以及"
        "优化营商环境等3项要求。",
        persons=["陈涛"],
    )
    assert texts(found) == [
        "各部门加快项目审批、压缩办理时限",
        "强化要素保障",
        "优化营商环境",
    ]
    assert {d.group for d in found} == {"3项要求"}


def test_such_needs_heading():
    found = extract(
        "处长何平提出如下需求:完善数据接口;缩短审批时间;加强人员培训。",
        persons=["何平"],
    )
    assert texts(found) == ["完善数据接口", "缩短审批时间", "加强人员培训"]
    assert {d.group for d in found} == {"如下需求"}


# -- unnumbered 要 sentences ------------------------------------------------------


def test_unnumbered_yao_sentences_after_emphasis_with_their_elaboration():
    found = extract(
        "书记黄磊强调,发展是第一要务。要坚持项目为王,加快重点项目建设。"
        "持续优化营商环境,提升服务效能。各级干部要敢于担当,主动作为。",
        "副市长林峰、刘洋出席。",
        persons=["黄磊", "林峰", "刘洋"],
    )
    assert texts(found) == [
        "要坚持项目为王,加快重点项目建设。持续优化营商环境,提升服务效能",
        "各级干部要敢于担当,主动作为",
    ]
    assert {d.ordinal for d in found} == {None}
    assert {d.kind for d in found} == {"emphasis"}
    assert {d.set_index for d in found} == {0}


def test_unnumbered_items_stop_at_another_speaker_and_at_plans_of_a_body():
    found = extract(
        "罗斌要求,各单位要严格落实安全责任。下一步,市应急局将开展专项检查。",
        "马超强调,三季度是关键期,全市上下要全力冲刺。要抓好收官工作。",
        persons=["罗斌", "马超"],
    )
    assert [(d.issuer, d.text) for d in found] == [
        ("罗斌", "各单位要严格落实安全责任"),
        ("马超", "三季度是关键期,全市上下要全力冲刺"),
        ("马超", "要抓好收官工作"),
    ]
    assert [d.set_index for d in found] == [0, 1, 1]


def test_statement_with_description_before_a_late_yao_is_not_a_directive():
    found = extract(
        "唐亮指出,研究院是学校的重要力量,是服务地方的窗口,在建设过程中,"
        "不仅要出成果,更要守底线。各研究院要加强顶层设计。",
        persons=["唐亮"],
    )
    assert texts(found) == ["各研究院要加强顶层设计"]
    assert found[0].kind == "statement"


def test_lead_in_split_from_its_subject_by_a_semicolon():
    found = extract(
        "许静同志首先对前段工作进行了总结;强调下阶段是关键阶段,要进一步明确目标。",
        persons=["许静"],
    )
    assert texts(found) == ["下阶段是关键阶段,要进一步明确目标"]
    assert found[0].issuer == "许静"


# -- who issues ---------------------------------------------------------------


def test_surname_and_title_resolve_to_the_named_person():
    found = extract(
        "会议由党委副书记王丽华主持。王书记提出两点要求,一是要加强学习。二是要狠抓落实。",
        persons=["王丽华"],
    )
    assert {d.issuer for d in found} == {"王丽华"}
    assert len(found) == 2


def test_a_leader_never_named_in_full_issues_nothing():
    assert extract("王书记强调,要加强学习,要狠抓落实。", persons=[]) == []


def test_pronoun_resolves_to_the_last_named_speaker():
    found = extract(
        "区长胡斌主持会议。副区长高翔通报了情况。胡斌指出,形势严峻。他强调,要守住底线。",
        persons=["胡斌", "高翔"],
    )
    assert [(d.issuer, d.text) for d in found] == [("胡斌", "要守住底线")]


def test_traditional_page_is_matched_folded_but_kept_as_written():
    found = extract(
        "院長林志明強調,一是要傾聽民意;二是要加速落實執行。", persons=["林志明"]
    )
    assert texts(found) == ["要傾聽民意", "要加速落實執行"]
    assert fold("強調") == "强调"
    assert len(fold("傾聽民意、勇於任事")) == len("傾聽民意、勇於任事")


def test_truncated_page_marks_the_cut_item_and_invents_nothing():
    found = extract(
        "高峰对干部提出三个要求。他说,第一,政府的目的是服务人民,所以每项政策都要从",
        persons=["高峰"],
        truncated=True,
    )
    assert texts(found) == ["政府的目的是服务人民,所以每项政策都要从"]
    assert found[0].truncated
    assert found[0].ordinal == 1


def test_a_lone_first_item_on_a_complete_page_is_no_list():
    assert extract("高峰说,第一,我们来晚了。", persons=["高峰"]) == []


# -- traps ------------------------------------------------------------------------


def test_the_meeting_as_speaker_is_nobodys_directive():
    found = extract(
        "市长王建国主持召开推进会。会议指出,要深入分析形势。",
        "会议强调,一是要抓项目;二是要抓招商。会议要求,要压实责任。",
        "会议号召全体干部要真抓实干。",
        persons=["王建国"],
    )
    assert found == []


def test_expectations_are_not_requirements():
    found = extract(
        "张伟希望全体干部要再接再厉,争创佳绩。",
        "张伟对青年提出三点希望:一是勤学;二是修德;三是明辨。",
        "他鼓励大家要勇于创新。",
        persons=["张伟"],
    )
    assert found == []


def test_a_requirement_without_its_content_is_no_directive():
    found = extract(
        "副区长刘洋就安全生产工作作了要求。",
        "区长张伟就招商引资、项目建设等工作提出具体要求。",
        persons=["刘洋", "张伟"],
    )
    assert found == []


def test_a_body_as_subject_is_nobodys_directive():
    found = extract(
        "10月24日,研究所党支部召开全体会议,学习了省委书记李强等领导同志的讲话精神。"
        "结合工作实际,提出了具体要求:一是加强学习;二是撰写心得;三是要查找问题。",
        "研究所党支部要求,全体党员要按时参加组织生活。",
        persons=["李强"],
    )
    assert found == []


def test_a_leader_whose_speech_is_only_passed_on_issues_nothing():
    found = extract(
        "局长冯军传达了市委书记黄兰英在大会上的讲话精神,要求全局认真学习领会。",
        persons=["冯军", "黄兰英"],
    )
    assert found == []


def test_empty_body_gives_nothing():
    assert extract_directives(Page(), persons=[]) == []


def test_a_list_of_achievements_after_zhichu_is_no_directive_set():
    found = extract(
        "韩梅指出,过去一年成绩显著:一是经济平稳增长;二是民生持续改善。",
        persons=["韩梅"],
    )
    assert found == []


def test_a_second_verb_without_subject_continues_the_same_item():
    found = extract(
        "孔明强调,要加强组织领导,要求各单位主要负责同志亲自抓,确保落实到位。",
        persons=["孔明"],
    )
    assert texts(found) == ["要加强组织领导,要求各单位主要负责同志亲自抓,确保落实到位"]


def test_quoted_speech_drops_the_quote_marks_around_the_items():
    found = extract("董梅强调:“要守住安全底线。要提升服务质量。”", persons=["董梅"])
    assert texts(found) == ["要守住安全底线", "要提升服务质量"]


def test_surname_and_title_prefer_the_person_holding_that_title():
    page = Page(
        paragraphs=[
            "党委书记刘红、副院长刘亮出席会议。刘院长就科研工作提出两点要求:"
            "一是要聚焦主业;二是要加强合作。"
        ]
    )
    persons = [
        PersonFact(name="刘红", titles=[TitleFact(title="党委书记")]),
        PersonFact(name="刘亮", titles=[TitleFact(title="副院长")]),
    ]
    found = extract_directives(page, persons=persons)
    assert {d.issuer for d in found} == {"刘亮"}


def test_dun_numbered_items_on_their_own_paragraphs():
    found = extract(
        "市长严明就做好防汛工作提出三点意见。",
        "一、要压实防汛责任。",
        "二、要加强隐患排查。",
        "三、要做好应急准备。",
        persons=["严明"],
    )
    assert texts(found) == ["要压实防汛责任", "要加强隐患排查", "要做好应急准备"]
    assert {d.group for d in found} == {"三点意见"}


def test_a_list_the_speaker_only_reports_after_another_verb_is_no_directive():
    found = extract(
        "蒋涛强调,要加快项目建设。蒋涛介绍,今年全区做了两方面工作:一是建园区;二是引企业。",
        persons=["蒋涛"],
    )
    assert texts(found) == ["要加快项目建设"]


def test_paragraphs_opening_with_yao_go_on_with_the_speech():
    found = extract(
        "邓辉强调,要坚持人民至上。",
        "要坚持问题导向,补齐短板。",
        "要事先做好预案。邓辉还参观了展览。",
        "要闻回顾:本周大事。",
        persons=["邓辉"],
    )
    assert texts(found) == [
        "要坚持人民至上",
        "要坚持问题导向,补齐短板",
        "要事先做好预案",
    ]
    assert {d.set_index for d in found} == {0}


def test_a_heading_closing_its_paragraph_announces_the_numbered_paragraphs():
    found = extract(
        "林涛对下一步工作提出三点要求。",
        "一是抓好招商引资。",
        "二是抓好项目建设。",
        "三是抓好安全生产。",
        "会议还通报了有关情况。",
        persons=["林涛"],
    )
    assert texts(found) == ["抓好招商引资", "抓好项目建设", "抓好安全生产"]
    assert {d.group for d in found} == {"三点要求"}


def test_full_width_numbers_are_ordinals_too():
    found = extract("徐宁要求：１．加强值守；２．及时报告。", persons=["徐宁"])
    assert texts(found) == ["加强值守", "及时报告"]


def test_run_on_list_closed_by_zhe():
    found = extract(
        "邱明要求全体干部守纪律;讲规矩;重实干,这三点要求要贯穿全年工作。",
        persons=["邱明"],
    )
    assert texts(found) == ["全体干部守纪律", "讲规矩", "重实干"]
    assert {d.group for d in found} == {"三点要求"}
