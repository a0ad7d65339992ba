"""Organizations named in a text: by suffix, by definition, and by the gazetteer.

Works on the folded copy of the body (``textfold.fold``), whose offsets are the
body's. A mention is classed as

* ``named``: a body the text names (北京大学, 市统计局, 科技部);
* ``level``: the short form of a level's body (市委, 区政府, 局党组), an
  organization when the text names it outside a title;
* ``relative``: the writer's own body or a generic head (校党委, 研究院,
  院务委员会), an organization only as another name of one named in full.
"""

import contextlib
import re
from dataclasses import dataclass, field

from . import lexicon as lx

_CJK = re.compile(f"[{lx.CJK}]")
_MAX_NAME = 24
_BRACKETED = re.compile(f"\\([{lx.CJK}]{{2,4}}\\)$")
_NUMERALS = frozenset("0123456789一二三四五六七八九十〇零两")
# 驻市科委、中关村管委会纪检监察组: a unit stationed at several bodies is one
# body, its 驻 listing written before the last host's name.
_STATIONED_AT = re.compile(f"驻[{lx.CJK}]{{2,15}}(?:、[{lx.CJK}]{{2,15}})*、$")
_STATIONED_SUFFIX = ("组",)


@dataclass
class OrgMention:
    start: int
    end: int
    form: str  # folded text of the mention
    kind: str  # named, level, relative
    group: str = ""  # the key of the organization it names
    in_title: bool = False  # written as the body of a title (市委书记)


@dataclass
class OrgGroup:
    key: str
    forms: list = field(default_factory=list)  # folded forms in order of appearance
    mentions: list = field(default_factory=list)
    defined: bool = False  # named by an explicit 简称 definition
    gazetteer_name: str = ""

    @property
    def first(self):
        return min(m.start for m in self.mentions)


_KNOWN_RE = re.compile(lx.trie_pattern(lx.KNOWN_ORGS))


def gazetteer_matcher(gazetteer):
    """The compiled matcher of the gazetteer's organization forms, built once."""
    if gazetteer is None or not getattr(gazetteer, "organizations", None):
        return None
    cached = getattr(gazetteer, "_entities_org_matcher", None)
    if cached is not None and cached[0] == len(gazetteer.organizations):
        return cached[1]
    from .textfold import fold

    forms = {}
    for form, full in gazetteer.organizations.items():
        folded = fold(form)
        if len(folded) >= 2 and not folded.isascii():
            forms[folded] = full
    matcher = (re.compile(lx.trie_pattern(forms)), forms) if forms else None
    with contextlib.suppress(AttributeError):  # a read-only gazetteer: no cache
        gazetteer._entities_org_matcher = (len(gazetteer.organizations), matcher)
    return matcher


def classify(form, suffix=""):
    """``named``, ``level``, ``relative`` or ``""`` (not an organization)."""
    if form in lx.KNOWN_ORGS:
        return "named"
    if not suffix:
        match = lx.ORG_SUFFIX_RE.search(form)
        while match and match.end() != len(form):
            match = lx.ORG_SUFFIX_RE.search(form, match.start() + 1)
        suffix = match.group() if match else ""
    name = form[: len(form) - len(suffix)] if suffix else form
    if lx.LEVEL_BODY.match(form):
        return "level"
    if len(name) == 1 and name in lx.LEVEL_CHARS:
        return "level"
    if not name:
        return "relative" if suffix else ""
    if name in lx.GENERIC_NAMES or lx.LEADING_RE.fullmatch(name):
        return ""
    if name[0] in "我本":
        return "relative"
    if name[0] in lx.RELATIVE_START and len(name) <= 2:
        return "relative"
    if len(name) == 1:
        return "relative"
    return "named"


class OrganizationFinder:
    def __init__(self, text, gazetteer=None):
        self.text = text
        self.gazetteer = gazetteer
        self.mentions = []
        self._by_span = {}
        self.aliases = {}  # alias form -> defined name form
        self.home = None  # the group key of the body the text is about

    # --- recognition ------------------------------------------------------
    def find(self):
        text = self.text
        for match in lx.ORG_SUFFIX_RE.finditer(text):
            self._from_suffix(match.start(), match.end(), match.group())
        for match in _KNOWN_RE.finditer(text):
            self._add(match.start(), match.end(), "named")
        matcher = gazetteer_matcher(self.gazetteer)
        if matcher:
            pattern, forms = matcher
            for match in pattern.finditer(text):
                form = match.group()
                if _runs_on(text, match.end(), form):
                    continue  # 组织部长: the title 部长, not the body 组织部
                kind = classify(form) or "named"
                self._add(match.start(), match.end(), kind, gazetteer=forms[form])
        self._definitions()
        self.mentions.sort(key=lambda m: (m.start, -m.end))
        return self.mentions

    def _add(self, start, end, kind, *, gazetteer=""):
        key = (start, end)
        form = self.text[start:end]
        if key in self._by_span:
            mention = self._by_span[key]
            if gazetteer and not mention.group:
                mention.group = "gz:" + gazetteer
            return mention
        mention = OrgMention(start, end, form, kind)
        if gazetteer:
            mention.group = "gz:" + gazetteer
        self._by_span[key] = mention
        self.mentions.append(mention)
        return mention

    def _from_suffix(self, start, end, suffix):
        text = self.text
        after = text[end : end + 1]
        fused = False
        if after and after in lx.SUFFIX_NOT_BEFORE.get(suffix, ""):
            # 经济部长, 行政院长: the body's last character is the title's first
            # (经济部 + 部长). Other run-ons (部署, 院所) are not a body.
            fused = (
                after == "长"
                and suffix in lx.FUSED_SUFFIXES
                and text[start - 1 : start] not in (suffix, "")
            )
            if not fused:
                return
        before = text[start - 1 : start] if start else ""
        if (
            before
            and before in lx.SUFFIX_NOT_AFTER.get(suffix, "")
            and text[start - 1 : end] not in lx.SUFFIX_NOT_AFTER_EXCEPT
        ):
            return
        if suffix in lx.PARTY_BODIES and lx.TITLE_UNIT.match(text, end):
            return  # 党组书记: the party body is part of a title
        if suffix in ("中心",) and text[start - 2 : start] in ("围绕", "为中"):
            return
        if suffix == "所" and text[start - 1 : start] not in lx.SUO_AFTER:
            return
        if suffix == "社" and text[start - 1 : start] not in lx.SHE_AFTER:
            return
        left = start
        while left > 0 and start - left < _MAX_NAME:
            char = text[left - 1]
            if char == "等" and left > 1 and text[left - 2] in "高中初同平均":
                left -= 1  # 高等教育司: 等 inside a word, not "and so on"
                continue
            if char in lx.ORG_HARD_STOPS or not _CJK.match(char):
                break
            if char in "年月日" and left > 1 and text[left - 2] in _NUMERALS:
                break  # 1月20日市委: a date, not part of the name
            left -= 1
        # 腾讯科技(深圳)有限公司: a place in brackets inside a company name.
        if suffix.endswith("公司") and text[left - 1 : left] == ")":
            bracket = _BRACKETED.search(text, max(0, left - 8), left)
            if bracket:
                left = bracket.start()
                while left > 0 and start - left < _MAX_NAME:
                    char = text[left - 1]
                    if char in lx.ORG_HARD_STOPS or not _CJK.match(char):
                        break
                    left -= 1
        # The name starts after the last verb or title written before it.
        for cut in (lx.CUT_RE, lx.TITLE_UNIT):
            pos = left
            while True:
                match = cut.search(text, pos, start)
                if not match:
                    break
                if match.end() <= start:
                    left = match.end()
                pos = match.start() + 1
        window_start = self._trim(left, start, suffix)
        if window_start is None:
            return
        if (
            suffix.endswith(_STATIONED_SUFFIX)
            and text[window_start - 1 : window_start] == "、"
        ):
            stationed = _STATIONED_AT.search(
                text, max(0, window_start - 50), window_start
            )
            if stationed:
                window_start = stationed.start()
        form = text[window_start:end]
        kind = classify(form, suffix)
        if not kind or not self._name_fits(window_start, start, suffix, kind):
            return
        if fused and not self._fused_body(window_start, start, kind):
            return
        if (
            suffix.endswith(lx.VENUE_SUFFIXES)
            and text[window_start - 1 : window_start] in ("在", "于")
            and lx.VENUE_AFTER.match(text, end)
        ):
            return  # 在国际学术交流中心博学厅: a place, not a body
        self._add(window_start, end, kind)

    def _fused_body(self, left, start, kind):
        """经济部长: 经济部 is a body when the two characters before 部 start the
        clause and are not a name (周强部长) or a title (常务副院长)."""
        text = self.text
        name = text[left:start]
        return (
            kind == "named"
            and len(name) == 2
            and (left == 0 or text[left - 1] in lx.ORG_HARD_STOPS)
            and not (name[0] in lx.SURNAMES and name not in lx.NOT_NAMES)
            and not lx.TITLE_TAIL.search(name)
            and not lx.TITLE_UNIT.match(text, left)  # 组织部长 is one title
        )

    def _name_fits(self, left, start, suffix, kind):
        """A level body's name ends with the level (项城市委); a party body follows
        the body it belongs to (科研所党支部)."""
        if kind != "named":
            return True
        text = self.text
        name = text[left:start]
        anchored = bool(lx.ANCHOR_RE.match(name) or lx.PLACE_PREFIX.match(name))
        if suffix in lx.LEVEL_SUFFIXES:
            return anchored or name[-1] in lx.LEVEL_CHARS or name[0] in lx.LEVEL_CHARS
        if suffix in lx.PARTY_SUFFIXES:
            return (
                anchored
                or name[-1] in lx.LEVEL_CHARS
                or any(m.end == start and m.start >= left for m in self.mentions)
            )
        return True

    def _trim(self, left, start, suffix):
        """Where the name begins in ``text[left:start] + suffix``, or None."""
        text = self.text
        # A conjunction separates two bodies when what follows it starts a name
        # or what precedes it ends one (党中央和省委, 研究院与经管学院).
        for pos in range(start - 1, left - 1, -1):
            if text[pos] in lx.ORG_CONJUNCTIONS:
                head = text[left:pos]
                rest = text[pos + 1 : start]
                if (
                    not head
                    or not rest
                    or lx.ANCHOR_RE.match(text, pos + 1)
                    or lx.PLACE_PREFIX.match(text, pos + 1)
                    or _ends_with_org(head)
                    or lx.LEADING_RE.match(rest)
                ):
                    left = pos + 1
                    break
        # Two bodies written back to back: 市委市政府 is two, 科研所党支部 one.
        for mention in reversed(self.mentions):
            if mention.end <= left:
                break
            if left <= mention.start and mention.end <= start:
                between = text[mention.end : start]
                if (
                    len(between) == 1
                    and between in lx.LEVEL_CHARS
                    or lx.ANCHOR_RE.match(between)
                    or lx.LEADING_RE.match(between)
                ):
                    left = mention.end
        # Verbs and adverbs before the name (推进国家自然博物馆).
        while left < start:
            if lx.ANCHOR_RE.match(text, left) or _KNOWN_RE.match(text, left):
                break
            match = lx.LEADING_RE.match(text, left, start)
            if not match:
                break
            left = match.end()
        # A name inside a longer run starts at the nation or a province.
        if left < start and not (
            lx.ANCHOR_RE.match(text, left) or lx.PLACE_PREFIX.match(text, left)
        ):
            anchor = lx.ANCHOR_RE.search(text, left + 1, start)
            if anchor and text[anchor.start() - 1] not in "((":
                left = anchor.start()
        return left

    def _definitions(self):
        text = self.text
        for match in lx.ALIAS_DEFINITION.finditer(text):
            ends_here = [m for m in self.mentions if m.end == match.start()]
            if not ends_here:
                continue
            name = min(ends_here, key=lambda m: m.start)
            name.kind = "named"
            alias = match.group("alias")
            self.aliases[alias] = name.form
            start = 0
            while True:
                found = text.find(alias, start)
                if found < 0:
                    break
                start = found + len(alias)
                mention = self._add(found, found + len(alias), "named")
                mention.kind = "named"
            if self.home is None:
                self.home = name.form

    # --- grouping -----------------------------------------------------------
    def groups(self, title_spans=()):
        """The organizations: mentions grouped, listed by the rules above."""
        for mention in self.mentions:
            mention.in_title = bool(lx.TITLE_UNIT.match(self.text, mention.end))
        for start, end in title_spans:
            for mention in self.mentions:
                if start <= mention.start and mention.end <= end:
                    mention.in_title = True
        # A form cut short on the left (管委会纪检监察组 inside 驻市科委、中关村
        # 管委会纪检监察组) is not a mention of its own.
        ends = {}
        for mention in self.mentions:
            ends.setdefault(mention.end, []).append(mention)
        self.mentions = [
            m
            for m in self.mentions
            if m.form in self.aliases
            or not any(o.start < m.start and o.kind == "named" for o in ends[m.end])
        ]
        # Every mention of a form names what the gazetteer says that form names.
        form_group = {m.form: m.group for m in self.mentions if m.group}
        for mention in self.mentions:
            if not mention.group and mention.form in form_group:
                mention.group = form_group[mention.form]
        groups = {}

        def group_of(key):
            if key not in groups:
                groups[key] = OrgGroup(key)
            return groups[key]

        named_forms = {}
        for mention in self.mentions:
            if mention.kind == "named":
                key = mention.group or "f:" + self.aliases.get(
                    mention.form, mention.form
                )
                named_forms.setdefault(mention.form, key)
        # A short form written inside a longer one of the text names the same
        # body (组织部 and 市委组织部), when only one longer form ends with it.
        first = {}
        for mention in self.mentions:
            first.setdefault(mention.form, mention.start)
        for form, key in list(named_forms.items()):
            if not key.startswith("f:") or form in self.aliases:
                continue
            owners = {
                k
                for other, k in named_forms.items()
                if len(other) > len(form)
                and other.endswith(form)
                and k != key
                and first[other] < first[form]
            }
            if len(owners) == 1:
                named_forms[form] = owners.pop()
        for mention in self.mentions:
            key = mention.group
            if not key and mention.kind == "named":
                key = named_forms[mention.form]
            if not key and mention.kind == "relative" and len(mention.form) >= 2:
                owners = {
                    k
                    for form, k in named_forms.items()
                    if len(form) > len(mention.form) and form.endswith(mention.form)
                }
                if len(owners) != 1:
                    continue
                key = owners.pop()
            if not key:
                key = "f:" + mention.form
            mention.group = key
            group = group_of(key)
            group.mentions.append(mention)
            if mention.form not in group.forms:
                group.forms.append(mention.form)
            if key.startswith("gz:"):
                group.gazetteer_name = key[3:]
            if mention.form in self.aliases or mention.form in self.aliases.values():
                group.defined = True
        listed = []
        for group in groups.values():
            kinds = {m.kind for m in group.mentions}
            standalone = [m for m in group.mentions if not m.in_title]
            if (
                "named" in kinds
                and (standalone or any(m.kind == "named" for m in group.mentions))
                or "level" in kinds
                and standalone
            ):
                listed.append(group)
        listed.sort(key=lambda g: g.first)
        return listed


def _runs_on(text, end, form):
    """Whether the word goes on after ``form`` (部 in 部长, 部署, 部门)."""
    after = text[end : end + 1]
    if not after:
        return False
    return any(
        form.endswith(suffix) and after in following
        for suffix, following in lx.SUFFIX_NOT_BEFORE.items()
    )


def _ends_with_org(text):
    if not text:
        return False
    if any(text.endswith(known) for known in lx.KNOWN_ORGS):
        return True
    return any(m.end() == len(text) for m in lx.ORG_SUFFIX_RE.finditer(text))
