"""``manage.py backup`` / ``manage.py restore`` round trip (issue 12, point 6)."""

import json

import pytest
import reversion
from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token
from reversion.models import Version

from articles.models import Article, Directive, Photo
from newsroom.backup import dump_data
from tests import factories
from tests.test_api_support import build_newsroom

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _snapshot(tmp_path, name):
    path = tmp_path / f"{name}.json"
    dump_data(path)
    return sorted(
        json.loads(path.read_text("utf-8")),
        key=lambda row: json.dumps(row, sort_keys=True, ensure_ascii=False),
    )


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _everything(media):
    news = build_newsroom()
    chief = User.objects.create_user("zhubian", password="pw-原样-123", is_staff=True)
    chief.groups.add(Group.objects.get(name="主编"))
    token = Token.objects.create(user=chief)
    with reversion.create_revision():
        news.conference.title = "北科院举行2025年工作会议(修订)"
        news.conference.save()
        reversion.set_user(chief)
        reversion.set_comment("改标题")
    photo = Photo.objects.filter(article=news.conference).first()
    photo.image.save("会议.jpg", ContentFile(b"\xff\xd8\xff\xe0 jpeg bytes \x00\x01"))
    return news, chief, token, photo


def test_backup_then_restore_into_an_empty_database_loses_nothing(
    tmp_path, media, capsys
):
    news, chief, token, photo = _everything(media)
    image_name = photo.image.name
    image_bytes = (media / image_name).read_bytes()
    body = Article.objects.get(pk=news.conference.pk).body
    before = _snapshot(tmp_path, "before")
    models = {row["model"] for row in before}
    assert {
        "articles.article",
        "articles.directive",
        "articles.person",
        "articles.organization",
        "articles.position",
        "reversion.revision",
        "reversion.version",
        "auth.user",
        "auth.group",
        "authtoken.token",
    } <= models

    archive = tmp_path / "newsroom.tar.gz"
    call_command("backup", str(archive))
    assert "Wrote" in capsys.readouterr().out

    # An empty database: nothing but what migrate creates.
    call_command("flush", interactive=False, verbosity=0)
    (media / image_name).unlink()
    assert not User.objects.exists() and not Article.objects.exists()
    # As `migrate` on a new database would, create the editorial groups.
    Group.objects.bulk_create([Group(name="编辑"), Group(name="主编")])

    call_command("restore", str(archive))
    after = _snapshot(tmp_path, "after")
    assert after == before
    assert (media / image_name).read_bytes() == image_bytes
    restored = Article.objects.get(pk=news.conference.pk)
    assert restored.body == body
    assert Directive.objects.filter(article=restored).count() == 3
    assert Version.objects.get_for_object(restored).count() >= 1
    user = User.objects.get(username="zhubian")
    assert user.check_password("pw-原样-123")
    assert user.groups.get().permissions.filter(codename="publish_article").exists()
    assert Token.objects.get(user=user).key == token.key
    # Sequences follow the restored ids: new rows get fresh ones.
    highest = max(Article.objects.values_list("pk", flat=True))
    assert factories.ArticleFactory().pk > highest


def test_restore_refuses_a_database_that_is_not_empty(tmp_path, media):
    _everything(media)
    archive = tmp_path / "newsroom.tar.gz"
    call_command("backup", str(archive))
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive))


def test_a_failed_restore_changes_nothing(tmp_path, media):
    _everything(media)
    archive = tmp_path / "newsroom.tar.gz"
    call_command("backup", str(archive))
    call_command("flush", interactive=False, verbosity=0)
    # Corrupt one row: the whole load must roll back.
    import tarfile

    broken = tmp_path / "broken.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(broken, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member)
            if member.name == "data.json":
                rows = json.loads(data.read())
                rows[-1]["fields"]["no_such_field"] = 1
                rows.append({"model": "articles.article", "pk": 1, "fields": {}})
                blob = json.dumps(rows).encode()
                member.size = len(blob)
                import io

                data = io.BytesIO(blob)
            target.addfile(member, data)
    with pytest.raises(Exception):  # noqa: B017 - any failure, as long as it rolls back
        call_command("restore", str(broken))
    assert not Article.objects.exists()
    assert not User.objects.exists()
