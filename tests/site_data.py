"""A small newsroom like the seed fixture, built with factories, for the site tests."""

import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from articles import models
from tests import factories

SHANGHAI = ZoneInfo("Asia/Shanghai")


def build_site():
    """The 北科院 work conference with 刘晖's 四点要求, plus a draft and a scheduled
    article that must never show."""
    news = factories.SectionFactory(name="新闻", slug="news")
    inside = factories.SectionFactory(name="院内新闻", slug="inside", parent=news)
    bjast = factories.OrganizationFactory(
        name="北京市科学技术研究院", slug="bjast", kind=models.Organization.Kind.ACADEMY
    )
    factories.OrganizationAliasFactory(organization=bjast, name="北科院")
    unit = factories.OrganizationFactory(
        name="北京市科学技术研究院资源环境研究所", slug="bjast-env", parent=bjast
    )
    commission = factories.OrganizationFactory(
        name="北京市科学技术委员会",
        slug="bjsti",
        kind=models.Organization.Kind.GOVERNMENT,
    )
    factories.OrganizationAliasFactory(organization=commission, name="市科委")
    liu = factories.PersonFactory(name="刘晖", slug="liu-hui")
    wu = factories.PersonFactory(name="伍建民", slug="wu-jianmin")
    liu_position = factories.PositionFactory(
        person=liu, organization=bjast, title="党组书记"
    )
    factories.PositionFactory(person=wu, organization=bjast, title="院长")
    tag = factories.TagFactory(name="工作会议", slug="work-conference")
    conference = factories.ArticleFactory(
        title="北科院举行2025年工作会议暨院领导班子和领导干部2024年度考核测评会议",
        slug="bjast-2025-work-conference",
        lede="",
        body=(
            "1月24日,北京市科学技术研究院(以下简称“北科院”)举行2025年工作会议。"
            "党组书记刘晖主持会议并讲话。\n\n"
            "刘晖对北科院2025年工作提出四点要求。会议强调科技创新。"
        ),
        published_at=datetime.datetime(2025, 1, 27, 16, 57, tzinfo=SHANGHAI),
        section=inside,
        publisher=bjast,
        source_url="https://www.bjast.ac.cn/art/2025/1/27/art_1_1.html",
        tags=[tag],
    )
    factories.CreditFactory(
        article=conference, role="writer", name="办公室", organization=bjast
    )
    factories.CreditFactory(article=conference, role="editor", name="王编辑")
    factories.CreditFactory(
        article=conference, role="source", name="北科院", organization=bjast
    )
    factories.PhotoFactory(article=conference, caption="工作会议现场")
    factories.PersonMentionFactory(article=conference, person=liu, role="host")
    factories.PersonMentionFactory(
        article=conference, person=liu, role="speaker", order=1
    )
    factories.PersonMentionFactory(
        article=conference, person=wu, role="reporter", order=2
    )
    factories.OrganizationMentionFactory(
        article=conference, organization=bjast, role="organizer"
    )
    requirements = [
        factories.DirectiveFactory(
            article=conference,
            issuer=liu,
            position=liu_position,
            set_number=1,
            set_heading="四点要求",
            ordinal=n,
            text=text,
            addressees=[bjast],
        )
        for n, text in enumerate(
            [
                "深入学习贯彻习近平总书记关于科技创新的重要论述。",
                "持续深化改革,深入贯彻落实市委市政府决策部署。",
                "扎实推进全院高质量发展。",
                "深入推进全面从严治党。",
            ],
            start=1,
        )
    ]
    work = factories.DirectiveFactory(
        article=conference,
        issuer=wu,
        set_number=2,
        set_heading="十四个方面的工作",
        ordinal=1,
        kind=models.Directive.Kind.ARRANGEMENT,
        text="加快推进科技成果转化。",
        addressees=[unit],
    )
    later = factories.ArticleFactory(
        title="部市共建北京国际科技创新中心工作会议召开",
        slug="beijing-innovation-center-ministry-city-conference",
        lede="建设北京国际科技创新中心是重大战略任务。",
        body="会议在中关村召开。科技创新策源功能要不断强化。北科院参加。",
        published_at=datetime.datetime(2025, 5, 7, 9, 0, tzinfo=SHANGHAI),
        publisher=commission,
    )
    factories.OrganizationMentionFactory(article=later, organization=commission)
    secret = factories.PersonFactory(name="王秘密", slug="secret-person")
    hidden_org = factories.OrganizationFactory(name="保密研究所", slug="hidden-org")
    draft = factories.DraftArticleFactory(
        title="北科院草稿:科技创新未发布", slug="draft-article", publisher=hidden_org
    )
    scheduled = factories.ScheduledArticleFactory(
        title="北科院定时稿:科技创新明日发布",
        slug="scheduled-article",
        publisher=hidden_org,
    )
    for article in (draft, scheduled):
        factories.PersonMentionFactory(article=article, person=secret)
        factories.PersonMentionFactory(article=article, person=liu)
        factories.OrganizationMentionFactory(article=article, organization=bjast)
        factories.DirectiveFactory(
            article=article,
            issuer=liu,
            set_heading="秘密要求",
            text="草稿里的秘密要求。",
            addressees=[bjast],
        )
    return SimpleNamespace(
        news=news,
        inside=inside,
        bjast=bjast,
        unit=unit,
        commission=commission,
        liu=liu,
        wu=wu,
        conference=conference,
        later=later,
        draft=draft,
        scheduled=scheduled,
        requirements=requirements,
        work=work,
        secret=secret,
        hidden_org=hidden_org,
    )
