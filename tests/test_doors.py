"""Locked doors (issue 12, point 5): login throttling, Content-Security-Policy,
Referrer-Policy and Permissions-Policy on pages, admin, API and API docs."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db

LOCKED = "登录失败次数过多"


@pytest.fixture
def editor():
    return get_user_model().objects.create_user(
        "bianji", password="a-strong-pass-9", is_staff=True, is_superuser=True
    )


def _login(client, password, username="bianji"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
    )


def test_admin_login_is_locked_after_repeated_wrong_passwords(editor, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _login(client, "guess")
        assert response.status_code == 200  # the form again, with its error
    response = _login(client, "guess")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    # Even the right password is refused now, with the Chinese page.
    response = _login(client, "a-strong-pass-9")
    assert response.status_code == 429
    html = response.content.decode()
    assert LOCKED in html
    assert "15 分钟后再试" in html
    assert int(response["Retry-After"]) == 15 * 60
    assert not client.get("/admin/").wsgi_request.user.is_authenticated


def test_guessing_from_another_address_is_locked_by_username(editor, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        Client(REMOTE_ADDR=f"10.0.0.{n + 1}").post(
            "/admin/login/", {"username": "bianji", "password": "guess"}
        )
    response = Client(REMOTE_ADDR="10.0.0.99").post(
        "/admin/login/", {"username": "bianji", "password": "a-strong-pass-9"}
    )
    assert response.status_code == 429


def test_a_successful_login_resets_the_count(editor, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "guess")
    response = _login(client, "a-strong-pass-9")
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(failures_since_start__gt=0).exists()
    client.logout()
    assert _login(client, "guess").status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/", "/admin/login/", "/api/docs/", "/api/v1/articles/", "/no-such-page/"],
)
def test_security_headers_everywhere(path):
    response = Client().get(path)
    assert response.status_code in (200, 404)
    csp = dict(
        part.strip().split(" ", 1)
        for part in response["Content-Security-Policy"].split(";")
        if part.strip()
    )
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'"  # no inline or eval'd script
    assert csp["object-src"] == "'none'"
    assert csp["frame-ancestors"] == "'none'"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_no_page_carries_an_inline_script(editor):
    """script-src 'self' would block it; JSON-LD data blocks are not scripts."""
    import re

    client = Client()
    client.force_login(editor)
    for path in ("/", "/admin/", "/admin/articles/article/add/", "/api/docs/"):
        html = client.get(path).content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or "application/ld+json" in tag, (path, tag)
