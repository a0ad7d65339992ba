"""An editor's day in headless Chromium: add a directive to the 北科院 article."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from articles.models import Article

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
]
NEW_DIRECTIVE = "要把科技成果转化作为检验工作成效的重要标准,浏览器测试新增。"


@pytest.fixture
def browser_page(chromium_path, monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread, which makes Django
    # refuse the test's own ORM calls. Allowed for these tests only: set for the
    # whole session, it would leak into subprocesses (the deploy check fails).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, args=CHROMIUM_ARGS
        )
        page = browser.new_page(locale="zh-CN", viewport={"width": 1400, "height": 900})
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            browser.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_editor_adds_a_directive_and_sees_it_on_the_page(live_server, browser_page):
    call_command("loaddata", "newsroom", verbosity=0)
    get_user_model().objects.create_superuser("zhubian", password="a-strong-pass-9")
    article = Article.objects.get(slug="bjast-2025-work-conference")
    page = browser_page

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "zhubian")
    page.fill("#id_password", "a-strong-pass-9")
    page.click("input[type=submit]")
    assert "新闻编辑部管理后台" in page.content()

    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    assert page.title().startswith("北科院举行2025年工作会议")

    page.click("#directives-group .add-row a")
    row = page.locator("#directives-18")
    row.locator("[name=directives-18-set_number]").fill("9")
    row.locator("[name=directives-18-set_heading]").fill("浏览器测试")
    row.locator("[name=directives-18-ordinal]").fill("1")
    row.locator("[name=directives-18-text]").fill(NEW_DIRECTIVE)
    # The issuer is an autocomplete (select2): open it, search, pick 刘晖.
    row.locator(".field-issuer .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("刘晖")
    page.locator(".select2-results__option", has_text="刘晖").first.click()

    ARTIFACTS.mkdir(exist_ok=True)
    page.click("#toggle-nav-sidebar")  # the sticky sidebar would smear the shot
    page.screenshot(path=ARTIFACTS / "admin_article_change_form.png", full_page=True)
    row.scroll_into_view_if_needed()
    page.screenshot(path=ARTIFACTS / "admin_article_new_directive.png")

    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    assert "历史" in page.content()
    page.screenshot(path=ARTIFACTS / "admin_article_saved.png")

    directive = article.directives.get(set_number=9)
    assert directive.issuer.slug == "liu-hui"
    assert directive.summary == "要把科技成果转化作为检验工作成效的重要标准"

    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    assert page.locator(f"#directive-{directive.pk}").inner_text() == NEW_DIRECTIVE


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_preview_a_draft_that_the_public_cannot_see(live_server, browser_page):
    call_command("loaddata", "newsroom", verbosity=0)
    get_user_model().objects.create_superuser("zhubian", password="a-strong-pass-9")
    article = Article.objects.get(slug="bjast-2025-work-conference")
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)
    page = browser_page

    response = page.goto(f"{live_server.url}{article.get_absolute_url()}")
    assert response.status == 404

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "zhubian")
    page.fill("#id_password", "a-strong-pass-9")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    with page.expect_popup() as popup:
        page.click(".object-tools .viewsitelink")
    preview = popup.value
    preview.wait_for_load_state()
    banner = preview.locator("#preview-banner")
    assert banner.is_visible()
    assert "预览" in banner.inner_text() and "草稿" in banner.inner_text()
    assert article.title in preview.locator("h1").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    preview.screenshot(path=ARTIFACTS / "admin_article_preview.png")
