"""The public pages in headless Chromium at desktop and phone widths.

Loads the seed fixture, opens the home page, the 北科院 article, 刘晖's page and a
search for 北科院 at 1280 px and 375 px, and checks that nothing overflows
sideways, the console stays clean, our CSS applies and focus is visible.
Screenshots go to tests/artifacts/ (git-ignored) for a human to look at.
"""

from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import call_command

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
]
PAGES = {
    "home": "/",
    "article": "/articles/bjast-2025-work-conference/",
    "person": "/people/liu-hui/",
    "search": "/search/?q=" + quote("北科院"),
}
WIDTHS = {"desktop": 1280, "phone": 375}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser(chromium_path, monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread, which
    # Django's ORM would refuse. Only for these tests: the variable must not leak
    # to other tests (the deploy check rejects it).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def seeded_server(live_server):
    call_command("loaddata", "newsroom", verbosity=0)
    return live_server


@pytest.mark.parametrize("width_name", WIDTHS)
@pytest.mark.parametrize("page_name", PAGES)
def test_page_reads_well(browser, seeded_server, page_name, width_name):
    width = WIDTHS[width_name]
    context = browser.new_context(
        viewport={"width": width, "height": 900}, locale="zh-CN"
    )
    page = context.new_page()
    problems = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text) if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    failed = []
    page.on(
        "response",
        lambda response: (
            failed.append(response.url) if response.status >= 400 else None
        ),
    )
    response = page.goto(seeded_server.url + PAGES[page_name])
    assert response.status == 200
    page.wait_for_load_state("load")

    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page_name} overflows by {overflow}px at {width}px"
    wide = page.evaluate(
        """() => [...document.querySelectorAll('main *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .map(e => e.tagName + '.' + e.className)"""
    )
    assert wide == [], wide
    assert problems == [], problems
    assert failed == [], failed

    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert font.startswith('"PingFang SC"'), font  # our stylesheet applied
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert page.locator("main h1").count() == 1

    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none"), "keyboard focus must be visible"
    page.keyboard.press("Escape")

    if page_name == "search":
        assert page.locator("main mark").count() > 0
        assert "北科院" in page.locator("main .results").inner_text()
    if page_name == "article":
        assert "四点要求" in page.locator("main").inner_text()

    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.screenshot(path=ARTIFACTS / f"{page_name}-{width}.png", full_page=True)
    page.screenshot(path=ARTIFACTS / f"{page_name}-{width}-first-screen.png")
    context.close()
