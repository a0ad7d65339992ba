"""Realistic demo data in bulk: the one generator behind ``seed_demo`` and the
benchmarks (``bench/generate.py`` is a thin wrapper).

Text has news-like word frequencies. The vocabulary is a list of common news
words, then the words the source articles repeat, then ~60,000 made-up 2-4
character words (combinations of the 3,755 common characters of GB 2312, level
one, weighted towards the characters the source articles use most); words are
drawn with a Zipf distribution, so a few words are in most articles while a
random word of the vocabulary is in a small fraction. Bodies are drawn from a
pool of such sentences; a person or organization is named only in the articles
that mention it (about two thirds name someone), and only some articles report
directive sets.

Rows go in with ids assigned here, through ``COPY`` on PostgreSQL (one
``executemany`` per table elsewhere); no ``save()`` runs, so no per-row signal
indexes anything. Search entries are built from each sentence's index tokens,
computed once for the pool, and loaded after the articles; on PostgreSQL the GIN
index is dropped for the load and built once at the end. ``SeedReport`` gives
both times.
"""

import datetime
import itertools
import json
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management.color import no_style
from django.db import connections, transaction
from django.utils import timezone

from articles.search.fold import fold_query
from articles.search.index import index_tokens

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "newsroom.json"

COMMON_WORDS = (  # noqa: SIM905 - a list of words reads best as one text
    "发展 工作 建设 推进 会议 科技 创新 人才 企业 研究 经济 社会 服务 重点 项目 "
    "改革 管理 政策 国家 全面 加强 提高 实施 坚持 组织 领导 要求 部署 落实 推动 "
    "质量 安全 文化 教育 合作 体系 机制 能力 水平 产业 技术 市场 数字 平台 成果 "
    "转化 基础 战略 目标 任务 问题 群众 干部 党建 学习 精神 思想 中心 城市 乡村 "
    "生态 环境 健康 医疗 交通 能源 资金 投资 开放 国际 区域 协同 融合 高质量 "
    "新质生产力 现代化 中关村 实验室 研究院 委员会 座谈会 工作会议 科技创新 "
    "高质量发展 成果转化 人工智能 数字经济 营商环境 乡村振兴 生态文明 人民群众 "
    "主题教育 基层治理 风险防控 统筹 谋划 聚焦 深化 强化 优化 完善 健全 提升 "
    "保障 支持 引导 促进 培育 打造 构建 形成 取得 开展 召开 举行 调研 考察 指出 "
    "强调 表示 介绍 汇报 讨论 审议 通过 印发 通知 方案 意见 规划 计划 报告 总结 "
    "年度 季度 今年 明年 近年来 同时 此外 其中 目前 下一步"
).split()
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
SAYS = ["指出", "强调", "表示", "要求", "主持会议并讲话"]
VOCABULARY_SIZE = 60_000
SENTENCES = 40_000
BATCH = 2000


@dataclass
class SeedReport:
    articles: int = 0
    people: int = 0
    organizations: int = 0
    directives: int = 0
    seconds: float = 0.0  # everything, index included
    index_seconds: float = 0.0  # entries loaded and (PostgreSQL) GIN built
    counts: dict = field(default_factory=dict)

    @property
    def rate(self):
        return self.articles / self.seconds if self.seconds else 0.0

    @property
    def rows_rate(self):
        """Articles per second of writing the rows, the search index apart."""
        rows = self.seconds - self.index_seconds
        return self.articles / rows if rows > 0 else 0.0


def _common_characters():
    """The 3,755 level-one characters of GB 2312 (the everyday simplified set)."""
    chars = []
    for high in range(0xB0, 0xD8):
        for low in range(0xA1, 0xFF):
            try:
                chars.append(bytes((high, low)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return [c for c in chars if fold_query(c) == c]


def _source_text():
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return "".join(
        row["fields"]["body"] for row in data if row["model"] == "articles.article"
    )


def vocabulary(rng, size=VOCABULARY_SIZE):
    """Words by rank: common news words, the source's repeated words, made-up
    combinations (characters the source uses most come first)."""
    source = _source_text()
    counts = {}
    for char in source:
        counts[char] = counts.get(char, 0) + 1
    chars = sorted(_common_characters(), key=lambda c: -counts.get(c, 0))
    words = list(dict.fromkeys(COMMON_WORDS))
    seen = set(words)
    runs = list(_cjk_runs(source))
    grams = {}
    for run in runs:
        for n in (2, 3, 4):
            for i in range(len(run) - n + 1):
                gram = run[i : i + n]
                grams[gram] = grams.get(gram, 0) + 1
    for gram, count in sorted(grams.items(), key=lambda item: -item[1]):
        if count < 3:
            break
        if gram not in seen and fold_query(gram) == gram:
            seen.add(gram)
            words.append(gram)
    weights = list(itertools.accumulate(1 / (rank + 10) for rank in range(len(chars))))
    while len(words) < size:
        picked = rng.choices(chars, cum_weights=weights, k=rng.choice((2, 2, 2, 3, 4)))
        word = "".join(picked)
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def _cjk_runs(text):
    run = []
    for char in text:
        if "\u4e00" <= char <= "\u9fff":
            run.append(char)
        elif run:
            yield "".join(run)
            run = []
    if run:
        yield "".join(run)


def zipf_weights(size, exponent=1.0):
    return list(
        itertools.accumulate(1 / (rank + 1) ** exponent for rank in range(size))
    )


class SentencePool:
    """Sentences drawn from the vocabulary, each with its folded text and index
    tokens, space-separated (a sentence ends in 。, so no token spans two of
    them: an article's tokens are its sentences' tokens, repeats and all)."""

    def __init__(self, rng, words, size=SENTENCES):
        weights = zipf_weights(len(words))
        self.raw, self.folded, self.tokens = [], [], []
        for _ in range(size):
            clauses = []
            for _clause in range(rng.choice((1, 2, 2, 3))):
                count = rng.randint(3, 7)
                clauses.append(
                    "".join(rng.choices(words, cum_weights=weights, k=count))
                )
            self.add("，".join(clauses) + "。")

    def add(self, sentence):
        folded = fold_query(sentence)
        self.raw.append(sentence)
        self.folded.append(folded)
        self.tokens.append(" ".join(index_tokens(folded)))
        return len(self.raw) - 1


class _Rows:
    """Bulk rows into one table: ``COPY`` on PostgreSQL, ``executemany`` elsewhere."""

    def __init__(self, connection):
        self.connection = connection
        self.postgres = connection.vendor == "postgresql"

    def write(self, model, fields, rows):
        meta = model._meta
        columns = [meta.get_field(name).column for name in fields]
        quoted = ", ".join(self.connection.ops.quote_name(c) for c in columns)
        table = self.connection.ops.quote_name(meta.db_table)
        with self.connection.cursor() as cursor:
            if self.postgres:
                with cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                return
            adapt = self._adapters(meta, fields)
            marks = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {table} ({quoted}) VALUES ({marks})"
            rows = iter(rows)
            while chunk := list(itertools.islice(rows, BATCH)):
                if adapt:
                    chunk = [
                        tuple(a(v) if a else v for a, v in zip(adapt, row, strict=True))
                        for row in chunk
                    ]
                cursor.executemany(sql, chunk)

    def _adapters(self, meta, fields):
        ops = self.connection.ops
        found = []
        for name in fields:
            kind = meta.get_field(name).get_internal_type()
            found.append(
                ops.adapt_datetimefield_value
                if kind == "DateTimeField"
                else ops.adapt_datefield_value
                if kind == "DateField"
                else None
            )
        return found if any(found) else None


def _clear(connection):
    """Remove every article, person, organization and what hangs on them."""
    from articles.models import (
        Article,
        Credit,
        Directive,
        DirectiveSet,
        ImportRecord,
        Organization,
        OrganizationAlias,
        OrganizationMention,
        Person,
        PersonAlias,
        PersonMention,
        Photo,
        Position,
        SearchEntry,
        Section,
        Tag,
    )

    models = [
        Directive,
        DirectiveSet.addressees.through,
        DirectiveSet,
        PersonMention,
        OrganizationMention,
        Credit,
        Photo,
        ImportRecord,
        SearchEntry,
        Article.tags.through,
        Position,
        Article,
        OrganizationAlias,
        PersonAlias,
        Person,
        Tag,
        Organization,
        Section,
    ]
    tables = [connection.ops.quote_name(m._meta.db_table) for m in models]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY")
            return
        for table in tables:
            cursor.execute(f"DELETE FROM {table}")
        if connection.vendor == "sqlite":
            cursor.execute("DELETE FROM articles_searchentry_fts")


def _org_names(rng, words, count):
    names, seen = [], set()
    for i in itertools.count():
        if len(names) == count:
            return names
        place = PLACES[i % len(PLACES)]
        stem = ORG_STEMS[i // len(PLACES) % len(ORG_STEMS)]
        if i < len(PLACES) * len(ORG_STEMS):
            name = place + stem
        else:
            name = place + rng.choice(words[200:5000]) + stem
        if name not in seen:
            seen.add(name)
            names.append((name, place, stem))


def _entities(rng, words, n_orgs, n_people):
    from articles.models import (
        Organization,
        OrganizationAlias,
        Person,
        Position,
        Section,
        Tag,
    )

    def bulk(model, rows):
        return model.objects.bulk_create(rows, batch_size=BATCH)

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
    named = _org_names(rng, words, n_orgs)
    orgs = bulk(
        Organization,
        [
            Organization(
                name=name, slug=f"org-{i}", kind=rng.choice(Organization.Kind.values)
            )
            for i, (name, _place, _stem) in enumerate(named)
        ],
    )
    aliases, taken = [], set()
    for org, (_name, place, stem) in zip(orgs, named, strict=True):
        short = place[0] + stem[0] + stem[-1]  # 北京市科学技术研究院: 北科院
        if org.pk % 3 == 0 and short not in taken:
            taken.add(short)
            aliases.append(OrganizationAlias(organization=org, name=short))
    bulk(OrganizationAlias, aliases)
    people = bulk(
        Person,
        [
            Person(
                name=rng.choice(SURNAMES)
                + rng.choice(GIVEN)
                + ("" if rng.random() < 0.3 else rng.choice(GIVEN)),
                slug=f"person-{i}",
            )
            for i in range(n_people)
        ],
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
    return sections, tags, orgs, people, positions


def _dates(rng, count, now):
    """(status, published_at) per article: ~1% drafts, 0.5% scheduled."""
    from articles.models import Article

    start = now - datetime.timedelta(days=5 * 365)
    span = (now - start).total_seconds()
    for _ in range(count):
        roll = rng.random()
        if roll < 0.01:
            yield Article.Status.DRAFT, None
        elif roll < 0.015:
            later = datetime.timedelta(hours=rng.randint(1, 24 * 14))
            yield Article.Status.PUBLISHED, now + later
        else:
            yield (
                Article.Status.PUBLISHED,
                start + datetime.timedelta(seconds=span * rng.random()),
            )


# Sentences per article: ~1,100 characters on average, a short news item.
SENTENCES_PER_ARTICLE = (12, 70)


def seed(
    articles, *, seed=1, using="default", out=print, sentences=SENTENCES_PER_ARTICLE
):
    """Replace every article, person and organization of ``using`` with
    ``articles`` new ones (and their people, organizations, positions, mentions,
    credits, tags, directive sets and search entries). Returns a ``SeedReport``.

    ``sentences`` is the (fewest, most) sentences of an article's body."""
    connection = connections[using]
    started = time.perf_counter()
    with transaction.atomic(using=using):
        report = _seed(connection, articles, seed, out, sentences)
    if connection.vendor == "postgresql":
        vacuum_started = time.perf_counter()
        _vacuum(connection)
        out(f"  vacuum: {time.perf_counter() - vacuum_started:.1f} s")
    report.seconds = time.perf_counter() - started
    return report


def _vacuum(connection):
    """``VACUUM (ANALYZE)``: the state autovacuum keeps a live database in.

    Bulk-loaded rows are not yet marked all-visible, so an index-only scan
    (the lists' page keys, ``articles.pagination``) would read the table for
    every entry it walks, and the planner would have no statistics. Inside a
    transaction (the tests') VACUUM cannot run: ANALYZE alone.
    """
    with connection.cursor() as cursor:
        if connection.in_atomic_block:
            cursor.execute("ANALYZE")
        else:
            cursor.execute("VACUUM (ANALYZE)")


def _seed(connection, n_articles, seed_value, out, sentences):
    from articles.models import (
        Article,
        Credit,
        Directive,
        DirectiveSet,
        MentionRole,
        OrganizationMention,
        PersonMention,
        SearchEntry,
        first_clause,
    )

    rng = random.Random(seed_value)
    _clear(connection)
    words = vocabulary(rng)
    pool = SentencePool(rng, words)
    n_orgs = max(20, n_articles // 25)
    n_people = max(40, n_articles // 12)
    out(f"{n_orgs} organizations, {n_people} people, {n_articles} articles")
    sections, tags, orgs, people, positions = _entities(rng, words, n_orgs, n_people)
    position_of = {}
    for position in positions:
        position_of.setdefault(position.person_id, position)
    org_name = {org.pk: org.name for org in orgs}
    person_line = {}
    for person in people:
        position = position_of.get(person.pk)
        lead = org_name[position.organization_id] + position.title if position else ""
        person_line[person.pk] = lead + person.name

    title_words = words[:3000]
    title_weights = zipf_weights(len(title_words))
    now = timezone.now()
    article_rows, entry_rows, tag_rows = [], [], []
    person_rows, org_rows, credit_rows = [], [], []
    set_rows, addressee_rows, item_rows = [], [], []
    set_id = item_id = mention_id = credit_id = 0
    sentence_ids = range(len(pool.raw))
    raw, folded, sentence_tokens = pool.raw, pool.folded, pool.tokens
    org_ids = [org.pk for org in orgs]
    person_ids = [person.pk for person in people]
    kinds = DirectiveSet.Kind.values
    draw = rng.random
    for pk, (status, published_at) in enumerate(_dates(rng, n_articles, now), 1):
        named_people = (
            rng.sample(person_ids, rng.randint(1, 3)) if draw() < 0.65 else []
        )
        named_orgs = rng.sample(org_ids, rng.randint(1, 2)) if draw() < 0.6 else []
        picked = rng.choices(sentence_ids, k=rng.randint(*sentences))
        # Names open paragraphs as clauses: 北京市科学技术研究院院长刘晖指出，
        openers = [person_line[p] + rng.choice(SAYS) + "，" for p in named_people]
        openers += [org_name[o] + "召开会议，" for o in named_orgs]
        tokens = [sentence_tokens[i] for i in picked]
        paragraphs, folded_paragraphs, position_in = [], [], 0
        while position_in < len(picked):
            size = rng.randint(2, 5)
            chunk = picked[position_in : position_in + size]
            position_in += size
            opener = openers.pop() if openers else ""
            paragraphs.append(opener + "".join(raw[i] for i in chunk))
            if opener:
                folded_opener = fold_query(opener)
                tokens.append(" ".join(index_tokens(folded_opener)))
                folded_paragraphs.append(
                    folded_opener + "".join(folded[i] for i in chunk)
                )
            else:
                folded_paragraphs.append("".join(folded[i] for i in chunk))
        body = "\n\n".join(paragraphs)
        lede_id = rng.choice(sentence_ids)
        title = (
            org_name[named_orgs[0]] if named_orgs else rng.choice(PLACES)
        ) + "".join(rng.choices(title_words, cum_weights=title_weights, k=3))
        folded_title = fold_query(title)
        tokens.append(" ".join(index_tokens(folded_title)))
        tokens.append(sentence_tokens[lede_id])
        publisher = rng.choice(org_ids)
        article_rows.append(
            (
                pk,
                title,
                "",
                f"article-{pk}",
                raw[lede_id],
                body,
                status,
                published_at,
                True,
                rng.choice(sections).pk,
                publisher,
                f"https://news.example.com/{pk}.html",
                now,
                now,
                1,
            )
        )
        tag_rows.append((pk, tags[pk % 50].pk))
        tag_rows.append((pk, tags[(pk + 17) % 50].pk))
        for order, person in enumerate(named_people):
            mention_id += 1
            role = MentionRole.SPEAKER if order == 0 else MentionRole.ATTENDEE
            person_rows.append((mention_id, pk, person, role, order))
        for order, org in enumerate(named_orgs):
            org_rows.append((pk, org, MentionRole.MENTIONED, order))
        for order, (role, name) in enumerate(
            ((Credit.Role.WRITER, "办公室"), (Credit.Role.EDITOR, "编辑部"))
        ):
            credit_id += 1
            credit_rows.append((credit_id, pk, role, name, order))
        item_texts = []
        if named_people and draw() < 0.5:
            for number, issuer in enumerate(named_people[: rng.randint(1, 2)], 1):
                set_id += 1
                position = position_of.get(issuer)
                set_rows.append(
                    (
                        set_id,
                        pk,
                        number,
                        issuer,
                        position.pk if position else None,
                        rng.choice(SET_HEADINGS),
                        rng.choice(kinds),
                    )
                )
                addressee_rows.append((set_id, rng.choice(org_ids)))
                for ordinal in range(1, rng.randint(3, 5) + 1):
                    item_id += 1
                    sentence = rng.choice(picked)
                    text = raw[sentence]
                    start = body.find(text)
                    item_texts.append(folded[sentence])
                    item_rows.append(
                        (
                            item_id,
                            set_id,
                            ordinal,
                            text,
                            first_clause(text)[:300],
                            start,
                            start + len(text),
                            1,
                        )
                    )
        text = "\n".join(
            (
                folded_title,
                "",
                folded[lede_id],
                "\n\n".join(folded_paragraphs),
                *item_texts,
            )
        )
        entry_rows.append((pk, text, status, published_at, " ".join(tokens)))
        if pk % 20_000 == 0:
            out(f"  composed: {pk}")

    rows = _Rows(connection)
    rows.write(
        Article,
        [
            "id",
            "title",
            "subtitle",
            "slug",
            "lede",
            "body",
            "status",
            "published_at",
            "published_time_known",
            "section_id",
            "publisher_id",
            "source_url",
            "created_at",
            "updated_at",
            "version",
        ],
        article_rows,
    )
    out(f"  articles: {len(article_rows)}")
    rows.write(Article.tags.through, ["article_id", "tag_id"], tag_rows)
    rows.write(
        PersonMention, ["id", "article_id", "person_id", "role", "order"], person_rows
    )
    rows.write(
        OrganizationMention,
        ["article_id", "organization_id", "role", "order"],
        org_rows,
    )
    rows.write(Credit, ["id", "article_id", "role", "name", "order"], credit_rows)
    rows.write(
        DirectiveSet,
        ["id", "article_id", "number", "issuer_id", "position_id", "heading", "kind"]
        + ["version"],
        [row + (1,) for row in set_rows],
    )
    rows.write(
        DirectiveSet.addressees.through,
        ["directiveset_id", "organization_id"],
        addressee_rows,
    )
    rows.write(
        Directive,
        [
            "id",
            "directive_set_id",
            "ordinal",
            "text",
            "summary",
            "span_start",
            "span_end",
            "version",
        ],
        item_rows,
    )
    out(
        f"  mentions: {len(person_rows) + len(org_rows)}, directive sets: "
        f"{len(set_rows)}, directives: {len(item_rows)}"
    )
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(
            no_style(),
            [
                Article,
                Article.tags.through,
                PersonMention,
                OrganizationMention,
                Credit,
                DirectiveSet,
                DirectiveSet.addressees.through,
                Directive,
            ],
        ):
            cursor.execute(sql)
    index_started = time.perf_counter()
    write_entries(connection, SearchEntry, entry_rows)
    index_seconds = time.perf_counter() - index_started
    out(f"  search entries: {len(entry_rows)} in {index_seconds:.1f} s")
    from articles import cache

    cache.content_changed()
    cache.records_changed(structure=True)  # COPY sends no signals
    return SeedReport(
        articles=n_articles,
        people=len(people),
        organizations=len(orgs),
        directives=len(item_rows),
        index_seconds=index_seconds,
    )


GIN_INDEX = "articles_searchentry_vector_gin"


def write_entries(connection, entry_model, entries):
    """Load ``(article_id, folded text, status, published_at, tokens)`` rows into
    the index at once; ``tokens`` are the index tokens, space-separated, repeats
    allowed (each backend keeps one of each). On PostgreSQL the GIN index is
    rebuilt after the load (one sort, not a posting-list update per row)."""
    rows = _Rows(connection)
    fields = ["article_id", "text", "status", "published_at"]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            cursor.execute(f"DROP INDEX IF EXISTS {GIN_INDEX}")
            with cursor.copy(
                "COPY articles_searchentry (article_id, text, status, published_at, "
                "vector) FROM STDIN"
            ) as copy:
                for pk, text, status, published_at, tokens in entries:
                    # Index tokens hold word characters only: a tsvector's text
                    # form needs no quotes for them.
                    copy.write_row((pk, text, status, published_at, tokens))
            # The deferred foreign key checks are due before the table's index
            # may be built (they would run at commit anyway).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                f"CREATE INDEX {GIN_INDEX} ON articles_searchentry USING gin (vector)"
            )
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        return
    rows.write(entry_model, fields, (row[:4] for row in entries))
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO articles_searchentry_fts (rowid, tokens) VALUES (%s, %s)",
                [(row[0], row[4]) for row in entries],
            )
