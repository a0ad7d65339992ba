"""The admin site's own look: grouped index, save buttons on top, publish messages,
photo renditions made on save."""

import datetime
from io import BytesIO

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from articles import services
from articles.models import Article, Photo

from . import factories
from .admin_helpers import add_inline_row, change_form_data, inline_prefix, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def chief(db):
    return staff_user("laoli", group="主编")


@pytest.fixture
def superuser(db):
    return staff_user("admin", superuser=True)


def test_index_groups_models_for_editors(client, superuser):
    client.force_login(superuser)
    response = client.get(reverse("admin:index"))
    groups = [str(app["name"]) for app in response.context["app_list"]]
    assert groups == ["内容", "人物与机构", "分类", "用户与权限"]
    content = [m["object_name"] for m in response.context["app_list"][0]["models"]]
    assert content[0] == "Article"
    people = [m["object_name"] for m in response.context["app_list"][1]["models"]]
    assert {"Person", "Organization", "Position"} <= set(people)


def test_app_page_keeps_djangos_list(client, superuser):
    client.force_login(superuser)
    response = client.get(reverse("admin:app_list", args=["articles"]))
    assert response.status_code == 200
    assert response.context["app_list"][0]["app_label"] == "articles"


def test_change_forms_have_save_buttons_at_the_top(client, superuser):
    client.force_login(superuser)
    article = factories.ArticleFactory()
    page = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert page.content.decode().count('name="_continue"') == 2


def _publish(client, user, *articles):
    client.force_login(user)
    return client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish", "_selected_action": [a.pk for a in articles]},
    )


def test_publish_message_says_published(client, chief):
    draft = factories.DraftArticleFactory()
    response = _publish(client, chief, draft)
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts == ["已发布1篇文章。"]


def test_publish_message_says_scheduled_until(client, chief):
    draft = factories.DraftArticleFactory(
        title="明日发布",
        published_at=timezone.make_aware(datetime.datetime(2099, 3, 4, 9, 30)),
    )
    response = _publish(client, chief, draft)
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts == ["“明日发布”已排期至2099年3月4日 09:30。"]


def test_photo_uploaded_in_the_article_form_gets_renditions(
    client, superuser, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(superuser)
    article = factories.DraftArticleFactory()
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = client.get(url)
    data = change_form_data(response)
    buffer = BytesIO()
    Image.new("RGB", (900, 600), (40, 90, 160)).save(buffer, "JPEG")
    add_inline_row(
        data,
        inline_prefix(response, Photo),
        caption="会场",
        credit="科学传播中心",
        order="0",
        image=SimpleUploadedFile(
            "hall.jpg", buffer.getvalue(), content_type="image/jpeg"
        ),
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302
    photo = Photo.objects.get(article=article)
    assert (photo.width, photo.height) == (900, 600)
    assert sorted(int(w) for w in photo.renditions) == [320, 640, 900]
    assert Article.objects.get(pk=article.pk).lead_photo == photo


def test_changelist_shows_no_time_for_date_only_articles(client, superuser):
    factories.ArticleFactory(
        title="只有日期的文章",
        published_at=timezone.make_aware(datetime.datetime(2025, 5, 7)),
        published_time_known=False,
    )
    client.force_login(superuser)
    page = client.get(reverse("admin:articles_article_changelist")).content.decode()
    row = page.split("只有日期的文章")[-1].split("</tr>")[0]
    assert "2025年5月7日" in row and "00:00" not in row


def test_a_photo_written_through_the_service_gets_renditions(
    chief, settings, tmp_path, django_capture_on_commit_callbacks
):
    """Renditions belong to the write path, not to the admin: an API or
    importer photo gets them too."""
    settings.MEDIA_ROOT = tmp_path
    article = factories.DraftArticleFactory()
    buffer = BytesIO()
    Image.new("RGB", (700, 400), (200, 90, 60)).save(buffer, "JPEG")
    photo = Photo(article=article, caption="展台", order=0)
    photo.image.save(
        "stand.jpg", SimpleUploadedFile("stand.jpg", buffer.getvalue()), save=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.object_create(instance=photo, user=chief)
    photo.refresh_from_db()
    assert sorted(int(w) for w in photo.renditions) == [320, 640, 700]
