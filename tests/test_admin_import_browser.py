"""导入文章 in headless Chromium: paste a seed page, review it highlighted, confirm."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from articles.models import Article
from tests.test_admin_browser import ARTIFACTS, browser_page  # noqa: F401

SOURCES = Path(__file__).resolve().parent.parent / "fixtures" / "sources"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_editor_imports_a_page_through_the_review_screen(
    live_server,
    browser_page,  # noqa: F811
):
    get_user_model().objects.create_superuser("zhubian", password="a-strong-pass-9")
    text = next(SOURCES.glob("000_*.txt")).read_text(encoding="utf-8")
    page = browser_page
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "zhubian")
    page.fill("#id_password", "a-strong-pass-9")
    page.click("input[type=submit]")

    page.goto(f"{live_server.url}/admin/articles/article/")
    page.click("a.importlink")
    page.fill("textarea[name=content]", text)
    page.click("input[name=review]")

    page.wait_for_selector(".import-body mark.hl-directive")
    assert page.locator(".import-body mark.hl-person").count() > 5
    assert page.locator(".import-body mark.hl-org").count() > 0
    assert page.locator(".import-set").count() == 2  # the seed page's two sets
    assert "新建" in page.locator(".import-persons").inner_text()
    # The highlight colours come from the static stylesheet (no inline CSS).
    colour = page.locator(".import-body mark.hl-person").first.evaluate(
        "e => getComputedStyle(e).backgroundColor"
    )
    assert colour == "rgb(255, 224, 138)"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "admin_import_review.png", full_page=True)

    page.check("#id_publish")
    page.click("input[name=confirm]")
    page.wait_for_selector(".messagelist .success")
    assert "导入" in page.locator(".messagelist").inner_text()
    page.screenshot(path=ARTIFACTS / "admin_import_done.png")

    article = Article.objects.get()
    assert page.url.endswith(f"/admin/articles/article/{article.pk}/change/")
    assert article.status == Article.Status.PUBLISHED
    assert article.directive_sets.count() == 2
    assert not [e for e in errors if "Content Security Policy" in e]
