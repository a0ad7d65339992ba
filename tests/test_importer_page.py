"""The importer's page stage: bytes as scraped in, the article's text and metadata out.

The two seed sources must give exactly what the fixtures hold; the short pages
below are written for these tests (the extraction-dev pages are not copied).
"""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.importer.errors import ImportRefused
from articles.importer.page import MAX_BYTES, parse_date, read_page
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


def fixture_article(slug):
    return next(
        record
        for record in FIXTURE
        if record["model"] == "articles.article" and record["fields"]["slug"] == slug
    )


def fixture_rows(model, article_pk):
    rows = [
        record["fields"]
        for record in FIXTURE
        if record["model"] == model and record["fields"]["article"] == article_pk
    ]
    return sorted(rows, key=lambda fields: fields["order"])


BODY = (
    "3月5日,某某市科学技术局召开全体干部大会,传达学习全国两会精神。局党组书记、局长张三主持会议。",
    "张三强调,要深入学习贯彻会议精神,把思想和行动统一到中央决策部署上来。",
    "会议还对近期重点工作进行了安排部署。",
)


def page_text(*lines):
    return "\n".join(lines)


# --- the seeds ---------------------------------------------------------------
class TestSeeds:
    def test_bjast_seed_gives_the_fixture_article(self):
        page = read_page(BJAST_SEED.read_bytes())
        article = fixture_article("bjast-2025-work-conference")
        assert page.paragraphs == bjast_seed_body()
        assert page.title == article["fields"]["title"]
        assert page.lede == article["fields"]["lede"] == ""
        assert page.published_at == "2025-01-27T16:57"
        assert page.section == "新闻 › 院内新闻"
        photos = fixture_rows("articles.photo", article["pk"])
        assert page.captions == [photo["caption"] for photo in photos]
        credits = fixture_rows("articles.credit", article["pk"])
        assert page.credits == [
            {"role": credit["role"], "name": credit["name"]} for credit in credits
        ]
        assert not page.truncated

    def test_conference_seed_gives_the_fixture_article(self):
        page = read_page(CONFERENCE_SEED.read_bytes())
        article = fixture_article("beijing-innovation-center-ministry-city-conference")
        assert page.paragraphs == conference_seed_body()
        assert page.title == article["fields"]["title"]
        assert page.lede == article["fields"]["lede"]
        assert page.published_at == "2025-05-07"
        assert page.publisher == "中国电源产业网"
        assert page.source == "电源协会行业党支部"
        credits = fixture_rows("articles.credit", article["pk"])
        assert page.credits == [
            {"role": credit["role"], "name": credit["name"]} for credit in credits
        ]
        assert page.captions == []
        assert not page.truncated

    def test_seed_body_is_byte_for_byte_in_the_source(self):
        for seed in (BJAST_SEED, CONFERENCE_SEED):
            source_lines = seed.read_text(encoding="utf-8").split("\n")
            for paragraph in read_page(seed.read_bytes()).paragraphs:
                assert paragraph in source_lines

    def test_related_articles_and_footer_stay_out(self):
        page = read_page(CONFERENCE_SEED.read_bytes())
        body = "\n".join(page.paragraphs)
        for chrome in ("相关信息", "MORE", "网友交流群", "党员干部要常修", "标签"):
            assert chrome not in body


# --- encodings ---------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["utf-8", "gbk", "gb18030", "utf-8-sig"])
def test_simplified_pages_decode_in_every_encoding(encoding):
    text = page_text("某某局召开全体干部大会", "发布时间:2024-03-06 来源:办公室", *BODY)
    page = read_page(text.encode(encoding))
    assert page.title == "某某局召开全体干部大会"
    assert page.paragraphs == list(BODY)


def test_big5_traditional_page_decodes_and_keeps_its_characters():
    body = [
        "行政院今日召開院會,院長王大明在致詞時要求各部會加速落實各項施政。",
        "王大明指出,內閣團隊必須傾聽民意、勇於任事,回應社會期待。",
    ]
    text = page_text("新內閣首次院會 院長要求加速施政", "5 月 26, 2016", *body)
    page = read_page(text.encode("big5"))
    assert page.title == "新內閣首次院會 院長要求加速施政"
    assert page.published_at == "2016-05-26"
    assert page.paragraphs == body


def test_already_decoded_text_is_accepted():
    assert read_page(page_text(*BODY)).paragraphs == list(BODY)


# --- chrome and metadata ------------------------------------------------------
def test_chrome_lines_are_left_out_and_metadata_kept():
    text = page_text(
        "当前位置:首页 > 新闻中心 > 工作动态",
        "某某局召开全体干部大会",
        "——传达学习全国两会精神",
        "发布时间:2024年03月06日 09:30来源:某某市科学技术局浏览次数:128",
        "字号:大 中 小",
        "",
        "会议现场",
        "会议现场",
        "导语:会议传达学习了全国两会精神。",
        *BODY,
        "(办公室/文 宣传中心/摄)",
        "作者:李四",
        "责任编辑:王五",
        "审核:赵六",
        "上一篇:某某局开展安全检查",
        "相关新闻",
        "某某局开展节前安全检查,确保节日期间安全稳定。",
        "版权所有:某某市科学技术局 京ICP备12345678号",
    )
    page = read_page(text.encode("utf-8"))
    assert page.paragraphs == list(BODY)
    assert page.title == "某某局召开全体干部大会"
    assert page.subtitle == "——传达学习全国两会精神"
    assert page.section == "新闻中心 › 工作动态"
    assert page.published_at == "2024-03-06T09:30"
    assert page.source == "某某市科学技术局"
    assert page.lede == "会议传达学习了全国两会精神。"
    assert page.captions == ["会议现场"]
    assert page.publisher == "某某市科学技术局"
    assert page.bylines == {"作者": ["李四"], "责任编辑": ["王五"], "审核": ["赵六"]}
    assert {"role": "writer", "name": "办公室"} in page.credits
    assert {"role": "photographer", "name": "宣传中心"} in page.credits
    assert {"role": "editor", "name": "王五"} in page.credits
    assert {"role": "reviewer", "name": "赵六"} in page.credits
    assert not page.truncated


def test_navigation_and_calendar_widgets_are_chrome():
    text = page_text(
        "  • 首页",
        "  • 关于我们",
        "2025 年 12 月",
        "一 二 三 四 五 六 日",
        "1234567",
        "891011121314",
        "Uncategorized",
        *BODY,
    )
    assert read_page(text).paragraphs == list(BODY)


def test_inline_credits_stay_in_the_paragraph_and_are_recorded():
    first = (
        "本报讯 (记者 李明) 3月5日,某某市召开全市科技工作会议。市长张三出席会议并讲话。"
    )
    last = "会议要求各单位认真抓好落实,确保各项任务按期完成(王芳供稿)"
    page = read_page(page_text(first, BODY[1], last))
    assert page.paragraphs == [first, BODY[1], last]
    assert page.credits == [
        {"role": "writer", "name": "李明"},
        {"role": "contributor", "name": "王芳"},
    ]
    assert page.source == ""  # a person's 供稿 inside the body is not a source


def test_bracketed_credit_lines_are_chrome():
    page = read_page(page_text(*BODY, "[供稿:科研所]", "[责编:周某]"))
    assert page.paragraphs == list(BODY)
    assert page.source == "科研所"
    assert page.credits == [
        {"role": "contributor", "name": "科研所"},
        {"role": "editor", "name": "周某"},
    ]


def test_a_caption_between_paragraphs_is_not_body():
    page = read_page(page_text(BODY[0], "座谈会现场", BODY[1], BODY[2]))
    assert page.paragraphs == list(BODY)
    assert page.captions == ["座谈会现场"]


def test_indentation_is_dropped_but_the_line_is_otherwise_verbatim():
    paragraph = "  会议强调, 要 深入学习(全文)——“两会”精神 ;确保落实。"
    page = read_page(page_text("\u3000\u3000" + BODY[0], paragraph))
    assert page.paragraphs == [BODY[0], paragraph.strip()]


def test_a_page_that_stops_mid_sentence_is_truncated():
    cut = "会议要求,各单位要进一步提高认识,切实把各项工作抓紧抓实,确保全年目标任务"
    page = read_page(page_text(*BODY, cut))
    assert page.paragraphs[-1] == cut
    assert page.truncated
    assert page.warnings


def test_glued_meta_line_gives_date_and_source():
    page = read_page(
        page_text("某某所组织学习", "发布时间:2017年04月28日来源:某某研究所", *BODY)
    )
    assert page.published_at == "2017-04-28"
    assert page.source == "某某研究所"


def test_header_of_meta_lines_without_headline():
    text = page_text("作者:张某", "来源:", "编辑:张某", "日期:2012-03-12 阅读:1", *BODY)
    page = read_page(text)
    assert page.title == ""
    assert page.source == ""
    assert page.published_at == "2012-03-12"
    assert page.bylines == {"作者": ["张某"], "编辑": ["张某"]}
    assert page.paragraphs == list(BODY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("发布时间:2025年01月27日 16:57", "2025-01-27T16:57"),
        ("2025-05-07", "2025-05-07"),
        ("发布时间:2019/11/9 19:40:32 来源:外宣办", "2019-11-09T19:40"),
        ("5 月 26, 2016", "2016-05-26"),
        ("May 26, 2016", "2016-05-26"),
        ("日期:2012-03-12 阅读:1", "2012-03-12"),
        ("2024年2月30日", None),
        ("11月14日下午", None),
    ],
)
def test_dates(text, expected):
    assert parse_date(text) == expected


# --- HTML --------------------------------------------------------------------
HTML = """<!DOCTYPE html>
<html><head><meta charset="gbk">
<title>某某局召开全体干部大会_某某市科学技术局</title></head>
<body>
<div class="nav"><ul><li><a href="/">首页</a></li>
<li><a href="/news">新闻中心</a></li></ul></div>
<div class="position">当前位置:<a href="/">首页</a> &gt; <a href="/news">新闻中心</a>
 &gt; 工作动态</div>
<div class="article">
<h1>某某局召开全体干部大会</h1>
<div class="info">发布时间:2024-03-06 来源:某某市科学技术局</div>
<div class="content">
<p>{}</p>
<p><img src="a.jpg" alt="会议现场"></p>
<p>{}</p>
<p>{}</p>
</div></div>
<div class="footer">版权所有:某某市科学技术局 京ICP备12345678号</div>
</body></html>
""".format(*BODY)


def test_html_page_main_text_and_metadata():
    page = read_page(HTML.encode("gbk"))
    assert page.paragraphs == list(BODY)
    assert page.title == "某某局召开全体干部大会"
    assert page.published_at == "2024-03-06"
    assert page.source == "某某市科学技术局"
    assert page.section == "新闻中心 › 工作动态"
    assert page.publisher == "某某市科学技术局"
    assert "会议现场" in page.captions


# --- refusals ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"   \n\n  ", "empty"),
        (b"%PDF-1.4 binary", "binary"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
        (bytes(range(256)) * 4, "binary"),
        (b"Hello, world. This page has no Chinese at all.", "no_chinese"),
        ("首页 > 新闻\n某某局召开大会\n版权所有:某某局".encode(), "no_body"),
        (b"x" * (MAX_BYTES + 1), "too_large"),
    ],
)
def test_bad_input_is_refused_in_chinese(data, code):
    with pytest.raises(ImportRefused) as refused:
        read_page(data)
    assert refused.value.code == code
    assert any("\u4e00" <= char <= "\u9fff" for char in str(refused.value))


# --- the command ---------------------------------------------------------------
def run(*args):
    out, err = io.StringIO(), io.StringIO()
    error = None
    try:
        call_command("import_article", *args, stdout=out, stderr=err)
    except CommandError as raised:
        error = raised
    return out.getvalue(), err.getvalue(), error


@pytest.mark.django_db
def test_dry_run_json_prints_one_object_for_one_page():
    out, _err, error = run("--dry-run", "--json", str(BJAST_SEED))
    assert error is None
    result = json.loads(out)
    assert result["article"]["paragraphs"] == bjast_seed_body()
    assert set(result) >= {"article", "persons", "organizations", "directives"}


@pytest.mark.django_db
def test_a_bad_file_does_not_stop_the_batch(tmp_path):
    (tmp_path / "a.txt").write_text(page_text(*BODY), encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"")
    (tmp_path / "c.html").write_text(HTML, encoding="utf-8")
    (tmp_path / "notes.json").write_text("{}", encoding="utf-8")
    out, err, error = run("--dry-run", "--json", str(tmp_path), str(tmp_path / "no"))
    results = [json.loads(line) for line in out.splitlines()]
    assert [Path(r["file"]).name for r in results] == ["a.txt", "b.txt", "c.html", "no"]
    assert results[0]["article"]["paragraphs"] == list(BODY)
    assert results[1]["error"]["code"] == "empty"
    assert results[2]["article"]["paragraphs"] == list(BODY)
    assert results[3]["error"]["code"] == "not_found"
    assert error is not None and error.returncode == 1
    assert "页面是空的" in err


@pytest.mark.django_db
def test_stdin_and_plain_report(monkeypatch):
    stdin = io.TextIOWrapper(io.BytesIO(page_text(*BODY).encode("gbk")))
    monkeypatch.setattr("sys.stdin", stdin)
    out, _err, error = run("--dry-run", "-")
    assert error is None
    assert out.startswith("✓ -:")


@pytest.mark.django_db
def test_publish_with_dry_run_is_refused():
    _out, _err, error = run("--dry-run", "--publish", str(BJAST_SEED))
    assert error is not None


def test_a_marker_word_opening_a_sentence_does_not_end_the_body():
    lines = [
        BODY[0],
        "返回途中,调研组一行又察看了园区的安全生产情况,并对下一步工作提出了明确要求。",
        "更多企业表示,将进一步加大研发投入,推动科技成果转化落地。",
        BODY[2],
    ]
    assert read_page(page_text(*lines)).paragraphs == lines


def test_a_schedule_inside_a_notice_stays_in_the_body():
    lines = [
        "为做好年度科普工作,经研究,决定召开全市科普工作会议。现将有关事项通知如下:",
        "时间:2024年3月8日上午9:00",
        "地点:市科技大厦三楼会议室。",
        "请各单位按时参会,不得缺席。",
    ]
    page = read_page(page_text("关于召开全市科普工作会议的通知", *lines))
    assert page.paragraphs == lines
    assert page.published_at is None


def test_without_a_meta_line_the_headline_is_the_line_above_the_body():
    page = read_page(
        page_text("新闻中心", "学院动态", "某某学院召开年度工作总结大会", *BODY)
    )
    assert page.title == "某某学院召开年度工作总结大会"
    assert page.paragraphs == list(BODY)


GOV_HTML = """<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<meta name="SiteName" content="某某市人民政府">
<meta name="ColumnName" content="政务要闻">
<title>市政府召开常务会议-某某市人民政府</title></head>
<body><div id="top">首页 | 政务公开 | 办事服务 | 互动交流</div>
<div class="detail"><h2>市政府召开常务会议</h2>
<div class="xx">时间:2024-05-08 16:20  来源:市政府办公室  【字体:大 中 小】</div>
<div class="TRS_Editor">
<p>\u3000\u30005月7日,市长李四主持召开市政府常务会议,研究部署近期重点工作。</p>
<p>\u3000\u3000会议强调,要坚持稳中求进工作总基调,扎实推进各项工作落地见效。</p>
<p style="text-align:center"><img src="1.jpg"></p>
<p style="text-align:center">会议现场</p>
<p>\u3000\u3000会议还研究了其他事项。</p>
</div>
<div class="share">分享到:微信 微博</div></div>
<div class="foot">主办:某某市人民政府办公室 版权所有 ICP备案号:1234</div>
</body></html>"""


def test_government_cms_page_with_meta_tags():
    page = read_page(GOV_HTML.encode("gb18030"))
    assert page.title == "市政府召开常务会议"
    assert page.published_at == "2024-05-08T16:20"
    assert page.source == "市政府办公室"
    assert page.publisher == "某某市人民政府"
    assert page.section == "政务要闻"
    assert page.captions == ["会议现场"]
    assert page.paragraphs == [
        "5月7日,市长李四主持召开市政府常务会议,研究部署近期重点工作。",
        "会议强调,要坚持稳中求进工作总基调,扎实推进各项工作落地见效。",
        "会议还研究了其他事项。",
    ]


def test_a_headline_scraped_twice_is_the_title_not_a_caption():
    page = read_page(
        page_text(
            "某某局召开全体干部大会", "某某局召开全体干部大会", "2024-03-06", *BODY
        )
    )
    assert page.title == "某某局召开全体干部大会"
    assert page.captions == []
    assert page.paragraphs == list(BODY)
