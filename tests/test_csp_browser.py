"""The Content-Security-Policy breaks nothing, in real Chromium (issue 12, point 5).

Swagger UI (from drf-spectacular-sidecar's static files, its start-up script
from /api/docs/?script) must render the operations; the public pages and the
admin (including the autocomplete widgets of the article form) must run their
scripts. Any CSP violation the browser reports fails the test.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from articles.models import Article
from tests.test_site_browser import CHROMIUM_ARGS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser(chromium_path, monkeypatch):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    call_command("loaddata", "newsroom", verbosity=0)
    context = browser.new_context()
    page = context.new_page()
    page.violations = []
    page.on(
        "console",
        lambda message: (
            (
                "Content Security Policy" in message.text
                or "Content-Security-Policy" in message.text
            )
            and page.violations.append(message.text)
        ),
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('Content Security Policy violation: ' + e.violatedDirective"
        " + ' ' + e.blockedURI));"
    )
    yield page
    context.close()


def test_swagger_ui_works_under_the_csp(page, live_server):
    response = page.goto(f"{live_server.url}/api/docs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector(".opblock", timeout=20000)
    assert page.locator(".opblock").count() >= 10
    assert page.locator(".info .title").inner_text().startswith("新闻编辑部 API")
    # Try one operation out: the UI's own fetch is allowed by connect-src.
    page.locator(".opblock-summary-path", has_text="/api/v1/people/").first.click()
    page.get_by_role("button", name="Try it out").first.click()
    page.get_by_role("button", name="Execute").first.click()
    page.wait_for_selector(".responses-table .response .response-col_status")
    assert "200" in page.locator(".live-responses-table").inner_text()
    assert page.violations == []


def test_pages_and_admin_work_under_the_csp(page, live_server):
    get_user_model().objects.create_superuser("zhubian", password="a-strong-pass-9")
    for path in ("/", "/articles/bjast-2025-work-conference/", "/search/?q=北科院"):
        page.goto(f"{live_server.url}{path}")
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "zhubian")
    page.fill("#id_password", "a-strong-pass-9")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    article = Article.objects.get(slug="bjast-2025-work-conference")
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    # The autocomplete widgets are built by admin's scripts (select2).
    page.wait_for_selector(".select2-container", timeout=10000)
    page.goto(f"{live_server.url}/admin/articles/article/")
    page.wait_for_selector("#changelist-filter, #result_list")
    assert page.violations == []
