"""The data model: constraints reject bad data, querysets mean what they say."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article, Directive, Organization, Position, first_clause

from .factories import (
    ArticleFactory,
    DirectiveFactory,
    DraftArticleFactory,
    OrganizationAliasFactory,
    OrganizationFactory,
    PersonFactory,
    PositionFactory,
    ScheduledArticleFactory,
)

pytestmark = pytest.mark.django_db


def rejected(create):
    """Whether the database refuses the write ``create`` makes."""
    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True
    return False


class TestConstraints:
    def test_an_ordinal_is_unique_within_its_set(self):
        directive = DirectiveFactory(ordinal=1)
        assert rejected(
            lambda: DirectiveFactory(directive_set=directive.directive_set, ordinal=1)
        )

    def test_the_same_ordinal_is_allowed_in_another_set(self):
        directive = DirectiveFactory(ordinal=1, set_number=1)
        other = DirectiveFactory(article=directive.article, set_number=2, ordinal=1)
        assert other.pk

    def test_ordinals_and_set_numbers_start_at_one(self):
        assert rejected(lambda: DirectiveFactory(ordinal=0))
        assert rejected(lambda: DirectiveFactory(set_number=0))

    def test_a_directive_needs_text(self):
        assert rejected(lambda: DirectiveFactory(text=""))

    def test_a_position_is_unique_per_person_organization_and_title(self):
        position = PositionFactory(title="院长")
        assert rejected(
            lambda: PositionFactory(
                person=position.person, organization=position.organization, title="院长"
            )
        )
        assert PositionFactory(
            person=position.person,
            organization=position.organization,
            title="党组副书记",
        ).pk

    def test_a_position_cannot_end_before_it_starts(self):
        assert rejected(
            lambda: PositionFactory(
                start_date=datetime.date(2025, 1, 2), end_date=datetime.date(2025, 1, 1)
            )
        )

    def test_organization_names_and_aliases(self):
        organization = OrganizationFactory(name="北京市科学技术研究院")
        assert rejected(lambda: OrganizationFactory(name="北京市科学技术研究院"))
        assert rejected(lambda: OrganizationFactory(name=""))
        OrganizationAliasFactory(organization=organization, name="北科院")
        assert rejected(
            lambda: OrganizationAliasFactory(organization=organization, name="北科院")
        )

    def test_an_organization_is_not_its_own_parent(self):
        organization = OrganizationFactory()
        organization.parent_id = organization.pk
        assert rejected(organization.save)

    def test_a_published_article_has_a_date(self):
        assert rejected(
            lambda: ArticleFactory(status=Article.Status.PUBLISHED, published_at=None)
        )
        assert DraftArticleFactory(published_at=None).pk

    def test_articles_need_a_title_a_body_and_a_unique_slug(self):
        assert rejected(lambda: ArticleFactory(title=""))
        assert rejected(lambda: ArticleFactory(body=""))
        ArticleFactory(slug="same")
        assert rejected(lambda: ArticleFactory(slug="same"))

    def test_people_need_a_name_and_a_unique_slug(self):
        assert rejected(lambda: PersonFactory(name=""))
        PersonFactory(slug="liu-hui")
        assert rejected(lambda: PersonFactory(slug="liu-hui"))


class TestArticleQuerySet:
    def test_published_excludes_drafts_and_scheduled_articles(self):
        public = ArticleFactory()
        DraftArticleFactory()
        ScheduledArticleFactory()
        assert list(Article.objects.published()) == [public]

    def test_a_scheduled_article_becomes_public_when_its_time_comes(self):
        article = ScheduledArticleFactory()
        assert article.is_scheduled and not article.is_public
        Article.objects.filter(pk=article.pk).update(
            published_at=timezone.now() - datetime.timedelta(seconds=1)
        )
        article.refresh_from_db()
        assert article.is_public
        assert list(Article.objects.published()) == [article]

    def test_drafts_and_scheduled(self):
        draft = DraftArticleFactory()
        scheduled = ScheduledArticleFactory()
        ArticleFactory()
        assert list(Article.objects.drafts()) == [draft]
        assert list(Article.objects.scheduled()) == [scheduled]

    def test_newest_first(self):
        older = ArticleFactory(published_at=timezone.now() - datetime.timedelta(days=2))
        newer = ArticleFactory(published_at=timezone.now() - datetime.timedelta(days=1))
        assert list(Article.objects.published()) == [newer, older]

    def test_paragraphs_split_on_blank_lines(self):
        article = ArticleFactory(body="第一段,会议召开。\n\n第二段。")
        assert article.paragraphs == ["第一段,会议召开。", "第二段。"]


class TestDirectiveQuerySet:
    def test_published_hides_directives_of_drafts_and_scheduled_articles(self):
        visible = DirectiveFactory()
        DirectiveFactory(article=DraftArticleFactory())
        DirectiveFactory(article=ScheduledArticleFactory())
        assert list(Directive.objects.published()) == [visible]

    def test_by_issuer_and_addressed_to(self):
        issuer, organization = PersonFactory(), OrganizationFactory()
        mine = DirectiveFactory(issuer=issuer, addressees=[organization])
        DirectiveFactory()
        assert list(Directive.objects.by_issuer(issuer)) == [mine]
        assert list(Directive.objects.addressed_to(organization)) == [mine]

    def test_ordered_by_set_then_ordinal(self):
        article = ArticleFactory()
        second_set = DirectiveFactory(article=article, set_number=2, ordinal=1)
        first_b = DirectiveFactory(article=article, set_number=1, ordinal=2)
        first_a = DirectiveFactory(article=article, set_number=1, ordinal=1)
        assert list(Directive.objects.filter(directive_set__article=article)) == [
            first_a,
            first_b,
            second_set,
        ]

    def test_summary_is_the_first_clause(self):
        assert (
            first_clause("持续深化改革,深入贯彻落实市委市政府决策部署。")
            == "持续深化改革"
        )
        assert (
            first_clause("加强领导班子和干部队伍建设。") == "加强领导班子和干部队伍建设"
        )


class TestOrganizationResolve:
    def test_a_short_form_resolves_to_the_full_name(self):
        organization = OrganizationFactory(name="北京市科学技术研究院")
        OrganizationAliasFactory(organization=organization, name="北科院")
        assert Organization.objects.resolve("北科院") == organization
        assert Organization.objects.resolve("北京市科学技术研究院") == organization

    def test_a_shared_short_form_is_ambiguous(self):
        OrganizationAliasFactory(name="办公室")
        OrganizationAliasFactory(name="办公室")
        with pytest.raises(Organization.MultipleObjectsReturned):
            Organization.objects.resolve("办公室")

    def test_an_unknown_name_does_not_resolve(self):
        with pytest.raises(Organization.DoesNotExist):
            Organization.objects.resolve("不存在的机构")


class TestPositions:
    def test_current_positions(self):
        today = timezone.localdate()
        current = PositionFactory(start_date=today - datetime.timedelta(days=30))
        PositionFactory(end_date=today - datetime.timedelta(days=1))
        assert list(Position.objects.current()) == [current]


def test_string_representations_and_urls():
    directive = DirectiveFactory(
        set_heading="四点要求", ordinal=2, summary="持续深化改革"
    )
    assert str(directive) == f"{directive.issuer.name} · 四点要求 2: 持续深化改革"
    article = directive.article
    assert str(article) == article.title
    assert article.get_absolute_url() == f"/articles/{article.slug}/"
    assert (
        directive.get_absolute_url()
        == f"/articles/{article.slug}/#directive-{directive.pk}"
    )
    assert directive.issuer.get_absolute_url() == f"/people/{directive.issuer.slug}/"


def test_the_public_rules_built_once_give_what_a_fresh_build_gives():
    """``Organization``/``Person.public()`` AND a rule built once per process
    into each queryset; whatever the queryset, the rows (and, where ``&``
    applies, the SQL) are those of the rule built anew."""
    from articles import models

    shown = OrganizationFactory(name="已公开的机构")
    ArticleFactory(publisher=shown)
    hidden = OrganizationFactory(name="草稿里的机构")
    DraftArticleFactory(publisher=hidden)
    unlinked = OrganizationFactory(name="参考机构")

    def fresh(queryset):
        rules = models.OrganizationQuerySet
        return queryset.filter(
            rules._in_published_articles() | ~rules._in_any_article()
        )

    everyone = Organization.objects.filter(pk__in=[shown.pk, hidden.pk, unlinked.pk])
    assert set(everyone.public()) == {shown, unlinked}
    assert str(everyone.public().query) == str(fresh(everyone).query)
    for queryset in (
        everyone.order_by("-name"),
        everyone.select_related("parent"),
        everyone.distinct(),  # refused by &: built anew
        everyone.values("pk"),
        everyone.values(),
    ):
        models._PUBLIC_RULES.clear()
        first = list(queryset.public())
        again = list(queryset.public())  # the rule the first call built
        assert first == again == list(fresh(queryset))
