"""导入文章: paste or upload scraped pages, review what was found, then save.

Step 1 reads the pages (``extract_page``) and shows, per page, the body with
every fact highlighted and each fact's resolution (new or existing, ambiguous).
The review form carries the extraction back as JSON in a hidden field, with the
editor's edits and removals beside it; step 2 rebuilds the extraction, applies
them, checks that every directive item is still text of the body, and saves each
page through ``services.article_import`` (one transaction per page). Nothing is saved
until every page of the review passes.
"""

import json
from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import permissions
from ..importer.errors import ImportRefused
from ..importer.extract import Gazetteer, extract_page
from ..importer.resolve import AMBIGUOUS, NEW, resolve
from ..importer.types import Extraction
from ..services import article_import

MAX_FILES = 20


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class ImportForm(forms.Form):
    """Step 1: the pages, pasted or uploaded."""

    content = forms.CharField(
        label=gettext_lazy("Page text or HTML"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 16, "cols": 100}),
    )
    files = MultipleFileField(
        label=gettext_lazy("Or upload files"),
        required=False,
        help_text=gettext_lazy(
            "Text or HTML pages, in UTF-8, GB18030/GBK or Big5; several at once."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        content = cleaned.get("content") or ""
        files = cleaned.get("files") or []
        if not content.strip() and not files:
            raise ValidationError(
                _("Paste a page or choose at least one file to import."),
                code="empty",
            )
        if len(files) > MAX_FILES:
            raise ValidationError(
                _("Upload at most %(count)d files at once.") % {"count": MAX_FILES},
                code="too_many",
            )
        return cleaned

    def sources(self):
        """``(name, str or bytes)`` for every page given."""
        pages = []
        if self.cleaned_data["content"].strip():
            pages.append((_("pasted text"), self.cleaned_data["content"]))
        for upload in self.cleaned_data["files"]:
            pages.append((upload.name, upload.read()))
        return pages


@dataclass
class Fact:
    """One row of the review: a fact, its form field names and its resolution."""

    kind: str
    index: int
    name: str
    detail: str = ""
    status: str = ""
    note: str = ""
    children: list = field(default_factory=list)
    prefix: str = ""  # the form fields' prefix: "<prefix>-name", "<prefix>-remove"
    removed: bool = False  # ticked by the editor (when the review is shown again)

    @property
    def status_label(self):
        return STATUS_LABELS.get(self.status, self.status)


@dataclass
class PageReview:
    number: int
    prefix: str
    filename: str
    extraction: Extraction
    state: str
    body_html: str
    persons: list
    organizations: list
    directive_sets: list
    warnings: list
    errors: list = field(default_factory=list)


STATUS_LABELS = {
    NEW: gettext_lazy("new"),
    "existing": gettext_lazy("existing"),
    AMBIGUOUS: gettext_lazy("ambiguous"),
}


def highlighted_body(extraction):
    """The body as HTML with every fact's span marked (escaped, overlaps kept).

    The body is cut at every span boundary; each piece carries the classes of
    all the facts covering it, so a name inside a directive item shows both.
    """
    body = extraction.page.body
    marks = []
    for person in extraction.persons:
        marks += [(s, "hl-person") for s in person.spans if s]
    for organization in extraction.organizations:
        marks += [(s, "hl-org") for s in organization.spans if s]
    for directive in extraction.directives:
        if directive.span:
            marks.append((directive.span, "hl-directive"))
    cuts = {0, len(body)}
    for (start, end), _kind in marks:
        if 0 <= start < end <= len(body):
            cuts.update((start, end))
    points = sorted(cuts)
    pieces = []
    for start, end in zip(points, points[1:], strict=False):
        classes = sorted({kind for (s, e), kind in marks if s <= start and end <= e})
        text = conditional_escape(body[start:end])
        if classes:
            text = format_html('<mark class="{}">{}</mark>', " ".join(classes), text)
        pieces.append(text)
    return mark_safe("".join(pieces))  # every piece was escaped above


def review_page(number, filename, extraction, *, state=None, errors=(), data=None):
    resolution = resolve(extraction)
    page_prefix = f"p{number}"
    persons = []
    for index, fact in enumerate(extraction.persons):
        match = resolution.person_for(fact.name)
        persons.append(
            Fact(
                kind="person",
                index=index,
                name=fact.name,
                detail="、".join(
                    f"{t.organization}{t.title}" if t.organization else t.title
                    for t in fact.titles
                ),
                status=match.status if match else NEW,
                note=_ambiguity(match),
                children=[
                    Fact(
                        kind="title",
                        index=i,
                        name=t.title,
                        detail=t.organization or "",
                        prefix=f"{page_prefix}-person-{index}-title-{i}",
                    )
                    for i, t in enumerate(fact.titles)
                ],
                prefix=f"{page_prefix}-person-{index}",
            )
        )
    organizations = []
    for index, fact in enumerate(extraction.organizations):
        match = resolution.organization_for(fact.name)
        organizations.append(
            Fact(
                kind="org",
                index=index,
                name=fact.name,
                detail="、".join(fact.aliases),
                status=match.status if match else NEW,
                note=_ambiguity(match),
                prefix=f"{page_prefix}-org-{index}",
            )
        )
    sets = {}
    for index, fact in enumerate(extraction.directives):
        sets.setdefault(fact.set_index, []).append(
            Fact(
                kind="directive",
                index=index,
                name=fact.text,
                detail=str(fact.ordinal or ""),
                prefix=f"{page_prefix}-directive-{index}",
            )
        )
    if data is not None:  # shown again after an error: keep the editor's edits
        _keep_edits(data, persons, organizations, sets)
    directive_sets = []
    for _set_index, items in sorted(sets.items()):
        first = extraction.directives[items[0].index]
        directive_sets.append(
            {
                "issuer": first.issuer,
                "heading": first.group or "",
                "addressees": first.addressees,
                "items": items,
            }
        )
    return PageReview(
        number=number,
        prefix=page_prefix,
        filename=filename,
        extraction=extraction,
        state=state
        if state is not None
        else json.dumps(extraction.as_state(), ensure_ascii=False),
        body_html=highlighted_body(extraction),
        persons=persons,
        organizations=organizations,
        directive_sets=directive_sets,
        warnings=[
            *extraction.page.warnings,
            *extraction.warnings,
            *resolution.warnings,
        ],
        errors=list(errors),
    )


def _keep_edits(data, persons, organizations, sets):
    facts = [(fact, "-name") for fact in [*persons, *organizations]]
    facts += [(title, "") for person in persons for title in person.children]
    facts += [(item, "-text") for items in sets.values() for item in items]
    for fact, suffix in facts:
        fact.name = data.get(f"{fact.prefix}{suffix}", fact.name)
        fact.removed = bool(data.get(f"{fact.prefix}-remove"))


def _ambiguity(match):
    if match is None or match.status != AMBIGUOUS:
        return ""
    names = "、".join(f"{c}(#{c.pk})" for c in match.candidates)
    return _("Could be any of: %(names)s") % {"names": names}


def apply_review(extraction, data, prefix):
    """The extraction as the editor left it: renamed, removed, re-located.

    Raises ``ValidationError`` (Chinese) when an edited directive item is no
    longer text of the body: items are stored verbatim, byte for byte.
    """

    def value(name, default):
        raw = data.get(f"{prefix}-{name}")
        return default if raw is None else raw.strip()

    def removed(name):
        return bool(data.get(f"{prefix}-{name}-remove"))

    renamed_orgs = {}
    organizations = []
    for index, fact in enumerate(extraction.organizations):
        if removed(f"org-{index}"):
            renamed_orgs[fact.name] = None
            continue
        name = value(f"org-{index}-name", fact.name)
        if not name:
            raise ValidationError(_("An organization's name cannot be empty."))
        if name != fact.name:
            renamed_orgs[fact.name] = name
            fact.aliases = [a for a in fact.aliases if a != name]
            fact.name = name
        organizations.append(fact)
    extraction.organizations = organizations

    renamed_people = {}
    persons = []
    for index, fact in enumerate(extraction.persons):
        if removed(f"person-{index}"):
            renamed_people[fact.name] = None
            continue
        name = value(f"person-{index}-name", fact.name)
        if not name:
            raise ValidationError(_("A person's name cannot be empty."))
        titles = []
        for number, title in enumerate(fact.titles):
            if removed(f"person-{index}-title-{number}"):
                continue
            title.title = value(f"person-{index}-title-{number}", title.title)
            if not title.title:
                continue
            if title.organization in renamed_orgs:
                title.organization = renamed_orgs[title.organization]
            titles.append(title)
        fact.titles = titles
        renamed_people[fact.name] = name
        fact.name = name
        persons.append(fact)
    extraction.persons = persons

    body = extraction.page.body
    directives = []
    for index, fact in enumerate(extraction.directives):
        if removed(f"directive-{index}"):
            continue
        if fact.issuer in renamed_people:
            if renamed_people[fact.issuer] is None:
                continue  # its issuer was removed: the item goes with them
            fact.issuer = renamed_people[fact.issuer]
        text = value(f"directive-{index}-text", fact.text)
        start, end = fact.span or (0, 0)
        if body[start:end] != text:
            found = body.find(text) if text else -1
            if found < 0:
                raise ValidationError(
                    _(
                        "Directive item %(number)d “%(text)s” is not in the body: "
                        "items are kept exactly as the body writes them. Undo the "
                        "edit, or remove the item."
                    )
                    % {"number": index + 1, "text": text[:40]}
                )
            fact.span = (found, found + len(text))
        fact.text = text
        directives.append(fact)
    extraction.directives = directives
    return extraction


def import_view(model_admin, request):
    """The two steps of 导入文章 (``/admin/articles/article/import/``)."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    can_publish = permissions.can_publish(request.user)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Import articles"),
        "can_publish": can_publish,
    }
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(model_admin, request, context, can_publish)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        reviews = []
        for name, data in form.sources():
            try:
                extraction = extract_page(
                    data, filename=str(name), gazetteer=Gazetteer.for_text
                )
            except ImportRefused as error:
                form.add_error(None, f"{name}: {error.message}")
                continue
            reviews.append(review_page(len(reviews), str(name), extraction))
        if reviews and not form.errors:
            return TemplateResponse(
                request,
                "admin/articles/article/import_review.html",
                {**context, "pages": reviews},
            )
    return TemplateResponse(
        request,
        "admin/articles/article/import_form.html",
        {**context, "form": form},
    )


def _confirm(model_admin, request, context, can_publish):
    publish = bool(request.POST.get("publish"))
    if publish and not can_publish:
        raise PermissionDenied
    try:
        count = int(request.POST.get("pages", "0"))
    except ValueError:
        count = 0
    if not 0 < count <= MAX_FILES + 1:
        messages.error(request, _("The review form is incomplete; start again."))
        return HttpResponseRedirect(reverse("admin:articles_article_import"))
    pending, reviews, failed = [], [], False
    for number in range(count):
        prefix = f"p{number}"
        state = request.POST.get(f"{prefix}-state", "")
        filename = request.POST.get(f"{prefix}-filename", "")
        try:
            extraction = Extraction.from_json(json.loads(state))
        except (ValueError, KeyError, TypeError, IndexError):
            messages.error(request, _("The review form is incomplete; start again."))
            return HttpResponseRedirect(reverse("admin:articles_article_import"))
        try:
            edited = apply_review(
                Extraction.from_json(json.loads(state)), request.POST, prefix
            )
        except ValidationError as error:
            failed = True
            reviews.append(
                review_page(
                    number,
                    filename,
                    extraction,
                    state=state,
                    errors=error.messages,
                    data=request.POST,
                )
            )
            continue
        pending.append(edited)
        reviews.append(
            review_page(number, filename, extraction, state=state, data=request.POST)
        )
    if failed:
        return TemplateResponse(
            request,
            "admin/articles/article/import_review.html",
            {**context, "pages": reviews},
        )
    results = []
    for extraction in pending:
        try:
            result = article_import(
                extraction=extraction, user=request.user, publish=publish
            )
        except ImportRefused as error:
            messages.error(request, f"{extraction.page.title}: {error.message}")
            continue
        except (PermissionDenied, ValidationError) as error:
            text = "; ".join(getattr(error, "messages", None) or [str(error)])
            messages.error(request, f"{extraction.page.title}: {text}")
            continue
        results.append(result)
        messages.success(request, _success_message(result))
    if len(results) == 1:
        target = reverse("admin:articles_article_change", args=[results[0].article.pk])
    else:
        target = reverse("admin:articles_article_changelist")
    return HttpResponseRedirect(target)


def _success_message(result):
    article = result.article
    sets = article.directive_sets.count()
    message = (
        _("Imported “%(title)s” as a new article with %(sets)d directive sets.")
        if result.created
        else _("Imported “%(title)s” again: its draft was updated (%(sets)d sets).")
    ) % {"title": article.title, "sets": sets}
    parts = [message]
    if result.new_people:
        parts.append(
            _("New people: %(names)s.") % {"names": "、".join(result.new_people)}
        )
    if result.new_organizations:
        parts.append(
            _("New organizations: %(names)s.")
            % {"names": "、".join(result.new_organizations)}
        )
    if result.new_positions:
        parts.append(
            _("New positions: %(names)s.") % {"names": "、".join(result.new_positions)}
        )
    return " ".join(parts)
