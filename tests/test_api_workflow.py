"""API writes follow the editors' workflow: who may publish, no lost updates, history.

The same rules as in the admin (``services.can_publish`` / ``can_edit_article``,
``services.object_claim_version``, django-reversion), so a token cannot do what
the admin forbids.
"""

import pytest
from django.contrib.auth.models import Group, User
from reversion.models import Version

from articles.models import Article, Directive
from tests import factories

pytest_plugins = ["tests.test_api_support"]

pytestmark = pytest.mark.django_db

DRAFT = {
    "title": "市科委召开科技创新座谈会",
    "slug": "stc-symposium",
    "body": "座谈会召开。",
}


def member_of(group_name):
    user = User.objects.create_user(f"{group_name}-user")
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(api, newsroom):
    api.force_authenticate(member_of("编辑"))
    return api


@pytest.fixture
def chief(api, newsroom):
    api.force_authenticate(member_of("主编"))
    return api


def url_of(article):
    return f"/api/v1/articles/{article.slug}/"


def test_an_editor_may_create_and_change_drafts(editor):
    created = editor.post("/api/v1/articles/", DRAFT)
    assert created.status_code == 201, created.content
    assert created.json()["version"] == 1
    changed = editor.patch(
        "/api/v1/articles/stc-symposium/", {"lede": "导语。", "version": 1}
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["version"] == 2
    assert Article.objects.get(slug="stc-symposium").lede == "导语。"


def test_an_editor_cannot_publish(editor):
    draft = factories.DraftArticleFactory()
    response = editor.post(f"{url_of(draft)}publish/")
    assert response.status_code == 403
    assert response.json() == {
        "detail": "您没有发布文章的权限。",
        "code": "permission_denied",
    }
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT and draft.version == 1


def test_status_and_date_are_refused_in_writes_with_a_clear_400(chief):
    """Regression: PATCH of status was a second door to publishing."""
    response = chief.post(
        "/api/v1/articles/",
        {**DRAFT, "status": "published", "published_at": "2025-06-01T09:00:00+08:00"},
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"status", "published_at"}
    assert "/publish/" in response.json()["errors"]["status"][0]
    assert not Article.objects.filter(slug="stc-symposium").exists()
    draft = factories.DraftArticleFactory()
    for change in ({"status": "published"}, {"published_at": "2025-06-01"}):
        response = chief.patch(url_of(draft), {**change, "version": 1})
        assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT and draft.version == 1


def test_an_editor_cannot_change_published_articles_or_their_directives(
    editor, newsroom
):
    article = newsroom.conference
    response = editor.patch(url_of(article), {"lede": "改动。", "version": 1})
    assert response.status_code == 403
    assert response.json()["detail"] == "已发布或已排期的文章只有主编可以修改。"
    article.refresh_from_db()
    assert article.lede != "改动。"
    assert editor.delete(url_of(article)).status_code == 403
    directive = factories.DirectiveFactory(article=article, ordinal=9)
    response = editor.patch(
        f"/api/v1/directives/{directive.pk}/", {"text": "改动。", "version": 1}
    )
    assert response.status_code == 403
    directive.refresh_from_db()
    assert directive.text != "改动。"
    moved = factories.DirectiveFactory(article=factories.DraftArticleFactory())
    response = editor.patch(
        f"/api/v1/directives/{moved.pk}/",
        {"directive_set": directive.directive_set_id, "version": 1},
    )
    assert response.status_code == 403
    assert Directive.objects.get(pk=moved.pk).directive_set_id == (
        moved.directive_set_id
    )


def test_a_chief_editor_publishes_and_unpublishes(chief):
    draft = factories.DraftArticleFactory()
    published = chief.post(
        f"{url_of(draft)}publish/", {"published_at": "2025-06-01T09:00:00+08:00"}
    )
    assert published.status_code == 200, published.content
    assert published.json()["status"] == "published"
    draft.refresh_from_db()
    assert draft.is_public
    unpublished = chief.post(f"{url_of(draft)}unpublish/")
    assert unpublished.status_code == 200
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT and draft.version == 3
    # A future date schedules, and history names each step.
    scheduled = chief.post(
        f"{url_of(draft)}publish/", {"published_at": "2999-01-01T09:00:00+08:00"}
    )
    assert scheduled.status_code == 200
    draft.refresh_from_db()
    assert draft.is_scheduled
    comments = [v.revision.comment for v in Version.objects.get_for_object(draft)]
    assert comments[1:3] == ["已撤回为草稿。", "已发布。"]
    assert comments[0].startswith("已排期于")


def test_an_update_must_name_the_version_it_was_made_from(chief, newsroom):
    response = chief.patch(url_of(newsroom.conference), {"lede": "新导语。"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["version"]
    newsroom.conference.refresh_from_db()
    assert newsroom.conference.lede != "新导语。"


def test_a_stale_update_is_refused_and_overwrites_nothing(api, newsroom):
    first, second = member_of("主编"), User.objects.create_user("second")
    second.groups.add(Group.objects.get(name="主编"))
    url = url_of(newsroom.conference)
    api.force_authenticate(first)
    version = api.get(url).json()["version"]
    api.force_authenticate(second)
    read_by_second = api.get(url).json()["version"]
    api.force_authenticate(first)
    assert (
        api.patch(url, {"lede": "第一位的导语。", "version": version}).status_code
        == 200
    )

    api.force_authenticate(second)
    response = api.patch(url, {"lede": "第二位的导语。", "version": read_by_second})
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "stale_version"
    assert "主编-user" in body["detail"] and "您的修改未保存" in body["detail"]
    newsroom.conference.refresh_from_db()
    assert newsroom.conference.lede == "第一位的导语。"
    assert newsroom.conference.version == version + 1


def test_stale_updates_of_people_organizations_and_directives_are_refused(chief):
    person = factories.PersonFactory()
    stale = chief.patch(
        f"/api/v1/people/{person.slug}/", {"description": "简介。", "version": 7}
    )
    assert stale.status_code == 409
    organization = factories.OrganizationFactory()
    fresh = chief.patch(
        f"/api/v1/organizations/{organization.slug}/",
        {"description": "简介。", "version": 1},
    )
    assert fresh.status_code == 200 and fresh.json()["version"] == 2
    directive = factories.DirectiveFactory()
    stale = chief.patch(
        f"/api/v1/directives/{directive.pk}/", {"text": "改。", "version": 2}
    )
    assert stale.status_code == 409
    directive.refresh_from_db()
    assert directive.text != "改。"


def test_api_changes_are_recorded_in_the_history_with_their_author(chief, newsroom):
    article = newsroom.conference
    original_lede = article.lede
    response = chief.patch(url_of(article), {"lede": "历史中的导语。", "version": 1})
    assert response.status_code == 200
    versions = Version.objects.get_for_object(article)
    assert versions.count() == 2  # the state before, then the API's change
    latest = versions.first()
    assert latest.revision.user.username == "主编-user"
    # Worded as the admin words it: the article is named.
    assert latest.revision.comment == f"已修改文章“{article.title}”的导语。"
    assert latest.field_dict["lede"] == "历史中的导语。"
    assert versions.last().field_dict["lede"] == original_lede
