"""Drafts and scheduled articles never reach an anonymous client.

The newsroom has a draft and a scheduled article, each with directives, mentions
and positions "reported in" it, sharing people, organizations, section and tag
with the published ones. Every endpoint, filter, expansion and count is probed.
"""

import json

import pytest
from django.contrib.auth.models import Permission, User
from django.utils import timezone

from articles.models import Article
from tests import factories
from tests.test_api_support import HIDDEN_MARKERS

pytest_plugins = ["tests.test_api_support"]

pytestmark = pytest.mark.django_db

ARTICLE_PARAMS = [
    {},
    {"expand": "directives,people,organizations,credits,photos"},
    {"status": "draft"},
    {"status": "published"},
    {"q": "绝密"},
    {"q": "草稿中的秘密要求"},
    {"q": "定时"},
    {"section": "institute-news"},
    {"section": "news"},
    {"publisher": "bjast"},
    {"tag": "meeting"},
    {"person": "wu-jianmin"},
    {"organization": "bjast"},
    {"organization": "beijing-government"},
    {"published_after": "2000-01-01"},
    {"published_before": "2999-01-01"},
    {"ordering": "-updated_at"},
    {"ordering": "title"},
    {"pagination": "cursor"},
    {"pagination": "cursor", "page_size": 1},
    {"fields": "slug,directives,people"},
]
DIRECTIVE_PARAMS = [
    {},
    {"issuer": "wu-jianmin"},
    {"addressee": "beijing-government"},
    {"addressee": "bjast"},
    {"article": "secret-draft"},
    {"article": "scheduled-article"},
    {"set_heading": "草稿专用要求"},
    {"kind": "arrangement"},
    {"q": "草稿"},
    {"date_after": "2000-01-01"},
    {"ordering": "-published_at"},
    {"pagination": "cursor"},
]
PEOPLE_PARAMS = [
    {},
    {"expand": "positions,mentions"},
    {"organization": "beijing-government", "expand": "positions,mentions"},
    {"fields": "slug,mentions"},
    {"pagination": "cursor", "expand": "positions,mentions"},
]
ORGANIZATION_PARAMS = [
    {},
    {"expand": "children,positions,mentions"},
    {"kind": "government", "expand": "mentions,positions"},
    {"pagination": "cursor", "expand": "positions,mentions"},
]
POSITION_PARAMS = [
    {},
    {"person": "wu-jianmin"},
    {"organization": "beijing-government"},
    {"title": "顾问"},
    {"pagination": "cursor"},
]


def probe(api, newsroom):
    """Every response an anonymous client can get about the newsroom, by URL."""
    responses = {}

    def get(url, params=None):
        params = params or {}
        response = api.get(url, params)
        responses[(url, json.dumps(params, ensure_ascii=False))] = response
        return response

    for url, cases in (
        ("/api/v1/articles/", ARTICLE_PARAMS),
        ("/api/v1/directives/", DIRECTIVE_PARAMS),
        ("/api/v1/people/", PEOPLE_PARAMS),
        ("/api/v1/organizations/", ORGANIZATION_PARAMS),
        ("/api/v1/positions/", POSITION_PARAMS),
    ):
        for params in cases:
            get(url, params)
    for article in (newsroom.conference, newsroom.ministry):
        get(f"/api/v1/articles/{article.slug}/", {"expand": "directives"})
    for person in ("wu-jianmin", "liu-hui", "yin-li"):
        get(f"/api/v1/people/{person}/")
    for organization in ("bjast", "beijing-government", "bjast-env"):
        get(f"/api/v1/organizations/{organization}/")
    get(f"/api/v1/positions/{newsroom.wu_president.pk}/")
    for directive in newsroom.wu_directives:
        get(f"/api/v1/directives/{directive.pk}/")
    return responses


def test_anonymous_clients_never_see_a_draft_or_scheduled_article(api, newsroom):
    responses = probe(api, newsroom)
    for key, response in responses.items():
        assert response.status_code == 200, key
        text = response.content.decode()
        for marker in HIDDEN_MARKERS:
            assert marker not in text, (key, marker)

    def count(url, **params):
        return responses[(url, json.dumps(params, ensure_ascii=False))].json()["count"]

    # Counts are the published ones only.
    assert count("/api/v1/articles/") == 2
    assert count("/api/v1/articles/", status="draft") == 0
    assert count("/api/v1/articles/", q="绝密") == 0
    assert count("/api/v1/articles/", section="news") == 1
    assert count("/api/v1/articles/", tag="meeting") == 1
    assert count("/api/v1/articles/", person="wu-jianmin") == 1
    assert count("/api/v1/articles/", organization="beijing-government") == 1
    assert count("/api/v1/directives/") == 4
    assert count("/api/v1/directives/", issuer="wu-jianmin") == 2
    assert count("/api/v1/directives/", addressee="beijing-government") == 1
    assert count("/api/v1/directives/", article="secret-draft") == 0
    assert count("/api/v1/directives/", kind="arrangement") == 0
    assert count("/api/v1/directives/", set_heading="草稿专用要求") == 0

    # Mentions and "reported in" links leave the hidden articles out...
    wu = responses[("/api/v1/people/wu-jianmin/", "{}")].json()
    assert [m["article"]["slug"] for m in wu["mentions"]] == [
        "bjast-2025-work-conference"
    ]
    bjast = responses[("/api/v1/organizations/bjast/", "{}")].json()
    assert [m["article"]["slug"] for m in bjast["mentions"]] == [
        "bjast-2025-work-conference"
    ]
    # ...and so do titles known only from them: a draft's news is not public yet.
    assert [p["title"] for p in wu["positions"]] == ["院长"]
    assert count("/api/v1/positions/", title="顾问") == 0
    for key, response in responses.items():
        text = response.content.decode()
        assert "顾问" not in text and "名誉院长" not in text, key


def test_titles_known_only_from_hidden_articles_are_404(api, newsroom):
    for position in newsroom.hidden_positions:
        response = api.get(f"/api/v1/positions/{position.pk}/")
        assert response.status_code == 404


def test_a_person_known_only_from_a_draft_is_hidden_until_it_is_published(
    api, newsroom
):
    appointee = factories.PersonFactory(name="新任局长", slug="new-appointee")
    factories.PersonMentionFactory(article=newsroom.draft, person=appointee)
    factories.PositionFactory(
        person=appointee, title="局长", reported_in=newsroom.draft
    )
    assert api.get("/api/v1/people/new-appointee/").status_code == 404
    assert "new-appointee" not in api.get("/api/v1/people/").content.decode()
    assert api.get("/api/v1/people/", {"q": "新任"}).json()["count"] == 0

    newsroom.draft.status = Article.Status.PUBLISHED
    newsroom.draft.published_at = timezone.now()
    newsroom.draft.save()
    assert api.get("/api/v1/people/new-appointee/").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/articles/secret-draft/",
        "/api/v1/articles/scheduled-article/",
        "/api/v1/articles/secret-draft/?expand=directives",
    ],
)
def test_hidden_articles_are_404(api, newsroom, path):
    response = api.get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到。", "code": "not_found"}


def test_directives_of_hidden_articles_are_404(api, newsroom):
    from articles.models import Directive

    hidden = Directive.objects.filter(
        directive_set__article__slug__in=["secret-draft", "scheduled-article"]
    )
    assert hidden.count() == 2
    for directive in hidden:
        assert api.get(f"/api/v1/directives/{directive.pk}/").status_code == 404


def test_users_without_article_permissions_see_what_anonymous_clients_see(
    api, newsroom
):
    api.force_authenticate(User.objects.create_user("reader"))
    assert api.get("/api/v1/articles/").json()["count"] == 2
    assert api.get("/api/v1/articles/secret-draft/").status_code == 404
    assert api.get("/api/v1/directives/").json()["count"] == 4


def test_editors_see_drafts_and_scheduled_articles(api, newsroom):
    editor = User.objects.create_user("editor")
    editor.user_permissions.add(Permission.objects.get(codename="view_article"))
    api.force_authenticate(editor)
    assert api.get("/api/v1/articles/").json()["count"] == 4
    assert api.get("/api/v1/articles/", {"status": "draft"}).json()["count"] == 1
    draft = api.get("/api/v1/articles/secret-draft/", {"expand": "directives"}).json()
    assert draft["directives"][0]["text"] == "草稿中的秘密要求"
    assert api.get("/api/v1/directives/").json()["count"] == 6
    wu = api.get("/api/v1/people/wu-jianmin/").json()
    assert len(wu["mentions"]) == 3
    adviser = next(p for p in wu["positions"] if p["title"] == "顾问")
    assert adviser["reported_in"]["slug"] == "secret-draft"
