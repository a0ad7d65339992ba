"""Saving an import: one transaction through the write path, one revision.

``article_import`` creates (or, for a source imported before, updates) a draft
article with everything the importer found: body paragraphs, lede, section,
publisher, credits, photo captions, the people and organizations it names (new
ones are created as the resolution proposed, and reported), their positions,
mentions, and the directive sets with their items and spans. Every row is
written by ``object_create``/``object_update``/``object_delete``, so the
workflow rule, validation, the version check and the after-write hook apply to
an import as to any other write; the import's rows share one history revision
("已作为新草稿导入。"). Any failure rolls the whole import back. A source is
recognised by its URL, else by a hash of its title and body, so importing it
again never duplicates: it updates the draft, or refuses when the article was
edited or published since.
"""

import datetime
import hashlib
from dataclasses import dataclass, field

import reversion
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ..importer.errors import ImportRefused
from ..importer.resolve import NEW, Resolution, organization_kind, resolve
from ..importer.types import Extraction
from ..models import (
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
from ..search import index as search_index
from . import history
from .publishing import article_publish
from .versions import StaleVersionError
from .writes import batch, object_create, object_delete, object_update

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


def article_import(
    *, extraction: Extraction, user=None, publish: bool = False
) -> ImportResult:
    """Save ``extraction`` as a draft article (published with ``publish``).

    Raises ``ImportConflict`` when the source's article was edited or published
    after it was imported, and ``PermissionDenied`` when ``user`` may not
    write (or publish) what the import holds. Nothing is written unless
    everything is.
    """
    page = extraction.page
    digest = text_hash(page)
    with batch():
        record = _previous_import(page.source_url, digest)
        resolution = resolve(extraction)
        result = ImportResult(
            article=None, created=record is None, resolution=resolution
        )
        result.warnings.extend(resolution.warnings)
        write = _Writer(user)
        with reversion.create_revision(), search_index.deferred():
            organizations = _organizations(write, extraction, resolution, result)
            article = _article(write, page, record, resolution, result)
            _mentions(write, article, resolution)
            people = _people(write, article, resolution, result)
            positions = _positions(write, article, resolution, result)
            _credits(write, article, page, organizations)
            _photos(write, article, page)
            _directive_sets(
                write, article, extraction, people, positions, organizations, result
            )
            # The rows' own messages ("已添加人物……") give way to the import's.
            with history._chinese():
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
        if publish:
            article = article_publish(article=article, user=user)
        result.article = article
    return result


class _Writer:
    """The write path with the importing user: every row an import writes."""

    def __init__(self, user):
        self.user = user

    def create(self, model, m2m=None, **fields):
        return object_create(instance=model(**fields), user=self.user, m2m=m2m)

    def create_missing(self, model, **fields):
        """The row with these fields, created if there is none."""
        found = model.objects.filter(**fields).first()
        return found if found is not None else self.create(model, **fields)

    def update(self, instance, expected_version=None, **data):
        return object_update(
            instance=instance,
            data=data,
            user=self.user,
            expected_version=expected_version,
        )

    def delete(self, instances):
        for instance in instances:
            object_delete(instance=instance, user=self.user)


def _previous_import(source_url, digest):
    records = ImportRecord.objects.select_related("article")
    record = None
    if source_url:
        record = records.filter(source_url=source_url).first()
    return record or records.filter(text_hash=digest).first()


def _article(write, page, record, resolution, result):
    publisher = resolution.publisher
    fields = {
        "title": page.title or _title_from_body(page, result),
        "lede": page.lede,
        "body": page.body,
        "source_url": _valid_url(page.source_url, result),
        "section": _section(write, page.section),
        "publisher": publisher.organization if publisher is not None else None,
    }
    published_at = _published_at(page.published_at)
    if record is None:
        return write.create(
            Article,
            status=Article.Status.DRAFT,
            published_at=published_at,
            slug=_unique_slug(fields["title"], text_hash(page)),
            **fields,
        )
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
        raise _edited_since(article, record.article_version)
    if published_at != article.published_at:
        # A draft's date changes only through publishing, like every article's.
        result.warnings.append(
            _(
                "The page now gives another date (%(date)s); the draft keeps "
                "its own. Set the date when publishing."
            )
            % {"date": page.published_at}
        )
    _clear(write, article)
    try:
        return write.update(article, expected_version=record.article_version, **fields)
    except StaleVersionError as error:
        raise _edited_since(article, record.article_version) from error


def _edited_since(article, imported_version):
    return ImportConflict(
        _(
            "This source was imported before as the draft “%(title)s” "
            "(#%(id)s), which has been edited since (version %(then)s → "
            "%(now)s): importing it again would overwrite those edits, so "
            "nothing was changed."
        )
        % {
            "title": article.title,
            "id": article.pk,
            "then": imported_version,
            "now": article.version,
        },
        article=article,
    )


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


def _clear(write, article):
    """Remove what an earlier import of this source attached to ``article``."""
    write.delete(article.directive_sets.all())
    write.delete(article.person_mentions.all())
    write.delete(article.organization_mentions.all())
    write.delete(article.credits.all())
    write.delete(article.photos.all())


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


def _section(write, path):
    """The section for a breadcrumb path (新闻 › 院内新闻), created if missing."""
    if not path:
        return None
    parent = None
    for name in [part.strip() for part in path.split("›") if part.strip()]:
        section = Section.objects.filter(name=name, parent=parent).first()
        if section is None:
            section = write.create(
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


def _organizations(write, extraction, resolution, result):
    """Organization records by every written form; new ones created and new
    aliases added (the publisher among them)."""
    by_form = {}
    for match in resolution.organizations:
        if match.status == NEW:
            organization = write.create(
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
                write.create_missing(
                    OrganizationAlias, organization=organization, name=alias
                )
        for form in (match.fact.name, *match.fact.aliases, organization.name):
            by_form.setdefault(form, organization)
    return by_form


def _mentions(write, article, resolution):
    """The article's organization mentions, one per organization (two written
    forms may resolve to one). The article has none yet: it is new, or its
    earlier import's were cleared."""
    mentioned = []
    for match in resolution.organizations:
        if match.mentioned and match.organization not in mentioned:
            mentioned.append(match.organization)
    for order, organization in enumerate(mentioned):
        write.create(
            OrganizationMention,
            article=article,
            organization=organization,
            role=MentionRole.MENTIONED,
            order=order,
        )


def _people(write, article, resolution, result):
    people = {}
    for match in resolution.persons:
        if match.status == NEW:
            match.person = write.create(
                Person,
                name=match.fact.name,
                slug=_free_slug(
                    Person, slugify(match.fact.name, allow_unicode=True) or "person"
                ),
            )
            result.new_people.append(match.person.name)
        people[match.fact.name] = match.person
    # One mention per person (namesakes resolved to one record are one), in
    # the order the page names them; the article has none yet (see _mentions).
    for order, person in enumerate(dict.fromkeys(people.values())):
        write.create(
            PersonMention,
            article=article,
            person=person,
            role=MentionRole.MENTIONED,
            order=order,
        )
    return people


def _positions(write, article, resolution, result):
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
        key = {"person": person, "organization": target, "title": match.title[:100]}
        position = Position.objects.filter(**key).first()
        if position is None:
            position = write.create(
                Position,
                reported_in=article,
                order=len(positions.get(match.person.fact.name, [])),
                **key,
            )
            result.new_positions.append(f"{person.name} · {target.name} {match.title}")
        positions.setdefault(match.person.fact.name, []).append(position)
    return positions


def _credits(write, article, page, organizations):
    seen = set()
    for credit in page.credits:
        role = CREDIT_ROLES.get(credit["role"])
        name = credit["name"][:200]
        if role is None or not name or (role, name) in seen:
            continue
        seen.add((role, name))
        write.create(
            Credit,
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


def _photos(write, article, page):
    for order, caption in enumerate(page.captions):
        write.create(Photo, article=article, caption=caption[:300], order=order)


def _directive_sets(
    write, article, extraction, people, positions, organizations, result
):
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
        addressees = [
            organizations[name]
            for name in dict.fromkeys(first.addressees)
            if name in organizations
        ]
        directive_set = write.create(
            DirectiveSet,
            m2m={"addressees": addressees} if addressees else None,
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
            write.create(
                Directive,
                directive_set=directive_set,
                ordinal=fact.ordinal if numbered else position,
                text=text,
                summary=first_clause(text)[:300],
                span_start=start,
                span_end=end,
            )


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
