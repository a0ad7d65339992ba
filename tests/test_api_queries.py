"""Every list endpoint runs a fixed number of queries, with and without expand.

Each case is measured at two page sizes over a newsroom grown well past both, and
the number is pinned, so an N+1 (a serializer following an unprefetched relation)
fails here.
"""

import pytest

from tests import factories

pytest_plugins = ["tests.test_api_support"]

pytestmark = pytest.mark.django_db

PAGE_SIZES = (2, 12)


@pytest.fixture
def big_newsroom(newsroom):
    """The test newsroom plus 14 articles with every kind of related row."""
    for _ in range(14):
        person = factories.PersonFactory()
        factories.PersonAliasFactory(person=person)
        organization = factories.OrganizationFactory(parent=newsroom.bjast)
        factories.OrganizationAliasFactory(organization=organization)
        article = factories.ArticleFactory(
            section=newsroom.institute_news,
            publisher=organization,
            event_place=newsroom.bjast,
            tags=[newsroom.meeting, factories.TagFactory()],
        )
        position = factories.PositionFactory(
            person=person, organization=organization, reported_in=article
        )
        factories.PositionFactory(person=person, organization=newsroom.bjast)
        factories.PersonMentionFactory(article=article, person=person)
        factories.OrganizationMentionFactory(article=article, organization=organization)
        factories.CreditFactory(article=article, organization=organization)
        factories.PhotoFactory(article=article)
        for ordinal in (1, 2):
            factories.DirectiveFactory(
                article=article,
                issuer=person,
                position=position,
                ordinal=ordinal,
                addressees=[organization, newsroom.bjast],
            )
        hidden = factories.DraftArticleFactory(publisher=organization)
        factories.PersonMentionFactory(article=hidden, person=person)
    return newsroom


CASES = [
    # (url, params, queries): count, page, then one per prefetched relation.
    ("/api/v1/articles/", {}, 3),  # + tags
    (
        "/api/v1/articles/",
        {"expand": "directives,people,organizations,credits,photos"},
        10,  # + tags, mentions x2, credits, photos, sets, addressees, items
    ),
    ("/api/v1/articles/", {"pagination": "cursor"}, 2),  # no count
    # A q first looks up the people and organizations it names (two queries),
    # then takes the newest matches through the index (one).
    ("/api/v1/articles/", {"q": "会议", "tag": "meeting", "ordering": "title"}, 5),
    ("/api/v1/directives/", {}, 3),  # + addressees
    ("/api/v1/directives/", {"addressee": "bjast", "q": "科技创新"}, 4),
    ("/api/v1/directive-sets/", {}, 4),  # + addressees, items
    ("/api/v1/directive-sets/", {"addressee": "bjast", "kind": "requirement"}, 4),
    ("/api/v1/people/", {}, 3),  # + aliases
    ("/api/v1/people/", {"expand": "positions,mentions"}, 6),
    ("/api/v1/organizations/", {}, 3),  # + aliases
    ("/api/v1/organizations/", {"expand": "children,positions,mentions"}, 7),
    ("/api/v1/positions/", {}, 3),  # + reported_in (visible articles only)
    ("/api/v1/positions/", {"current": "true"}, 3),
]


@pytest.mark.parametrize(("url", "params", "queries"), CASES)
@pytest.mark.parametrize("page_size", PAGE_SIZES)
def test_list_query_counts_do_not_grow_with_the_page(
    api, big_newsroom, django_assert_num_queries, url, params, queries, page_size
):
    with django_assert_num_queries(queries):
        response = api.get(url, {**params, "page_size": page_size})
    assert response.status_code == 200
    assert len(response.json()["results"]) == page_size


DETAIL_CASES = [
    # The object, then tags, mentions x2, credits, photos (+ sets, addressees, items).
    ("/api/v1/articles/bjast-2025-work-conference/", {}, 6),
    ("/api/v1/articles/bjast-2025-work-conference/", {"expand": "directives"}, 9),
    ("/api/v1/articles/bjast-2025-work-conference/", {"expand": "directive_sets"}, 9),
    # The object, then aliases, positions, their reported_in, mentions (+ children).
    ("/api/v1/people/wu-jianmin/", {}, 5),
    ("/api/v1/organizations/bjast/", {}, 6),
]


@pytest.mark.parametrize(("url", "params", "queries"), DETAIL_CASES)
def test_detail_query_counts(
    api, big_newsroom, django_assert_num_queries, url, params, queries
):
    with django_assert_num_queries(queries):
        assert api.get(url, params).status_code == 200


def test_editors_lists_are_bounded_too(
    api, big_newsroom, django_assert_max_num_queries
):
    from django.contrib.auth.models import Permission, User

    editor = User.objects.create_user("editor")
    editor.user_permissions.add(Permission.objects.get(codename="view_article"))
    api.force_login(editor)
    for page_size in PAGE_SIZES:
        with django_assert_max_num_queries(14):
            response = api.get(
                "/api/v1/articles/",
                {"page_size": page_size, "expand": "directives,people"},
            )
        assert response.status_code == 200
