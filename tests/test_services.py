"""Writes in articles.services: publishing rights, history, optimistic locking."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from reversion.models import Version

from articles import services
from articles.models import Article

from .admin_helpers import staff_user
from .factories import (
    ArticleFactory,
    DirectiveFactory,
    DraftArticleFactory,
    OrganizationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return staff_user("xiaowang", group="编辑")


@pytest.fixture
def chief():
    user = staff_user("laoli", group="主编")
    user.first_name = "李力"
    user.save()
    return user


class TestPublish:
    def test_a_draft_without_a_date_is_published_now(self, chief):
        draft = DraftArticleFactory()
        before = timezone.now()
        article = services.article_publish(article=draft, user=chief)
        assert article.status == Article.Status.PUBLISHED
        assert before <= article.published_at <= timezone.now()
        assert Article.objects.published().filter(pk=draft.pk).exists()

    def test_a_future_date_schedules_the_article(self, chief):
        tomorrow = timezone.now() + datetime.timedelta(days=1)
        article = services.article_publish(
            article=DraftArticleFactory(), user=chief, published_at=tomorrow
        )
        assert article.is_scheduled
        assert not Article.objects.published().filter(pk=article.pk).exists()
        assert Article.objects.scheduled().filter(pk=article.pk).exists()

    def test_an_imported_draft_keeps_its_date(self, chief):
        date = timezone.now() - datetime.timedelta(days=300)
        draft = DraftArticleFactory(published_at=date)
        assert services.article_publish(article=draft, user=chief).published_at == (
            date
        )

    def test_an_editor_may_not_publish(self, editor):
        draft = DraftArticleFactory()
        with pytest.raises(PermissionDenied):
            services.article_publish(article=draft, user=editor)
        draft.refresh_from_db()
        assert draft.status == Article.Status.DRAFT and draft.version == 1

    def test_publishing_raises_the_version_and_records_who(self, chief):
        draft = DraftArticleFactory()
        article = services.article_publish(article=draft, user=chief)
        assert article.version == 2
        latest, initial = Version.objects.get_for_object(article)
        assert latest.revision.user == chief
        assert latest.revision.get_comment() == "已发布。"
        assert latest.field_dict["status"] == "published"
        # The state before the first change is kept, so it can be restored.
        assert initial.field_dict["status"] == "draft"
        assert initial.revision.get_comment() == "首次修改前的初始版本。"

    def test_publishing_a_published_article_changes_nothing(self, chief):
        article = ArticleFactory()
        again = services.article_publish(article=article, user=chief)
        assert again.version == 1
        assert not Version.objects.get_for_object(article).exists()

    def test_an_invalid_article_is_not_published(self, chief):
        draft = DraftArticleFactory()
        Article.objects.filter(pk=draft.pk).update(slug="有 空格")
        with pytest.raises(ValidationError):
            services.article_publish(article=draft, user=chief)
        draft.refresh_from_db()
        assert draft.status == Article.Status.DRAFT


class TestUnpublish:
    def test_a_published_article_goes_back_to_draft_keeping_its_date(self, chief):
        article = ArticleFactory()
        date = article.published_at
        result = services.article_unpublish(article=article, user=chief)
        assert result.status == Article.Status.DRAFT
        assert result.published_at == date
        assert not Article.objects.published().filter(pk=article.pk).exists()
        latest = Version.objects.get_for_object(article).first()
        assert latest.revision.user == chief

    def test_an_editor_may_not_unpublish(self, editor):
        article = ArticleFactory()
        with pytest.raises(PermissionDenied):
            services.article_unpublish(article=article, user=editor)
        article.refresh_from_db()
        assert article.is_public


class TestVersionClaim:
    def test_of_two_claims_on_one_version_only_the_first_succeeds(self, chief):
        article = ArticleFactory()
        first, second = (Article.objects.get(pk=article.pk) for _ in range(2))
        services.object_claim_version(instance=first, expected_version=1)
        assert first.version == 2
        with pytest.raises(services.StaleVersionError) as refused:
            services.object_claim_version(instance=second, expected_version=1)
        assert refused.value.current_version == 2
        article.refresh_from_db()
        assert article.version == 2

    @pytest.mark.parametrize(
        "factory",
        [ArticleFactory, DirectiveFactory, PersonFactory, OrganizationFactory],
    )
    def test_every_versioned_model_can_be_claimed(self, factory):
        obj = factory()
        services.object_claim_version(instance=obj, expected_version=1)
        assert type(obj).objects.get(pk=obj.pk).version == 2

    def test_the_message_names_who_changed_it_and_when(self, chief):
        article = DraftArticleFactory()
        services.article_publish(article=article, user=chief)
        when = Version.objects.get_for_object(article).first().revision.date_created
        local = timezone.localtime(when)
        message = services.stale_version_message(
            instance=article, expected_version=1, current_version=2
        )
        assert "李力 (laoli)" in message
        assert f"{local:%Y}年{local.month}月{local.day}日 {local:%H:%M}" in message
        assert "第 1 版" in message and "第 2 版" in message

    def test_the_message_for_a_deleted_object(self):
        article = ArticleFactory()
        message = services.stale_version_message(
            instance=article, expected_version=1, current_version=None
        )
        assert "已被其他人删除" in message


class TestBatch:
    def test_the_after_write_hook_hears_of_a_batch_once(
        self, django_capture_on_commit_callbacks
    ):
        from articles.models import Person
        from articles.services import writes

        with (
            mock.patch.object(writes, "_after_write") as after_write,
            django_capture_on_commit_callbacks(execute=True),
            writes.batch(),
        ):
            for name in ("甲一", "乙二", "丙三"):
                services.person_create(
                    instance=Person(name=name, slug=f"p-{len(name)}-{name}")
                )
        after_write.assert_called_once()
        assert len(after_write.call_args.kwargs["instances"]) == 3
        assert Person.objects.count() == 3

    def test_a_failure_in_a_batch_rolls_back_every_write_in_it(self):
        from articles.models import Person
        from articles.services import writes

        with pytest.raises(ValidationError), writes.batch():
            services.person_create(instance=Person(name="甲一", slug="jia"))
            services.person_create(instance=Person(name="乙二", slug="jia"))
        assert not Person.objects.exists()
