"""The facts the importer extracts: plain data, shared by its stages."""

from dataclasses import dataclass, field

Span = tuple[int, int]


@dataclass
class Page:
    """An article as read from a scraped page, before any structure is found."""

    title: str = ""
    subtitle: str = ""
    published_at: str | None = None  # "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM", local time
    source: str = ""  # the 来源 line
    publisher: str = ""  # the organization whose site published the page
    section: str = ""  # from the breadcrumb, e.g. "新闻 > 院内新闻"
    source_url: str = ""
    lede: str = ""  # 导语, verbatim
    paragraphs: list[str] = field(default_factory=list)  # verbatim, chrome left out
    captions: list[str] = field(default_factory=list)
    credits: list[dict] = field(default_factory=list)  # {"role": ..., "name": ...}
    bylines: dict = field(default_factory=dict)  # 作者/记者/编辑/责任编辑/审核 → names
    truncated: bool = False  # the page stops mid-sentence
    warnings: list[str] = field(default_factory=list)

    @property
    def body(self):
        from articles.models import PARAGRAPH_SEPARATOR

        return PARAGRAPH_SEPARATOR.join(self.paragraphs)


@dataclass
class TitleFact:
    title: str  # as written, without the organization when one is named apart
    organization: str | None = None  # the organization's name as written, if stated
    span: Span | None = None


@dataclass
class PersonFact:
    name: str
    titles: list[TitleFact] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)  # every place the name is written

    @property
    def organizations(self):
        names = []
        for title in self.titles:
            if title.organization and title.organization not in names:
                names.append(title.organization)
        return names


@dataclass
class OrganizationFact:
    name: str
    aliases: list[str] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    known_id: int | None = None  # set when it resolved to a record in the database


@dataclass
class DirectiveFact:
    issuer: str  # a PersonFact's name
    text: str  # verbatim: no lead-in, no ordinal word, no trailing 。/;
    span: Span  # of ``text`` in Page.body
    group: str | None = None  # the set's heading as written (四点要求), or None
    ordinal: int | None = None  # the explicit number, None when unnumbered
    kind: str = "requirement"  # a Directive kind: requirement, emphasis, statement…
    set_index: int = 0  # which set of the article the item belongs to (0-based)
    truncated: bool = False  # cut off by a truncated page


@dataclass
class Extraction:
    page: Page
    persons: list[PersonFact] = field(default_factory=list)
    organizations: list[OrganizationFact] = field(default_factory=list)
    directives: list[DirectiveFact] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_json(self):
        """The JSON contract of ``import_article --json`` (see the README)."""
        page = self.page
        return {
            "article": {
                "title": page.title,
                "subtitle": page.subtitle,
                "published_at": page.published_at,
                "source": page.source,
                "publisher": page.publisher,
                "section": page.section,
                "source_url": page.source_url,
                "lede": page.lede,
                "paragraphs": page.paragraphs,
                "captions": page.captions,
                "credits": page.credits,
                "bylines": page.bylines,
                "truncated": page.truncated,
            },
            "persons": [
                {
                    "name": person.name,
                    "titles": [title.title for title in person.titles],
                    "organizations": person.organizations,
                    "spans": [list(span) for span in person.spans],
                }
                for person in self.persons
            ],
            "organizations": [
                {
                    "name": organization.name,
                    "aliases": organization.aliases,
                    "spans": [list(span) for span in organization.spans],
                }
                for organization in self.organizations
            ],
            "directives": [
                {
                    "issuer": directive.issuer,
                    "group": directive.group,
                    "ordinal": directive.ordinal,
                    "text": directive.text,
                    "kind": directive.kind,
                    "span": list(directive.span),
                    "set": directive.set_index,
                    "truncated": directive.truncated,
                }
                for directive in self.directives
            ],
            "warnings": [*page.warnings, *self.warnings],
        }
