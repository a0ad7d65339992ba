"""导入文章 in the admin: paste or upload, review, confirm; nothing saved before."""

import re
from html import unescape
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile

from articles.models import Article, Directive, DirectiveSet, Person

pytestmark = pytest.mark.django_db

URL = "/admin/articles/article/import/"
SOURCES = Path(__file__).resolve().parent.parent / "fixtures" / "sources"
# The 北科院 seed page (000) holds two of the fixtures' four directive sets.
SEED_SETS = 2


def seed_text():
    return next(SOURCES.glob("000_*.txt")).read_text(encoding="utf-8")


def editor(*extra):
    user = User.objects.create_user("bianji", password="x", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["add_article", "change_article", "view_article", *extra]
        )
    )
    return user


@pytest.fixture
def signed_in(client):
    client.force_login(editor())
    return client


def review_fields(html):
    """The review form's fields as a browser would post them (unticked boxes)."""
    fields = {}
    for name, value in re.findall(
        r'<input type="(?:hidden|text)" name="([^"]+)" value="([^"]*)"', html
    ):
        fields[name] = unescape(value)
    for name, value in re.findall(
        r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S
    ):
        fields[name] = unescape(value)
    fields["confirm"] = "确认并创建草稿"
    return fields


def review(client, **data):
    response = client.post(URL, data)
    assert response.status_code == 200
    return response


def test_the_changelist_offers_the_import(signed_in):
    response = signed_in.get("/admin/articles/article/")
    assert URL in response.content.decode()
    assert "导入文章" in response.content.decode()


def test_paste_review_confirm_creates_the_draft_with_its_sets(signed_in):
    before = Article.objects.count()
    response = review(signed_in, content=seed_text())
    html = response.content.decode()
    assert Article.objects.count() == before  # the review saves nothing
    assert 'class="hl-person"' in html
    assert 'class="hl-directive"' in html or "hl-directive" in html
    assert 'class="hl-org"' in html
    assert "新建" in html
    assert "刘晖" in html

    confirmed = signed_in.post(URL, review_fields(html))
    article = Article.objects.exclude(pk__in=[]).latest("pk")
    assert confirmed.status_code == 302
    assert confirmed["Location"] == f"/admin/articles/article/{article.pk}/change/"
    assert article.status == Article.Status.DRAFT
    assert article.directive_sets.count() == SEED_SETS
    for item in Directive.objects.filter(directive_set__article=article):
        assert article.body[item.span_start : item.span_end] == item.text
    page = signed_in.get(confirmed["Location"])
    assert "已导入" in page.content.decode() or "导入" in page.content.decode()


def test_a_removed_fact_is_not_saved(signed_in):
    html = review(signed_in, content=seed_text()).content.decode()
    fields = review_fields(html)
    # The first directive item and one organization are left out.
    fields["p0-directive-0-remove"] = "on"
    org_name = fields["p0-org-0-name"]
    fields["p0-org-0-remove"] = "on"
    first_item = fields["p0-directive-0-text"]
    signed_in.post(URL, fields)
    article = Article.objects.latest("pk")
    texts = list(
        Directive.objects.filter(directive_set__article=article).values_list(
            "text", flat=True
        )
    )
    assert not any(text.startswith(first_item) for text in texts)
    assert not article.organization_mentions.filter(
        organization__name=org_name
    ).exists()


def test_an_edited_item_not_in_the_body_is_refused(signed_in):
    html = review(signed_in, content=seed_text()).content.decode()
    fields = review_fields(html)
    fields["p0-directive-0-text"] = "这句话不在正文里"
    response = signed_in.post(URL, fields)
    assert response.status_code == 200
    assert "不在正文中" in response.content.decode()
    assert not DirectiveSet.objects.exists()
    assert not Article.objects.exists()


def test_a_renamed_person_is_saved_under_the_new_name(signed_in):
    html = review(signed_in, content=seed_text()).content.decode()
    fields = review_fields(html)
    index = next(
        name.split("-")[2]
        for name, value in fields.items()
        if re.fullmatch(r"p0-person-\d+-name", name) and value == "刘晖"
    )
    fields[f"p0-person-{index}-name"] = "刘晖晖"
    signed_in.post(URL, fields)
    assert Person.objects.filter(name="刘晖晖").exists()
    assert DirectiveSet.objects.filter(issuer__name="刘晖晖").exists()
    assert not Person.objects.filter(name="刘晖").exists()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"content": "   "}, "请粘贴"),
        ({"content": "Only English words here, nothing else at all."}, "中文"),
    ],
)
def test_bad_input_is_a_chinese_form_error(signed_in, data, message):
    response = signed_in.post(URL, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Article.objects.exists()


def test_a_binary_upload_is_refused(signed_in):
    upload = SimpleUploadedFile("page.bin", bytes(range(256)) * 8)
    response = signed_in.post(URL, {"content": "", "files": [upload]})
    assert response.status_code == 200
    assert "page.bin" in response.content.decode()
    assert not Article.objects.exists()


def test_gbk_upload_is_read(signed_in):
    upload = SimpleUploadedFile("page.txt", seed_text().encode("gbk"))
    html = review(signed_in, content="", files=[upload]).content.decode()
    assert "刘晖" in html
    assert 'class="hl-person"' in html


def test_editors_cannot_publish_on_import(signed_in):
    html = review(signed_in, content=seed_text()).content.decode()
    assert 'name="publish"' not in html
    fields = review_fields(html)
    fields["publish"] = "on"
    response = signed_in.post(URL, fields)
    assert response.status_code == 403
    assert not Article.objects.exists()


def test_import_needs_the_add_permission(client):
    user = User.objects.create_user("reader", password="x", is_staff=True)
    client.force_login(user)
    assert client.get(URL).status_code == 403


def test_a_refused_review_keeps_the_editors_other_edits(signed_in):
    html = review(signed_in, content=seed_text()).content.decode()
    fields = review_fields(html)
    fields["p0-directive-0-text"] = "这句话不在正文里"
    fields["p0-org-0-remove"] = "on"
    fields["p0-person-0-name"] = "改过的名字"
    again = signed_in.post(URL, fields).content.decode()
    assert 'value="改过的名字"' in again
    assert "这句话不在正文里</textarea>" in again
    assert 'name="p0-org-0-remove" checked' in again
