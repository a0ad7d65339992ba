"""Issue 13's pages in headless Chromium at 375 and 1280 px: the public site
(with a real photo, made here with Pillow), the indexes, a set page, the overview
charts, and the admin's article form and changelist.

Each page: no horizontal overflow, no console error or failed request, visible
keyboard focus, and screenshots in tests/artifacts/ for a human to look at.
"""

import mimetypes
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image, ImageDraw

from articles.models import Article, Photo
from articles.photos import photo_make_renditions

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
]
WIDTHS = {"desktop": 1280, "phone": 375}
BJAST = "bjast-2025-work-conference"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def scene_jpeg():
    """A 1600×1000 'photo': sky, a stage and rows of seats, drawn with Pillow."""
    image = Image.new("RGB", (1600, 1000), (70, 110, 160))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 620, 1600, 1000), fill=(120, 40, 40))
    draw.rectangle((300, 260, 1300, 600), fill=(190, 40, 40))
    for row in range(6):
        for seat in range(24):
            x, y = 40 + seat * 64, 660 + row * 56
            draw.ellipse((x, y, x + 36, y + 36), fill=(30, 30, 40))
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


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
def site_with_photo(live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("loaddata", "newsroom", verbosity=0)
    article = Article.objects.get(slug=BJAST)
    photo = Photo.objects.create(
        article=article,
        caption="北科院2025年工作会议现场",
        credit="科学传播中心",
        order=0,
        image=SimpleUploadedFile("hall.jpg", scene_jpeg(), content_type="image/jpeg"),
    )
    Photo.objects.filter(article=article).exclude(pk=photo.pk).update(order=5)
    photo_make_renditions(photo=photo)
    get_user_model().objects.create_superuser("zhubian", password="a-strong-pass-9")
    return live_server


def serve_media(route):
    """Serve MEDIA_ROOT as the web server would in production."""
    name = route.request.url.split("/media/", 1)[1].split("?")[0]
    path = Path(settings.MEDIA_ROOT) / name
    if path.is_file():
        route.fulfill(
            body=path.read_bytes(),
            content_type=mimetypes.guess_type(path.name)[0]
            or "application/octet-stream",
        )
    else:
        route.fulfill(status=404, body="")


def open_page(browser, server, path, width, *, login=False):
    context = browser.new_context(
        viewport={"width": width, "height": 900}, locale="zh-CN"
    )
    context.route("**/media/**", serve_media)
    page = context.new_page()
    page.set_default_timeout(20_000)
    problems, failed = [], []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text) if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "response",
        lambda response: (
            failed.append(f"{response.status} {response.url}")
            if response.status >= 400
            else None
        ),
    )
    if login:
        page.goto(f"{server.url}/admin/login/")
        page.fill("#id_username", "zhubian")
        page.fill("#id_password", "a-strong-pass-9")
        page.click("input[type=submit]")
        page.wait_for_load_state("load")
    response = page.goto(server.url + path)
    assert response.status == 200, path
    page.wait_for_load_state("load")
    return context, page, problems, failed


def check_and_shoot(page, problems, failed, name, width):
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{name} overflows by {overflow}px at {width}px"
    assert problems == [], problems
    assert failed == [], failed
    page.keyboard.press("Tab")
    focus = page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
                   return [s.outlineStyle, s.outlineWidth, s.boxShadow]; }"""
    )
    assert focus[0] not in ("", "none") or focus[2] != "none", (name, focus)
    page.keyboard.press("Escape")
    page.evaluate("document.activeElement && document.activeElement.blur()")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"ui-{name}-{width}.png", full_page=True)


PUBLIC = {
    "home": "/",
    "article": f"/articles/{BJAST}/",
    "person": "/people/liu-hui/",
    "organization": "/organizations/bjast/",
    "people": "/people/",
    "organizations": "/organizations/",
    "sets": "/sets/",
    "overview": "/overview/",
}


@pytest.mark.parametrize("width_name", WIDTHS)
def test_public_pages_read_well(browser, site_with_photo, width_name):
    width = WIDTHS[width_name]
    four = Article.objects.get(slug=BJAST).directive_sets.get(heading="四点要求")
    pages = {**PUBLIC, "set": four.get_absolute_url()}
    for name, path in pages.items():
        context, page, problems, failed = open_page(
            browser, site_with_photo, path, width
        )
        assert page.locator("main h1").count() == 1, name
        if name == "article":
            lead = page.locator("figure.photo--lead img")
            assert lead.count() == 1
            assert (
                page.evaluate(
                    "document.querySelector('figure.photo--lead img').naturalWidth"
                )
                > 0
            ), "the lead photo loads"
            assert page.locator(".key-points li").count() >= 18
            assert page.locator("mark.directive-mark").count() >= 4
            assert page.locator(".share svg").count() == 1
        if name == "home":
            assert page.locator(".card__thumb img").count() == 1
        if name == "overview":
            assert page.locator("svg.chart").count() == 4
        if name == "set":
            assert page.locator("ol.directives > li").count() == 4
        check_and_shoot(page, problems, failed, name, width)
        context.close()


@pytest.mark.parametrize("width_name", WIDTHS)
def test_admin_article_form_and_changelist_fit(browser, site_with_photo, width_name):
    width = WIDTHS[width_name]
    article = Article.objects.get(slug=BJAST)
    for name, path in {
        "admin-changelist": "/admin/articles/article/",
        "admin-article-form": f"/admin/articles/article/{article.pk}/change/",
        "admin-index": "/admin/",
    }.items():
        context, page, problems, failed = open_page(
            browser, site_with_photo, path, width, login=True
        )
        if name == "admin-article-form":
            assert page.locator("input[name=_continue]").count() == 2  # top and bottom
        if name == "admin-changelist" and width >= 1280:
            title = page.locator("#result_list th.field-title").first.bounding_box()
            assert title["width"] >= 300, title
            row = page.locator("#result_list tbody tr").first.bounding_box()
            assert row["height"] <= 80, row
            # No column clipped inside the results box (its own scrollbar).
            clipped = page.evaluate(
                """() => { const r = document.querySelector('#changelist .results');
                           return r.scrollWidth - r.clientWidth; }"""
            )
            assert clipped <= 0, f"the changelist's columns overflow by {clipped}px"
        # The admin has no side navigation (it would clip the changelist).
        assert page.locator("#nav-sidebar").count() == 0
        check_and_shoot(page, problems, failed, name, width)
        context.close()
