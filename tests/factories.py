"""factory_boy factories for every model, shared by the whole suite."""

import datetime

import factory
from django.utils import timezone

from articles import models


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Section
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"栏目{n}")
    slug = factory.Sequence(lambda n: f"section-{n}")


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Tag

    name = factory.Sequence(lambda n: f"标签{n}")
    slug = factory.Sequence(lambda n: f"tag-{n}")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Organization

    name = factory.Sequence(lambda n: f"测试研究院{n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    kind = models.Organization.Kind.INSTITUTION


class OrganizationAliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.OrganizationAlias

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"测院{n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Person

    name = factory.Sequence(lambda n: f"张{n}")
    slug = factory.Sequence(lambda n: f"person-{n}")


class PersonAliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PersonAlias

    person = factory.SubFactory(PersonFactory)
    name = factory.Sequence(lambda n: f"老张{n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    """A published article dated an hour ago (``DraftArticleFactory`` for drafts)."""

    class Meta:
        model = models.Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"科技创新工作会议召开{n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    lede = "会议部署了重点任务。"
    body = "第一段,会议召开。\n\n第二段,会议要求。"
    status = models.Article.Status.PUBLISHED
    published_at = factory.LazyFunction(
        lambda: timezone.now() - datetime.timedelta(hours=1)
    )
    publisher = factory.SubFactory(OrganizationFactory)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.add(*extracted)


class DraftArticleFactory(ArticleFactory):
    status = models.Article.Status.DRAFT
    published_at = None


class ScheduledArticleFactory(ArticleFactory):
    published_at = factory.LazyFunction(
        lambda: timezone.now() + datetime.timedelta(days=1)
    )


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Position

    person = factory.SubFactory(PersonFactory)
    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"院长{n}")


class CreditFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Credit

    article = factory.SubFactory(ArticleFactory)
    role = models.Credit.Role.WRITER
    name = factory.Sequence(lambda n: f"办公室{n}")


class PhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Photo

    article = factory.SubFactory(ArticleFactory)
    caption = factory.Sequence(lambda n: f"会议现场{n}")


class PersonMentionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PersonMention

    article = factory.SubFactory(ArticleFactory)
    person = factory.SubFactory(PersonFactory)
    role = models.MentionRole.MENTIONED


class OrganizationMentionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.OrganizationMention

    article = factory.SubFactory(ArticleFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = models.MentionRole.MENTIONED


class DirectiveSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.DirectiveSet
        skip_postgeneration_save = True

    article = factory.SubFactory(ArticleFactory)
    issuer = factory.SubFactory(PersonFactory)
    number = 1
    heading = "三点要求"
    kind = models.DirectiveSet.Kind.REQUIREMENT

    @factory.post_generation
    def addressees(self, create, extracted, **kwargs):
        if create and extracted:
            self.addressees.add(*extracted)


# What older tests give a directive directly; they now describe its set.
SET_ATTRIBUTES = {
    "article": "article",
    "issuer": "issuer",
    "position": "position",
    "set_number": "number",
    "set_heading": "heading",
    "kind": "kind",
}


class DirectiveFactory(factory.django.DjangoModelFactory):
    """An item; without ``directive_set``, the set is found or made from the
    set attributes given (``article``, ``issuer``, ``set_number``, …)."""

    class Meta:
        model = models.Directive

    directive_set = None
    ordinal = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"要加强科技创新第{n}项工作,持续推进改革。")
    summary = factory.LazyAttribute(lambda o: models.first_clause(o.text))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        attributes = {
            SET_ATTRIBUTES[name]: kwargs.pop(name)
            for name in list(kwargs)
            if name in SET_ATTRIBUTES
        }
        addressees = kwargs.pop("addressees", None)
        directive_set = kwargs.get("directive_set")
        if directive_set is None:
            attributes.setdefault("number", 1)
            if "article" in attributes:
                directive_set = models.DirectiveSet.objects.filter(
                    article=attributes["article"], number=attributes["number"]
                ).first()
            if directive_set is None:
                directive_set = DirectiveSetFactory(**attributes)
            elif "issuer" in attributes and attributes["issuer"] != (
                directive_set.issuer
            ):
                raise ValueError("This set has another issuer; give set_number.")
            kwargs["directive_set"] = directive_set
        if addressees:
            directive_set.addressees.add(*addressees)
        return super()._create(model_class, *args, **kwargs)
