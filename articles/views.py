"""The public site: pages over ``Article.objects.published()`` and what it names.

Every page runs a fixed number of queries whatever its list lengths; list pages
paginate. Conditional GET is ``ConditionalGetMiddleware``'s ``ETag`` of the
rendered page (see ``urls.py``).
"""

import json
from urllib.parse import urlencode

from django.db.models import Exists, OuterRef, Prefetch, Q, prefetch_related_objects
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView

from .forms import SEARCH_MAX_LENGTH, DirectiveFilterForm, SearchForm
from .models import (
    Article,
    Credit,
    Directive,
    DirectiveSet,
    Organization,
    OrganizationMention,
    Person,
    PersonMention,
    Position,
    search_terms,
)

DESCRIPTION_LENGTH = 120

# Person and organization pages show the newest of their articles and directives
# (complete sets) and link to the full, paginated lists.
RECENT_ARTICLES = 20
RECENT_DIRECTIVE_ARTICLES = 10

# JSON inside <script> must not be able to close the element (as json_script does).
JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def describe(article):
    """A plain-text summary for meta descriptions and feeds."""
    text = article.lede or next(iter(article.paragraphs), "") or article.title
    return Truncator(" ".join(text.split())).chars(DESCRIPTION_LENGTH)


def recent(articles):
    """The newest ``RECENT_ARTICLES`` of ``articles``, and whether there are more.

    One query: a row beyond the limit tells that the list goes on.
    """
    rows = list(articles.order_by("-published_at", "-pk")[: RECENT_ARTICLES + 1])
    return rows[:RECENT_ARTICLES], len(rows) > RECENT_ARTICLES


def in_recent_articles(directives):
    """``directives`` of the newest articles that carry any, whole sets only."""
    newest = (
        Article.objects.published()
        .filter(Exists(directives.filter(directive_set__article=OuterRef("pk"))))
        .order_by("-published_at", "-pk")
        .values("pk")[:RECENT_DIRECTIVE_ARTICLES]
    )
    return directives.filter(directive_set__article__in=newest)


def directive_order(queryset):
    """Newest article first, then the sets and their items in the text's order."""
    return queryset.order_by(
        "-directive_set__article__published_at",
        "directive_set__article_id",
        "directive_set__number",
        "ordinal",
    )


class ArticleListView(ListView):
    """Home: the latest published articles."""

    paginate_by = 10
    context_object_name = "articles"

    def get_queryset(self):
        return Article.objects.published().with_related()


class ArticleDetailView(DetailView):
    """One article with its people, organizations and directives.

    The context is built from ``self.object`` only, so a subclass with another
    queryset (the admin's staff preview of drafts) renders the same page.
    """

    context_object_name = "article"
    template_name = "articles/article_detail.html"

    def get_queryset(self):
        return Article.objects.published().with_related()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
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
        context.update(
            breadcrumbs=article.section.ancestry() if article.section else [],
            people=_mentioned(article.person_mentions.all(), "person"),
            organizations=_mentioned(
                article.organization_mentions.all(), "organization"
            ),
            directive_sets=article.directive_sets.all(),
            bylines=[c for c in credits if c.role in _BYLINE_ROLES],
            editors=[c for c in credits if c.role == Credit.Role.EDITOR],
            sources=[c for c in credits if c.role == Credit.Role.SOURCE],
            description=describe(article),
            json_ld=self.json_ld(article, credits),
        )
        return context

    def json_ld(self, article, credits):
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
        if article.published_at:
            data["datePublished"] = article.published_at.isoformat()
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
        if article.section:
            data["articleSection"] = article.section.name
        keywords = [tag.name for tag in article.tags.all()]
        if keywords:
            data["keywords"] = keywords
        return json.dumps(data, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)


_BYLINE_ROLES = {Credit.Role.WRITER, Credit.Role.PHOTOGRAPHER}


def _mentioned(mentions, attribute):
    """Each person or organization once, in mention order, with their roles."""
    found = {}
    for mention in mentions:
        entity = getattr(mention, attribute)
        entry = found.setdefault(entity.pk, {"entity": entity, "roles": []})
        if mention.role != "mentioned":
            entry["roles"].append(mention.get_role_display())
    return list(found.values())


class OrganizationDetailView(DetailView):
    model = Organization
    context_object_name = "organization"

    def get_queryset(self):
        return Organization.objects.select_related("parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organization = self.object
        context.update(
            aliases=organization.aliases.all(),
            children=organization.children.all(),
            positions=organization.positions.public()
            .select_related("person")
            .order_by("order", "person__name", "pk"),
            directives=directive_order(
                in_recent_articles(
                    Directive.objects.published().addressed_to(organization)
                ).with_related()
            ),
            all_directives_url=_directive_index(addressee=organization.slug),
            search_url=_search(organization.name),
            description=organization.description
            or _("%(name)s: people, directives and articles.")
            % {"name": organization.name},
        )
        context["articles"], context["more_articles"] = recent(
            Article.objects.published()
            .filter(
                Q(publisher=organization)
                | Exists(
                    OrganizationMention.objects.filter(
                        article=OuterRef("pk"), organization=organization
                    )
                )
            )
            .select_related("section__parent")
        )
        return context


class PersonDetailView(DetailView):
    model = Person
    context_object_name = "person"

    def get_queryset(self):
        return Person.objects.public()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.object
        context.update(
            aliases=person.aliases.all(),
            positions=Position.objects.public()
            .filter(person=person)
            .select_related("organization"),
            directives=directive_order(
                in_recent_articles(
                    Directive.objects.published().by_issuer(person)
                ).with_related()
            ),
            all_directives_url=_directive_index(issuer=person.slug),
            search_url=_search(person.name),
            description=person.description
            or _("%(name)s: positions, directives issued and articles.")
            % {"name": person.name},
        )
        context["articles"], context["more_articles"] = recent(
            Article.objects.published()
            .mentioning_person(person)
            .select_related("section__parent")
        )
        return context


def _directive_index(**filters):
    return f"{reverse('articles:directive-list')}?{urlencode(filters)}"


def _search(query):
    return f"{reverse('articles:search')}?{urlencode({'q': query})}"


class DirectiveListView(ListView):
    """Every published directive, filterable by issuer, addressee, year and kind.

    Invalid filter values are ignored with a notice (and a 400 status); the valid
    ones still apply.
    """

    paginate_by = 30
    context_object_name = "directives"
    template_name = "articles/directive_list.html"

    def get(self, request, *args, **kwargs):
        self.form = DirectiveFilterForm(request.GET)
        response = super().get(request, *args, **kwargs)
        if self.form.errors:
            response.status_code = 400
        return response

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


class SearchView(ListView):
    """Published articles matching the words of ``q``, best first, highlighted."""

    paginate_by = 10
    context_object_name = "results"
    template_name = "articles/search.html"

    def get(self, request, *args, **kwargs):
        self.form = SearchForm(request.GET)
        self.terms = []
        self.problem = None
        if not self.form.is_valid():
            self.problem = " ".join(self.form.errors["q"])
        elif not self.form.cleaned_data["q"]:
            self.problem = _("Type a word or name to search for.")
        else:
            self.terms = search_terms(self.form.cleaned_data["q"])
        response = super().get(request, *args, **kwargs)
        if self.form.errors:
            response.status_code = 400
        return response

    def get_queryset(self):
        if not self.terms:
            return Article.objects.none()
        return (
            Article.objects.published()
            .search(self.terms)
            .select_related("section__parent")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entities = {}
        for term in self.terms:
            for entity in term.entities:
                entities[(type(entity), entity.pk)] = entity
        context.update(
            form=self.form,
            query=self.form.cleaned_data.get("q", "") if self.form.is_valid() else "",
            problem=self.problem,
            query_string=urlencode({"q": self.form.data.get("q", "")}),
            max_length=SEARCH_MAX_LENGTH,
            variants=[v for term in self.terms for v in term.variants],
            entities=list(entities.values()),
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
