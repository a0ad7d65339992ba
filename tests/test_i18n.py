"""The interface speaks Chinese: the catalogue is complete and is the one in use."""

from pathlib import Path

import polib
from django.utils import translation

from articles.models import Article, Directive

CATALOGUE = (
    Path(__file__).resolve().parent.parent / "locale/zh_Hans/LC_MESSAGES/django.po"
)


def test_every_message_is_translated_and_none_is_fuzzy():
    catalogue = polib.pofile(str(CATALOGUE))
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []


def test_the_compiled_catalogue_is_current():
    compiled = polib.mofile(str(CATALOGUE.with_suffix(".mo")))
    source = polib.pofile(str(CATALOGUE))
    assert {(e.msgctxt, e.msgid, e.msgstr) for e in compiled} == {
        (e.msgctxt, e.msgid, e.msgstr) for e in source.translated_entries()
    }


def test_model_names_are_chinese():
    with translation.override("zh-hans"):
        assert str(Article._meta.verbose_name) == "文章"
        assert str(Article._meta.get_field("lede").verbose_name) == "导语"
        assert str(Directive.Kind.ARRANGEMENT.label) == "部署"


def test_pages_stay_chinese_when_the_browser_asks_for_english(client, db):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "搜索" in response.content.decode()
    admin_login = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en-US")
    assert "用户名" in admin_login.content.decode()
