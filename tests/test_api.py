"""The API's resources, their shape, filters, ordering and pagination."""

import pytest
from django.contrib.auth.models import Permission, User

pytest_plugins = ["tests.test_api_support"]

pytestmark = pytest.mark.django_db


def slugs(response):
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["results"]]


def ids(response):
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


PUBLISHED = [
    "beijing-innovation-center-ministry-city-conference",
    "bjast-2025-work-conference",
]


# Resources and shape.


def test_root_links_every_resource(api):
    body = api.get("/api/v1/").json()
    assert set(body) == {
        "articles",
        "directive-sets",
        "directives",
        "people",
        "organizations",
        "positions",
    }


def test_responses_are_json_by_default(api, newsroom):
    response = api.get("/api/v1/articles/")
    assert response["Content-Type"] == "application/json"


def test_browsable_api_for_humans(api, newsroom):
    response = api.get("/api/v1/articles/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "北科院举行2025年工作会议" in response.content.decode()


def test_article_list_is_compact(api, newsroom):
    item = api.get("/api/v1/articles/").json()["results"][1]
    assert item["slug"] == "bjast-2025-work-conference"
    assert (
        item["url"] == "http://testserver/api/v1/articles/bjast-2025-work-conference/"
    )
    assert item["html_url"] == "http://testserver/articles/bjast-2025-work-conference/"
    assert item["section"] == {
        "id": newsroom.institute_news.pk,
        "slug": "institute-news",
        "name": "院内新闻",
        "parent": {"id": newsroom.news.pk, "slug": "news", "name": "新闻"},
    }
    assert item["publisher"]["slug"] == "bjast"
    assert item["tags"] == [{"slug": "meeting", "name": "会议"}]
    assert item["published_at"] == "2025-01-27T16:57:00+08:00"
    for heavy in ("body", "directives", "people", "organizations", "credits"):
        assert heavy not in item


def test_article_detail_by_slug_is_full(api, newsroom):
    body = api.get("/api/v1/articles/bjast-2025-work-conference/").json()
    assert body["body"].startswith("1月24日")
    assert body["people"][0] == {
        "person": {
            "id": newsroom.wu.pk,
            "slug": "wu-jianmin",
            "name": "伍建民",
            "url": "http://testserver/api/v1/people/wu-jianmin/",
        },
        "role": "reporter",
    }
    assert [m["organization"]["slug"] for m in body["organizations"]] == ["bjast"]
    assert body["credits"] == [
        {"role": "writer", "name": "办公室", "organization": None}
    ]
    assert body["photos"][0]["caption"] == "会议现场"
    assert "directives" not in body


def test_expand_embeds_an_articles_directives_with_their_issuers(api, newsroom):
    body = api.get(
        "/api/v1/articles/bjast-2025-work-conference/", {"expand": "directives"}
    ).json()
    directives = body["directives"]
    assert [d["text"] for d in directives] == [
        "坚持党建引领,全面加强党的建设。",
        "聚焦科技创新,强化战略科技力量。",
        "要提高政治站位,狠抓工作落实。",
    ]
    assert directives[0]["issuer"]["name"] == "伍建民"
    assert directives[0]["position"]["title"] == "院长"
    assert directives[0]["position"]["organization"]["slug"] == "bjast"
    assert directives[2]["set_heading"] == "四点要求"
    assert [o["slug"] for o in directives[2]["addressees"]] == ["bjast", "bjast-env"]


def test_expand_in_lists(api, newsroom):
    results = api.get(
        "/api/v1/articles/", {"expand": "directives,people,organizations"}
    ).json()["results"]
    assert [len(a["directives"]) for a in results] == [1, 3]
    assert results[0]["people"][0]["person"]["slug"] == "yin-li"
    assert results[0]["organizations"][0]["organization"]["slug"] == (
        "beijing-government"
    )


def test_fields_picks_fields(api, newsroom):
    results = api.get("/api/v1/articles/", {"fields": "slug,title"}).json()["results"]
    assert results[1] == {
        "slug": "bjast-2025-work-conference",
        "title": "北科院举行2025年工作会议",
    }


def test_naming_an_expandable_field_in_fields_expands_it(api, newsroom):
    results = api.get("/api/v1/articles/", {"fields": "slug,directives"}).json()
    assert set(results["results"][0]) == {"slug", "directives"}
    assert results["results"][0]["directives"][0]["issuer"]["slug"] == "yin-li"


def test_unknown_expansion_and_field_are_400(api, newsroom):
    response = api.get("/api/v1/articles/", {"expand": "author", "fields": "x,slug"})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "author" in errors["expand"][0]
    assert "directives" in errors["expand"][0]
    assert "x" in errors["fields"][0]


def test_directive_list(api, newsroom):
    results = api.get("/api/v1/directives/").json()["results"]
    # Newest article first, then by set and ordinal.
    assert [d["text"][:4] for d in results] == [
        "要深化部",
        "坚持党建",
        "聚焦科技",
        "要提高政",
    ]
    first = results[0]
    assert (
        first["url"]
        == f"http://testserver/api/v1/directives/{newsroom.yin_directive.pk}/"
    )
    assert first["html_url"].endswith(
        f"/articles/beijing-innovation-center-ministry-city-conference/"
        f"#directive-{newsroom.yin_directive.pk}"
    )
    assert first["article"]["slug"] == PUBLISHED[0]
    assert first["kind"] == "requirement"


def test_directive_detail(api, newsroom):
    body = api.get(f"/api/v1/directives/{newsroom.liu_directive.pk}/").json()
    assert body["issuer"]["slug"] == "liu-hui"
    assert body["set_number"] == 2
    assert body["kind"] == "emphasis"


def test_person_detail_has_positions_and_mentions(api, newsroom):
    body = api.get("/api/v1/people/liu-hui/").json()
    assert body["name"] == "刘晖"
    assert [(p["organization"]["slug"], p["title"]) for p in body["positions"]] == [
        ("bjast", "党委书记"),
        ("bjast-env", "所长"),
    ]
    assert body["positions"][0]["reported_in"]["slug"] == "bjast-2025-work-conference"
    assert body["mentions"] == [
        {
            "article": {
                "id": newsroom.conference.pk,
                "slug": "bjast-2025-work-conference",
                "title": "北科院举行2025年工作会议",
                "published_at": "2025-01-27T16:57:00+08:00",
                "url": "http://testserver/api/v1/articles/bjast-2025-work-conference/",
            },
            "role": "host",
        }
    ]


def test_person_list_expands_positions(api, newsroom):
    plain = api.get("/api/v1/people/").json()["results"]
    assert "positions" not in plain[0]
    expanded = api.get("/api/v1/people/", {"expand": "positions"}).json()["results"]
    wu = next(p for p in expanded if p["slug"] == "wu-jianmin")
    assert wu["aliases"] == ["伍院长"]
    # 顾问 is known only from a draft: hidden from the public, shown to editors.
    assert [p["title"] for p in wu["positions"]] == ["院长"]
    editor = User.objects.create_user("editor")
    editor.user_permissions.add(Permission.objects.get(codename="view_article"))
    api.force_authenticate(editor)
    expanded = api.get("/api/v1/people/", {"expand": "positions"}).json()["results"]
    wu = next(p for p in expanded if p["slug"] == "wu-jianmin")
    assert [p["title"] for p in wu["positions"]] == ["院长", "顾问"]


def test_organization_detail(api, newsroom):
    body = api.get("/api/v1/organizations/bjast/").json()
    assert body["aliases"] == ["北科院"]
    assert body["kind"] == "institution"
    assert [c["slug"] for c in body["children"]] == ["bjast-env"]
    assert {(p["person"]["slug"], p["title"]) for p in body["positions"]} >= {
        ("wu-jianmin", "院长"),
        ("liu-hui", "党委书记"),
    }
    assert [m["article"]["slug"] for m in body["mentions"]] == [PUBLISHED[1]]
    child = api.get("/api/v1/organizations/bjast-env/").json()
    assert child["parent"]["slug"] == "bjast"


def test_position_list_and_detail(api, newsroom):
    results = api.get("/api/v1/positions/", {"person": "yin-li"}).json()["results"]
    assert [(p["title"], p["start_date"]) for p in results][0] == (
        "市委书记",
        "2022-10-01",
    )
    detail = api.get(results[0]["url"]).json()
    assert detail["reported_in"]["slug"] == PUBLISHED[0]


def test_unknown_slug_is_404(api, newsroom):
    response = api.get("/api/v1/articles/no-such-article/")
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到。", "code": "not_found"}


# Filters.


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"published_after": "2025-05-07"}, PUBLISHED[:1]),
        ({"published_before": "2025-01-27"}, PUBLISHED[1:]),
        ({"published_after": "2025-01-28", "published_before": "2025-05-06"}, []),
        ({"section": "institute-news"}, PUBLISHED[1:]),
        ({"section": "news"}, PUBLISHED[1:]),  # a section includes its subsections
        ({"publisher": "beijing-government"}, PUBLISHED[:1]),
        ({"tag": "meeting"}, PUBLISHED[1:]),
        ({"person": "yin-li"}, PUBLISHED[:1]),
        ({"person": "wu-jianmin"}, PUBLISHED[1:]),
        ({"organization": "bjast"}, PUBLISHED[1:]),
        ({"status": "published"}, PUBLISHED),
        ({"q": "工作会议"}, PUBLISHED),  # title
        ({"q": "作工作报告"}, PUBLISHED[1:]),  # body
        ({"q": "战略科技力量"}, PUBLISHED[1:]),  # directive text
        ({"q": "伍院长"}, PUBLISHED[1:]),  # person alias
        ({"q": "刘晖"}, PUBLISHED[1:]),  # person name
        ({"q": "市政府"}, PUBLISHED[:1]),  # organization alias
        ({"q": "没有这样的文字"}, []),
        ({"person": "nobody"}, []),
    ],
)
def test_article_filters(api, newsroom, params, expected):
    assert slugs(api.get("/api/v1/articles/", params)) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"issuer": "wu-jianmin"}, ["wu_directives.0", "wu_directives.1"]),
        ({"addressee": "bjast-env"}, ["liu_directive"]),
        (
            {"addressee": "bjast"},
            ["wu_directives.0", "wu_directives.1", "liu_directive"],
        ),
        ({"article": PUBLISHED[0]}, ["yin_directive"]),
        ({"set_heading": "四点要求"}, ["liu_directive"]),
        ({"kind": "emphasis"}, ["liu_directive"]),
        ({"date_after": "2025-05-01"}, ["yin_directive"]),
        ({"date_before": "2025-01-27", "issuer": "liu-hui"}, ["liu_directive"]),
        ({"q": "国际科技创新"}, ["yin_directive"]),  # text
        ({"q": "伍院长"}, ["wu_directives.0", "wu_directives.1"]),  # issuer alias
        ({"q": "十四个方面"}, ["wu_directives.0", "wu_directives.1"]),  # set heading
    ],
)
def test_directive_filters(api, newsroom, params, expected):
    def pk(path):
        name, _, index = path.partition(".")
        value = getattr(newsroom, name)
        return (value[int(index)] if index else value).pk

    assert ids(api.get("/api/v1/directives/", params)) == [pk(p) for p in expected]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # 伍建民's title there (顾问) is known only from a draft.
        ({"organization": "beijing-government"}, ["yin-li"]),
        ({"organization": "bjast-env"}, ["liu-hui"]),
        ({"title": "书记"}, ["liu-hui", "yin-li"]),
        ({"q": "伍院长"}, ["wu-jianmin"]),
        ({"q": "尹"}, ["yin-li"]),
    ],
)
def test_person_filters(api, newsroom, params, expected):
    assert sorted(slugs(api.get("/api/v1/people/", params))) == sorted(expected)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "government"}, ["beijing-government"]),
        ({"parent": "bjast"}, ["bjast-env"]),
        ({"alias": "北科院"}, ["bjast"]),
        ({"alias": "北科"}, []),  # aliases match exactly; use q for parts
        ({"q": "北科"}, ["bjast"]),
        ({"q": "研究所"}, ["bjast-env"]),
    ],
)
def test_organization_filters(api, newsroom, params, expected):
    assert slugs(api.get("/api/v1/organizations/", params)) == expected


def test_position_filters(api, newsroom):
    titles = lambda params: [  # noqa: E731
        p["title"] for p in api.get("/api/v1/positions/", params).json()["results"]
    ]
    assert titles({"organization": "bjast-env"}) == ["所长"]
    assert titles({"title": "书记"}) == ["党委书记", "市委书记"]
    assert titles({"person": "liu-hui", "current": "true"}) == ["党委书记"]
    assert titles({"person": "liu-hui", "current": "false"}) == ["所长"]


@pytest.mark.parametrize(
    ("url", "params", "field"),
    [
        ("/api/v1/articles/", {"published_after": "2025-13-01"}, "published_after"),
        ("/api/v1/articles/", {"status": "secret"}, "status"),
        ("/api/v1/directives/", {"kind": "wish"}, "kind"),
        ("/api/v1/directives/", {"date_before": "yesterday"}, "date_before"),
        ("/api/v1/organizations/", {"kind": "club"}, "kind"),
        ("/api/v1/positions/", {"current": "maybe"}, "current"),
        ("/api/v1/people/", {"q": "a\x00b"}, "q"),
    ],
)
def test_malformed_filter_values_are_400_naming_the_parameter(
    api, newsroom, url, params, field
):
    response = api.get(url, params)
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "无效的输入。"
    assert list(body["errors"]) == [field]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/articles/",
        "/api/v1/directives/",
        "/api/v1/people/",
        "/api/v1/organizations/",
        "/api/v1/positions/",
    ],
)
def test_unknown_filter_is_400_naming_it(api, newsroom, url):
    response = api.get(url, {"publisherr": "bjast", "page": "1"})
    assert response.status_code == 400
    assert response.json() == {
        "detail": "无效的输入。",
        "code": "invalid",
        "errors": {"publisherr": ["未知的查询参数。"]},
    }


def test_detail_rejects_list_parameters(api, newsroom):
    response = api.get("/api/v1/people/yin-li/", {"page": "2"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["page"]


# Ordering.


def test_ordering(api, newsroom):
    assert (
        slugs(api.get("/api/v1/articles/", {"ordering": "published_at"}))
        == (PUBLISHED[::-1])
    )
    names = [
        p["name"]
        for p in api.get("/api/v1/people/", {"ordering": "-name"}).json()["results"]
    ]
    assert names == sorted(names, reverse=True)
    kinds = slugs(api.get("/api/v1/organizations/", {"ordering": "kind,name"}))
    assert kinds[0] == "beijing-government"


def test_unknown_ordering_is_400_listing_the_choices(api, newsroom):
    response = api.get("/api/v1/articles/", {"ordering": "body"})
    assert response.status_code == 400
    message = response.json()["errors"]["ordering"][0]
    assert "published_at" in message and "-title" in message


# Pagination.


@pytest.fixture
def many_people(db):
    from tests.factories import PositionFactory

    # People linked to nothing unpublished: each holds a reference title.
    return [PositionFactory().person for _ in range(7)]


def test_page_number_pagination(api, many_people):
    first = api.get("/api/v1/people/", {"page_size": 3}).json()
    assert first["count"] == 7
    assert len(first["results"]) == 3
    assert first["previous"] is None
    third = api.get(first["next"].replace("page=2", "page=3")).json()
    assert len(third["results"]) == 1
    assert third["next"] is None


def test_page_past_the_end_is_404(api, many_people):
    response = api.get("/api/v1/people/", {"page": 9})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": "0"}, "page"),
        ({"page": "abc"}, "page"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "101"}, "page_size"),
        ({"page_size": "ten"}, "page_size"),
        ({"pagination": "offset"}, "pagination"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"pagination": "cursor", "ordering": "name"}, "ordering"),
    ],
)
def test_malformed_pagination_is_400(api, many_people, params, field):
    response = api.get("/api/v1/people/", params)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_cursor_pagination_walks_everything_once(api, many_people):
    seen = []
    url, params = "/api/v1/people/", {"pagination": "cursor", "page_size": 3}
    pages = 0
    while url:
        body = api.get(url, params).json()
        assert "count" not in body
        seen += [p["id"] for p in body["results"]]
        url, params = body["next"], None
        pages += 1
    assert pages == 3
    assert seen == sorted(p.pk for p in many_people)


def test_tied_orderings_page_stably(api, many_people):
    from articles.models import Person

    Person.objects.update(name="同名")
    pages = [
        ids(api.get("/api/v1/people/", {"ordering": "name", "page_size": 2, "page": n}))
        for n in (1, 2, 3, 4)
    ]
    flat = [pk for page in pages for pk in page]
    assert flat == sorted(p.pk for p in many_people)


# The seed fixture, through the API.


@pytest.fixture
def seed(db):
    from django.core.management import call_command

    call_command("loaddata", "newsroom", verbosity=0)


def test_seed_directives_by_issuer_and_set(api, seed):
    def count(**params):
        return api.get("/api/v1/directives/", params).json()["count"]

    assert count() == 25
    assert count(issuer="liu-hui", set_heading="四点要求") == 4
    assert count(issuer="wu-jianmin", set_heading="十四个方面的工作") == 14
    assert count(issuer="yin-li") == 6
    assert count(issuer="yin-hejun") == 1


def test_seed_lookups_by_alias_and_chinese_text(api, seed):
    bjast = api.get("/api/v1/organizations/", {"alias": "北科院"}).json()["results"]
    assert [o["slug"] for o in bjast] == ["bjast"]
    found = slugs(api.get("/api/v1/articles/", {"q": "北科院"}))
    assert "bjast-2025-work-conference" in found
    article = api.get("/api/v1/articles/bjast-2025-work-conference/").json()
    assert article["published_at"] == "2025-01-27T16:57:00+08:00"
    assert article["publisher"]["name"] == "北京市科学技术研究院"
    assert article["section"]["name"] == "院内新闻"
    assert article["section"]["parent"]["name"] == "新闻"
