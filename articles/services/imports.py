"""Saving an extraction: one import is one transaction, recorded in history.

``import_extraction`` creates (or, for a source imported before, updates) a
draft article with everything the importer found: body paragraphs, lede,
section, publisher, credits, photo captions, the people and organizations it
names (new ones are created as the resolution proposed, and reported), their
positions, mentions, and the directive sets with their items and spans. Any
failure rolls the whole import back. A source is recognised by its URL, else by
a hash of its title and body, so importing it again never duplicates: it updates
the draft, or refuses when the article was edited or published since.
"""

import datetime
import hashlib
from dataclasses import dataclass, field

import reversion
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from articles import services
from articles.models import (
    Article,
    Credit,
    Directive,
    DirectiveSet,
    ImportRecord,
    MentionRole,
    Organization,
    OrganizationAlias,
    OrganizationMention,
    Person,
    PersonMention,
    Photo,
    Position,
    Section,
    first_clause,
)

from .errors import ImportRefused
from .resolve import NEW, Resolution, organization_kind, resolve
from .types import Extraction

# The page's credit roles → Credit.Role (the model keeps four).
CREDIT_ROLES = {
    "writer": Credit.Role.WRITER,
    "photographer": Credit.Role.PHOTOGRAPHER,
    "editor": Credit.Role.EDITOR,
    "reviewer": Credit.Role.EDITOR,
    "source": Credit.Role.SOURCE,
    "contributor": Credit.Role.SOURCE,
}


class ImportConflict(ImportRefused):
    """The source was imported before and its article has changed since."""

    def __init__(self, message, *, article):
        super().__init__(message, code="conflict")
        self.article = article


@dataclass
class ImportResult:
    article: Article
    created: bool  # False: an earlier import's draft was updated
    resolution: Resolution
    new_people: list[str] = field(default_factory=list)
    new_organizations: list[str] = field(default_factory=list)
    new_positions: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_json(self):
        return {
            "article_id": self.article.pk,
            "slug": self.article.slug,
            "status": self.article.status,
            "created": self.created,
            "new_people": self.new_people,
            "new_organizations": self.new_organizations,
            "new_positions": self.new_positions,
            "resolution": self.resolution.as_json(),
            "warnings": self.warnings,
        }


def text_hash(page):
    """The identity of a source without a URL: its title and body."""
    return hashlib.sha256(f"{page.title}\n{page.body}".encode()).hexdigest()


def import_extraction(
    *, extraction: Extraction, user=None, publish: bool = False
) -> ImportResult:
    """Save ``extraction`` as a draft article (published with ``publish``).

    Raises ``ImportConflict`` when the source's article was edited or published
    after it was imported, and ``PermissionDenied`` when ``user`` may not
    publish. Nothing is written unless everything is.
    """
    page = extraction.page
    digest = text_hash(page)
    with transaction.atomic():
        record = _previous_import(page.source_url, digest)
        resolution = resolve(extraction)
        result = ImportResult(
            article=None, created=record is None, resolution=resolution
        )
        result.warnings.extend(resolution.warnings)
        with reversion.create_revision():
            article = _article(page, record, resolution, result)
            organizations = _organizations(article, extraction, resolution, result)
            people = _people(article, resolution, result)
            positions = _positions(article, resolution, organizations, result)
            _credits(article, page, organizations)
            _photos(article, page)
            _directive_sets(article, extraction, people, positions, result)
            reversion.add_to_revision(article)
            reversion.set_user(
                user if user is not None and user.is_authenticated else None
            )
            reversion.set_comment(
                _("Imported as a new draft.")
                if result.created
                else _("Imported again: the draft was updated.")
            )
        ImportRecord.objects.update_or_create(
            article=article,
            defaults={
                "source_url": page.source_url,
                "text_hash": digest,
                "article_version": article.version,
            },
        )
        services.written(instances=[article])
        if publish:
            article = services.article_publish(article=article, user=user)
        result.article = article
    return result


def _previous_import(source_url, digest):
    records = ImportRecord.objects.select_related("article")
    record = None
    if source_url:
        record = records.filter(source_url=source_url).first()
    return record or records.filter(text_hash=digest).first()


def _article(page, record, resolution, result):
    if record is not None:
        article = Article.objects.select_for_update().get(pk=record.article_id)
        if article.status != Article.Status.DRAFT:
            raise ImportConflict(
                _(
                    "This source was imported before as “%(title)s” (#%(id)s), which "
                    "has been published since: an import never overwrites a "
                    "published article. Unpublish it first, or edit it instead."
                )
                % {"title": article.title, "id": article.pk},
                article=article,
            )
        if article.version != record.article_version:
            raise ImportConflict(
                _(
                    "This source was imported before as the draft “%(title)s” "
                    "(#%(id)s), which has been edited since (version %(then)s → "
                    "%(now)s): importing it again would overwrite those edits, so "
                    "nothing was changed."
                )
                % {
                    "title": article.title,
                    "id": article.pk,
                    "then": record.article_version,
                    "now": article.version,
                },
                article=article,
            )
        services.object_record_initial_version(instance=article)
        _clear(article)
        article.version += 1
    else:
        article = Article(status=Article.Status.DRAFT)
    article.title = page.title or _title_from_body(page, result)
    article.lede = page.lede
    article.body = page.body
    article.published_at = _published_at(page.published_at)
    article.source_url = _valid_url(page.source_url, result)
    article.section = _section(page.section)
    article.publisher = None  # set once the organizations are saved
    if not article.slug:
        article.slug = _unique_slug(article.title, text_hash(page))
    article.full_clean(exclude=["publisher"])
    article.save()
    return article


def _valid_url(url, result):
    if not url:
        return ""
    try:
        URLValidator()(url)
    except ValidationError:
        result.warnings.append(
            _("The page's URL “%(url)s” is not valid and was left out.") % {"url": url}
        )
        return ""
    return url if len(url) <= 500 else ""


def _clear(article):
    """Remove what an earlier import of this source attached to ``article``."""
    article.directive_sets.all().delete()
    article.person_mentions.all().delete()
    article.organization_mentions.all().delete()
    article.credits.all().delete()
    article.photos.all().delete()


def _title_from_body(page, result):
    title = first_clause(page.paragraphs[0])[:60] if page.paragraphs else "—"
    result.warnings.append(
        _(
            "The page has no headline; its first clause “%(title)s” stands in for "
            "now, please edit it."
        )
        % {"title": title}
    )
    return title


def _published_at(value):
    if not value:
        return None
    moment = datetime.datetime.fromisoformat(value)
    return timezone.make_aware(moment, timezone.get_current_timezone())


def _section(path):
    """The section for a breadcrumb path (新闻 › 院内新闻), created if missing."""
    if not path:
        return None
    parent = None
    for name in [part.strip() for part in path.split("›") if part.strip()]:
        section = Section.objects.filter(name=name, parent=parent).first()
        if section is None:
            section = _create(
                Section,
                name=name[:100],
                parent=parent,
                slug=_free_slug(
                    Section, slugify(name, allow_unicode=True) or "section"
                ),
            )
        parent = section
    return parent


def _unique_slug(title, digest):
    base = slugify(title, allow_unicode=True)[:60].strip("-") or "article"
    return _free_slug(Article, f"{base}-{digest[:8]}")


def _free_slug(model, slug):
    candidate, n = slug, 2
    while model.objects.filter(slug=candidate).exists():
        candidate, n = f"{slug}-{n}", n + 1
    return candidate


def _organizations(article, extraction, resolution, result):
    """Organization records by every written form; new ones created, new
    aliases added, the article's mentions and publisher set."""
    by_form = {}
    for order, match in enumerate(resolution.organizations):
        if match.status == NEW:
            organization = _create(
                Organization,
                name=match.fact.name,
                slug=_free_slug(
                    Organization,
                    slugify(match.fact.name, allow_unicode=True) or "organization",
                ),
                kind=organization_kind(match.fact.name),
            )
            result.new_organizations.append(organization.name)
        else:
            organization = match.organization
        match.organization = organization
        for alias in match.new_aliases:
            if alias != organization.name:
                OrganizationAlias.objects.get_or_create(
                    organization=organization, name=alias
                )
        for form in (match.fact.name, *match.fact.aliases, organization.name):
            by_form.setdefault(form, organization)
        if match.mentioned:
            OrganizationMention.objects.get_or_create(
                article=article,
                organization=organization,
                role=MentionRole.MENTIONED,
                defaults={"order": order},
            )
    publisher = resolution.publisher
    if publisher is not None and publisher.organization is not None:
        article.publisher = publisher.organization
        article.save(update_fields=["publisher"])
    return by_form


def _people(article, resolution, result):
    people = {}
    for order, match in enumerate(resolution.persons):
        if match.status == NEW:
            person = _create(
                Person,
                name=match.fact.name,
                slug=_free_slug(
                    Person, slugify(match.fact.name, allow_unicode=True) or "person"
                ),
            )
            match.person = person
            result.new_people.append(person.name)
        people[match.fact.name] = match.person
        PersonMention.objects.get_or_create(
            article=article,
            person=match.person,
            role=MentionRole.MENTIONED,
            defaults={"order": order},
        )
    return people


def _positions(article, resolution, organizations, result):
    """``{person name: [Position]}`` for the titles the article reports."""
    positions = {}
    for match in resolution.positions:
        person = match.person.person
        target = match.organization
        if target is not None and not isinstance(target, Organization):
            target = target.organization
        if target is None:
            result.warnings.append(
                _(
                    "The title “%(title)s” of “%(name)s” names no organization, so "
                    "it was not recorded as a position; please add it."
                )
                % {"title": match.title, "name": match.person.fact.name}
            )
            continue
        position, created = Position.objects.get_or_create(
            person=person,
            organization=target,
            title=match.title[:100],
            defaults={
                "reported_in": article,
                "order": len(positions.get(person.name, [])),
            },
        )
        if created:
            result.new_positions.append(f"{person.name} · {target.name} {match.title}")
        positions.setdefault(match.person.fact.name, []).append(position)
    return positions


def _credits(article, page, organizations):
    seen = set()
    for credit in page.credits:
        role = CREDIT_ROLES.get(credit["role"])
        name = credit["name"][:200]
        if role is None or not name or (role, name) in seen:
            continue
        seen.add((role, name))
        Credit.objects.create(
            article=article,
            role=role,
            name=name,
            organization=_credit_organization(name, article, organizations),
            order=len(seen) - 1,
        )


def _credit_organization(name, article, organizations):
    if name in organizations:
        return organizations[name]
    publisher = article.publisher
    if publisher is not None:
        unit = publisher.children.filter(name=publisher.name + name).first()
        if unit is not None:
            return unit
    return Organization.objects.filter(name=name).first() or (
        Organization.objects.filter(aliases__name=name).first()
    )


def _photos(article, page):
    for order, caption in enumerate(page.captions):
        Photo.objects.create(article=article, caption=caption[:300], order=order)


def _directive_sets(article, extraction, people, positions, result):
    sets = {}
    for fact in extraction.directives:
        sets.setdefault(fact.set_index, []).append(fact)
    body = article.body
    for number, (_index, items) in enumerate(sorted(sets.items()), start=1):
        first = items[0]
        issuer = people.get(first.issuer)
        if issuer is None:
            result.warnings.append(
                _(
                    "The issuer “%(issuer)s” of “%(text)s…” is not among the "
                    "article's people, so that directive set was not saved."
                )
                % {"issuer": first.issuer, "text": first.text[:20]}
            )
            continue
        kind = first.kind if first.kind in DirectiveSet.Kind.values else "requirement"
        held = positions.get(first.issuer) or []
        directive_set = _create(
            DirectiveSet,
            article=article,
            number=number,
            issuer=issuer,
            position=held[0] if held else None,
            heading=(first.group or "")[:100],
            kind=kind,
        )
        ordinals = [fact.ordinal for fact in items]
        numbered = all(ordinals) and len(set(ordinals)) == len(ordinals)
        for position, fact in enumerate(items, start=1):
            start, end = _item_span(body, fact)
            text = fact.text if start is None else body[start:end]
            item = Directive(
                directive_set=directive_set,
                ordinal=fact.ordinal if numbered else position,
                text=text,
                summary=first_clause(text)[:300],
                span_start=start,
                span_end=end,
            )
            item.full_clean(exclude=["directive_set"])
            item.save()


def _item_span(body, fact):
    """Where the item stands in the body, with the sentence's own 。/!/? kept.

    The JSON contract gives the text without its closing mark; the stored item
    is the sentence as the body writes it (as the fixtures hold it), so the mark
    that ends the item's sentence is part of it. A ;/; between items is not.
    """
    start, end = fact.span if fact.span else (None, None)
    if start is None or body[start:end] != fact.text:
        found = body.find(fact.text)
        if found < 0:
            return None, None
        start, end = found, found + len(fact.text)
    if body[end : end + 1] in ("。", "!", "！", "?", "？"):
        end += 1
    return start, end


def _create(model, **fields):
    """A new row, validated like every write (``full_clean`` before ``save``)."""
    instance = model(**fields)
    instance.full_clean(validate_unique=False)
    instance.save()
    return instance
