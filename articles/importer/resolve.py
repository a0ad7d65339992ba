"""Resolution: which records in the database the facts of an extraction denote.

Nothing is written here. Every fact gets a match that says whether it names a
record that exists (``existing``), names nothing known yet (``new``: a proposal
the editor confirms by saving), or could name several (``ambiguous``: the best
candidate is chosen and the choice is reported). People are matched by name and
then by the titles and organizations the article gives them, so two people of
one name stay two; organizations by full name or alias; positions as person ×
organization × title.
"""

import re
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from articles.models import Organization, Person, Position

from .types import Extraction, OrganizationFact, PersonFact

EXISTING, NEW, AMBIGUOUS = "existing", "new", "ambiguous"

# What an organization's name says about its kind (checked in order).
_KINDS = [
    (
        (
            "党委",
            "党组",
            "党支部",
            "党总支",
            "市委",
            "省委",
            "区委",
            "县委",
            "共产党",
            "纪委",
        ),
        "party",
    ),
    (("报", "网", "电视台", "广播", "杂志", "新闻社", "出版社", "公众号"), "media"),
    (("科学院", "工程院", "社会科学院"), "academy"),
    (
        ("大学", "学院", "研究院", "研究所", "学校", "实验室", "医院", "中心"),
        "institution",
    ),
    (("公司", "集团", "企业", "银行"), "enterprise"),
    (("协会", "学会", "联合会", "商会", "基金会"), "association"),
    (
        ("政府", "委员会", "部", "局", "厅", "办公室", "办", "署", "委", "院"),
        "government",
    ),
]


# “识政”微信公众号: the quoted part is the outlet's short name.
_QUOTED_NAME = re.compile(r"^[“\"「](.{2,20}?)[”\"」]\S+$")


def organization_kind(name):
    """A guess at ``Organization.Kind`` from the name's telling words."""
    for words, kind in _KINDS:
        if any(word in name for word in words):
            return kind
    return Organization.Kind.OTHER


@dataclass
class OrganizationMatch:
    fact: OrganizationFact
    status: str
    organization: Organization | None = None  # the record, when one matched
    candidates: list[Organization] = field(default_factory=list)
    new_aliases: list[str] = field(default_factory=list)  # forms to add as aliases
    mentioned: bool = True  # named in the text (not only as publisher or source)

    @property
    def name(self):
        return self.organization.name if self.organization else self.fact.name


@dataclass
class PersonMatch:
    fact: PersonFact
    status: str
    person: Person | None = None
    candidates: list[Person] = field(default_factory=list)
    reason: str = ""  # how the match was made, for the editor


@dataclass
class PositionMatch:
    person: PersonMatch
    title: str
    organization: OrganizationMatch | Organization | None
    status: str
    position: Position | None = None


@dataclass
class Resolution:
    organizations: list[OrganizationMatch] = field(default_factory=list)
    persons: list[PersonMatch] = field(default_factory=list)
    positions: list[PositionMatch] = field(default_factory=list)
    publisher: OrganizationMatch | None = None
    warnings: list[str] = field(default_factory=list)

    def organization_for(self, name):
        """The match for an organization written as ``name`` (name or alias)."""
        if not name:
            return None
        for match in self.organizations:
            if name == match.fact.name or name in match.fact.aliases:
                return match
            if match.organization is not None and name == match.organization.name:
                return match
        return None

    def person_for(self, name):
        return next((m for m in self.persons if m.fact.name == name), None)

    def as_json(self):
        def record(match, obj):
            return {
                "status": match.status,
                "id": obj.pk if obj is not None else None,
                "candidates": [c.pk for c in match.candidates],
            }

        return {
            "organizations": [
                {
                    "name": m.fact.name,
                    **record(m, m.organization),
                    "matched_name": m.organization.name if m.organization else None,
                    "new_aliases": m.new_aliases,
                }
                for m in self.organizations
            ],
            "persons": [
                {"name": m.fact.name, **record(m, m.person), "reason": m.reason}
                for m in self.persons
            ],
            "positions": [
                {
                    "person": m.person.fact.name,
                    "title": m.title,
                    "organization": _organization_name(m.organization),
                    "status": m.status,
                }
                for m in self.positions
            ],
            "warnings": self.warnings,
        }


def _organization_name(match):
    if match is None:
        return None
    if isinstance(match, Organization):
        return match.name
    return match.name


def resolve(extraction: Extraction) -> Resolution:
    """Match ``extraction``'s facts against the database (reads only).

    Besides the organizations the entities stage lists, the bodies named by a
    person's title, the page's publisher and the units credited as its source
    are resolved too. Every look-up is by an indexed name, a few queries per
    fact, so resolution does not slow down as the tables grow.
    """
    resolution = Resolution()
    facts = list(extraction.organizations)
    mentioned = [fact.name for fact in facts]
    page = extraction.page
    named_in_titles = [
        title.organization
        for person in extraction.persons
        for title in person.titles
        if title.organization
    ]
    credited = [
        credit["name"]
        for credit in page.credits
        if credit["role"] in ("source", "contributor")
    ]
    for name in [*named_in_titles, page.publisher, *credited]:
        if name and not any(name == f.name or name in f.aliases for f in facts):
            quoted = _QUOTED_NAME.match(name)
            facts.append(
                OrganizationFact(name=name, aliases=[quoted.group(1)] if quoted else [])
            )
            if name in named_in_titles:
                mentioned.append(name)
    for fact in facts:
        match = _resolve_organization(fact, resolution)
        match.mentioned = fact.name in mentioned
        resolution.organizations.append(match)
    publisher_name = page.publisher
    if publisher_name:
        resolution.publisher = resolution.organization_for(publisher_name)
    for fact in extraction.persons:
        resolution.persons.append(_resolve_person(fact, resolution))
    for match in resolution.persons:
        for title in match.fact.titles:
            resolution.positions.append(_resolve_position(match, title, resolution))
    return resolution


def _resolve_organization(fact, resolution):
    forms = [fact.name, *fact.aliases]
    if fact.known_id is not None:
        found = list(Organization.objects.filter(pk=fact.known_id))
    else:
        found = list(
            Organization.objects.filter(name__in=forms).prefetch_related("aliases")
        )
        if not found:
            found = list(
                Organization.objects.filter(aliases__name__in=forms)
                .distinct()
                .prefetch_related("aliases")
            )
    if not found:
        return OrganizationMatch(fact=fact, status=NEW, new_aliases=list(fact.aliases))
    by_full_name = [o for o in found if o.name == fact.name]
    chosen = by_full_name[0] if by_full_name else found[0]
    status = EXISTING if len(found) == 1 or by_full_name else AMBIGUOUS
    known = {chosen.name, *(a.name for a in chosen.aliases.all())}
    match = OrganizationMatch(
        fact=fact,
        status=status,
        organization=chosen,
        candidates=found if status == AMBIGUOUS else [],
        new_aliases=[form for form in forms if form not in known],
    )
    if status == AMBIGUOUS:
        resolution.warnings.append(
            _(
                "“%(name)s” may be any of several known organizations: %(found)s; "
                "taken as “%(chosen)s” for now, please check."
            )
            % {
                "name": fact.name,
                "found": "、".join(o.name for o in found),
                "chosen": chosen.name,
            }
        )
    return match


def _resolve_person(fact, resolution):
    candidates = list(
        Person.objects.matching_name(fact.name).prefetch_related(
            Prefetch(
                "positions", queryset=Position.objects.select_related("organization")
            ),
            "aliases",
        )
    )
    if not candidates:
        return PersonMatch(
            fact=fact, status=NEW, reason=_("nobody of that name is known")
        )
    context = _person_context(fact, resolution)
    scored = sorted(
        ((_context_score(person, context), person) for person in candidates),
        key=lambda pair: (-pair[0], pair[1].pk),
    )
    best_score, best = scored[0]
    tied = [person for score, person in scored if score == best_score]
    if best_score > 0 and len(tied) == 1:
        return PersonMatch(
            fact=fact,
            status=EXISTING,
            person=best,
            reason=_("name and titles or organizations agree"),
        )
    if not context["titles"] and not context["organizations"]:
        if len(candidates) == 1:
            return PersonMatch(
                fact=fact,
                status=EXISTING,
                person=best,
                reason=_("matched by name only"),
            )
    elif (
        all(not person.positions.all() for person in candidates)
        and len(candidates) == 1
    ):
        return PersonMatch(
            fact=fact,
            status=EXISTING,
            person=best,
            reason=_("matched by name only (the known person has no titles)"),
        )
    elif best_score == 0:
        # Same name, but what the article says of them fits no one we know:
        # another person of that name, proposed as new.
        resolution.warnings.append(
            _(
                "“%(name)s”: the titles and organizations fit no known person of "
                "that name, so a new person is proposed; please check."
            )
            % {"name": fact.name}
        )
        return PersonMatch(
            fact=fact,
            status=NEW,
            candidates=candidates,
            reason=_("a namesake whose titles and organizations differ"),
        )
    resolution.warnings.append(
        _(
            "“%(name)s” may be any of %(count)d known people of that name; taken "
            "as one of them for now, please check."
        )
        % {"name": fact.name, "count": len(tied)}
    )
    return PersonMatch(
        fact=fact,
        status=AMBIGUOUS,
        person=best,
        candidates=tied,
        reason=_("namesakes that cannot be told apart"),
    )


def _person_context(fact, resolution):
    organizations = set()
    for title in fact.titles:
        match = resolution.organization_for(title.organization)
        if match is not None and match.organization is not None:
            organizations.add(match.organization.pk)
    return {
        "titles": {title.title for title in fact.titles},
        "organizations": organizations,
        "pairs": {
            (_organization_pk(resolution, title.organization), title.title)
            for title in fact.titles
        },
    }


def _organization_pk(resolution, name):
    match = resolution.organization_for(name)
    return match.organization.pk if match and match.organization else None


def _context_score(person, context):
    score = 0
    for position in person.positions.all():
        if (position.organization_id, position.title) in context["pairs"]:
            score += 3
        elif position.organization_id in context["organizations"]:
            score += 2
        elif position.title in context["titles"]:
            score += 1
    return score


def _resolve_position(match, title, resolution):
    organization = resolution.organization_for(title.organization)
    if organization is None and title.organization is None:
        organization = resolution.publisher
    person = match.person if match.status != NEW else None
    if organization is None and person is not None:
        # The title alone: a position the person already holds under that title.
        held = [p for p in person.positions.all() if p.title == title.title]
        if held:
            return PositionMatch(
                person=match,
                title=title.title,
                organization=held[0].organization,
                status=EXISTING,
                position=held[0],
            )
    if organization is None:
        return PositionMatch(
            person=match, title=title.title, organization=None, status=NEW
        )
    record = organization.organization if organization else None
    if person is not None and record is not None:
        for position in person.positions.all():
            if position.organization_id == record.pk and position.title == title.title:
                return PositionMatch(
                    person=match,
                    title=title.title,
                    organization=organization,
                    status=EXISTING,
                    position=position,
                )
    return PositionMatch(
        person=match, title=title.title, organization=organization, status=NEW
    )
