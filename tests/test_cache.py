"""The public response cache: hits, exactly when it may not serve, never stale.

Each test runs under its own cache key prefix (``response_cache``), so the
suite may share one Redis database with other runs.
"""

import datetime
import os
import time
import uuid

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from articles import cache, services
from articles.models import Article
from newsroom.db_router import PrimaryReplicaRouter
from tests.admin_helpers import change_form_data, staff_user
from tests.site_data import build_site

pytestmark = pytest.mark.django_db

ARTICLE = "/articles/bjast-2025-work-conference/"
PERSON = "/people/liu-hui/"
ORGANIZATION = "/organizations/bjast/"
DIRECTIVES = "/directives/?issuer=liu-hui"
API_ARTICLES = "/api/v1/articles/?expand=people,directives"
API_PERSON = "/api/v1/people/liu-hui/"


def delete_keys(prefix):
    backend = caches["default"]
    if hasattr(backend, "_cache") and hasattr(backend._cache, "get_client"):
        client = backend._cache.get_client(write=True)
        keys = list(client.scan_iter(f"{prefix}:*"))
        if keys:
            client.delete(*keys)
    else:
        backend.clear()  # local memory: this process's own


@pytest.fixture
def response_cache(settings):
    """The response cache on, under keys no other test or test run shares."""
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {**django_settings.CACHES["default"], "KEY_PREFIX": prefix}
    }
    settings.RESPONSE_CACHE_SECONDS = 600
    settings.FRAGMENT_CACHE_SECONDS = 600
    yield
    delete_keys(prefix)


@pytest.fixture
def site(response_cache):
    return build_site()


def get(client, url, **extra):
    """``(response, number of queries)`` for a GET of ``url``."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    return response, len(queries)


def body(response):
    return response.content.decode()


@pytest.mark.parametrize(
    "url", [ARTICLE, PERSON, ORGANIZATION, DIRECTIVES, "/", "/search/?q=北科院"]
)
def test_a_repeated_anonymous_page_is_served_without_queries(site, client, url):
    first, queries = get(client, url)
    assert first.status_code == 200 and queries > 0
    second, queries = get(client, url)
    assert queries == 0
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second["Cache-Control"] == "public, no-cache"


def test_a_cached_page_answers_if_none_match_with_304(site, client):
    etag = client.get(ARTICLE)["ETag"]
    response, queries = get(client, ARTICLE, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304 and queries == 0
    assert response["ETag"] == etag


@pytest.mark.parametrize(
    "url", [API_ARTICLES, API_PERSON, "/api/v1/directives/?issuer=liu-hui"]
)
def test_a_repeated_anonymous_api_read_is_served_without_queries(site, url):
    api = APIClient()
    first, queries = get(api, url)
    assert first.status_code == 200 and queries > 0
    second, queries = get(api, url)
    assert queries == 0
    assert second.json() == first.json()
    assert second["ETag"] == first["ETag"]
    third, queries = get(api, url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert third.status_code == 304 and queries == 0


def test_a_cached_api_read_carries_the_headers_of_the_first(site):
    """Stored after every middleware has finished the response, so a hit,
    answered before most of them run, still has CORS, CSP and frame options."""
    api = APIClient()
    origin = {"HTTP_ORIGIN": "https://reader.example"}
    first, _ = get(api, API_PERSON, **origin)
    second, queries = get(api, API_PERSON, **origin)
    assert queries == 0
    shared = {"Content-Type", "ETag", "Vary", "X-Frame-Options", "Cache-Control"}
    shared |= {name for name in first.headers if name.startswith("Access-Control")}
    shared |= {name for name in first.headers if "Security-Policy" in name}
    assert {name: second.get(name) for name in shared} == {
        name: first.get(name) for name in shared
    }


def test_the_browsable_api_and_editors_reads_are_not_stored(site, admin_client):
    admin_client.get(API_PERSON, HTTP_ACCEPT="application/json")
    _, queries = get(APIClient(), API_PERSON)
    assert queries > 0  # the editor's response was not shared


def throttle_anonymous_at(settings, rate):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": rate, "user": "100/minute"},
    }
    return APIClient(REMOTE_ADDR=f"198.51.100.{uuid.uuid4().int % 250}")


def test_the_api_throttles_cached_reads_too(site, settings):
    api = throttle_anonymous_at(settings, "2/minute")
    responses = [api.get(API_PERSON) for _ in range(3)]
    assert [response.status_code for response in responses] == [200, 200, 429]
    assert responses[1]["ETag"] == responses[0]["ETag"]  # the second was a hit
    assert responses[2].json()["code"] == "throttled"
    assert 1 <= int(responses[2]["Retry-After"]) <= 60
    _, queries = get(APIClient(), API_PERSON)  # another reader: still a hit
    assert queries == 0


def test_a_read_the_cache_misses_is_counted_once(site, settings):
    """The count made with the look-up is the view's: a miss that the view
    answers is not counted a second time."""
    api = throttle_anonymous_at(settings, "1/minute")
    assert [api.get(API_PERSON).status_code for _ in range(2)] == [200, 429]
    api = throttle_anonymous_at(settings, "2/minute")
    url = "/api/v1/people/?page_size=1"
    assert [api.get(url).status_code for _ in range(3)] == [200, 200, 429]


@pytest.fixture
def round_trips(monkeypatch):
    """Counts the Redis round trips: a command, or a pipeline's execution."""
    import redis

    counted = []
    execute_command = redis.Redis.execute_command
    execute = redis.client.Pipeline.execute

    def command(self, *args, **options):
        counted.append([args[0]])
        return execute_command(self, *args, **options)

    def pipeline(self, *args, **options):
        counted.append([entry[0][0] for entry in self.command_stack])
        return execute(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", command)
    monkeypatch.setattr(redis.client.Pipeline, "execute", pipeline)
    return counted


@pytest.mark.skipif(
    not os.environ.get("REDIS_URL"),
    reason="needs Redis: set REDIS_URL=redis://127.0.0.1:6379/1 to run it",
)
@pytest.mark.parametrize("url", [ARTICLE, API_ARTICLES, API_PERSON])
def test_a_hit_is_one_round_trip(site, url, round_trips):
    """A page's hit reads the generation and the entry together; an API hit
    makes the throttle's count in the same pipeline."""
    reader = APIClient() if url.startswith("/api/") else Client()
    reader.get(url)
    round_trips.clear()
    response, queries = get(reader, url)
    assert response.status_code == 200 and queries == 0
    if url.startswith("/api/"):
        assert round_trips == [["MGET", "SET", "INCRBY"]]
    else:
        assert round_trips == [["MGET"]]


def test_the_browsable_api_is_not_cached(site):
    api = APIClient()
    api.get(API_PERSON, HTTP_ACCEPT="text/html")
    _, queries = get(api, API_PERSON, HTTP_ACCEPT="text/html")
    assert queries > 0


def test_logged_in_readers_are_never_served_or_stored(site, client, admin_client):
    anonymous = body(client.get(ARTICLE))
    # A page served from the response cache renders no template.
    response = admin_client.get(ARTICLE)
    assert [t.name for t in response.templates][:1] == ["articles/article_detail.html"]
    assert response["Cache-Control"] == "private, no-cache"
    assert body(response) == anonymous  # the same page, just not shared
    assert admin_client.get(ARTICLE).templates


def test_requests_with_credentials_bypass_the_cache(site, client):
    client.get(ARTICLE)
    # A page served from the response cache renders no template.
    assert client.get(ARTICLE, HTTP_AUTHORIZATION="Token x").templates
    token = Token.objects.create(user=staff_user("reader"))
    api = APIClient()
    api.get(API_PERSON)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    _, queries = get(api, API_PERSON)
    assert queries > 0


def test_responses_that_set_a_cookie_are_not_stored():
    response = cache.HttpResponse("x")
    response.set_cookie("csrftoken", "abc")
    assert not cache.storable(response)
    response = cache.HttpResponse("x")
    response["Vary"] = "User-Agent"
    assert not cache.storable(response)
    response = cache.HttpResponse("x")
    response["Cache-Control"] = "private"
    assert not cache.storable(response)
    response = cache.HttpResponse("x")
    response["Vary"] = "Cookie, Accept-Language"
    assert cache.storable(response)


def test_errors_are_not_stored(site, client):
    client.get("/people/nobody/")
    response, queries = get(client, "/people/nobody/")
    assert response.status_code == 404 and queries > 0


# Never stale ---------------------------------------------------------------


def warm(urls):
    """Fetch every URL twice, so each is known to come from the cache."""
    client, api = Client(), APIClient()
    for url in urls:
        reader = api if url.startswith("/api/") else client
        reader.get(url)
        _, queries = get(reader, url)
        assert queries == 0, url
    return client, api


def read(url):
    reader = APIClient() if url.startswith("/api/") else Client()
    response = reader.get(url)
    assert response.status_code == 200, url
    return body(response)


def rename_in_admin(person, name):
    """A chief editor renames ``person`` through the admin's change form."""
    editor = Client()
    editor.force_login(staff_user("chief", superuser=True))
    url = f"/admin/articles/person/{person.pk}/change/"
    data = change_form_data(editor.get(url))
    data["name"] = name
    assert editor.post(url, data).status_code == 302


def test_a_person_renamed_in_the_admin_shows_at_once_everywhere(site):
    pages = [ARTICLE, PERSON, ORGANIZATION, DIRECTIVES, API_ARTICLES, API_PERSON]
    warm(pages)
    rename_in_admin(site.liu, "刘新名")
    for page in pages:
        assert "刘新名" in read(page), page


def test_an_article_edited_through_the_api_shows_at_once(site):
    pages = [ARTICLE, "/", API_ARTICLES, "/api/v1/articles/bjast-2025-work-conference/"]
    warm(pages)
    user = staff_user("api-chief", superuser=True)
    api = APIClient()
    api.force_authenticate(user)
    url = "/api/v1/articles/bjast-2025-work-conference/"
    version = api.get(url).json()["version"]
    response = api.patch(
        url, {"title": "北科院工作会议(更正)", "version": version}, format="json"
    )
    assert response.status_code == 200, response.content
    for page in pages:
        assert "北科院工作会议(更正)" in read(page), page


def test_a_directive_deleted_through_the_api_disappears_at_once(site):
    pages = [ARTICLE, DIRECTIVES, "/api/v1/directives/?issuer=liu-hui"]
    warm(pages)
    api = APIClient()
    api.force_authenticate(staff_user("api-chief", superuser=True))
    gone = site.requirements[2]
    assert api.delete(f"/api/v1/directives/{gone.pk}/").status_code == 204
    for page in pages:
        assert "扎实推进全院高质量发展" not in read(page), page


def test_an_article_published_by_the_service_shows_at_once(site):
    warm(["/", "/api/v1/articles/"])
    services.article_publish(
        article=site.draft, user=staff_user("chief", superuser=True)
    )
    assert site.draft.title in read("/")
    assert site.draft.title in read("/api/v1/articles/")


def test_a_scheduled_article_appears_on_time_without_a_write(site, client):
    due = timezone.now() + datetime.timedelta(seconds=6)
    Article.objects.filter(pk=site.scheduled.pk).update(published_at=due)
    cache.content_changed()  # the write path's call after that update
    assert site.scheduled.title not in body(client.get("/"))
    _, queries = get(client, "/")
    assert queries == 0  # cached, but only until the article's time
    time.sleep(max(0, (due - timezone.now()).total_seconds()) + 0.5)
    assert site.scheduled.title in body(client.get("/"))


def test_search_names_kept_under_the_generation_follow_the_next_write(site):
    """What an entity is called and whether the public sees it is kept per
    entity under the content generation: asked once, then again after a write."""
    from articles import search
    from articles.models import Organization, OrganizationAlias

    assert "北京市科学技术研究院" in search.search_terms("北科院")[0].variants
    with CaptureQueriesContext(connection) as queries:
        search.search_terms("北科院")
    assert len(queries) == 1  # the name lookup; the visibility check was kept
    bjast = Organization.objects.get(name="北京市科学技术研究院")
    OrganizationAlias.objects.create(organization=bjast, name="京科研院")
    cache.content_changed()  # the write path's call after that change
    assert "京科研院" in search.search_terms("北科院")[0].variants


def test_an_entry_lives_no_longer_than_the_next_publication(site, rf, settings):
    settings.RESPONSE_CACHE_SECONDS = 86400
    in_an_hour = timezone.now() + datetime.timedelta(hours=1)
    Article.objects.filter(pk=site.scheduled.pk).update(published_at=in_an_hour)
    cache.content_changed()
    timeout = cache.Lookup(rf.get("/"), "page").timeout()
    assert 3590 <= timeout <= 3600
    Article.objects.filter(pk=site.scheduled.pk).update(status="draft")
    cache.content_changed()
    assert cache.Lookup(rf.get("/"), "page").timeout() == 86400


def test_a_change_inside_a_transaction_invalidates_again_on_commit(
    response_cache, django_capture_on_commit_callbacks
):
    before = cache.current_generation()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        transaction.atomic(),
    ):
        cache.content_changed()
        during = cache.current_generation()
    assert during != before
    assert len(callbacks) == 1
    assert cache.current_generation() not in {before, during}


# Replica routing -----------------------------------------------------------


def test_public_reads_go_to_the_replica_only_when_marked():
    router = PrimaryReplicaRouter()
    assert router.db_for_read(Article) == "default"
    token = cache.public_read.set(True)
    try:
        assert router.db_for_read(Article) == "replica"
        assert router.db_for_write(Article) == "default"
        assert router.db_for_read(Token) == "default"
    finally:
        cache.public_read.reset(token)
    assert router.allow_migrate("replica", "articles") is False


def test_a_young_generation_keeps_public_reads_on_the_primary(
    response_cache, settings, rf
):
    settings.DATABASE_REPLICA_LAG = 60
    seen = []
    middleware = cache.PublicCacheMiddleware(
        lambda request: seen.append(cache.public_read.get()) or cache.HttpResponse()
    )
    cache.content_changed()
    middleware(rf.get("/articles/x/"))
    settings.DATABASE_REPLICA_LAG = 0
    middleware(rf.get("/articles/y/"))
    request = rf.get("/articles/z/")
    request.COOKIES[django_settings.SESSION_COOKIE_NAME] = "s"
    middleware(request)
    assert seen == [False, True, False]


# Fragments (the article page's content, cached even with responses off) ----


def test_the_article_fragment_is_reused_and_never_stale(site, settings):
    settings.RESPONSE_CACHE_SECONDS = 0  # only the fragment cache
    reader = Client()
    first, cold = get(reader, ARTICLE)
    again, warm_queries = get(reader, ARTICLE)
    assert body(again) == body(first)
    assert warm_queries == 0 < cold  # not even the article's row
    rename_in_admin(site.liu, "刘新名")
    assert "刘新名" in body(reader.get(ARTICLE))


def api_count(client):
    return client.get("/api/v1/articles/").json()["count"]


def test_list_totals_are_counted_once_per_generation_and_never_stale(site, settings):
    settings.RESPONSE_CACHE_SECONDS = 0  # only the fragment cache (the count)
    reader = APIClient()
    total = api_count(reader)
    for url in ("/api/v1/articles/", "/", "/directives/?issuer=liu-hui"):
        Client().get(url)
        with CaptureQueriesContext(connection) as queries:
            assert Client().get(url).status_code == 200
        assert not [q for q in queries if "COUNT(" in q["sql"].upper()], url
    services.article_publish(
        article=site.draft, user=staff_user("chief", superuser=True)
    )
    assert api_count(reader) == total + 1


def test_list_totals_follow_a_scheduled_publication(site, settings):
    settings.RESPONSE_CACHE_SECONDS = 0
    reader = APIClient()
    due = timezone.now() + datetime.timedelta(seconds=3)
    Article.objects.filter(pk=site.scheduled.pk).update(published_at=due)
    cache.content_changed()  # the write path's call after that update
    total = api_count(reader)
    time.sleep(max(0, (due - timezone.now()).total_seconds()) + 1.1)
    assert api_count(reader) == total + 1


def test_api_list_items_are_reused_and_never_stale(site, settings):
    settings.RESPONSE_CACHE_SECONDS = 0  # only the fragment cache (items, count)
    reader = APIClient()
    first, cold = get(reader, API_ARTICLES)
    again, warm_queries = get(reader, API_ARTICLES)
    assert again.json() == first.json()
    assert warm_queries == 1 < cold  # the page's rows; no related rows, no count
    settings.FRAGMENT_CACHE_SECONDS = 0
    assert reader.get(API_ARTICLES).json() == first.json()  # as made afresh
    settings.FRAGMENT_CACHE_SECONDS = 600
    other = reader.get("/api/v1/articles/?fields=id,title").json()["results"][0]
    assert set(other) == {"id", "title"}  # each shape is its own entry
    rename_in_admin(site.liu, "刘新名")
    assert "刘新名" in reader.get(API_ARTICLES).content.decode()


def test_api_list_items_are_not_cached_for_editors(site, settings):
    settings.RESPONSE_CACHE_SECONDS = 0
    editor = APIClient()
    editor.force_authenticate(staff_user("chief", superuser=True))
    editor.get(API_ARTICLES)
    _, queries = get(editor, API_ARTICLES)
    assert queries > 2  # every related row again: nothing was kept
    assert site.draft.title in editor.get("/api/v1/articles/").content.decode()


def test_every_api_view_keeps_the_default_throttles():
    """Cached reads are counted by the default throttle classes before any view
    runs (``throttling.AnonymousReadCounts``): a view with throttles of its own
    would be counted wrongly on a hit."""
    import inspect

    from rest_framework.views import APIView

    from articles.api import imports, views

    own = [
        name
        for module in (views, imports)
        for name, view in inspect.getmembers(module, inspect.isclass)
        if issubclass(view, APIView)
        and view.throttle_classes is not APIView.throttle_classes
    ]
    assert own == []
