"""Generates a newsroom of N articles in bulk, for the benchmark.

Sentences are drawn from the two source articles, so bodies (~3,100 characters)
look like the real thing to the database and the templates. Per 10,000 articles:
~400 organizations, ~800 people, ~1,200 positions, ~5 directives per article in
one or two sets, three people and two organizations named per article. About
1% of articles are drafts and 0.5% are scheduled for the coming days.
"""

import datetime
import json
import random
import re
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from articles import cache
from articles.models import (
    Article,
    Credit,
    Directive,
    DirectiveSet,
    MentionRole,
    Organization,
    OrganizationAlias,
    OrganizationMention,
    Person,
    PersonMention,
    Position,
    Section,
    Tag,
    first_clause,
)

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "newsroom.json"
BATCH = 2000
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘"
GIVEN = "伟建民晖东起锦文士林智平宇国子亮力和俊益新勇钧敏静丽强磊军洋艳杰娟涛明超秀霞"
ORG_STEMS = [
    "科学技术研究院",
    "科学技术委员会",
    "人民政府",
    "发展和改革委员会",
    "经济和信息化局",
    "教育委员会",
    "财政局",
    "生态环境局",
    "卫生健康委员会",
    "科学院",
    "工程研究中心",
    "重点实验室",
    "科技园",
    "大学",
    "研究所",
]
PLACES = [
    "北京市",
    "上海市",
    "天津市",
    "重庆市",
    "广东省",
    "江苏省",
    "浙江省",
    "山东省",
    "河北省",
    "湖北省",
    "四川省",
    "陕西省",
    "海淀区",
    "朝阳区",
    "中关村",
    "雄安新区",
    "深圳市",
    "杭州市",
    "武汉市",
    "成都市",
]
TITLES = [
    "院长",
    "副院长",
    "党组书记",
    "主任",
    "副主任",
    "局长",
    "副局长",
    "市长",
    "副市长",
    "所长",
    "书记",
    "部长",
]
SET_HEADINGS = ["三点要求", "四点要求", "五点要求", "几点意见", "重点工作", ""]
TITLE_WORDS = [
    "召开",
    "举行",
    "部署",
    "推进",
    "座谈会",
    "工作会议",
    "调研",
    "科技创新",
    "高质量发展",
    "成果转化",
    "专题会议",
    "年度考核",
]


def sentence_pool():
    """Sentences of the fixture's article bodies."""
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    text = "".join(
        row["fields"]["body"] for row in data if row["model"] == "articles.article"
    )
    sentences = [s + "。" for s in re.split(r"。", text.replace("\n", "")) if s]
    return [s for s in sentences if 10 <= len(s) <= 200]


def body(rng, sentences, length=3100):
    paragraphs, current, size = [], [], 0
    while size < length:
        sentence = rng.choice(sentences)
        current.append(sentence)
        size += len(sentence)
        if len(current) >= rng.randint(2, 5):
            paragraphs.append("".join(current))
            current = []
    if current:
        paragraphs.append("".join(current))
    return "\n\n".join(paragraphs)


def bulk(model, rows):
    return model.objects.bulk_create(rows, batch_size=BATCH)


def person_name(rng, n):
    extra = "" if n < 600 else GIVEN[n % len(GIVEN)]
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + extra


def org_name(i):
    place = PLACES[i % len(PLACES)]
    stem = ORG_STEMS[i // len(PLACES) % len(ORG_STEMS)]
    return f"{place}{stem}{'' if i < len(PLACES) * len(ORG_STEMS) else i}"


@transaction.atomic
def generate(articles, *, seed=1, out=print):
    """Replace every article, person and organization with ``articles`` new ones."""
    rng = random.Random(seed)
    sentences = sentence_pool()
    for model in (
        Directive,
        DirectiveSet,
        PersonMention,
        OrganizationMention,
        Credit,
        Position,
    ):
        model.objects.all().delete()
    Article.objects.all().delete()
    for model in (OrganizationAlias, Person, Tag):
        model.objects.all().delete()
    Organization.objects.filter(parent__isnull=False).delete()
    Organization.objects.all().delete()
    Section.objects.filter(parent__isnull=False).delete()
    Section.objects.all().delete()

    n_orgs = max(20, articles // 25)
    n_people = max(40, articles // 12)
    out(f"{n_orgs} organizations, {n_people} people, {articles} articles")

    sections = bulk(
        Section, [Section(name=f"栏目{i}", slug=f"section-{i}") for i in range(5)]
    )
    sections += bulk(
        Section,
        [
            Section(name=f"子栏目{i}", slug=f"subsection-{i}", parent=sections[i % 5])
            for i in range(10)
        ],
    )
    tags = bulk(Tag, [Tag(name=f"标签{i}", slug=f"tag-{i}") for i in range(50)])
    orgs = bulk(
        Organization,
        [
            Organization(
                name=org_name(i),
                slug=f"org-{i}",
                kind=rng.choice(Organization.Kind.values),
            )
            for i in range(n_orgs)
        ],
    )
    bulk(
        OrganizationAlias,
        [
            OrganizationAlias(organization=org, name=f"简称{i}")
            for i, org in enumerate(orgs)
            if i % 3 == 0
        ],
    )
    people = bulk(
        Person,
        [Person(name=person_name(rng, i), slug=f"person-{i}") for i in range(n_people)],
    )
    positions = bulk(
        Position,
        [
            Position(
                person=person,
                organization=orgs[(i * 7 + k) % n_orgs],
                title=TITLES[(i + k) % len(TITLES)],
                order=k,
            )
            for i, person in enumerate(people)
            for k in range(1 + i % 2)
        ],
    )
    position_of = {}
    for position in positions:
        position_of.setdefault(position.person_id, position)

    now = timezone.now()
    start = now - datetime.timedelta(days=5 * 365)
    span = (now - start).total_seconds()
    rows = []
    for i in range(articles):
        roll = rng.random()
        if roll < 0.01:
            status, published_at = Article.Status.DRAFT, None
        elif roll < 0.015:
            status = Article.Status.PUBLISHED
            published_at = now + datetime.timedelta(hours=rng.randint(1, 24 * 14))
        else:
            status = Article.Status.PUBLISHED
            published_at = start + datetime.timedelta(seconds=span * rng.random())
        rows.append(
            Article(
                title=f"{rng.choice(PLACES)}{rng.choice(TITLE_WORDS)}"
                f"{rng.choice(TITLE_WORDS)}{rng.choice(TITLE_WORDS)}第{i}期",
                slug=f"article-{i}",
                lede=rng.choice(sentences),
                body=body(rng, sentences),
                status=status,
                published_at=published_at,
                section=rng.choice(sections),
                publisher=rng.choice(orgs),
                source_url=f"https://news.example.com/{i}.html",
            )
        )
    article_rows = []
    for offset in range(0, len(rows), BATCH):
        article_rows += bulk(Article, rows[offset : offset + BATCH])
        out(f"  articles: {len(article_rows)}")

    TagLink = Article.tags.through
    bulk(
        TagLink,
        [
            TagLink(article_id=a.pk, tag_id=tags[(a.pk + k) % 50].pk)
            for a in article_rows
            for k in (0, 17)
        ],
    )
    person_mentions, org_mentions, credits = [], [], []
    for a in article_rows:
        for k, person in enumerate(rng.sample(people, 3)):
            person_mentions.append(
                PersonMention(
                    article=a,
                    person=person,
                    role=MentionRole.SPEAKER if k == 0 else MentionRole.ATTENDEE,
                    order=k,
                )
            )
        for k, org in enumerate(rng.sample(orgs, 2)):
            org_mentions.append(
                OrganizationMention(
                    article=a, organization=org, role=MentionRole.MENTIONED, order=k
                )
            )
        credits.append(Credit(article=a, role=Credit.Role.WRITER, name="办公室"))
        credits.append(Credit(article=a, role=Credit.Role.EDITOR, name="编辑部"))
    bulk(PersonMention, person_mentions)
    bulk(OrganizationMention, org_mentions)
    bulk(Credit, credits)
    out(f"  mentions: {len(person_mentions) + len(org_mentions)}")

    make_directives(rng, article_rows, people, orgs, position_of, sentences, out)
    cache.content_changed()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def make_directives(rng, articles, people, orgs, position_of, sentences, out):
    """One or two sets per article (about 5.5 items in all), each addressed to
    an organization; item texts are sentences of the article's own body."""
    sets, planned = [], []
    for a in articles:
        paragraphs_text = a.body
        for number in range(1, (1 if rng.random() < 0.6 else 2) + 1):
            issuer = rng.choice(people)
            sets.append(
                DirectiveSet(
                    article=a,
                    number=number,
                    issuer=issuer,
                    position=position_of.get(issuer.pk),
                    heading=rng.choice(SET_HEADINGS),
                    kind=rng.choice(DirectiveSet.Kind.values),
                )
            )
            planned.append((paragraphs_text, rng.randint(3, 5)))
    saved_sets = []
    for offset in range(0, len(sets), BATCH * 5):
        saved_sets += bulk(DirectiveSet, sets[offset : offset + BATCH * 5])
    Link = DirectiveSet.addressees.through
    bulk(
        Link,
        [
            Link(directiveset_id=s.pk, organization_id=orgs[s.pk % len(orgs)].pk)
            for s in saved_sets
        ],
    )
    items = []
    for directive_set, (body_text, count) in zip(saved_sets, planned, strict=True):
        found = [x + "。" for x in body_text.split("。") if 10 <= len(x) <= 200]
        for ordinal in range(1, count + 1):
            text = rng.choice(found or sentences).replace("\n", "")
            start = body_text.find(text)
            items.append(
                Directive(
                    directive_set=directive_set,
                    ordinal=ordinal,
                    text=text,
                    summary=first_clause(text)[:300],
                    span_start=start if start >= 0 else None,
                    span_end=start + len(text) if start >= 0 else None,
                )
            )
    for offset in range(0, len(items), BATCH * 5):
        bulk(Directive, items[offset : offset + BATCH * 5])
    out(f"  directive sets: {len(saved_sets)}, directives: {len(items)}")
