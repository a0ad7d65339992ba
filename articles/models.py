"""The newsroom's data model.

Articles are stored verbatim; the structure inside them (the organizations and
people they name, the titles those people hold, and the directives leaders issue)
is stored beside the text so that pages and the API can answer "who asked whom to
do what" without parsing prose again.
"""

import re

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

PARAGRAPH_SEPARATOR = "\n\n"
VERSION_HELP = _(
    "Raised by one on every edit; a save made from an older version is refused."
)


class Section(models.Model):
    """A section of the site, such as 新闻 › 院内新闻."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent section"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["parent__name", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="section_not_own_parent"
            ),
        ]

    def __str__(self):
        return " › ".join(section.name for section in self.ancestry())

    def get_absolute_url(self):
        return reverse("articles:section-detail", kwargs={"slug": self.slug})

    def ancestry(self):
        """The sections from the top level down to this one."""
        chain, section, seen = [], self, set()
        while section is not None and section.pk not in seen:
            seen.add(section.pk)
            chain.append(section)
            section = section.parent
        return list(reversed(chain))


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)
    slug = models.SlugField(_("slug"), max_length=50, unique=True, allow_unicode=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self):
        return self.name


def published_condition(prefix=""):
    """The condition "public" (published, and not scheduled for later) on the
    article at ``prefix`` (``"article__"``, ``"reported_in__"``; empty for an
    Article queryset itself).

    ``ArticleQuerySet.published()`` applies it; related querysets join through it
    instead of ``article__in=…``, so a check about one person or organization
    follows its own rows by index rather than listing every public article.
    """
    return Q(
        **{
            f"{prefix}status": Article.Status.PUBLISHED,
            f"{prefix}published_at__isnull": False,
            f"{prefix}published_at__lte": Now(),
        }
    )


# Each model's public rule as a queryset built once per process (see _public).
_PUBLIC_RULES = {}


def _public(queryset, build):
    """``queryset`` narrowed by the public rule ``build(queryset)`` makes.

    The organization's rule is a dozen correlated EXISTS and the person's half
    that: building one took ~3 ms of ORM work, on every page and search that
    asks. ANDing the rule built once (``&``, which relabels a copy) costs a
    tenth of that and gives the same SQL. Querysets ``&`` refuses (sliced,
    distinct, values) build the rule anew.
    """
    query = queryset.query
    refused = query.is_sliced or query.distinct or query.combinator
    if refused or queryset._fields is not None:
        return build(queryset)
    model = queryset.model
    rule = _PUBLIC_RULES.get(model)
    if rule is None:
        rule = _PUBLIC_RULES[model] = build(model._default_manager.all())
    return queryset & rule


class OrganizationQuerySet(models.QuerySet):
    def matching_name(self, name):
        """Organizations whose full name or one of whose aliases is ``name``."""
        return self.filter(Q(name=name) | Q(aliases__name=name)).distinct()

    def resolve(self, name):
        """The one organization that ``name`` (full name or short form) denotes.

        A full name wins over an alias; an alias shared by several organizations
        is ambiguous and raises ``MultipleObjectsReturned``.
        """
        try:
            return self.get(name=name)
        except self.model.DoesNotExist:
            return self.get(aliases__name=name)

    @staticmethod
    def _in_published_articles():
        return (
            Exists(
                OrganizationMention.objects.filter(
                    published_condition("article__"), organization=OuterRef("pk")
                )
            )
            | Exists(Article.objects.published().filter(publisher=OuterRef("pk")))
            | Exists(DirectiveSet.objects.published().filter(addressees=OuterRef("pk")))
            | Exists(Article.objects.published().filter(event_place=OuterRef("pk")))
            | Exists(
                Credit.objects.filter(
                    published_condition("article__"), organization=OuterRef("pk")
                )
            )
            | Exists(
                Position.objects.public().filter(
                    organization=OuterRef("pk"), reported_in__isnull=False
                )
            )
        )

    @staticmethod
    def _in_any_article():
        return (
            Exists(OrganizationMention.objects.filter(organization=OuterRef("pk")))
            | Exists(Article.objects.filter(publisher=OuterRef("pk")))
            | Exists(Article.objects.filter(event_place=OuterRef("pk")))
            | Exists(DirectiveSet.objects.filter(addressees=OuterRef("pk")))
            | Exists(Credit.objects.filter(organization=OuterRef("pk")))
            | Exists(
                Position.objects.filter(
                    organization=OuterRef("pk"), reported_in__isnull=False
                )
            )
        )

    def in_published_articles(self):
        """Organizations that a published article names, publishes or addresses."""
        return self.filter(self._in_published_articles())

    def in_any_article(self):
        """Organizations linked to any article, draft or not."""
        return self.filter(self._in_any_article())

    def public(self):
        """Organizations the public may see: named in published material, or
        reference entries linked to no article at all.

        One known only from a draft or a scheduled article (a scoop about a new
        body) stays hidden until the article is published. Every test is
        correlated with the organization row (as ``PersonQuerySet.public``), so
        checking one organization reads only its own rows, by index, instead of
        listing every organization that any article names.
        """
        return _public(
            self,
            lambda organizations: organizations.filter(
                self._in_published_articles() | ~self._in_any_article()
            ),
        )


class Organization(models.Model):
    class Kind(models.TextChoices):
        PARTY = "party", _("party organ")
        GOVERNMENT = "government", _("government body")
        INSTITUTION = "institution", _("research institute / public institution")
        ACADEMY = "academy", _("academy")
        ENTERPRISE = "enterprise", _("enterprise")
        MEDIA = "media", _("media")
        ASSOCIATION = "association", _("association")
        VENUE = "venue", _("venue")
        OTHER = "other", _("other")

    name = models.CharField(_("full official name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, allow_unicode=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    description = models.TextField(_("description"), blank=True)
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=VERSION_HELP
    )

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="organization_not_own_parent"
            ),
            models.CheckConstraint(
                condition=~Q(name=""), name="organization_name_not_empty"
            ),
        ]
        indexes = [models.Index(fields=["kind", "name"], name="organization_kind_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:organization-detail", kwargs={"slug": self.slug})


class OrganizationAlias(models.Model):
    """A short form the texts use for an organization (北科院, 市科委, 科技部)."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="aliases",
    )
    name = models.CharField(_("alias"), max_length=200)
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=VERSION_HELP
    )

    class Meta:
        verbose_name = _("organization alias")
        verbose_name_plural = _("organization aliases")
        ordering = ["organization", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="organization_alias_unique"
            ),
            models.CheckConstraint(
                condition=~Q(name=""), name="organization_alias_not_empty"
            ),
        ]
        indexes = [models.Index(fields=["name"], name="organization_alias_name_idx")]

    def __str__(self):
        return self.name


class PersonQuerySet(models.QuerySet):
    def matching_name(self, name):
        return self.filter(Q(name=name) | Q(aliases__name=name)).distinct()

    @staticmethod
    def _in_published_articles():
        return Exists(
            PersonMention.objects.filter(
                published_condition("article__"), person=OuterRef("pk")
            )
        ) | Exists(DirectiveSet.objects.published().filter(issuer=OuterRef("pk")))

    def in_published_articles(self):
        """People whom a published article names or quotes with a directive."""
        return self.filter(self._in_published_articles())

    def public(self):
        """People the public may see: named in published material, or holding a
        public position (see ``PositionQuerySet.public``).

        A person entered only for a draft (a scoop's new appointee) stays hidden
        until the article is published. Every test is correlated with the person
        row, so checking one person reads only that person's rows.
        """
        return _public(
            self,
            lambda people: people.filter(
                self._in_published_articles()
                | Exists(Position.objects.public().filter(person=OuterRef("pk")))
            ),
        )


class Person(models.Model):
    name = models.CharField(_("name"), max_length=100, db_index=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=True)
    description = models.TextField(_("description"), blank=True)
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=VERSION_HELP
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name", "slug"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="person_name_not_empty"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:person-detail", kwargs={"slug": self.slug})


class PersonAlias(models.Model):
    """Another name a person goes by in the texts."""

    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="aliases",
    )
    name = models.CharField(_("alias"), max_length=100)
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=VERSION_HELP
    )

    class Meta:
        verbose_name = _("person alias")
        verbose_name_plural = _("person aliases")
        ordering = ["person", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "name"], name="person_alias_unique"
            ),
            models.CheckConstraint(
                condition=~Q(name=""), name="person_alias_not_empty"
            ),
        ]
        indexes = [models.Index(fields=["name"], name="person_alias_name_idx")]

    def __str__(self):
        return self.name


class PositionQuerySet(models.QuerySet):
    def public(self):
        """Positions the public may see: reference entries (reported in no
        article) and those reported in a published one, not those known only
        from a draft or a scheduled article."""
        return self.filter(
            Q(reported_in__isnull=True) | published_condition("reported_in__")
        )

    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(
            Q(start_date__isnull=True) | Q(start_date__lte=on),
            Q(end_date__isnull=True) | Q(end_date__gte=on),
        )


class Position(models.Model):
    """A title a person holds at an organization (伍建民: 北科院 院长).

    ``title`` is the title as the text writes it (靳伟 holds 市委常委 at the
    Beijing party committee and 副市长 at 北京市人民政府); an organization named
    once before a list of titles is not repeated in each (科技部党组书记、部长:
    党组书记 and 部长 at 科技部).
    """

    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="positions",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="positions",
    )
    title = models.CharField(_("job title"), max_length=100)
    order = models.PositiveSmallIntegerField(
        _("order"),
        default=0,
        help_text=_("Order of this title among the person's titles."),
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    reported_in = models.ForeignKey(
        "Article",
        verbose_name=_("reported in"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reported_positions",
        help_text=_("The article that reported this title."),
    )
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=VERSION_HELP
    )

    objects = PositionQuerySet.as_manager()

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["person", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organization", "title"], name="position_unique"
            ),
            models.CheckConstraint(
                condition=~Q(title=""), name="position_title_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="position_dates_ordered",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organization", "title"], name="position_org_title_idx"
            )
        ]

    def __str__(self):
        return f"{self.person.name} · {self.organization.name} {self.title}"


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """The one definition of "public": published, and not scheduled for later."""
        return self.filter(published_condition())

    def drafts(self):
        return self.filter(status=Article.Status.DRAFT)

    def scheduled(self):
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=Now())

    def mentioning_person(self, person):
        return self.filter(person_mentions__person=person).distinct()

    def mentioning_organization(self, organization):
        return self.filter(organization_mentions__organization=organization).distinct()

    def in_section(self, slug):
        """Articles of the section ``slug`` or of one of its subsections."""
        return self.filter(Q(section__slug=slug) | Q(section__parent__slug=slug))

    def published_by(self, slug):
        return self.filter(publisher__slug=slug)

    def tagged(self, slug):
        return self.filter(
            pk__in=Article.tags.through.objects.filter(tag__slug=slug).values("article")
        )

    def naming_person(self, slug):
        """Articles mentioning the person ``slug`` (a subquery: no repeats)."""
        return self.filter(
            pk__in=PersonMention.objects.filter(person__slug=slug).values("article")
        )

    def naming_organization(self, slug):
        return self.filter(
            pk__in=OrganizationMention.objects.filter(organization__slug=slug).values(
                "article"
            )
        )

    def published_between(self, first=None, last=None):
        """Published on or after the date ``first`` and on or before ``last``
        (local dates, either may be None)."""
        articles = self
        if first:
            articles = articles.filter(published_at__date__gte=first)
        if last:
            articles = articles.filter(published_at__date__lte=last)
        return articles

    def with_related(self):
        return self.select_related(
            "section__parent", "publisher", "event_place"
        ).prefetch_related("tags")

    def with_lead_photo(self):
        """Prefetch the photos that have files (one query), for ``lead_photo``."""
        return self.prefetch_related(
            models.Prefetch(
                "photos",
                queryset=Photo.objects.with_image(),
                to_attr="photos_with_image",
            )
        )

    def search(self, query):
        """Articles matching ``query``, best first (``articles.search``)."""
        from .search import search_articles

        return search_articles(self, query)


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    title = models.CharField(_("title"), max_length=300)
    subtitle = models.CharField(
        _("subtitle"), max_length=300, blank=True, help_text=_("副题, if any.")
    )
    slug = models.SlugField(_("slug"), max_length=200, unique=True, allow_unicode=True)
    lede = models.TextField(
        _("lede"), blank=True, help_text=_("导语, stored verbatim.")
    )
    body = models.TextField(
        _("body"),
        help_text=_("Paragraphs verbatim, separated by a blank line."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("published at"),
        null=True,
        blank=True,
        help_text=_("A published article dated in the future is scheduled."),
    )
    published_time_known = models.BooleanField(
        _("time of day known"),
        default=True,
        help_text=_(
            "Untick when the source gives only the date: pages then show no time."
        ),
    )
    section = models.ForeignKey(
        Section,
        verbose_name=_("section"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
    )
    publisher = models.ForeignKey(
        Organization,
        verbose_name=_("publisher"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="published_articles",
        help_text=_("The organization whose site published the article."),
    )
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    event_date = models.DateField(_("event date"), null=True, blank=True)
    event_place = models.ForeignKey(
        Organization,
        verbose_name=_("event place"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_events",
    )
    tags = models.ManyToManyField(
        Tag, verbose_name=_("tags"), blank=True, related_name="articles"
    )
    people = models.ManyToManyField(
        Person,
        verbose_name=_("people mentioned"),
        through="PersonMention",
        related_name="articles",
        blank=True,
    )
    organizations = models.ManyToManyField(
        Organization,
        verbose_name=_("organizations mentioned"),
        through="OrganizationMention",
        related_name="articles",
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=VERSION_HELP
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at", "-pk"]
        get_latest_by = "published_at"
        permissions = [("publish_article", _("Can publish and unpublish articles"))]
        constraints = [
            models.CheckConstraint(
                condition=~Q(title=""), name="article_title_not_empty"
            ),
            models.CheckConstraint(
                condition=~Q(body=""), name="article_body_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="article_published_has_date",
            ),
        ]
        indexes = [
            # The public lists' filter and order (status, then newest first, the
            # id breaking ties): pages, counts and deep pages read the index only.
            models.Index(
                fields=["status", "-published_at", "-id"],
                name="article_status_date_idx",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("articles:article-detail", kwargs={"slug": self.slug})

    @property
    def lead_photo(self):
        """The first photo with an image file, or None (captions alone don't count)."""
        photos = getattr(self, "photos_with_image", None)
        if photos is None:
            photos = list(self.photos.with_image()[:1])
        return photos[0] if photos else None

    @property
    def paragraphs(self):
        return [p for p in self.body.split(PARAGRAPH_SEPARATOR) if p.strip()]

    def describe(self, length=120):
        """A plain-text summary for meta descriptions and feeds."""
        text = self.lede or next(iter(self.paragraphs), "") or self.title
        return Truncator(" ".join(text.split())).chars(length)

    @property
    def directive_items(self):
        """The article's directives, set by set (uses prefetched sets and items)."""
        return [
            item
            for directive_set in self.directive_sets.all()
            for item in directive_set.items.all()
        ]

    @property
    def is_public(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )


class Credit(models.Model):
    """A byline, photo credit, editor or source line (办公室/文, 来源:…)."""

    class Role(models.TextChoices):
        WRITER = "writer", _("writer (文)")
        PHOTOGRAPHER = "photographer", _("photographer (摄)")
        EDITOR = "editor", _("editor (编辑)")
        SOURCE = "source", _("source (来源)")

    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="credits",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    name = models.CharField(_("name as printed"), max_length=200)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credits",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("credit")
        verbose_name_plural = _("credits")
        ordering = ["article", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "role", "name"], name="credit_unique_per_article"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="credit_name_not_empty"),
        ]

    def __str__(self):
        return f"{self.get_role_display()}: {self.name}"


class PhotoQuerySet(models.QuerySet):
    def with_image(self):
        """Photos that have an image file (the seeds kept only captions)."""
        return self.exclude(image="")


class Photo(models.Model):
    """A photo of an article: an image file with its caption and credit.

    ``renditions`` maps a width in pixels to the storage name of a resized JPEG,
    made once when the image is saved (``services.photo_make_renditions``).
    """

    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="photos",
    )
    caption = models.CharField(_("caption"), max_length=300)
    credit = models.CharField(
        _("photo credit"),
        max_length=200,
        blank=True,
        help_text=_("Who took it, as printed, e.g. 科学传播中心."),
    )
    image = models.ImageField(
        _("image file"),
        upload_to="photos/%Y/%m/",
        blank=True,
        width_field="width",
        height_field="height",
    )
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)
    renditions = models.JSONField(_("renditions"), default=dict, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = PhotoQuerySet.as_manager()

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["article", "order", "pk"]

    def __str__(self):
        return self.caption

    def rendition_urls(self):
        """(width, URL) of each rendition, narrowest first."""
        storage = self.image.storage
        return [
            (int(width), storage.url(name))
            for width, name in sorted(
                self.renditions.items(), key=lambda item: int(item[0])
            )
        ]

    @property
    def srcset(self):
        return ", ".join(f"{url} {width}w" for width, url in self.rendition_urls())

    def url_for(self, width):
        """The smallest rendition at least ``width`` wide (or the largest)."""
        urls = self.rendition_urls()
        for rendition_width, url in urls:
            if rendition_width >= width:
                return url
        if urls:
            return urls[-1][1]
        return self.image.url if self.image else ""

    @property
    def thumbnail_url(self):
        return self.url_for(320)

    @property
    def large_url(self):
        return self.url_for(1200)


class MentionRole(models.TextChoices):
    HOST = "host", _("presided (主持)")
    SPEAKER = "speaker", _("spoke (讲话)")
    REPORTER = "reporter", _("reported (作报告)")
    RELAYED = "relayed", _("relayed (传达)")
    ATTENDEE = "attendee", _("attended (出席)")
    PARTICIPANT = "participant", _("took part (参加)")
    ORGANIZER = "organizer", _("organized (主办)")
    SUPERVISOR = "supervisor", _("supervised (监督)")
    MENTIONED = "mentioned", _("mentioned (提及)")


class PersonMention(models.Model):
    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="person_mentions",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="mentions",
    )
    role = models.CharField(_("role"), max_length=20, choices=MentionRole.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("person mention")
        verbose_name_plural = _("person mentions")
        ordering = ["article", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "person", "role"], name="person_mention_unique"
            ),
        ]

    def __str__(self):
        return f"{self.person.name} ({self.get_role_display()})"


class OrganizationMention(models.Model):
    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="organization_mentions",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="mentions",
    )
    role = models.CharField(_("role"), max_length=20, choices=MentionRole.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("organization mention")
        verbose_name_plural = _("organization mentions")
        ordering = ["article", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "organization", "role"],
                name="organization_mention_unique",
            ),
        ]

    def __str__(self):
        return f"{self.organization.name} ({self.get_role_display()})"


CHINESE_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
CHINESE_UNITS = {"十": 10, "百": 100}
STATED_COUNT = re.compile(
    r"([0-9０-９]+|[零〇一二两三四五六七八九十百]+)\s*个?\s*(?:点|条|项|方面|件)"
)


def chinese_number(text):
    """The value of a number written in digits or Chinese numerals (四, 十四, 二十)."""
    text = text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if text.isdigit():
        return int(text)
    total, digit = 0, None
    for char in text:
        if char in CHINESE_DIGITS:
            digit = CHINESE_DIGITS[char]
        elif char in CHINESE_UNITS:
            total += (1 if digit is None else digit) * CHINESE_UNITS[char]
            digit = None
        else:
            return None
    return total + (digit or 0)


def stated_count(heading):
    """The number of items a set's heading announces, or None.

    四点要求 ⇒ 4, 十四个方面的工作 ⇒ 14, 3项任务 ⇒ 3; a heading without a count
    (or a blank one) states none.
    """
    match = STATED_COUNT.search(heading or "")
    return chinese_number(match.group(1)) if match else None


class DirectiveSetQuerySet(models.QuerySet):
    def published(self):
        """Sets of public articles: the only ones anonymous readers may see."""
        return self.filter(published_condition("article__"))

    def by_issuer(self, person):
        return self.filter(issuer=person)

    def addressed_to(self, organization):
        return self.filter(addressees=organization).distinct()

    def with_related(self):
        return (
            self.select_related("article", "issuer", "position__organization")
            .defer("article__body", "article__lede")
            .prefetch_related("addressees")
        )


class DirectiveKind(models.TextChoices):
    REQUIREMENT = "requirement", _("requirement (要求)")
    EMPHASIS = "emphasis", _("emphasis (强调)")
    STATEMENT = "statement", _("statement (指出)")
    ARRANGEMENT = "arrangement", _("arrangement (部署)")


class DirectiveSet(models.Model):
    """The directives a leader issues together in an article (刘晖 · 四点要求).

    What the items share is stated once: who issued them, in which position, to
    whom, under which heading (as the text writes it; blank when it gives none)
    and of which kind. ``number`` is the set's place among the article's sets.
    """

    Kind = DirectiveKind

    article = models.ForeignKey(
        "Article",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="directive_sets",
    )
    number = models.PositiveSmallIntegerField(
        _("set number"),
        default=1,
        help_text=_("The set's place among the article's sets."),
    )
    issuer = models.ForeignKey(
        Person,
        verbose_name=_("issuer"),
        on_delete=models.PROTECT,
        related_name="directive_sets",
    )
    position = models.ForeignKey(
        Position,
        verbose_name=_("issued as"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directive_sets",
        help_text=_("The position the issuer held when issuing it."),
    )
    heading = models.CharField(
        _("set heading"),
        max_length=100,
        blank=True,
        help_text=_(
            "As the text gives it, e.g. 四点要求; blank when the set has none."
        ),
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.REQUIREMENT
    )
    addressees = models.ManyToManyField(
        Organization,
        verbose_name=_("addressees"),
        blank=True,
        related_name="directive_sets_received",
    )
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=VERSION_HELP
    )

    objects = DirectiveSetQuerySet.as_manager()

    class Meta:
        verbose_name = _("directive set")
        verbose_name_plural = _("directive sets")
        ordering = ["article", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "number"], name="directiveset_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="directiveset_number_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["issuer", "article"], name="directiveset_issuer_idx"),
            models.Index(fields=["heading"], name="directiveset_heading_idx"),
            models.Index(fields=["kind"], name="directiveset_kind_idx"),
        ]

    def __str__(self):
        return f"{self.issuer.name} · {self.label}"

    def get_absolute_url(self):
        """The set's own page (its permalink); the article anchors it too."""
        return reverse("articles:directiveset-detail", kwargs={"pk": self.pk})

    @property
    def date(self):
        """When it was issued: the event's date, else the article's (Beijing)."""
        if self.article.event_date:
            return self.article.event_date
        if self.article.published_at:
            return timezone.localdate(self.article.published_at)
        return None

    @property
    def label(self) -> str:
        """The heading as written, or the kind when the text gives no heading."""
        return self.heading or self.get_kind_display()

    @property
    def stated_count(self) -> int | None:
        return stated_count(self.heading)

    def count_mismatch(self, item_count):
        """``(stated, actual)`` when the heading announces another number of
        items than ``item_count``; None when they agree or no count is stated."""
        stated = self.stated_count
        if stated is None or stated == item_count:
            return None
        return stated, item_count

    def next_ordinal(self):
        """The ordinal an added item takes: one after the set's last."""
        last = self.items.aggregate(models.Max("ordinal"))["ordinal__max"]
        return (last or 0) + 1


class DirectiveQuerySet(models.QuerySet):
    def published(self):
        """Items of public articles: the only ones anonymous readers may see."""
        return self.filter(published_condition("directive_set__article__"))

    def by_issuer(self, person):
        return self.filter(directive_set__issuer=person)

    def addressed_to(self, organization):
        return self.filter(
            directive_set__in=DirectiveSet.objects.filter(addressees=organization)
        )

    def with_related(self):
        # Lists of directives name their article; they never show its text.
        return (
            self.select_related(
                "directive_set__article",
                "directive_set__issuer",
                "directive_set__position__organization",
            )
            .defer("directive_set__article__body", "directive_set__article__lede")
            .prefetch_related("directive_set__addressees")
        )


FIRST_CLAUSE = re.compile(r"^[^,，;；。:：!！?？]+")


def first_clause(text):
    """The text up to its first clause-ending punctuation mark."""
    match = FIRST_CLAUSE.match(text.strip())
    return match.group(0) if match else text.strip()


def locate(body, text, start=0):
    """``(span_start, span_end)`` of ``text`` in ``body`` at or after ``start``
    (else anywhere), or ``(None, None)`` if the body does not contain it."""
    found = body.find(text, start)
    if found < 0:
        found = body.find(text)
    if found < 0 or not text:
        return None, None
    return found, found + len(text)


class Directive(models.Model):
    """One item of a directive set, verbatim (刘晖 · 四点要求 2).

    ``span_start``/``span_end`` locate the text in the article body
    (``body[span_start:span_end] == text``) when it is quoted there.
    """

    Kind = DirectiveKind

    directive_set = models.ForeignKey(
        DirectiveSet,
        verbose_name=_("directive set"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    ordinal = models.PositiveSmallIntegerField(_("ordinal"), default=1)
    text = models.TextField(_("text"), help_text=_("Verbatim from the article body."))
    summary = models.CharField(
        _("summary"), max_length=300, blank=True, help_text=_("Its first clause.")
    )
    span_start = models.PositiveIntegerField(
        _("start in body"),
        null=True,
        blank=True,
        help_text=_("Where the text begins in the article body (in characters)."),
    )
    span_end = models.PositiveIntegerField(
        _("end in body"),
        null=True,
        blank=True,
        help_text=_("Where the text ends in the article body (in characters)."),
    )
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=VERSION_HELP
    )

    objects = DirectiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("directive")
        verbose_name_plural = _("directives")
        ordering = ["directive_set__article", "directive_set__number", "ordinal"]
        constraints = [
            models.UniqueConstraint(
                fields=["directive_set", "ordinal"],
                name="directive_ordinal_unique_in_set",
            ),
            models.CheckConstraint(
                condition=Q(ordinal__gte=1), name="directive_ordinal_positive"
            ),
            models.CheckConstraint(
                condition=~Q(text=""), name="directive_text_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(span_start__isnull=True, span_end__isnull=True)
                | Q(
                    span_start__isnull=False,
                    span_end__gt=models.F("span_start"),
                ),
                name="directive_span_ordered",
            ),
        ]

    def __str__(self):
        summary = self.summary or self.text[:30]
        return f"{self.directive_set} {self.ordinal}: {summary}"

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#directive-{self.pk}"

    @property
    def article(self):
        return self.directive_set.article

    @property
    def issuer(self):
        return self.directive_set.issuer

    @property
    def position(self):
        return self.directive_set.position

    @property
    def kind(self):
        return self.directive_set.kind

    @property
    def set_heading(self):
        return self.directive_set.heading

    @property
    def set_label(self):
        return self.directive_set.label

    def locate_in(self, body):
        """Set the span from where ``body`` quotes the text (None if it does not)."""
        self.span_start, self.span_end = locate(body, self.text, self.span_start or 0)


class ImportRecord(models.Model):
    """Where an imported article came from, so that importing it again updates
    its draft instead of duplicating it (see ``articles.services.imports``).

    A source is known by its URL when the page gives one, else by a hash of its
    title and body. ``article_version`` is the article's version as the import
    left it: a higher version means an editor has changed it since.
    """

    article = models.OneToOneField(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="import_record",
    )
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    text_hash = models.CharField(
        _("text hash"),
        max_length=64,
        help_text=_("SHA-256 of the imported title and body."),
    )
    article_version = models.PositiveIntegerField(
        _("article version after import"), default=1
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now=True)

    class Meta:
        verbose_name = _("import record")
        verbose_name_plural = _("import records")
        ordering = ["-imported_at"]
        indexes = [
            models.Index(fields=["source_url"], name="import_record_url_idx"),
            models.Index(fields=["text_hash"], name="import_record_hash_idx"),
        ]

    def __str__(self):
        return self.source_url or self.text_hash[:12]


class SearchEntry(models.Model):
    """An article's text as search matches it, kept by ``articles.search.index``.

    ``text`` is the folded title, subtitle, lede and body (Simplified, half width,
    lower case) for the exact-phrase check; ``status`` and ``published_at``
    mirror the article's. The token index beside it is
    backend-specific and outside the ORM: a GIN-indexed ``tsvector`` column on
    PostgreSQL, an FTS5 table on SQLite (migration 0009).
    """

    article = models.OneToOneField(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_entry",
    )
    text = models.TextField(_("searchable text"))
    # Copies of the article's, so one index walk filters what the public may
    # see and yields the newest matches first (bounded search).
    status = models.CharField(
        _("status"), max_length=10, choices=Article.Status.choices, default="draft"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        ordering = ["article"]
        indexes = [
            models.Index(
                fields=["status", "-published_at", "-article"],
                name="searchentry_status_date_idx",
            )
        ]

    def __str__(self):
        return str(self.article_id)
