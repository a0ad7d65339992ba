"""One write path, one visibility rule, one permission rule (issue 8 regressions).

Each test here failed on the code before: CRLF bodies, three publishing doors,
positions without versions or workflow, organizations leaking from drafts.
"""

from unittest import mock

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from reversion.models import Version

from articles import services
from articles.models import Article, Organization, Position
from articles.text import normalize_newlines

from . import factories
from .admin_helpers import change_form_data, staff_user

pytestmark = pytest.mark.django_db


def member(name, group):
    user = User.objects.create_user(name, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def test_normalize_newlines_changes_line_endings_only():
    assert normalize_newlines("一\r\n\r\n二\r三\n四 ") == "一\n\n二\n三\n四 "


def test_an_unchanged_admin_save_of_a_crlf_post_writes_nothing(client):
    """The browser posts CRLF: the body stays byte-identical, no history."""
    article = factories.ArticleFactory(body="第一段。\n\n第二段。")
    chief = member("laoli", "主编")
    client.force_login(chief)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = change_form_data(client.get(url))
    data["body"] = data["body"].replace("\n", "\r\n")
    assert client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert article.body == "第一段。\n\n第二段。" and article.version == 1
    assert not Version.objects.get_for_object(article).exists()
    # A real change is stored with \n and named in Chinese.
    data["body"] = "第一段。\r\n\r\n改过的第二段。"
    assert client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert article.body == "第一段。\n\n改过的第二段。"
    comment = Version.objects.get_for_object(article).first().revision.comment
    assert comment.startswith("已修改") and comment.endswith("的正文。")


def test_api_text_is_normalised_and_unchanged_patches_write_nothing(client):
    from rest_framework.test import APIClient

    api = APIClient()
    article = factories.DraftArticleFactory(body="甲。\n\n乙。")
    api.force_authenticate(member("bianji", "编辑"))
    url = f"/api/v1/articles/{article.slug}/"
    response = api.patch(url, {"body": "甲。\r\n\r\n乙。", "version": 1})
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.body == "甲。\n\n乙。" and article.version == 1
    assert not Version.objects.get_for_object(article).exists()


def test_every_write_ends_in_the_after_write_hook_once_committed(
    django_capture_on_commit_callbacks,
):
    person = factories.PersonFactory()
    with (
        mock.patch("articles.services.writes._after_write") as hook,
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.person_update(instance=person, data={"description": "简介。"})
        services.person_update(instance=person, data={"description": "简介。"})
    assert hook.call_count == 1  # the second changed nothing
    assert hook.call_args.kwargs["instances"][0].pk == person.pk


def test_two_clients_patching_one_position_cannot_both_win():
    """Regression: positions had no version; the second PATCH overwrote."""
    from rest_framework.test import APIClient

    position = factories.PositionFactory(title="院长")
    first, second = APIClient(), APIClient()
    first.force_authenticate(member("a", "主编"))
    second.force_authenticate(member("b", "主编"))
    url = f"/api/v1/positions/{position.pk}/"
    read = first.get(url).json()["version"]
    assert first.patch(url, {"title": "副院长", "version": read}).status_code == 200
    response = second.patch(url, {"title": "名誉院长", "version": read})
    assert response.status_code == 409
    assert second.patch(url, {"title": "名誉院长"}).status_code == 400
    position.refresh_from_db()
    assert position.title == "副院长" and position.version == 2


def test_an_editor_cannot_change_a_position_reported_in_a_published_article():
    """Regression: a 编辑 could, and it was public at once."""
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(member("bianji", "编辑"))
    published = factories.ArticleFactory()
    person, organization = factories.PersonFactory(), factories.OrganizationFactory()
    created = api.post(
        "/api/v1/positions/",
        {
            "person": person.slug,
            "organization": organization.slug,
            "title": "院长",
            "reported_in": published.slug,
        },
    )
    assert created.status_code == 403
    assert not Position.objects.filter(person=person).exists()
    position = factories.PositionFactory(reported_in=published)
    changed = api.patch(
        f"/api/v1/positions/{position.pk}/", {"title": "改。", "version": 1}
    )
    assert changed.status_code == 403
    assert "主编" in changed.json()["detail"]
    draft_position = factories.PositionFactory(
        reported_in=factories.DraftArticleFactory()
    )
    moved = api.patch(
        f"/api/v1/positions/{draft_position.pk}/",
        {"reported_in": published.slug, "version": 1},
    )
    assert moved.status_code == 403
    with pytest.raises(PermissionDenied):
        services.position_update(
            instance=position,
            data={"title": "改。"},
            user=User.objects.get(username="bianji"),
        )


def test_status_changes_only_through_publish_everywhere():
    article = factories.DraftArticleFactory()
    with pytest.raises(ValueError):
        services.article_update(instance=article, data={"status": "published"})


@pytest.fixture
def scoop(db):
    """An organization known only from a draft, one from a scheduled article,
    and a reference organization linked to no article."""
    draft = factories.DraftArticleFactory(title="独家:新机构成立")
    secret = factories.OrganizationFactory(name="秘密筹建机构", slug="secret-body")
    factories.OrganizationAliasFactory(organization=secret, name="秘筹机构")
    factories.OrganizationMentionFactory(article=draft, organization=secret)
    scheduled = factories.ScheduledArticleFactory()
    later = factories.OrganizationFactory(name="明日机构", slug="tomorrow-body")
    factories.DirectiveSetFactory(article=scheduled, addressees=[later])
    reference = factories.OrganizationFactory(name="参考机构", slug="reference-body")
    public = factories.ArticleFactory(title="公开报道")
    return {"secret": secret, "later": later, "reference": reference, "public": public}


def test_organizations_known_only_from_unpublished_material_are_hidden(client, scoop):
    for slug in ("secret-body", "tomorrow-body"):
        for url in (
            f"/organizations/{slug}/",
            f"/organizations/{slug}/feed/rss/",
            f"/organizations/{slug}/feed/atom/",
            f"/api/v1/organizations/{slug}/",
        ):
            assert client.get(url).status_code == 404, url
    listed = {o["slug"] for o in client.get("/api/v1/organizations/").json()["results"]}
    assert "secret-body" not in listed and "tomorrow-body" not in listed
    assert "reference-body" in listed
    assert client.get("/organizations/reference-body/").status_code == 200
    children = client.get("/api/v1/organizations/", {"parent": "secret-body"})
    assert children.json()["count"] == 0
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "secret-body" not in sitemap and "reference-body" in sitemap
    # The search page does not name it ("同时按以下名称搜索").
    page = client.get("/search/", {"q": "秘筹机构"}).content.decode()
    assert "秘密筹建机构" not in page
    # Once the article is published, it is public.
    draft = Article.objects.get(title="独家:新机构成立")
    services.article_publish(article=draft)
    assert client.get("/organizations/secret-body/").status_code == 200
    assert Organization.objects.public().filter(slug="secret-body").exists()


def test_editors_see_draft_only_organizations_in_the_api(client, scoop):
    client.force_login(staff_user("editor", group="编辑"))
    assert client.get("/api/v1/organizations/secret-body/").status_code == 200
