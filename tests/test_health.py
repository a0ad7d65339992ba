"""Health probes and the reader's 503 page (issue 12, point 3)."""

import pytest
from django.db import OperationalError
from django.test import Client

from articles import views
from newsroom import health

pytestmark = pytest.mark.django_db


@pytest.fixture
def raw():
    return Client(raise_request_exception=False)


def test_healthz_answers_without_the_database(raw, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = raw.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_checks_database_and_cache(raw):
    response = raw.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok"},
    }


def test_readyz_is_503_when_the_database_is_away(raw, monkeypatch):
    monkeypatch.setattr(health, "_database_ok", lambda: False)
    response = raw.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "unavailable"
    assert int(response["Retry-After"]) > 0


def test_probes_are_not_redirected_to_https(raw, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert raw.get("/healthz").status_code == 200
    assert raw.get("/").status_code == 301


def test_readers_get_the_chinese_503_page_while_the_database_is_away(raw, monkeypatch):
    def away(self, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(views.ArticleListView, "get_queryset", away)
    response = raw.get("/")
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert "暂时无法访问" in html
    assert "could not connect" not in html


def test_a_bug_is_still_a_500(raw, monkeypatch):
    def broken(self, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(views.ArticleListView, "get_queryset", broken)
    response = raw.get("/")
    assert response.status_code == 500
    assert "服务器出错了" in response.content.decode()
