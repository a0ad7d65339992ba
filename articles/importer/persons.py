"""Persons named in a text, with their titles.

A Chinese name is a surname from the lexicon and one or two given characters, and
it is taken only where the context vouches for it: a title before it (党组书记刘晖,
党组副书记、院长伍建民), a title after it (陈军书记), a list under one title or label
(副市长吴维强、宋旭; 院领导邵锦文、万士林), a list closed by a form of address or a
count (毛泽东、邓小平同志; 尤建新、刘光富、陈强三位教授), or the gazetteer's names.
Works on the folded copy of the body; offsets are the body's.
"""

import contextlib
import re
from dataclasses import dataclass, field

from . import lexicon as lx

_CJK = re.compile(f"[{lx.CJK}]")
_FOLLOWERS = re.compile(lx.trie_pattern({*lx.NAME_FOLLOWERS, *lx.HONORIFICS}))
_HONORIFIC = re.compile("|".join(lx.HONORIFICS))
_DIGIT_CHARS = frozenset("两三四五六七八九十")
# What may stand just before a name: punctuation and prepositions (由, 向, 请).
_LEFT_OF_NAME = frozenset(
    "、,。;:!?()()“”‘’《》「」【】 \n\t由向对和与及在被请让为是将把从给任"
)
_TYPE_OF_HEAD = {
    "院": ("院",),
    "所": ("所",),
    "校": ("大学", "学院", "学校", "校"),
    "局": ("局",),
    "处": ("处",),
    "部": ("部",),
    "厅": ("厅",),
    "社": ("社", "报"),
    "馆": ("馆",),
    "台": ("台",),
    "行": ("行",),
    "会": ("会",),
    "系": ("系",),
    "司": ("司",),
}


@dataclass
class Title:
    text: str  # the title as written (folded)
    start: int
    end: int
    organization: str | None = None  # a group key or a written short form
    org_written: bool = False  # the organization is written in the title


@dataclass
class Person:
    name: str
    spans: list = field(default_factory=list)
    titles: list = field(default_factory=list)


def _given_ok(given):
    return all(_CJK.match(c) and c not in lx.NON_NAME_CHARS for c in given) and not (
        len(given) == 2 and given[1] in _DIGIT_CHARS
    )


def _surname_len(text, i):
    if text[i : i + 2] in lx.COMPOUND_SURNAMES:
        return 2
    if text[i : i + 1] in lx.SURNAMES:
        return 1
    return 0


def follows_name(text, end):
    """Whether a name may end at ``end``: punctuation, a verb, a title, a count."""
    if end >= len(text):
        return True
    if text[end] in lx.NAME_FOLLOWER_CHARS:
        return True
    return bool(
        _FOLLOWERS.match(text, end)
        or lx.TITLE_UNIT.match(text, end)
        or lx.COUNTED.match(text, end)
    )


def name_forms(text, i):
    """The possible names starting at ``i``: ``[(end, given_length)]``."""
    surname = _surname_len(text, i)
    if not surname:
        return []
    if text[i : i + 2] in lx.NOT_NAMES:
        return []
    given_start = i + surname
    if lx.TITLE_UNIT.match(text, given_start) or _HONORIFIC.match(text, given_start):
        return []  # 王书记, 陈老师: a surname with a title is a reference
    forms = []
    for length in (2, 1):
        given = text[given_start : given_start + length]
        if len(given) == length and _given_ok(given):
            forms.append((given_start + length, length))
    return forms


def name_at(text, i, *, vouched):
    """The end of the name starting at ``i``, or None.

    ``vouched``: a title or list before the name already says a name comes, so
    a two-character given name is taken even when what follows is unknown.
    """
    forms = name_forms(text, i)
    if not forms:
        return None
    long = next((end for end, length in forms if length == 2), None)
    short = next((end for end, length in forms if length == 1), None)
    long_ok = long is not None and follows_name(text, long)
    short_ok = short is not None and follows_name(text, short)
    if long_ok and not short_ok:
        return long
    if short_ok and not long_ok:
        return short
    if long_ok and short_ok:
        # 路风也受邀: the third character is a particle; 李强陪同: a word after
        # the short form takes the third character.
        follower = _FOLLOWERS.match(text, short)
        if (
            text[long - 1] in lx.NAME_FOLLOWER_CHARS
            or (follower and follower.end() - short >= 2)
            or lx.TITLE_UNIT.match(text, short)
        ):
            return short
        return long
    if vouched and long is not None:
        return long
    return None


def _person_matcher(gazetteer):
    """The compiled matcher of the gazetteer's person names, built once."""
    names = getattr(gazetteer, "persons", None)
    if not names:
        return None
    cached = getattr(gazetteer, "_entities_person_matcher", None)
    if cached is not None and cached[0] == len(names):
        return cached[1]
    wanted = {name for name in names if len(name) >= 2 and not name.isascii()}
    matcher = re.compile(lx.trie_pattern(wanted)) if wanted else None
    with contextlib.suppress(AttributeError):  # a read-only gazetteer: no cache
        gazetteer._entities_person_matcher = (len(names), matcher)
    return matcher


def is_byline(text, start, end):
    if lx.BYLINE_BEFORE.search(text, max(0, start - 8), start):
        return True
    return bool(lx.BYLINE_AFTER.match(text[end : end + 6]))


class PersonFinder:
    def __init__(self, text, orgs, gazetteer=None):
        self.text = text
        self.orgs = orgs  # OrganizationFinder, with mentions found
        self.gazetteer = gazetteer
        self.persons = {}
        self._at = {}  # position -> (start, end) of the accepted name there
        self.title_spans = []
        self._org_by_end = {}
        for mention in orgs.mentions:
            best = self._org_by_end.get(mention.end)
            if best is None or mention.start < best.start:
                self._org_by_end[mention.end] = mention
        self._units = list(lx.TITLE_UNIT.finditer(text))
        self._unit_by_end = {m.end(): m for m in self._units}

    # --- the passes ---------------------------------------------------------
    def find(self):
        text = self.text
        for unit in self._units:
            start = unit.end()
            end = name_at(text, start, vouched=True)
            if end is None:
                continue
            titles = self._chain_before(unit)
            self._accept(start, end, titles)
            self._titles_after(start, end)
            self._list_after(end, titles)
        for label in lx.LEADER_LABEL.finditer(text):
            start = label.end()
            end = name_at(text, start, vouched=True)
            if end is not None:
                self._accept(start, end, [])
                self._list_after(end, [])
        for unit in self._units:
            self._name_before_title(unit)
        for match in _HONORIFIC.finditer(text):
            self._list_before(match.start(), [], minimum=2)
        for match in lx.COUNTED.finditer(text):
            after = lx.TITLE_UNIT.match(text, match.end())
            titles = [self._title(after.start(), after.end(), None)] if after else []
            self._list_before(match.start(), titles, minimum=1)
        self._gazetteer_names()
        self._all_mentions()
        return list(self.persons.values())

    def _accept(self, start, end, titles):
        if self._overlaps(start, end) or self._in_organization(start, end):
            return None
        name = self.text[start:end]
        person = self.persons.get(name)
        if person is None:
            person = self.persons[name] = Person(name)
        if (start, end) not in person.spans:
            person.spans.append((start, end))
            self._take(start, end)
        for title in titles:
            self._add_title(person, title)
        return person

    def _in_organization(self, start, end):
        """浙江大学党委书记: 江大学 is inside a body's name, not a person."""
        return any(
            m.start <= start and end <= m.end and m.kind == "named"
            for m in self.orgs.mentions
            if m.start < end and start < m.end
        )

    def _overlaps(self, start, end):
        span = (start, end)
        return any(self._at.get(pos, span) != span for pos in range(start, end))

    def _take(self, start, end):
        for pos in range(start, end):
            self._at[pos] = (start, end)

    def _add_title(self, person, title):
        for held in person.titles:
            if title.org_written and held.organization != title.organization:
                continue  # 我校兼职教授、北京大学教授: two bodies, two titles
            if held.text.endswith(title.text) or title.text.endswith(held.text):
                return
        person.titles.append(title)

    # --- titles ---------------------------------------------------------------
    def _chain_before(self, unit):
        """The titles written before a name, in order: 科技部党组书记、部长."""
        chain = []
        current = unit
        while current is not None:
            title, element_start = self._title_with_prefix(current)
            chain.append(title)
            before = element_start - 1
            if before < 0 or self.text[before] != "、":
                break
            current = self._unit_by_end.get(before)
            if current is None:
                break
        chain.reverse()
        # A body named at the head of the chain holds the titles after it too,
        # unless a title names its own (市委副书记、市长 → 市政府).
        inherited = None
        for title in chain:
            if title.org_written:
                inherited = title.organization
            elif inherited and (
                title.organization is None or title.organization.startswith("infer:")
            ):
                title.organization = inherited
        for title in chain:
            self.title_spans.append((title.start, title.end))
        return chain

    def _title_with_prefix(self, unit):
        """The title ending at ``unit``, and where its chain element starts."""
        text = self.text
        start, end = unit.start(), unit.end()
        org = self._org_by_end.get(start)
        if org is not None and org.start >= self._last_stop(start):
            key = org.group or org.form
            if org.kind == "named":
                level = re.search(r"[省市区县]委$", org.form)
                title_start = org.end - 2 if level else start
                return self._title(title_start, end, key, True), org.start
            return self._title(org.start, end, key, True, org.kind), org.start
        if text[start - 2 : start] in ("我校", "我院", "我所", "本校", "本院"):
            return self._title(start, end, None), start - 2
        if start and text[start - 1] in "校院系所":
            return self._title(start - 1, end, None), start - 1
        return self._title(start, end, None), start

    def _last_stop(self, pos):
        text = self.text
        while pos > 0 and text[pos - 1] not in "、,。;:()()“”《》 \n":
            pos -= 1
        return pos

    def _title(self, start, end, organization, written=False, kind="named"):
        title = Title(self.text[start:end], start, end)
        if written:
            title.organization = ("lvl:" if kind == "level" else "") + organization
            title.org_written = True
        else:
            title.organization = self._implied_org(title.text, start)
        return title

    def _implied_org(self, title, position):
        head = lx.TITLE_UNIT.match(title)
        bare = title
        if head:
            bare = re.sub(
                f"^(?:{'|'.join(lx.PARTY_BODIES)})?(?:{'|'.join(lx.TITLE_MODIFIERS)})?",
                "",
                title,
            )
        for government_head, body in lx.LEVEL_GOVERNMENT_HEADS.items():
            if bare.endswith(government_head) and len(bare) <= 5:
                return "lvl:" + body
        own = lx.TITLE_OWN_BODY.match(bare)
        if own:
            return "lvl:" + own.group()
        return "infer:" + title

    def _titles_after(self, start, end):
        text = self.text
        person = self.persons.get(text[start:end])
        if person is None:
            return
        pos = end
        while True:
            unit = lx.TITLE_UNIT.match(text, pos)
            if not unit:
                break
            title = self._title(unit.start(), unit.end(), None)
            self.title_spans.append((title.start, title.end))
            self._add_title(person, title)
            pos = unit.end()

    def _name_before_title(self, unit):
        """陈军书记, 郭广银院长教授: a name written just before a title."""
        text = self.text
        end = unit.start()
        if self._covered(end - 1):
            return
        options = []
        for length in (3, 2, 4):
            start = end - length
            if start < 0:
                continue
            if name_at(text, start, vouched=False) != end:
                continue
            left = start == 0 or text[start - 1] in _LEFT_OF_NAME
            if length == 2 and not left and text[start:end] not in self.persons:
                continue  # 同时王书记: a two-character name needs a clear start
            options.append((left, length, start))
        if not options:
            return
        name_known = [o for o in options if text[o[2] : end] in self.persons]
        chosen = (name_known or sorted(options, key=lambda o: (not o[0], -o[1])))[0]
        start = chosen[2]
        if is_byline(text, start, end):
            return
        if self._accept(start, end, []) is not None:
            self._titles_after(start, end)

    def _covered(self, pos):
        return pos in self._at

    def _list_after(self, end, titles):
        """副市长吴维强、宋旭: more names after a titled one share its titles."""
        text = self.text
        while end < len(text) and text[end] == "、":
            start = end + 1
            if lx.TITLE_UNIT.match(text, start):
                break
            after = name_at(text, start, vouched=False)
            if after is None:
                break
            self._accept(start, after, titles)
            end = after

    def _list_before(self, end, titles, *, minimum):
        """毛泽东、邓小平同志; 尤建新、刘光富、陈强三位教授: names before a closer."""
        text = self.text
        found = []
        pos = end
        while True:
            chosen = None
            for length in (3, 2, 4):
                start = pos - length
                if start < 0 or not name_forms(text, start):
                    continue
                if any(end2 == pos for end2, _ in name_forms(text, start)):
                    delimited = start == 0 or text[start - 1] in _LEFT_OF_NAME
                    if delimited or chosen is None:
                        chosen = (start, delimited)
                        if delimited:
                            break
            if chosen is None:
                break
            found.append((chosen[0], pos))
            if chosen[0] > 0 and text[chosen[0] - 1] == "、":
                pos = chosen[0] - 1
                continue
            break
        if len(found) < minimum:
            return
        if len(found) == 1:
            start, stop = found[0]
            clear = start == 0 or text[start - 1] in "、,。;:( \n"
            if not clear and text[start:stop] not in self.persons:
                return
        for start, stop in reversed(found):
            if is_byline(text, start, stop):
                continue
            self._accept(start, stop, titles)

    def _gazetteer_names(self):
        matcher = _person_matcher(self.gazetteer)
        if matcher is None:
            return
        text = self.text
        for match in matcher.finditer(text):
            start, end = match.span()
            if follows_name(text, end) and not is_byline(text, start, end):
                self._accept(start, end, [])

    def _all_mentions(self):
        """Every place a found name is written, bylines left out."""
        text = self.text
        for name, person in self.persons.items():
            start = text.find(name)
            while start >= 0:
                end = start + len(name)
                if (
                    (start, end) not in person.spans
                    and not self._overlaps(start, end)
                    and not is_byline(text, start, end)
                ):
                    person.spans.append((start, end))
                    self._take(start, end)
                start = text.find(name, end)
            person.spans.sort()

    # --- organizations of titles -------------------------------------------------
    def resolve_organizations(self, groups, home):
        """Turn each title's organization into the name of a listed body."""
        by_key = {group.key: group for group in groups}
        mention_group = {}
        for group in groups:
            for mention in group.mentions:
                mention_group[mention.form] = group

        def display(group):
            return display_name(group)

        for person in self.persons.values():
            for title in person.titles:
                org = title.organization
                if org is None:
                    continue
                if org.startswith("lvl:") and org[4:] in by_key:
                    title.organization = display(by_key[org[4:]])
                elif org.startswith("lvl:"):
                    form = org[4:]
                    group = mention_group.get(form)
                    title.organization = display(group) if group else form
                elif org.startswith("infer:"):
                    title.organization = self._infer(org[6:], title.start, groups, home)
                elif org in by_key:
                    title.organization = display(by_key[org])
                elif org.startswith("f:") or org.startswith("gz:"):
                    title.organization = org.split(":", 1)[1]
                else:
                    group = mention_group.get(org)
                    title.organization = display(group) if group else org

    def _infer(self, head, position, groups, home):
        """The body of an unprefixed 院长 or 党组书记, when the text makes it plain."""
        bare = re.sub(
            f"^(?:{'|'.join(lx.PARTY_BODIES)})?(?:{'|'.join(lx.TITLE_MODIFIERS)})?",
            "",
            head,
        )
        base = bare.lstrip("副")
        endings = None
        if base.endswith("领导") or len(base) == 2 and base[1] in "长":
            endings = _TYPE_OF_HEAD.get(base[0])
        if endings:
            # The one body of that kind named before the title (中国科技管理研究院
            # … 副院长顾淑林); with two or more, the text does not say which.
            before = [
                group
                for group in groups
                if display_form(group).endswith(endings)
                and any(m.start < position for m in group.mentions)
            ]
            if len(before) == 1:
                return display(before[0])
            if before:
                return None
            if home is not None and display_form(home).endswith(endings):
                return display(home)
            return None
        if any(head.startswith(body) for body in lx.PARTY_BODIES) and home is not None:
            return display(home)
        return None


def display_form(group):
    """The folded form that names a group: the longest written form."""
    return max(group.forms, key=len)


def display(group):
    return display_form(group)


def display_name(group):
    return display_form(group)
