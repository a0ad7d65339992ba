"""The public site: pages over ``Article.objects.published()`` and what it names.

Every page runs a fixed number of queries whatever its list lengths; list pages
paginate. Conditional GET is ``ConditionalGetMiddleware``'s ``ETag`` of the
rendered page (see ``urls.py``).
"""

import datetime
import functools
import json
from urllib.parse import urlencode

import segno
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView, TemplateView

from . import cache, charts, search, visibility
from .forms import SEARCH_MAX_LENGTH, DirectiveFilterForm, SearchForm
from .models import (
    PARAGRAPH_SEPARATOR,
    Article,
    Credit,
    Directive,
    DirectiveSet,
    Organization,
    OrganizationMention,
    Person,
    PersonMention,
    Position,
    Section,
    published_condition,
)
from .pagination import SeekPaginator
from .search import search_terms

DESCRIPTION_LENGTH = 120

# Person and organization pages show the newest of their articles and directives
# (complete sets) and link to the full, paginated lists. The caps keep those pages
# within about twice an article page's work (issue 11).
RECENT_ARTICLES = 10
RELATED_ARTICLES = 5
# Mention rows ranked for the related articles (newest first), whatever the
# number of articles naming the same people and organizations.
RELATED_CANDIDATES = 2000

# The QR codes' mask pattern (0-7): any is valid; see qr_svg.
QR_MASK = 0

# JSON inside <script> must not be able to close the element (as json_script does).
JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def describe(article):
    return article.describe(DESCRIPTION_LENGTH)


def recent(articles):
    """The newest ``RECENT_ARTICLES`` of ``articles``, and whether there are more.

    One query: a row beyond the limit tells that the list goes on.
    """
    rows = list(
        articles.defer("body").order_by("-published_at", "-pk")[: RECENT_ARTICLES + 1]
    )
    return rows[:RECENT_ARTICLES], len(rows) > RECENT_ARTICLES


def directive_order(queryset):
    """Newest article first, then the sets and their items in the text's order."""
    # Newest first on (published_at, id), as the article index orders them, so
    # the database walks that index instead of sorting every directive.
    return queryset.order_by(
        "-directive_set__article__published_at",
        "-directive_set__article_id",
        "directive_set__number",
        "ordinal",
    )


class RecordsFragmentListMixin:
    """A list page whose content (``main_template``) is a
    ``cache.RecordsFragment`` per query string, tagged by ``records(context)``:
    a hit reads no row. ``outer(context)`` gives what the page shows around
    the content (title, robots), kept with it."""

    fragment_name = None
    # The stored value's format (see RecordsFragment): (status, outer, main).
    fragment_shape = "list:1"
    main_template = None

    def get(self, request, *args, **kwargs):
        fragment = cache.RecordsFragment(
            self.fragment_name,
            self.fragment_shape,
            request.GET.urlencode(),
            request.get_host(),
        )
        if fragment.value is None:
            self.prepare(request)
            self.object_list = self.get_queryset()
            context = self.get_context_data()
            main = get_template(self.main_template).render(context, request)
            stored = (self.status(), self.outer(context), main)
            fragment.store(stored, self.records(context))
        else:
            stored = fragment.value
        status, outer, main = stored
        return self.render_to_response(
            {"view": self, "main": mark_safe(main), **outer},  # rendered (escaped)
            status=status,
        )

    def get_template_names(self):
        return [self.template_name]  # a hit has no object list to name one

    def prepare(self, request):
        """Before the rows are read on a miss (a filter form, say)."""

    def status(self):
        return 200

    def outer(self, context):
        return {}

    def records(self, context):
        raise NotImplementedError


class ArticleListView(RecordsFragmentListMixin, ListView):
    """Home: the latest published articles."""

    paginate_by = 10
    paginator_class = SeekPaginator
    context_object_name = "articles"
    template_name = "articles/article_list.html"
    fragment_name = "home"
    main_template = "articles/partials/article_list_main.html"

    def get_queryset(self):
        # Cards show the lede, never the body.
        return (
            Article.objects.published().with_related().with_lead_photo().defer("body")
        )

    def outer(self, context):
        return {"page_number": context["page_obj"].number}

    def records(self, context):
        """Which articles are public and their order, and the cards'."""
        return {
            cache.ARTICLE_INDEX_TAG,
            *(f"article:{article.pk}" for article in context["articles"]),
        }


class RecordsFragmentDetailMixin:
    """A page of one record whose content is a ``cache.RecordsFragment``
    (``render_parts``, tagged by ``records``), found by the record's slug.

    A hit reads no row at all, not even for the visibility rule: the fields
    the page shows around the content (``outer_fields``) and whether the
    public may see the record are kept with it. That is as fresh as the
    content, since every write that can change either names the record
    (``cache._row_tags``: its own row, a mention, a title, a set, an
    article's publication, publisher or place), and a slug is freed only by
    a write to the record that held it. A miss reads the row through the
    visibility rule after the fragment's tick, and keeps a hidden record's
    404 the same way.
    """

    fragment_name = None  # the records' tag too: "article" for article:12
    # The stored value's format (see RecordsFragment): {"outer", "parts"}.
    fragment_shape = "by-slug:1"
    fragment_cache = True
    outer_fields = ("slug", "name", "description")

    def fragment_parts(self):
        """What the content differs by besides the record: the host its
        links name."""
        return (self.request.get_host(),)

    def get_object(self, queryset=None):
        self.fragment = None
        if not (self.fragment_cache and cache.Fragment.is_enabled()):
            return super().get_object(queryset)
        slug = self.kwargs[self.slug_url_kwarg]
        self.fragment = cache.RecordsFragment(
            self.fragment_name, self.fragment_shape, slug, *self.fragment_parts()
        )
        stored = self.fragment.value
        if stored is not None:
            if stored["outer"] is None:
                raise Http404
            return self.model(**stored["outer"])  # the row as the page shows it
        shown = self.get_queryset().filter(slug=slug).first()
        if shown is None:
            hidden = (
                self.model._default_manager.filter(slug=slug)
                .values_list("pk", flat=True)
                .first()
            )
            if hidden is not None:
                self.fragment.store({"outer": None}, {f"{self.fragment_name}:{hidden}"})
            raise Http404
        return shown

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        stored = self.fragment.value if self.fragment else None
        if stored is None:
            full = self.page_context(dict(context))
            record = self.object
            stored = {
                "outer": {
                    "pk": record.pk,
                    **{name: getattr(record, name) for name in self.outer_fields},
                },
                "parts": self.render_parts(full),
            }
            if self.fragment:
                self.fragment.store(stored, self.records(full))
        context.update(self.shown_parts(stored["parts"]))
        return context

    def render_parts(self, context):
        return get_template(self.main_template).render(context, self.request)

    def shown_parts(self, main):
        record = self.object
        return {
            "main": mark_safe(main),  # rendered (escaped) by render_parts
            "description": record.description
            or (str(self.default_description) % {"name": record.name}),
        }


class ArticleDetailView(RecordsFragmentDetailMixin, DetailView):
    """One article with its people, organizations and directives.

    The context is built from ``self.object`` only, so a subclass with another
    queryset (the admin's staff preview of drafts) renders the same page.
    """

    model = Article
    context_object_name = "article"
    template_name = "articles/article_detail.html"
    # The public page's head tags and content are a records fragment; the
    # admin's preview of drafts (fragment_cache off) renders them each time.
    fragment_name = "article"
    head_template = "articles/partials/article_head.html"
    main_template = "articles/partials/article_main.html"
    article_related = ("section__parent", "publisher", "event_place")
    outer_fields = ("slug", "title")

    def fragment_parts(self):
        # Absolute URLs (share link, QR code, JSON-LD) name the scheme and host.
        return (self.request.scheme, self.request.get_host())

    def get_queryset(self):
        return self.full_queryset()

    def full_queryset(self):
        return visibility.visible_articles().select_related(*self.article_related)

    def render_parts(self, context):
        request = self.request
        return {
            "description": context["description"],
            "head": get_template(self.head_template).render(context, request),
            "main": get_template(self.main_template).render(context, request),
        }

    def records(self, context):
        return shown_records(context)

    def shown_parts(self, parts):
        return {
            "description": parts["description"],
            "article_head": mark_safe(parts["head"]),  # rendered (escaped) above
            "article_main": mark_safe(parts["main"]),
        }

    def page_context(self, context):
        """Everything the article's head tags and content show."""
        article = self.object
        prefetch_related_objects(
            [article],
            "tags",
            "photos",
            Prefetch("credits", queryset=Credit.objects.select_related("organization")),
            Prefetch(
                "person_mentions",
                queryset=PersonMention.objects.select_related("person"),
            ),
            Prefetch(
                "organization_mentions",
                queryset=OrganizationMention.objects.select_related("organization"),
            ),
            Prefetch(
                "directive_sets",
                queryset=DirectiveSet.objects.with_related().order_by("number"),
            ),
            Prefetch("directive_sets__items", queryset=Directive.objects.all()),
        )
        credits = article.credits.all()
        directive_sets = list(article.directive_sets.all())
        photos = list(article.photos.all())
        with_image = [photo for photo in photos if photo.image]
        lead = with_image[0] if with_image else None
        context.update(
            breadcrumbs=article.section.ancestry() if article.section else [],
            people=_mentioned(article.person_mentions.all(), "person"),
            organizations=_mentioned(
                article.organization_mentions.all(), "organization"
            ),
            directive_sets=directive_sets,
            key_points=directive_sets,
            body=_marked_paragraphs(article, directive_sets),
            show_lede=bool(article.lede)
            and " ".join(article.lede.split()) not in " ".join(article.body.split()),
            lead_photo=lead,
            gallery=with_image[1:],
            captions_only=[photo for photo in photos if not photo.image],
            image_url=self.request.build_absolute_uri(lead.large_url) if lead else "",
            credit_lines=_credit_lines(credits),
            sources=[c for c in credits if c.role == Credit.Role.SOURCE],
            related=related_articles(article),
            share_url=self.request.build_absolute_uri(article.get_absolute_url()),
            share_qr=qr_svg(
                self.request.build_absolute_uri(article.get_absolute_url())
            ),
            description=describe(article),
            json_ld=self.json_ld(article, credits, lead),
        )
        return context

    def json_ld(self, article, credits, lead=None):
        """schema.org ``NewsArticle`` for search engines, as safe script text."""
        request = self.request
        url = request.build_absolute_uri(article.get_absolute_url())
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": article.title,
            "description": describe(article),
            "inLanguage": "zh-CN",
            "url": url,
            "mainEntityOfPage": {"@type": "WebPage", "@id": url},
            "dateModified": article.updated_at.isoformat(),
        }
        if article.published_at and article.published_time_known:
            data["datePublished"] = article.published_at.isoformat()
        elif article.published_at:
            data["datePublished"] = timezone.localdate(article.published_at).isoformat()
        if article.publisher:
            data["publisher"] = {
                "@type": "Organization",
                "name": article.publisher.name,
                "url": request.build_absolute_uri(article.publisher.get_absolute_url()),
            }
        else:
            data["publisher"] = {"@type": "Organization", "name": _("Newsroom")}
        authors = [
            {
                "@type": "Organization" if credit.organization_id else "Person",
                "name": credit.organization.name
                if credit.organization_id
                else credit.name,
            }
            for credit in credits
            if credit.role == Credit.Role.WRITER
        ]
        if authors:
            data["author"] = authors
        if lead is not None:
            data["image"] = [
                request.build_absolute_uri(url) for _width, url in lead.rendition_urls()
            ] or [request.build_absolute_uri(lead.image.url)]
        if article.section:
            data["articleSection"] = article.section.name
        keywords = [tag.name for tag in article.tags.all()]
        if keywords:
            data["keywords"] = keywords
        return json.dumps(data, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)


def shown_records(context):
    """The tags (``cache.RecordsFragment``) of every record the article page's
    content shows: the article, the people and organizations it names, issues
    to or credits, and its related articles."""
    article = context["article"]
    people = {entry["entity"].pk for entry in context["people"]}
    organizations = {entry["entity"].pk for entry in context["organizations"]}
    organizations.update(
        pk for pk in (article.publisher_id, article.event_place_id) if pk
    )
    organizations.update(
        credit.organization_id
        for credit in article.credits.all()
        if credit.organization_id
    )
    for directive_set in context["directive_sets"]:
        _name_set(directive_set, people, organizations)
    return {
        f"article:{article.pk}",
        *(f"article:{related.pk}" for related in context["related"]),
        *(f"person:{pk}" for pk in people),
        *(f"organization:{pk}" for pk in organizations),
    }


def _name_set(directive_set, people, organizations):
    """Add the ids of the people and organizations a set's heading shows."""
    people.add(directive_set.issuer_id)
    if directive_set.position is not None:
        people.add(directive_set.position.person_id)
        organizations.add(directive_set.position.organization_id)
    organizations.update(o.pk for o in directive_set.addressees.all())


class ArticlePreviewView(ArticleDetailView):
    """Any article's page as the public will see it, under a 预览 banner.

    For staff who may see unpublished articles (``visibility``); the admin
    links here by URL name. Others are sent to log in (403 when logged in
    without the right); the public page itself still 404s for drafts.
    """

    template_name = "articles/article_preview.html"
    pk_url_kwarg = "pk"
    fragment_cache = False

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not (user.is_active and user.is_staff):
            return redirect_to_login(
                request.get_full_path(), reverse("admin:login"), REDIRECT_FIELD_NAME
            )
        if not visibility.can_see_unpublished(user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def full_queryset(self):
        return visibility.visible_articles(self.request.user).select_related(
            *self.article_related
        )

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Cache-Control"] = "private, no-store"
        return response


# The byline's roles in print order: 文, 摄, 编辑 (来源 goes at the foot).
_BYLINE_ROLES = [Credit.Role.WRITER, Credit.Role.PHOTOGRAPHER, Credit.Role.EDITOR]
_ROLE_LABELS = {
    Credit.Role.WRITER: "文",
    Credit.Role.PHOTOGRAPHER: "摄",
    Credit.Role.EDITOR: "编辑",
    Credit.Role.SOURCE: "来源",
}


def _credit_lines(credits):
    """The byline as (role label, credits) in print order: 文：办公室 · 摄：…"""
    lines = []
    for role in _BYLINE_ROLES:
        names = [credit for credit in credits if credit.role == role]
        if names:
            lines.append({"label": _ROLE_LABELS[role], "credits": names})
    return lines


def _marked_paragraphs(article, directive_sets):
    """The body's paragraphs as runs of text, each directive item's words marked.

    Each paragraph is a list of ``(text, item_or_None)``. An item is marked by
    its stored span (``body[span_start:span_end] == text``); the mark carries the
    item's anchor so the 要点 box can link to it. Items without a span, or
    whose span no longer matches the text, stay unmarked and are shown in full
    in the 要点 box instead (``item.in_body`` tells which).
    """
    body = article.body
    spans = []
    for directive_set in directive_sets:
        for item in directive_set.items.all():
            item.in_body = (
                item.span_start is not None
                and item.span_end is not None
                and body[item.span_start : item.span_end] == item.text
            )
            if item.in_body:
                spans.append((item.span_start, item.span_end, item))
    spans.sort(key=lambda span: span[0])
    result, offset = [], 0
    for raw in body.split(PARAGRAPH_SEPARATOR):
        start, end = offset, offset + len(raw)
        offset = end + len(PARAGRAPH_SEPARATOR)
        if not raw.strip():
            continue
        runs, position = [], start
        for span_start, span_end, item in spans:
            span_start, span_end = max(span_start, position), min(span_end, end)
            if span_end <= span_start or span_start < position:
                continue  # outside this paragraph, or overlapping an earlier mark
            if span_start > position:
                runs.append((body[position:span_start], None))
            runs.append((body[span_start:span_end], item))
            position = span_end
        if position < end:
            runs.append((body[position:end], None))
        result.append(runs)
    return result


def related_articles(article, limit=RELATED_ARTICLES):
    """Published articles sharing the most people and organizations (3 queries).

    The mention rows of the article's people and organizations (by the mention
    tables' foreign key indexes, with each article's date) are ranked here:
    shared names, then newest first. Grouping and counting in the database
    joined both mention tables per candidate, which multiplied the rows (16 ms
    at 100,000 articles against 1 ms for this). Then only the winners' rows.
    A name in a large share of the archive would make that list long: only
    the newest ``RELATED_CANDIDATES`` mention rows are ranked.
    """
    people = PersonMention.objects.filter(article=article).values("person")
    organizations = OrganizationMention.objects.filter(article=article).values(
        "organization"
    )
    # Tagged 0 (person) and 1 (organization), so equal ids stay apart.
    rows = (
        PersonMention.objects.filter(published_condition("article__"))
        .filter(person__in=people)
        .exclude(article=article)
        .annotate(kind=Value(0))
        .order_by()
        .values_list("article", "article__published_at", "kind", "person")
        .union(
            OrganizationMention.objects.filter(published_condition("article__"))
            .filter(organization__in=organizations)
            .exclude(article=article)
            .annotate(kind=Value(1))
            .order_by()
            .values_list("article", "article__published_at", "kind", "organization"),
            all=True,
        )
        .order_by("-article__published_at")[:RELATED_CANDIDATES]
    )
    shared, dates = {}, {}
    for pk, published_at, kind, entity in rows:
        shared.setdefault(pk, set()).add((kind, entity))
        dates[pk] = published_at
    ranked = sorted(
        shared, key=lambda pk: (len(shared[pk]), dates[pk], pk), reverse=True
    )[:limit]
    if not ranked:
        return []
    found = {
        related.pk: related
        for related in Article.objects.published()
        .filter(pk__in=ranked)
        .defer("body")
        .select_related("section__parent")
        .with_lead_photo()
    }
    for pk in found:
        found[pk].shared = len(shared[pk])
    # One unpublished between the two queries is left out.
    return [found[pk] for pk in ranked if pk in found]


@functools.lru_cache(maxsize=1024)
def qr_svg(url):
    """A QR code of ``url`` as inline SVG (made here, no external service).

    The mask pattern is fixed: every mask gives a valid code, and scoring all
    eight to pick the "best" was three quarters of the code's cost (about 4 ms
    of an article page's first render). The same URL gives the same SVG, so
    each process keeps the latest ones.
    """
    code = segno.make(url, error="m", micro=False, mask=QR_MASK)
    return mark_safe(  # segno escapes nothing user-given: the URL is encoded as modules
        code.svg_inline(scale=3, border=2, dark="#1f2328", light="#ffffff", title="")
    )


def _mentioned(mentions, attribute):
    """Each person or organization once, in mention order, with their roles."""
    found = {}
    for mention in mentions:
        entity = getattr(mention, attribute)
        entry = found.setdefault(entity.pk, {"entity": entity, "roles": []})
        if mention.role != "mentioned":
            entry["roles"].append(mention.get_role_display())
    return list(found.values())


class OrganizationDetailView(RecordsFragmentDetailMixin, DetailView):
    """An organization: its units, people, the sets addressed to it, articles."""

    model = Organization
    context_object_name = "organization"
    fragment_name = "organization"
    main_template = "articles/partials/organization_main.html"
    default_description = gettext_lazy("%(name)s: people, directives and articles.")

    def get_queryset(self):
        return visibility.visible_organizations().select_related("parent")

    def records(self, context):
        return organization_records(context)

    def page_context(self, context):
        organization = context["organization"]
        context.update(
            breadcrumbs=organization_ancestry(organization),
            aliases=organization.aliases.all(),
            children=list(
                visibility.visible_organizations().filter(parent=organization)
            ),
            leaders=leaders(organization),
            all_directives_url=_directive_index(addressee=organization.slug),
            search_url=_search(organization.name),
        )
        context["directive_sets"], context["more_sets"] = recent_sets(
            DirectiveSet.objects.filter(addressees=organization)
        )
        # The organization's own articles by their indexes (mentions, publisher),
        # then the newest of those: an OR in the filter would walk the date
        # index through every article until enough of them matched.
        own = (
            OrganizationMention.objects.filter(organization=organization)
            .order_by()
            .values("article")
            .union(
                Article.objects.filter(publisher=organization).order_by().values("pk")
            )
        )
        context["articles"], context["more_articles"] = recent(
            Article.objects.published()
            .with_lead_photo()
            .filter(pk__in=own)
            .select_related("section__parent")
        )
        return context


def organization_records(context):
    """The tags (``cache.RecordsFragment``) of every record the organization
    page's content shows: the organization and its parents, every unit (a
    hidden one becomes public with a write that names it), its people, its
    sets' issuers and articles, and its articles."""
    organization = context["organization"]
    units = Organization.objects.filter(parent=organization).values_list(
        "pk", flat=True
    )
    return {
        f"organization:{organization.pk}",
        *(f"organization:{parent.pk}" for parent in context["breadcrumbs"]),
        *(f"organization:{pk}" for pk in units),
        *(f"person:{entry['person'].pk}" for entry in context["leaders"]),
        *(f"person:{s.issuer_id}" for s in context["directive_sets"]),
        *(f"article:{s.article_id}" for s in context["directive_sets"]),
        *(f"article:{a.pk}" for a in context["articles"]),
    }


class PersonDetailView(RecordsFragmentDetailMixin, DetailView):
    """A person: titles over time, directive sets issued, articles naming them."""

    model = Person
    context_object_name = "person"
    fragment_name = "person"
    main_template = "articles/partials/person_main.html"
    default_description = gettext_lazy(
        "%(name)s: positions, directives issued and articles."
    )

    def get_queryset(self):
        return visibility.visible_people()

    def records(self, context):
        return person_records(context)

    def page_context(self, context):
        person = context["person"]
        context.update(
            aliases=person.aliases.all(),
            positions=timeline(person),
            all_directives_url=_directive_index(issuer=person.slug),
            search_url=_search(person.name),
        )
        context["directive_sets"], context["more_sets"] = recent_sets(
            DirectiveSet.objects.filter(issuer=person)
        )
        context["articles"], context["more_articles"] = recent(
            Article.objects.published()
            .with_lead_photo()
            .mentioning_person(person)
            .select_related("section__parent")
        )
        return context


def person_records(context):
    """The tags (``cache.RecordsFragment``) of every record the person page's
    content shows: the person, the bodies and reports of their titles, their
    sets' articles and the articles naming them."""
    positions = context["positions"]
    return {
        f"person:{context['person'].pk}",
        *(f"organization:{p.organization_id}" for p in positions),
        *(f"article:{p.reported_in_id}" for p in positions if p.reported_in_id),
        *(f"article:{s.article_id}" for s in context["directive_sets"]),
        *(f"article:{a.pk}" for a in context["articles"]),
    }


def organization_ancestry(organization):
    """The organization's parents, top first (one query per level, at most 4)."""
    chain, parent, seen = [], organization.parent, {organization.pk}
    while parent is not None and parent.pk not in seen and len(chain) < 4:
        seen.add(parent.pk)
        chain.append(parent)
        parent = parent.parent
    return list(reversed(chain))


def leaders(organization):
    """The organization's people, each once, in rank order, with all their titles.

    Rank order is the order titles were entered for the body (the source's
    protocol order): a person ranks by their first title there. One query.
    """
    people = {}
    for position in (
        organization.positions.public()
        .filter(person__in=Person.objects.public())
        .select_related("person")
        .order_by("pk")
    ):
        entry = people.setdefault(
            position.person_id,
            {"person": position.person, "titles": [], "ended": True},
        )
        entry["titles"].append(position.title)
        if position.end_date is None:
            entry["ended"] = False
    return sorted(people.values(), key=lambda entry: entry["ended"])


def timeline(person):
    """The person's public positions over time: dated ones by start, then undated."""
    positions = list(
        Position.objects.public()
        .filter(person=person)
        .select_related("organization", "reported_in")
    )
    return sorted(
        positions,
        key=lambda p: (
            p.start_date is None,
            p.start_date or p.end_date or datetime.date.min,
            p.order,
            p.pk,
        ),
    )


def _directive_index(**filters):
    return f"{reverse('articles:directive-list')}?{urlencode(filters)}"


def _search(query):
    return f"{reverse('articles:search')}?{urlencode({'q': query})}"


class DirectiveListView(RecordsFragmentListMixin, ListView):
    """Every published directive, filterable by issuer, addressee, year and kind.

    Invalid filter values are ignored with a notice (and a 400 status); the valid
    ones still apply. The content (form, count, directives, pages) is kept
    until the index's directives or their order change or a record it shows
    changes (``RecordsFragmentListMixin``).
    """

    paginate_by = 30
    paginator_class = SeekPaginator
    context_object_name = "directives"
    template_name = "articles/directive_list.html"
    fragment_name = "directives"
    main_template = "articles/partials/directive_list_main.html"

    def prepare(self, request):
        self.form = DirectiveFilterForm(request.GET)

    def status(self):
        return 400 if self.form.errors else 200

    def outer(self, context):
        return {"noindex": bool(context["filtered"] or context["filter_errors"])}

    def records(self, context):
        return directive_records(context)

    def get_queryset(self):
        return directive_order(
            self.form.filter(Directive.objects.published().with_related())
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            form=self.form,
            filter_errors=[
                error for errors in self.form.errors.values() for error in errors
            ],
            filtered=any(self.form.cleaned_data.values()),
            query_string=query.urlencode(),
        )
        return context


def directive_records(context):
    """The tags (``cache.RecordsFragment``) of what a directive index page
    shows: which directives are public and their order, their articles,
    issuers, titles and addressees, and the people and organizations the
    filter's selects name."""
    people = set(context["form"].offered.get("issuer", ()))
    organizations = set(context["form"].offered.get("addressee", ()))
    articles = set()
    for directive in context["directives"]:
        articles.add(directive.directive_set.article_id)
        _name_set(directive.directive_set, people, organizations)
    return {
        cache.DIRECTIVE_INDEX_TAG,
        *(f"article:{pk}" for pk in articles),
        *(f"person:{pk}" for pk in people),
        *(f"organization:{pk}" for pk in organizations),
    }


class SearchView(ListView):
    """Published articles matching the words of ``q``, best first, highlighted.

    Filters (section, dates, a person, organization or publisher named) narrow
    what is searched, through the same queryset vocabulary as the API. Only the
    newest ``SEARCH_CANDIDATES`` matches are ranked; the page says when there
    are more.
    """

    paginate_by = 10
    context_object_name = "results"
    template_name = "articles/search.html"
    candidates = search.SEARCH_CANDIDATES

    def get(self, request, *args, **kwargs):
        self.form = SearchForm(request.GET)
        self.terms = []
        self.problem = None
        self.matches = []
        self.form.is_valid()
        query = self.form.cleaned_data.get("q", "")
        if "q" in self.form.errors:
            self.problem = " ".join(self.form.errors["q"])
        elif not query:
            self.problem = _("Type a word or name to search for.")
        else:
            self.terms = search_terms(query)
        response = super().get(request, *args, **kwargs)
        if self.form.errors:
            response.status_code = 400
        return response

    def _suggestions(self, people, organizations):
        """Ways on from an empty result: an entity's full name, fewer words."""
        query = self.form.cleaned_data.get("q", "")
        found = [o.name for o in organizations if o.name != query]
        words = [term.word for term in self.terms if not term.exclude]
        if len(words) > 1:
            found.extend(words)
        return list(dict.fromkeys(found))[:5]

    def get_queryset(self):
        if not self.terms:
            return Article.objects.none()
        scope = self.form.filter(Article.objects.published())
        self.matches = search.article_matches(scope, self.terms, limit=self.candidates)
        return search.search_articles(
            scope, self.terms, matches=self.matches, limit=self.candidates
        ).select_related("section__parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Only what the public may see is named: a person or organization
        # known only from unpublished material gets no card.
        people, organizations = search.entity_cards(self.terms)
        sets = search.matching_sets(DirectiveSet.objects.published(), self.terms)
        query = self.request.GET.copy()
        query.pop("page", None)
        data = self.form.cleaned_data
        context.update(
            form=self.form,
            query=data.get("q", ""),
            problem=self.problem,
            filter_errors=[
                error
                for name, errors in self.form.errors.items()
                if name != "q"
                for error in errors
            ],
            filtered=any(data.get(name) for name in SearchForm.FILTERS),
            more_than=f"{self.candidates:,}"
            if len(self.matches) > self.candidates
            else None,
            query_string=query.urlencode(),
            max_length=SEARCH_MAX_LENGTH,
            variants=[v for term in self.terms for v in term.variants],
            entities=[*people, *organizations],
            people=people,
            organizations=organizations,
            matching_sets=sets,
            suggestions=self._suggestions(people, organizations)
            if not context["paginator"].count
            else [],
        )
        return context


def _sets(queryset):
    """Published sets with what their lines show, newest first (three queries)."""
    return (
        queryset.published()
        .select_related("article", "issuer", "position__organization")
        .defer("article__body", "article__lede")  # lines name the article only
        .prefetch_related("addressees")
        # A correlated count per set, not a GROUP BY over every joined table:
        # that took the planner 5 ms, and made the set index's total an
        # aggregate over every set.
        .annotate(
            item_total=Coalesce(
                Subquery(
                    Directive.objects.filter(directive_set=OuterRef("pk"))
                    .order_by()
                    .values("directive_set")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            )
        )
        .order_by("-article__published_at", "article_id", "number")
    )


RECENT_SETS = 30


def recent_sets(queryset):
    """The newest ``RECENT_SETS`` sets, and whether there are more (one query)."""
    rows = list(_sets(queryset)[: RECENT_SETS + 1])
    return rows[:RECENT_SETS], len(rows) > RECENT_SETS


class DirectiveSetListView(ListView):
    """Every published directive set, newest first: 刘晖 · 四点要求 · 2025年1月24日."""

    paginate_by = 30
    paginator_class = SeekPaginator
    context_object_name = "directive_sets"
    template_name = "articles/directiveset_list.html"

    def get_queryset(self):
        return _sets(DirectiveSet.objects.all())


class DirectiveSetDetailView(DetailView):
    """One set's own page: its items in full, who issued them, to whom, where."""

    context_object_name = "directive_set"
    template_name = "articles/directiveset_detail.html"

    def get_queryset(self):
        return (
            DirectiveSet.objects.published()
            .select_related(
                "article__section__parent", "issuer", "position__organization"
            )
            .prefetch_related("addressees", "items")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        directive_set = self.object
        url = self.request.build_absolute_uri(directive_set.get_absolute_url())
        context.update(
            items=directive_set.items.all(),
            share_url=url,
            share_qr=qr_svg(url),
            description=Truncator(
                " ".join(
                    item.summary or item.text for item in directive_set.items.all()
                )
            ).chars(DESCRIPTION_LENGTH),
        )
        return context


OVERVIEW_MONTHS = 24
OVERVIEW_TOP = 10


def _month_label(month):
    return f"{month.year}年{month.month}月"


def _month_counts(queryset, field):
    """{first day of month: count} over ``field``'s month (Beijing time), one query."""
    return {
        (row["month"].date() if hasattr(row["month"], "date") else row["month"]): row[
            "n"
        ]
        for row in queryset.annotate(month=TruncMonth(field))
        .values("month")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
        if row["month"] is not None
    }


def _month_axis(*counts):
    """Every month from the first with data to the last, at most OVERVIEW_MONTHS."""
    months = sorted({month for count in counts for month in count})
    if not months:
        return []
    axis, month = [], months[-1]
    while month >= months[0] and len(axis) < OVERVIEW_MONTHS:
        axis.append(month)
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return list(reversed(axis))


class OverviewView(TemplateView):
    """Charts of the directive sets: per month, top issuers and addressees, and one
    person's or organization's activity. Aggregates only: a fixed number of
    queries whatever the size of the tables."""

    template_name = "articles/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sets = DirectiveSet.objects.published()
        items = Directive.objects.published()
        set_counts = _month_counts(sets, "article__published_at")
        item_counts = _month_counts(items, "directive_set__article__published_at")
        axis = _month_axis(set_counts, item_counts)
        issuers = list(
            Person.objects.annotate(
                n=Count("directive_sets", filter=Q(directive_sets__in=sets))
            )
            .filter(n__gt=0)
            .order_by("-n", "name")[:OVERVIEW_TOP]
        )
        addressees = list(
            Organization.objects.annotate(
                n=Count(
                    "directive_sets_received",
                    filter=Q(directive_sets_received__in=sets),
                )
            )
            .filter(n__gt=0)
            .order_by("-n", "name")[:OVERVIEW_TOP]
        )
        subject = self._subject(issuers)
        if isinstance(subject, Person):
            subject_sets = sets.filter(issuer=subject)
        elif subject is not None:
            subject_sets = sets.filter(addressees=subject)
        else:
            subject_sets = sets.none()
        subject_counts = _month_counts(subject_sets, "article__published_at")
        subject_axis = axis  # the site's months, so the two charts line up
        context.update(
            months_chart=charts.monthly_bars(
                _("Directive sets and items per month"),
                [_month_label(m) for m in axis],
                [
                    (_("sets"), "chart__bar--a", [set_counts.get(m, 0) for m in axis]),
                    (
                        _("items"),
                        "chart__bar--b",
                        [item_counts.get(m, 0) for m in axis],
                    ),
                ],
            )
            if axis
            else None,
            issuers_chart=charts.ranking_bars(
                _("Most frequent issuers"),
                [(p.name, p.n, p.get_absolute_url()) for p in issuers],
            )
            if issuers
            else None,
            addressees_chart=charts.ranking_bars(
                _("Most frequent addressees"),
                [(o.name, o.n, o.get_absolute_url()) for o in addressees],
                css="chart__bar--b",
            )
            if addressees
            else None,
            subject=subject,
            subject_chart=charts.monthly_bars(
                _("Directive sets of %(name)s per month") % {"name": subject.name},
                [_month_label(m) for m in subject_axis],
                [
                    (
                        _("sets"),
                        "chart__bar--a",
                        [subject_counts.get(m, 0) for m in subject_axis],
                    )
                ],
            )
            if subject is not None and subject_axis
            else None,
            issuers=issuers,
            addressees=addressees,
            total_sets=sum(set_counts.values()),
            total_items=sum(item_counts.values()),
        )
        return context

    def _subject(self, issuers):
        """The person (?person=slug) or organization (?organization=slug) to
        chart, else the most frequent issuer."""
        person = self.request.GET.get("person")
        organization = self.request.GET.get("organization")
        if person:
            return get_object_or_404(Person.objects.public(), slug=person)
        if organization:
            return get_object_or_404(Organization, slug=organization)
        return issuers[0] if issuers else None


class PersonListView(ListView):
    """People by organization, each body's people in rank order.

    Paginates over organizations that have public positions: three queries
    per page (count, organizations, their positions), whatever the sizes.
    """

    paginate_by = 30
    context_object_name = "organizations"
    template_name = "articles/person_list.html"

    def get_queryset(self):
        public_positions = Position.objects.public().filter(
            person__in=Person.objects.public()
        )
        return (
            Organization.objects.filter(
                Exists(public_positions.filter(organization=OuterRef("pk")))
            )
            .order_by("kind", "name")
            .prefetch_related(
                Prefetch(
                    "positions",
                    queryset=public_positions.select_related("person").order_by("pk"),
                    to_attr="public_positions",
                )
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for organization in context["organizations"]:
            people = {}
            for position in organization.public_positions:
                people.setdefault(
                    position.person_id, {"person": position.person, "titles": []}
                )["titles"].append(position.title)
            organization.people = list(people.values())
        return context


class OrganizationListView(ListView):
    """Organizations by kind, each top-level body with its units as a tree.

    Paginates over top-level bodies; their units are prefetched three levels
    deep, so the page runs a fixed number of queries.
    """

    paginate_by = 40
    context_object_name = "organizations"
    template_name = "articles/organization_list.html"

    def get_queryset(self):
        kind_order = Case(
            *[
                When(kind=kind, then=Value(rank))
                for rank, kind in enumerate(Organization.Kind.values)
            ],
            default=Value(len(Organization.Kind.values)),
        )
        return (
            Organization.objects.filter(parent__isnull=True)
            .order_by(kind_order, "name")
            .prefetch_related("children__children__children")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        kinds = dict(Organization.Kind.choices)
        groups = {}

        def attach(node, depth):
            # Only the prefetched levels: deeper units are on the unit's own page.
            node.units = list(node.children.all()) if depth < 3 else []
            for unit in node.units:
                attach(unit, depth + 1)

        for organization in context["organizations"]:
            attach(organization, 0)
            groups.setdefault(organization.kind, []).append(organization)
        context["kinds"] = [
            {"label": kinds.get(kind, kind), "organizations": items}
            for kind, items in groups.items()
        ]
        return context


class SectionListView(ListView):
    """Every section with its number of published articles (one query)."""

    context_object_name = "sections"
    template_name = "articles/section_list.html"

    def get_queryset(self):
        return (
            Section.objects.select_related("parent__parent")
            .annotate(
                article_total=Count(
                    "articles",
                    filter=Q(articles__in=Article.objects.published()),
                    distinct=True,
                )
            )
            .order_by("parent__name", "name")
        )


class SectionDetailView(ListView):
    """The published articles of a section and its subsections."""

    paginate_by = 10
    context_object_name = "articles"
    template_name = "articles/section_detail.html"

    def get_queryset(self):
        self.section = get_object_or_404(
            Section.objects.select_related("parent__parent"), slug=self.kwargs["slug"]
        )
        return (
            Article.objects.published()
            .filter(
                Q(section=self.section)
                | Q(section__parent=self.section)
                | Q(section__parent__parent=self.section)
            )
            .with_related()
            .with_lead_photo()
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            section=self.section,
            breadcrumbs=self.section.ancestry()[:-1],
            children=self.section.children.all(),
        )
        return context


@require_GET
def robots_txt(request):
    sitemap_url = request.build_absolute_uri(reverse("articles:sitemap"))
    return render(
        request,
        "robots.txt",
        {"sitemap_url": sitemap_url},
        content_type="text/plain; charset=utf-8",
    )
