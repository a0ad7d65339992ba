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
    # The set's addressee organizations (OrganizationFact names): 对北科院…提出
    addressees: list[str] = field(default_factory=list)


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
                    "addressees": directive.addressees,
                }
                for directive in self.directives
            ],
            "warnings": [*page.warnings, *self.warnings],
        }

    def as_state(self):
        """``as_json`` plus what it folds away (each title's organization and
        span, the warnings apart), so ``from_json`` rebuilds the extraction
        exactly: the admin's review screen round-trips it through a form."""
        data = self.as_json()
        for person, fact in zip(data["persons"], self.persons, strict=True):
            person["positions"] = [
                {
                    "title": title.title,
                    "organization": title.organization,
                    "span": list(title.span) if title.span else None,
                }
                for title in fact.titles
            ]
        data["page_warnings"] = list(self.page.warnings)
        data["warnings"] = list(self.warnings)
        return data

    @classmethod
    def from_json(cls, data):
        """An extraction from ``as_state()`` (or ``as_json()``) output.

        Raises ``ValueError`` (or ``KeyError``/``TypeError``) on malformed data.
        From plain ``as_json`` a title's organization is unknown (None).
        """
        article = data["article"]
        page = Page(
            title=str(article.get("title") or ""),
            subtitle=str(article.get("subtitle") or ""),
            published_at=article.get("published_at"),
            source=str(article.get("source") or ""),
            publisher=str(article.get("publisher") or ""),
            section=str(article.get("section") or ""),
            source_url=str(article.get("source_url") or ""),
            lede=str(article.get("lede") or ""),
            paragraphs=[str(p) for p in article.get("paragraphs") or []],
            captions=[str(c) for c in article.get("captions") or []],
            credits=[dict(c) for c in article.get("credits") or []],
            bylines=dict(article.get("bylines") or {}),
            truncated=bool(article.get("truncated")),
            warnings=[str(w) for w in data.get("page_warnings") or []],
        )

        def span(value):
            return (int(value[0]), int(value[1])) if value else None

        persons = []
        for person in data.get("persons") or []:
            if "positions" in person:
                titles = [
                    TitleFact(
                        title=str(p["title"]),
                        organization=p.get("organization"),
                        span=span(p.get("span")),
                    )
                    for p in person["positions"]
                ]
            else:
                titles = [TitleFact(title=str(t)) for t in person.get("titles") or []]
            persons.append(
                PersonFact(
                    name=str(person["name"]),
                    titles=titles,
                    spans=[span(s) for s in person.get("spans") or []],
                )
            )
        organizations = [
            OrganizationFact(
                name=str(o["name"]),
                aliases=[str(a) for a in o.get("aliases") or []],
                spans=[span(s) for s in o.get("spans") or []],
            )
            for o in data.get("organizations") or []
        ]
        directives = [
            DirectiveFact(
                issuer=str(d["issuer"]),
                text=str(d["text"]),
                span=span(d["span"]),
                group=d.get("group"),
                ordinal=int(d["ordinal"]) if d.get("ordinal") is not None else None,
                kind=str(d.get("kind") or "requirement"),
                set_index=int(d.get("set") or 0),
                truncated=bool(d.get("truncated")),
                addressees=[str(a) for a in d.get("addressees") or []],
            )
            for d in data.get("directives") or []
        ]
        warnings = data.get("warnings") or []
        if "page_warnings" not in data:
            warnings = []  # as_json merged them; keep none rather than guess
        return cls(
            page=page,
            persons=persons,
            organizations=organizations,
            directives=directives,
            warnings=[str(w) for w in warnings],
        )
