"""A small newsroom for the API tests (no tests here; shared by tests/test_api*.py).

Two published articles shaped like the seed articles, plus a draft and a
scheduled article that reuse the same people, organizations, section and tag, so
that any leak through a filter, an expansion or a count shows up.
"""

import datetime
import types
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from articles.models import Directive, MentionRole, Organization
from tests import factories

SHANGHAI = ZoneInfo("Asia/Shanghai")

# Everything the hidden articles contain that must never reach an anonymous client.
HIDDEN_MARKERS = (
    "secret-draft",
    "绝密草稿",
    "草稿中的秘密要求",
    "草稿专用要求",
    "scheduled-article",
    "定时发布的文章",
    "定时文章中的要求",
)


def build_newsroom():
    news = factories.SectionFactory(name="新闻", slug="news")
    institute_news = factories.SectionFactory(
        name="院内新闻", slug="institute-news", parent=news
    )
    meeting = factories.TagFactory(name="会议", slug="meeting")
    bjast = factories.OrganizationFactory(
        name="北京市科学技术研究院", slug="bjast", kind=Organization.Kind.INSTITUTION
    )
    factories.OrganizationAliasFactory(organization=bjast, name="北科院")
    government = factories.OrganizationFactory(
        name="北京市人民政府", slug="beijing-government", kind="government"
    )
    factories.OrganizationAliasFactory(organization=government, name="市政府")
    institute = factories.OrganizationFactory(
        name="北京市科学技术研究院资源环境研究所", slug="bjast-env", parent=bjast
    )
    wu = factories.PersonFactory(name="伍建民", slug="wu-jianmin")
    factories.PersonAliasFactory(person=wu, name="伍院长")
    liu = factories.PersonFactory(name="刘晖", slug="liu-hui")
    yin = factories.PersonFactory(name="尹力", slug="yin-li")

    conference = factories.ArticleFactory(
        title="北科院举行2025年工作会议",
        slug="bjast-2025-work-conference",
        body="1月24日,北科院召开2025年工作会议。\n\n伍建民作工作报告。",
        published_at=datetime.datetime(2025, 1, 27, 16, 57, tzinfo=SHANGHAI),
        section=institute_news,
        publisher=bjast,
        tags=[meeting],
    )
    ministry = factories.ArticleFactory(
        title="部市共建北京国际科技创新中心工作会议召开,尹力要求…",
        slug="beijing-innovation-center-ministry-city-conference",
        body="会议在京召开。\n\n尹力指出,要深化改革。",
        published_at=datetime.datetime(2025, 5, 7, 10, 0, tzinfo=SHANGHAI),
        publisher=government,
    )
    wu_president = factories.PositionFactory(
        person=wu, organization=bjast, title="院长", reported_in=conference
    )
    liu_secretary = factories.PositionFactory(
        person=liu, organization=bjast, title="党委书记", reported_in=conference
    )
    yin_secretary = factories.PositionFactory(
        person=yin,
        organization=government,
        title="市委书记",
        reported_in=ministry,
        start_date=datetime.date(2022, 10, 1),
    )
    former = factories.PositionFactory(
        person=liu,
        organization=institute,
        title="所长",
        start_date=datetime.date(2010, 1, 1),
        end_date=datetime.date(2015, 1, 1),
    )
    factories.PersonMentionFactory(
        article=conference, person=wu, role=MentionRole.REPORTER
    )
    factories.PersonMentionFactory(article=conference, person=liu, role="host")
    factories.PersonMentionFactory(article=ministry, person=yin, role="speaker")
    factories.OrganizationMentionFactory(
        article=conference, organization=bjast, role="organizer"
    )
    factories.OrganizationMentionFactory(
        article=ministry, organization=government, role="organizer"
    )
    factories.CreditFactory(article=conference, role="writer", name="办公室")
    factories.PhotoFactory(article=conference, caption="会议现场")
    wu_directives = [
        factories.DirectiveFactory(
            article=conference,
            issuer=wu,
            position=wu_president,
            set_heading="十四个方面的工作",
            ordinal=n,
            text=text,
            addressees=[bjast],
        )
        for n, text in enumerate(
            ["坚持党建引领,全面加强党的建设。", "聚焦科技创新,强化战略科技力量。"],
            start=1,
        )
    ]
    liu_directive = factories.DirectiveFactory(
        article=conference,
        issuer=liu,
        position=liu_secretary,
        set_number=2,
        set_heading="四点要求",
        ordinal=1,
        kind=Directive.Kind.EMPHASIS,
        text="要提高政治站位,狠抓工作落实。",
        addressees=[bjast, institute],
    )
    yin_directive = factories.DirectiveFactory(
        article=ministry,
        issuer=yin,
        position=yin_secretary,
        set_heading="",
        ordinal=1,
        text="要深化部市合作,建设国际科技创新中心。",
        addressees=[government],
    )

    # The hidden ones: a draft and a scheduled article naming the same people.
    draft = factories.DraftArticleFactory(
        title="绝密草稿:尚未发布的会议",
        slug="secret-draft",
        body="草稿正文。",
        section=institute_news,
        publisher=bjast,
        tags=[meeting],
    )
    scheduled = factories.ScheduledArticleFactory(
        title="定时发布的文章",
        slug="scheduled-article",
        body="定时发布的正文。",
        section=institute_news,
        publisher=bjast,
        tags=[meeting],
    )
    hidden_positions = [
        factories.PositionFactory(
            person=wu, organization=government, title="顾问", reported_in=draft
        ),
        factories.PositionFactory(
            person=yin, organization=bjast, title="名誉院长", reported_in=scheduled
        ),
    ]
    for hidden, text in ((draft, "草稿中的秘密要求"), (scheduled, "定时文章中的要求")):
        factories.PersonMentionFactory(article=hidden, person=wu, role="speaker")
        factories.OrganizationMentionFactory(article=hidden, organization=bjast)
        factories.OrganizationMentionFactory(article=hidden, organization=government)
        factories.DirectiveFactory(
            article=hidden,
            issuer=wu,
            position=wu_president,
            set_heading="草稿专用要求",
            kind=Directive.Kind.ARRANGEMENT,
            text=text,
            addressees=[bjast, government],
        )
    return types.SimpleNamespace(**locals())


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Throttle counters live in the cache; each test starts with a clean slate."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def newsroom(db):
    return build_newsroom()
