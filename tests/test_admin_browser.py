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
def test_an_editor_adds_an_item_to_a_set_and_sees_it_on_the_page(
    live_server, browser_page
):
    call_command("loaddata", "newsroom", verbosity=0)
    get_user_model().objects.create_superuser("zhubian", password="a-strong-pass-9")
    article = Article.objects.get(slug="bjast-2025-work-conference")
    four = article.directive_sets.get(heading="四点要求")
    page = browser_page

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "zhubian")
    page.fill("#id_password", "a-strong-pass-9")
    page.click("input[type=submit]")
    assert "新闻编辑部管理后台" in page.content()

    # The article lists its sets compactly; the set's link opens its page.
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    assert page.title().startswith("北科院举行2025年工作会议")
    page.click(f"a[href$='/admin/articles/directiveset/{four.pk}/change/']")
    page.wait_for_selector("#items-group")

    # The extra row is the new item; its blank ordinal continues the set's.
    row = page.locator("#items-4")
    row.locator("[name=items-4-text]").fill(NEW_DIRECTIVE)

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "admin_directive_set_form.png", full_page=True)

    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    # 四点要求 now has five items: a warning, not a refusal.
    assert "写明 4 条" in page.locator(".messagelist").inner_text()
    page.screenshot(path=ARTIFACTS / "admin_directive_set_saved.png")

    directive = four.items.get(ordinal=5)
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


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_saving_the_bjast_article_unchanged_changes_nothing(live_server, browser_page):
    """Regression: the textarea's CRLF rewrote the body and logged 已修改Body。"""
    from reversion.models import Version

    call_command("loaddata", "newsroom", verbosity=0)
    get_user_model().objects.create_superuser("zhubian", password="a-strong-pass-9")
    article = Article.objects.get(slug="bjast-2025-work-conference")
    body, version = article.body, article.version
    paragraphs = len(article.paragraphs)
    history = Version.objects.get_for_object(article).count()
    page = browser_page

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "zhubian")
    page.fill("#id_password", "a-strong-pass-9")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")

    article.refresh_from_db()
    assert article.body.encode() == body.encode()
    assert "\r" not in article.body and article.version == version
    assert Version.objects.get_for_object(article).count() == history

    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    assert page.locator(".article__body p").count() == paragraphs
