"""The pages' content is kept until a record it shows changes.

``cache.RecordsFragment`` on the article, person, organization, home and
directive index pages: a write elsewhere leaves a page warm (it reads no row),
and a change to anything it shows (for an article: itself and its parts, the
people and organizations it names, its related articles, a section), or to
whether the public may see it, shows at once, whoever writes it.
"""

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles import cache, services
from articles.models import Credit, Photo, Position, Section, Tag
from tests.admin_helpers import staff_user
from tests.factories import ArticleFactory, PersonMentionFactory
from tests.site_data import build_site
from tests.test_cache import ARTICLE, body, response_cache  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(response_cache, settings):  # noqa: F811
    """Responses are not cached, so each read renders the page around the
    fragment; the fragment cache is on."""
    settings.RESPONSE_CACHE_SECONDS = 0
    return build_site()


def read(url=ARTICLE):
    """``(page, queries)`` of an anonymous read."""
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(url)
    assert response.status_code == 200
    return body(response), len(queries)


def shows_at_once(site, change, url, warm_queries):
    """What ``change`` makes shows on ``url`` at once, where a warm read ran
    ``warm_queries``."""
    before, _ = read(url)
    assert read(url)[1] == warm_queries
    expected = change(site)
    assert expected not in before
    after, queries = read(url)
    assert expected in after
    assert queries > warm_queries  # rendered again


def stays_warm(site, url, warm_queries, unread):
    """A warm read of ``url`` runs ``warm_queries``, also after writes to a
    person and an article (``unread``) it does not show."""
    cold, cold_queries = read(url)
    warm, queries = read(url)
    assert queries == warm_queries < cold_queries
    assert warm == cold
    services.person_update(instance=site.secret, data={"name": "王新"}, user=chief())
    services.article_update(instance=unread, data={"title": "新标题"}, user=chief())
    assert read(url)[1] == warm_queries


def chief():
    from django.contrib.auth.models import User

    return User.objects.filter(username="chief").first() or staff_user(
        "chief", superuser=True
    )


def test_a_warm_article_page_reads_no_row(site):
    cold, cold_queries = read()
    warm, queries = read()
    assert queries == 0 < cold_queries
    assert warm == cold


def test_a_write_elsewhere_leaves_the_article_page_warm(site):
    read()
    services.article_update(
        instance=site.later, data={"title": "另一篇文章的新标题"}, user=chief()
    )
    services.person_update(instance=site.secret, data={"name": "王新"}, user=chief())
    _, queries = read()
    assert queries == 0
    assert "另一篇文章的新标题" in read(site.later.get_absolute_url())[0]


def rename_person(site):
    services.person_update(instance=site.liu, data={"name": "刘新名"}, user=chief())
    return "刘新名"


def rename_publisher(site):
    services.organization_update(
        instance=site.bjast, data={"name": "北京市科学技术研究院(新)"}, user=chief()
    )
    return "北京市科学技术研究院(新)"


def rename_addressee(site):
    services.organization_update(
        instance=site.unit, data={"name": "资源环境研究所(新)"}, user=chief()
    )
    return "资源环境研究所(新)"


def retitle_position(site):
    position = Position.objects.get(person=site.liu, title="党组书记")
    services.position_update(instance=position, data={"title": "党委书记"}, user=None)
    return "党委书记"


def edit_directive(site):
    item = site.requirements[0]
    services.directive_update(
        instance=item, data={"text": "新的要求文字。"}, user=chief()
    )
    return "新的要求文字。"


def rename_section(site):
    # A plain save, not the write path: every writer is seen.
    section = Section.objects.get(pk=site.inside.pk)
    section.name = "院内要闻"
    section.save()
    return "院内要闻"


def rename_tag(site):
    tag = Tag.objects.get(slug="work-conference")
    tag.name = "年度工作会议"
    tag.save()
    return "年度工作会议"


def recaption_photo(site):
    photo = Photo.objects.get(article=site.conference)
    photo.caption = "会议现场(新)"
    photo.save()
    return "会议现场(新)"


def rename_credit(site):
    credit = Credit.objects.get(article=site.conference, role="editor")
    credit.name = "李编辑"
    credit.save()
    return "李编辑"


def address_another_body(site):
    # A many-to-many change (m2m_changed), not a row's save.
    site.requirements[0].directive_set.addressees.add(site.commission)
    return site.commission.name


def tag_the_article(site):
    # The new tag's row is made without a signal, so only the many-to-many
    # change can tell the page.
    (tag,) = Tag.objects.bulk_create([Tag(name="科技创新大会", slug="innovation")])
    site.conference.tags.add(Tag.objects.get(slug=tag.slug))
    return "科技创新大会"


def publish_a_related_article(site):
    services.article_publish(article=site.draft, user=chief())
    return site.draft.title


def mention_in_a_new_article(site):
    related = ArticleFactory(title="刘晖调研新闻", slug="liu-visit")
    PersonMentionFactory(article=related, person=site.liu)
    return "刘晖调研新闻"


@pytest.mark.parametrize(
    "change",
    [
        rename_person,
        rename_publisher,
        rename_addressee,
        retitle_position,
        edit_directive,
        rename_section,
        rename_tag,
        recaption_photo,
        rename_credit,
        address_another_body,
        tag_the_article,
        publish_a_related_article,
        mention_in_a_new_article,
    ],
)
def test_a_change_to_anything_the_page_shows_shows_at_once(site, change):
    shows_at_once(site, change, ARTICLE, warm_queries=0)


def test_a_related_article_edited_shows_at_once(site):
    services.article_publish(article=site.draft, user=chief())
    assert site.draft.title in read()[0]
    draft = type(site.draft).objects.get(pk=site.draft.pk)
    services.article_update(
        instance=draft, data={"title": "相关文章新标题"}, user=chief()
    )
    assert "相关文章新标题" in read()[0]
    services.article_unpublish(
        article=type(draft).objects.get(pk=draft.pk), user=chief()
    )
    assert "相关文章新标题" not in read()[0]


def test_an_entry_rendered_before_a_write_commits_is_a_miss(response_cache):  # noqa: F811
    first = cache.RecordsFragment("test", 1, "page")
    assert first.value is None
    cache.records_changed({"person:1"})  # committed while the page rendered
    first.store("old", {"person:1"})
    assert cache.RecordsFragment("test", 1, "page").value is None
    again = cache.RecordsFragment("test", 1, "page")
    again.store("new", {"person:1"})
    assert cache.RecordsFragment("test", 1, "page").value == "new"
    assert cache.RecordsFragment("test", 2, "page").value is None  # another shape


def test_a_lost_record_tick_or_structure_token_is_a_miss(response_cache):  # noqa: F811
    fragment = cache.RecordsFragment("test", 1, "page")
    fragment.store("value", {"person:1", "article:2"})
    assert cache.RecordsFragment("test", 1, "page").value == "value"
    caches["default"].delete(cache.RECORD_KEY.format(tag="article:2"))
    assert cache.RecordsFragment("test", 1, "page").value is None
    fragment = cache.RecordsFragment("test", 1, "page")
    fragment.store("value", {"person:1"})
    caches["default"].delete(cache.STRUCTURE_KEY)
    assert cache.RecordsFragment("test", 1, "page").value is None


def test_a_write_is_told_again_when_it_commits(
    response_cache,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    site = build_site()
    fragment = cache.RecordsFragment("test", 1, "page")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        site.liu.name = "刘某"
        site.liu.save()
        # A page rendered inside the transaction, after the write was told
        # at once, from rows another transaction would not see yet.
        inside = cache.RecordsFragment("test", 1, "page")
        inside.store("inside", {f"person:{site.liu.pk}"})
        assert cache.RecordsFragment("test", 1, "page").value == "inside"
    assert cache.RecordsFragment("test", 1, "page").value is None
    assert fragment.value is None


PERSON = "/people/liu-hui/"


def test_a_warm_person_page_reads_no_row_and_survives_a_write_elsewhere(site):
    cold, cold_queries = read(PERSON)
    warm, queries = read(PERSON)
    assert queries == 0 < cold_queries
    assert warm == cold
    services.person_update(instance=site.secret, data={"name": "王新"}, user=chief())
    assert read(PERSON)[1] == 0


def rename_the_person(site):
    return rename_person(site)


def a_draft_naming_nobody():
    from tests.factories import DraftArticleFactory

    return DraftArticleFactory(title="无人提及的草稿", slug="unnamed-draft")


def rename_a_body_they_serve(site):
    return rename_publisher(site)


def retitle_an_article_naming_them(site):
    services.article_update(
        instance=site.conference, data={"title": "北科院会议(新标题)"}, user=chief()
    )
    return "北科院会议(新标题)"


def add_an_item_to_their_set(site):
    from articles.models import Directive

    directive_set = site.requirements[0].directive_set
    Directive.objects.create(directive_set=directive_set, ordinal=9, text="新增一条。")
    return "5项"


@pytest.mark.parametrize(
    "change",
    [
        rename_the_person,
        rename_a_body_they_serve,
        retitle_an_article_naming_them,
        add_an_item_to_their_set,
    ],
)
def test_a_change_to_anything_the_person_page_shows_shows_at_once(site, change):
    shows_at_once(site, change, PERSON, warm_queries=0)


def report_a_title(site, draft):
    Position.objects.create(
        person=site.liu,
        organization=site.commission,
        title="特邀顾问",
        reported_in=draft,
    )
    return "特邀顾问"


def hold_a_set(site, draft):
    from tests.factories import DirectiveFactory

    DirectiveFactory(
        article=draft, issuer=site.liu, set_heading="三项新要求", text="新的要求。"
    )
    return "三项新要求"


@pytest.mark.parametrize("content", [report_a_title, hold_a_set])
def test_publishing_an_article_shows_the_titles_and_sets_it_holds_at_once(
    site, content
):
    """Even when it names nobody: the titles it reports and the sets it holds
    become public, and their people's pages show them."""
    draft = a_draft_naming_nobody()
    expected = content(site, draft)
    before, _ = read(PERSON)
    assert read(PERSON)[1] == 0
    assert expected not in before
    services.article_publish(article=draft, user=chief())
    assert expected in read(PERSON)[0]


ORGANIZATION = "/organizations/bjast/"


def test_a_warm_organization_page_reads_no_row_and_survives_a_write_elsewhere(
    site,
):
    stays_warm(site, ORGANIZATION, 0, unread=site.later)


def rename_the_organization(site):
    return rename_publisher(site)


def rename_a_unit(site):
    services.organization_update(
        instance=site.unit, data={"name": "北科院新研究所"}, user=chief()
    )
    return "北科院新研究所"


def publish_a_hidden_unit(site):
    """A unit known only from a draft is hidden until the draft is published:
    the publication names the unit, not its parent."""
    from tests.factories import OrganizationFactory, OrganizationMentionFactory

    draft = a_draft_naming_nobody()
    unit = OrganizationFactory(
        name="北科院保密中心", slug="secret-unit", parent=site.bjast
    )
    OrganizationMentionFactory(article=draft, organization=unit)
    assert "北科院保密中心" not in read(ORGANIZATION)[0]
    services.article_publish(article=draft, user=chief())
    return "北科院保密中心"


def rename_a_leader(site):
    return rename_person(site)


def publish_an_article_it_publishes(site):
    """An article naming nobody, published by the organization."""
    from tests.factories import DraftArticleFactory

    article = DraftArticleFactory(
        title="北科院发布的新文章", slug="bjast-own-article", publisher=site.bjast
    )
    assert "北科院发布的新文章" not in read(ORGANIZATION)[0]
    services.article_publish(article=article, user=chief())
    return "北科院发布的新文章"


def address_a_published_set_to_it(site):
    site.work.directive_set.addressees.add(site.bjast)
    return "十四个方面的工作"


@pytest.mark.parametrize(
    "change",
    [
        rename_the_organization,
        rename_a_unit,
        publish_a_hidden_unit,
        rename_a_leader,
        retitle_position,
        retitle_an_article_naming_them,
        add_an_item_to_their_set,
        publish_an_article_it_publishes,
        address_a_published_set_to_it,
    ],
)
def test_a_change_to_anything_the_organization_page_shows_shows_at_once(site, change):
    shows_at_once(site, change, ORGANIZATION, warm_queries=0)


def test_a_renamed_parent_shows_at_once_on_its_units_page(site):
    unit_page = site.unit.get_absolute_url()
    read(unit_page)
    assert read(unit_page)[1] == 0
    assert rename_publisher(site) in read(unit_page)[0]


DIRECTIVES = "/directives/"


def test_a_warm_directive_index_costs_no_query_and_survives_a_write_elsewhere(site):
    stays_warm(site, DIRECTIVES, 0, unread=site.later)


def test_a_refused_filter_is_refused_warm_too(site):
    url = DIRECTIVES + "?issuer=nobody&kind=requirement"
    for _ in range(2):
        response = Client().get(url)
        assert response.status_code == 400
        assert "nobody" in body(response)
        assert 'name="robots" content="noindex' in body(response)


def publish_the_draft_with_its_set(site):
    services.article_publish(article=site.draft, user=chief())
    return "草稿里的秘密要求。"


def publish_a_set_by_someone_new(site):
    """Nothing the page shows names the set's article or issuer: only the
    index's own tag tells it."""
    from tests.factories import DirectiveFactory, PersonFactory

    draft = a_draft_naming_nobody()
    DirectiveFactory(
        article=draft,
        issuer=PersonFactory(name="赵新人", slug="zhao-xinren"),
        set_heading="一项新要求",
        text="新人的要求。",
    )
    assert "新人的要求。" not in read(DIRECTIVES)[0]
    services.article_publish(article=draft, user=chief())
    return "新人的要求。"


def add_a_set_to_a_published_article(site):
    from tests.factories import DirectiveFactory

    DirectiveFactory(
        article=site.later, issuer=site.wu, set_heading="两项部署", text="新的部署。"
    )
    return "新的部署。"


def redate_an_article_with_sets(site):
    """The newest article's directives come first: moving the conference after
    the other article's date moves its sets to the top."""
    import datetime

    services.article_publish(
        article=site.conference,
        published_at=datetime.datetime(2025, 6, 1, tzinfo=datetime.UTC),
        user=chief(),
    )


@pytest.mark.parametrize(
    "change",
    [
        rename_person,
        rename_publisher,
        rename_addressee,
        retitle_position,
        edit_directive,
        retitle_an_article_naming_them,
        publish_the_draft_with_its_set,
        publish_a_set_by_someone_new,
        add_a_set_to_a_published_article,
    ],
)
def test_a_change_to_anything_the_directive_index_shows_shows_at_once(site, change):
    shows_at_once(site, change, DIRECTIVES, warm_queries=0)


def test_a_changed_date_reorders_the_directive_index_at_once(site):
    add_a_set_to_a_published_article(site)
    before, _ = read(DIRECTIVES)
    assert before.index("新的部署。") < before.index("扎实推进全院高质量发展。")
    assert read(DIRECTIVES)[1] == 0
    redate_an_article_with_sets(site)
    after, _ = read(DIRECTIVES)
    assert after.index("新的部署。") > after.index("扎实推进全院高质量发展。")


HOME = "/"


def test_a_warm_home_page_costs_no_query_and_survives_a_write_elsewhere(site):
    stays_warm(site, HOME, 0, unread=site.draft)


def publish_an_article_naming_nobody(site):
    draft = a_draft_naming_nobody()
    services.article_publish(article=draft, user=chief())
    return draft.title


@pytest.mark.parametrize(
    "change",
    [
        retitle_an_article_naming_them,
        rename_section,
        publish_an_article_naming_nobody,
    ],
)
def test_a_change_to_anything_the_home_page_shows_shows_at_once(site, change):
    shows_at_once(site, change, HOME, warm_queries=0)


def test_a_redated_article_moves_on_the_home_pages_at_once(site):
    """The first page does not show the article before: only the index's own
    tag tells it."""
    import datetime

    from tests.factories import ArticleFactory

    for n in range(10):  # a page of ten newer articles
        ArticleFactory(
            title=f"新近文章{n}",
            slug=f"recent-{n}",
            published_at=datetime.datetime(2025, 9, 1 + n, tzinfo=datetime.UTC),
        )
    first = read(HOME)[0]
    assert site.conference.title not in first
    assert read(HOME)[1] == 0
    services.article_publish(
        article=site.conference,
        published_at=datetime.datetime(2025, 10, 1, tzinfo=datetime.UTC),
        user=chief(),
    )
    assert site.conference.title in read(HOME)[0]
    assert site.conference.title not in read(HOME + "?page=2")[0]
    services.article_unpublish(article=site.conference, user=chief())
    assert site.conference.title not in read(HOME)[0]


def status_and_queries(url):
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(url)
    return response.status_code, len(queries)


def test_a_hidden_person_stays_hidden_warm_without_a_query(site):
    url = site.secret.get_absolute_url()  # named only in a draft and a scheduled
    assert status_and_queries(url)[0] == 404
    assert status_and_queries(url) == (404, 0)


def test_a_body_linked_to_a_draft_is_hidden_at_once_and_shown_when_published(site):
    from tests.factories import DraftArticleFactory, OrganizationFactory

    body = OrganizationFactory(name="参考机构", slug="reference-body")  # no article
    url = body.get_absolute_url()
    assert status_and_queries(url)[0] == 200
    assert status_and_queries(url) == (200, 0)
    # A plain save, not the write path: the draft's publisher is all it names.
    draft = DraftArticleFactory(title="参考机构草稿", slug="reference-draft")
    draft.publisher = body
    draft.save()
    assert status_and_queries(url)[0] == 404
    assert status_and_queries(url) == (404, 0)
    services.article_publish(article=draft, user=chief())
    assert status_and_queries(url)[0] == 200


@pytest.mark.parametrize("kind", ["person", "organization"])
def test_a_record_named_only_by_an_unpublished_article_is_hidden_at_once(site, kind):
    from tests.factories import (
        OrganizationFactory,
        OrganizationMentionFactory,
        PersonFactory,
    )

    if kind == "person":
        record = PersonFactory(name="只见于一文者", slug="one-article-person")
        PersonMentionFactory(article=site.later, person=record)
    else:
        record = OrganizationFactory(name="只见于一文的机构", slug="one-article-body")
        OrganizationMentionFactory(article=site.later, organization=record)
    url = record.get_absolute_url()
    assert status_and_queries(url)[0] == 200
    assert status_and_queries(url) == (200, 0)
    services.article_unpublish(article=site.later, user=chief())
    assert status_and_queries(url)[0] == 404


def test_deleting_the_only_set_addressed_to_a_body_shows_it_again(site):
    from tests.factories import DirectiveFactory, OrganizationFactory

    body = OrganizationFactory(name="草稿要求的对象", slug="draft-addressee")
    DirectiveFactory(
        article=site.draft, issuer=site.liu, set_number=5, addressees=[body]
    )
    url = body.get_absolute_url()
    assert status_and_queries(url)[0] == 404
    assert status_and_queries(url) == (404, 0)
    from articles.models import DirectiveSet

    DirectiveSet.objects.get(article=site.draft, number=5).delete()
    assert status_and_queries(url)[0] == 200


def test_a_draft_stays_hidden_warm_and_shows_at_once_when_published(site):
    url = site.draft.get_absolute_url()
    assert status_and_queries(url)[0] == 404
    assert status_and_queries(url) == (404, 0)
    services.article_publish(article=site.draft, user=chief())
    assert status_and_queries(url)[0] == 200


def test_a_new_slug_moves_the_page_at_once(site):
    old = site.conference.get_absolute_url()
    read(old)
    assert read(old)[1] == 0
    services.article_update(
        instance=site.conference, data={"slug": "new-slug"}, user=chief()
    )
    assert status_and_queries(old)[0] == 404
    assert status_and_queries("/articles/new-slug/")[0] == 200
