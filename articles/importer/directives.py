"""Directive sets: who demanded what, item by item, with spans in the body.

How it reads a page (all matching runs on a Simplified, length-preserving fold of
``page.body``; texts and spans are cut from the body as written):

1. **Who is named.** Person mentions come from the ``persons`` the entities stage
   found (their spans, and every other place their names are written), plus a few
   names guessed directly before a lead-in verb or after a title, so the stage
   degrades gracefully when the persons stage misses a speaker. ``他``/``她`` and
   ``王书记``-style references (surname + title) resolve to the last matching
   named person; a leader never named in full resolves to nobody.
2. **Who speaks where.** Every lead-in verb (强调, 指出, 要求, 提出, 表示, 说 …, and
   the 希望/期待 family) opens a *speech region* that runs to the next lead-in, to
   a sentence led by someone else, or to the end of its paragraph. Its speaker is
   the subject of the lead-in's clause: a person; the meeting (``会议要求``:
   nobody's directive); a body (``党支部``: nobody's); or, when the clause has no
   subject, the subject carried over from earlier in the sentence or from the
   previous sentence (``…焦铎辉传达了…。向全局党员干部提出了四点要求:``).
3. **Sets.** Numbered lists (一是/二是, 一要/二要, 第一,/第二,, 首先/其次/最后, 1./2.,
   (1)/(2), ①/②) are chained by family and consecutive number; two lists restart
   at 1 and nested lists chain on their own. A heading (四点要求, 十四个方面的工作,
   3項要求, 如下需求) just before a chain names it; a heading followed by a colon
   and no ordinals splits on semicolons (``四点要求:A;B;C;D``); a heading after a
   run-on list (``要求A,B,以及C等3項要求``) splits what precedes it. A set belongs
   to the speaker of the region its heading or first item lies in.
4. **Unnumbered items.** In a 强调/要求/指出/提出 region with no set, each sentence
   with a modal 要 starts an item that runs to the end of that sentence, taking
   in the following sentences that carry no 要 until the paragraph ends or a
   sentence starts something else (another speaker, 下一步…, 出席). After 指出
   (a statement) the 要 must come early in the sentence, so that description
   followed by a late 要 is not read as a demand.

   Paragraphs that open with 要 (or an ordinal) go on with the speech before
   them; the text before a speaker's numbered list is its preamble, not items.

A set has one kind, that of its heading's noun (要求/意见 → requirement,
工作/任务 → arrangement) or else of the lead-in verb opening it (强调 → emphasis,
指出 → statement, 要求/提出 → requirement); 建议 gives ``suggestion`` once
``DirectiveKind`` has it and ``requirement`` until then. 希望/期待/鼓励/期许
items are expectations, not requirements: they are skipped. ``set_index``
numbers the sets in order: a numbered or headed list is one set (a nested list
is a set of its own, its items also inside the enclosing item's text);
consecutive unnumbered items of one speaker form one set.
"""

import bisect
import functools
import re
from dataclasses import dataclass

from .textfold import fold
from .types import DirectiveFact

# --------------------------------------------------------------------------
# Vocabulary

CJK = "\u4e00-\u9fff"
CN_DIGITS = "一二三四五六七八九十"
_CN_VALUES = dict(zip(CN_DIGITS, range(1, 11), strict=True))

SENTENCE_END = "。!?！？"
CLAUSE_END = SENTENCE_END + ",，;；:：\n"
TRAILING = " \t\r\n\u3000。;；,，、:："
LEADING = " \t\r\n\u3000,，:：;；、"

# Titles and forms of address that follow a surname in a 王书记-style reference.
TITLE_WORDS = (
    "常务副书记|副书记|书记|副部长|部长|副局长|局长|副院长|院长|副主任|主任|副市长|市长|"
    "副区长|区长|副县长|县长|副省长|省长|副校长|校长|副主席|主席|副处长|处长|副厅长|"
    "厅长|副所长|所长|董事长|总经理|经理|秘书长|委员|常委|镇长|乡长|司长|署长|"
    "社长|总编|主编|教授|老师|总书记|总(?![结体量数计之而的规])|揆"
)
# Words that may stand between a name and its lead-in verb, or end a title chain.
_AFTER_NAME = (
    rf"(?:同志|{TITLE_WORDS}|强调|指出|要求|提出|表示|说|主持|出席|参加|作|传达|"
    r"在|对|就|向|首先|并|还|也|等|代表|[,，、。])"
)
# Common single-character surnames, without those that are mostly other words
# (于, 向, 任, 万, 方, 高, 时, 常 …), for the fallback name guess only.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾肖董袁潘蒋蔡余杜叶"
    "程苏魏吕丁沈姚卢姜崔钟谭陆汪范廖贾夏韦付邹孟熊秦邱尹薛闫段雷侯陶贺顾毛郝龚邵钱严"
    "覃戴莫孔汤伍阴焦靳殷游邢翟佘柴骆倪滕施葛牛洪鲁舒俞易聂庞符裴焉颜柳甘蔺盛赖祝樊"
    "兰阎纪欧葛单包祁乔岳宁鲍瞿屈温冉尚褚"
)

_GUESS_AFTER_TITLE = re.compile(
    rf"(?:书记|长|主任|委员|主席|常委|教授|经理|代表)([{SURNAMES}][{CJK}]{{1,2}})"
    rf"(?={_AFTER_NAME})"
)
_GUESS_BEFORE_LEAD = re.compile(
    rf"(?<![^\s{CLAUSE_END}])([{SURNAMES}][{CJK}]{{1,2}})"
    rf"(?=(?:同志|{TITLE_WORDS})?(?:在[^{CLAUSE_END}]{{0,12}}?[中时上])?"
    r"(?:强调|指出|要求|提出|表示|主持|出席|传达|讲话|致辞|说[,，:：]))"
)
_NOT_A_NAME = re.compile(rf"(?:{TITLE_WORDS}|同志|书|会|议|部|党|委)$|^(?:他|她)")

# Lead-in verbs. 要求 after a measure word, 的 or 提出/作了 is a noun (四点要求,
# 工作要求, 作了要求) and handled by its own verb or by the heading pattern.
_LEAD = re.compile(
    r"(?P<verb>强调指出|强调|指出|"
    r"要求(?![的和])|"
    r"提出(?![的来])|表示(?=[,，:：])|认为(?=[,，:：])|"
    r"(?<![据听来所就虽还应])说(?=[,，:：])|号召(?![的下])|"
    r"(?<![的会众民切好热广待])(?:希望|期待|期望|期许|鼓励|寄语)(?![。,，;；、)）”的]))"
)
# Words before 要求 that make it a noun (工作要求, 四点要求, 作了要求).
_NOUN_BEFORE_REQUEST = re.compile(
    r"(?:的|点|项|个|条|具体|工作|通知|有关|相关|目标|这一|此|和|与|及|出|了|作|等|新|"
    r"总体|基本|各项|任务|精神|部署|纪律)$"
)
# 按照上级要求, 落实…要求: a requirement followed, not one issued.
_FOLLOWING_REQUEST = re.compile(
    r"(?:按照|根据|依照|遵照|对照|按|结合|落实|贯彻|符合|达到|满足|围绕|对标)"
)
_VERB_KIND = {
    "强调指出": "emphasis",
    "强调": "emphasis",
    "指出": "statement",
    "要求": "requirement",
    "提出": "requirement",
}
_EXPECTATION = {"希望", "期待", "期望", "期许", "鼓励", "寄语"}

# Openers that come before a clause's subject and say nothing about it.
_OPENER = re.compile(
    r"^(?:(?:同时|随后|接着|然后|最后|此外|另外|其中|会上|会中|会后|会前|当天|近日|日前|"
    r"目前|当前|对此|为此|期间|其间|最后|首先|但|但是|而|并且|此次)[,，]?)*"
)
# A clause that is only an adverbial (time, place, occasion): skipped when
# looking for a subject.
_ADVERBIAL_CLAUSE = re.compile(
    r"^(?:在.*|.*(?:时|中|后|上|前|期间|之际|以来|方面)|[0-9０-９一二三四五六七八九十]+"
    r"[月日年].*|.*[0-9]+日.*|同时|随后|会上|会后|会前|此外|另外|当天|近日|日前|目前|"
    r"当前|对此|为此|其中|首先|最后|接着|下一步)$"
)
# A clause with no subject of its own: it starts with a preposition, adverb or
# conjunction, so the sentence's (or the previous sentence's) subject carries.
_SUBJECTLESS = re.compile(
    r"^(?:$|对|就|向|针对|围绕|结合|在|从|为|根据|按照|通过|以|并|还|也|又|再|进一步|"
    r"特别|着重|首先|最后|明确|同时|随即|当即|随后|分别|一再|反复|深刻|郑重|充分|"
    r"但|而|且|更|另|均|都|亦|则|即|便|继而|进而|会上)"
)
# The meeting as collective speaker (会议要求, 会议还强调, 与会人员一致认为).
_COLLECTIVE = re.compile(
    rf"^(?:[{CJK}“”\"0-9]{{0,24}}?(?:会议|大会|全会|会)|与会人员|与会者|与会同志|"
    r"大家|全体[党员同志与会人]*)(?:上)?(?:还|并|也|又|最后|同时|进一步|再次|特别|一致|"
    r"明确|首先|全面|认真|深入)*$"
)
# Words that show a name sits inside a predicate, not as the clause's subject.
_NOT_TITLE_CHAIN = re.compile(
    r"了|在|对|向|像|如|把|将|被|给|从|就|由|重温|传达|学习|听取|会见|看望|慰问|调研|主持|召开|"
    r"参加|出席|陪同|讲话|关于|的|是|为|邀请|感谢|表示|强调|指出|要求|提出|[。!?！？]"
)
_PRONOUNS = ("他", "她")
_PRONOUN = re.compile(r"(?<!其)(?:他|她)(?![们人国乡])")

# Ordinal markers, at the start of a clause.
_BOUNDARY = rf"(?<![^\s{CLAUSE_END}“\"(（])"
_MARKER = re.compile(
    _BOUNDARY + rf"(?:(?P<shi>[{CN_DIGITS}]{{1,3}})是(?![否非])"
    rf"|(?P<yao>[{CN_DIGITS}]{{1,3}})(?=要)"
    rf"|第(?P<di>[{CN_DIGITS}]{{1,3}})(?:[,，、:：]|是|(?=要))"
    rf"|(?P<dun>[{CN_DIGITS}]{{1,3}})、(?![{CN_DIGITS}])"
    r"|(?P<seq>首先|其次|再次|最后)[,，]?"
    r"|(?P<dot>[0-9]{1,2})(?:[.．、](?![0-9]))"
    rf"|[(（](?P<par>[0-9]{{1,2}}|[{CN_DIGITS}]{{1,3}})[)）]"
    r"|(?P<circ>[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]))"
)
_SEQ_VALUES = {"首先": 1, "其次": 2, "再次": 3}

# A set's heading: a count (or 如下/以下) and what is counted.
_HEADING = re.compile(
    r"(?P<count>[一二两三四五六七八九十]{1,3}|[0-9]{1,2}|几|如下|以下|下列|下面)"
    r"(?:点|项|个|条|大|件|方面)?(?:方面)?(?:的)?"
    r"(?P<noun>要求|意见|建议|工作|任务|举措|措施|希望|期许|期望|期待|需求|原则|重点|安排|"
    r"部署|看法)"
)
_HEADING_KIND = {
    "要求": "requirement",
    "意见": "requirement",
    "需求": "requirement",
    "看法": "requirement",
    "原则": "requirement",
    "建议": "suggestion",
    "工作": "arrangement",
    "任务": "arrangement",
    "举措": "arrangement",
    "措施": "arrangement",
    "重点": "arrangement",
    "安排": "arrangement",
    "部署": "arrangement",
}
# Between a heading and the first ordinal: punctuation and perhaps "他说,".
_HEADING_GAP = re.compile(
    rf"^[\s:：,，;；。]*(?:(?:他|她|[{CJK}]{{2,4}})?(?:说|指出|表示|强调|要求|认为)"
    r"[\s:：,，]*)?$"
)

# 要 as a modal ("must"), not inside 重要/主要/需要/要求 …
_MODAL = re.compile(
    r"(?<![重主需只纲摘提必紧首简概扼想将机显政])"
    r"要(?![求素点害件闻务领旨员案道地么是职紧义诀约冲塞]|不然|不是)"
    r"|必须|务必"
)
# 今年要形成… is a plan stated, not a demand: ignored after 指出.
_PLAN_TIME = re.compile(r"(?:今年|明年|年内|年底前|上半年|下半年)$")
# A connective before a subjectless 要 (对照这一目标要求,要…): the item starts at 要.
_CONNECTIVE = re.compile(
    r"^(?:对照|按照|根据|围绕|针对|结合|为此|对此|据此|为了)[^,，;；。]{0,30}[,，](?=要|必须|务必)"
)
# Sentences that end an item's elaboration.
_STOP_START = re.compile(
    r"^[\s“\"]*(?:下一步|下阶段|今后|此外|另外|会上|会后|会前|会议|随后|同时|目前|当前|"
    r"近年来|据悉|据了解|据介绍|另据|与会|其间|期间|当天|此前|活动中|调研中|大会)"
)
_STOP_END = re.compile(
    r"(?:出席|参加|主持|陪同|列席|参会)(?:了)?(?:会议|活动|调研)?[”\"]?$"
)
# Lead-ins that report what is so rather than demand: a list after one of them
# is a directive set only when it is headed as one or its items say 要.
_STATEMENT_VERBS = {"指出", "表示", "说", "认为"}
_REQUEST_NOUNS = {"要求", "意见", "需求", "看法", "原则", "建议"}
_GOES_ON = re.compile(rf"\s*(?:(?:要|必须|务必)(?![求素点闻])|{_MARKER.pattern})")
# What closes a run-on list before its heading: A,B,以及C等3项要求 / …这三点要求
_RUN_ON_END = re.compile(r"(?:[,，;；]?(?:等|这|这些)|(?<=[^\s,，;；。])\s+)$")
_RUN_ON_CONNECTOR = re.compile(r"^(?:以及|及|和|并且|并|还有|包括|同时)[,，:：]?")
_SENTENCE_CLOSE = re.compile(rf"[{SENTENCE_END}][”」』\"]*")
_TERMINAL = "。!?！？”」』）)…\"'"


@dataclass
class _Mention:
    start: int
    end: int
    name: str | None  # the person named, resolved; None when it resolves to nobody
    subject: bool = False  # stands as its clause's subject


@dataclass
class _Region:
    verb: str
    verb_start: int
    start: int  # where what is said begins
    end: int
    speaker: str | None  # a person's name; None for the meeting, a body or nobody


@dataclass
class _Item:
    start: int
    end: int
    ordinal: int | None = None
    truncated: bool = False


@dataclass
class _Set:
    anchor: int  # where the set begins (its heading, or its first item)
    items: list
    group: str | None = None
    noun: str | None = None


class _Reader:
    """One page's body, folded, with its paragraphs, sentences and mentions."""

    def __init__(self, body, persons, truncated):
        self.body = body
        self.text = fold(body)
        self.truncated = truncated or not body.rstrip().endswith(tuple(_TERMINAL))
        self.paragraphs = self._paragraphs()
        self.mentions = self._mentions(persons)
        self._mark_subjects()
        self._starts = [m.start for m in self.mentions]

    # -- structure -----------------------------------------------------------
    def _paragraphs(self):
        bounds, start = [], 0
        for match in re.finditer(r"\n+", self.text):
            if match.start() > start:
                bounds.append((start, match.start()))
            start = match.end()
        if start < len(self.text):
            bounds.append((start, len(self.text)))
        return bounds

    def paragraph_of(self, pos):
        for start, end in self.paragraphs:
            if start <= pos < end:
                return start, end
        return pos, pos

    def sentence_start(self, pos, floor=0):
        i = pos
        while i > floor and self.text[i - 1] not in SENTENCE_END + "\n":
            i -= 1
        return i

    def clause_start(self, pos, floor=0):
        i = pos
        while i > floor and self.text[i - 1] not in CLAUSE_END:
            i -= 1
        return i

    def sentences(self, start, end):
        """``(start, end)`` of each sentence in ``text[start:end]``, end inclusive of
        its closing mark."""
        out, i = [], start
        # a closing quote right after the mark stays with the sentence
        for match in _SENTENCE_CLOSE.finditer(self.text, start, end):
            k = match.end()
            if k > i:
                out.append((i, k))
            i = k
        if i < end and self.text[i:end].strip():
            out.append((i, end))
        return [(a, b) for a, b in out if a < b]

    # -- people --------------------------------------------------------------
    def _mentions(self, persons):
        text = self.text
        found = {}
        names = []
        for person in persons:
            name = fold(person.name or "").strip()
            if len(name) < 2:
                continue
            names.append((name, person.name))
            for start, end in person.spans or ():
                # only spans that hold the name itself (a span elsewhere, in
                # the title say, would point at the wrong words of the body)
                if 0 <= start < end <= len(text) and text[start:end] == name:
                    found.setdefault(start, _Mention(start, end, person.name))
        covered = bytearray(len(text))
        for mention in found.values():
            covered[mention.start : mention.end] = b"\1" * (mention.end - mention.start)
        for name, written in sorted(names, key=lambda n: -len(n[0])):
            for match in re.finditer(re.escape(name), text):
                if not covered[match.start()]:
                    found[match.start()] = _Mention(match.start(), match.end(), written)
                    covered[match.start() : match.end()] = b"\1" * len(name)
        known = {name for name, _ in names}
        titles = {
            person.name: [fold(title.title) for title in person.titles or ()]
            for person in persons
        }
        guessed = []
        for pattern in (_GUESS_BEFORE_LEAD, _GUESS_AFTER_TITLE):
            for match in pattern.finditer(text):
                name = match.group(1)
                if _NOT_A_NAME.search(name) or any(
                    name in other or other in name for other in known
                ):
                    continue
                known.add(name)
                guessed.append(name)
        for name in sorted(guessed, key=len, reverse=True):
            for match in re.finditer(re.escape(name), text):
                if not covered[match.start()]:
                    found[match.start()] = _Mention(match.start(), match.end(), name)
                    covered[match.start() : match.end()] = b"\1" * len(name)
        mentions = sorted(found.values(), key=lambda m: m.start)
        # 王书记-style references and pronouns, resolved to the last full name.
        full = [m for m in mentions if m.name]
        surname_of = {m.name: fold(m.name)[0] for m in full}
        surnames = set(surname_of.values())
        if surnames:
            pattern = re.compile(
                rf"(?P<surname>[{''.join(map(re.escape, surnames))}])"
                rf"(?P<title>{TITLE_WORDS})"
            )
            for match in pattern.finditer(text):
                start = match.start()
                if covered[start]:
                    continue
                earlier = [
                    m
                    for m in full
                    if m.start < start and surname_of[m.name] == match["surname"]
                ]
                titled = [
                    m
                    for m in earlier
                    if any(t.endswith(match["title"]) for t in titles.get(m.name, ()))
                ]
                name = (titled or earlier or [None])[-1]
                name = name.name if name else None
                mentions.append(_Mention(start, match.end(), name))
        for match in _PRONOUN.finditer(text):
            mentions.append(_Mention(match.start(), match.end(), None))
        mentions.sort(key=lambda m: m.start)
        return mentions

    def _mark_subjects(self):
        last_subject = last_any = None
        for mention in self.mentions:
            pronoun = self.text[mention.start : mention.end] in _PRONOUNS
            if pronoun:
                mention.name = last_subject or last_any
            mention.subject = self._in_subject_position(mention)
            if mention.name and not pronoun:
                last_any = mention.name
                if mention.subject:
                    last_subject = mention.name

    def _in_subject_position(self, mention):
        start = self.clause_start(mention.start)
        prefix = self.text[start : mention.start]
        prefix = prefix[_OPENER.match(prefix).end() :]
        return len(prefix) <= 40 and not _NOT_TITLE_CHAIN.search(prefix)

    def mentions_in(self, start, end):
        low = bisect.bisect_left(self._starts, start)
        high = bisect.bisect_left(self._starts, end)
        return self.mentions[low:high]

    # -- speakers ------------------------------------------------------------
    _NOBODY = object()

    def clause_subject(self, start, end):
        """The subject that ``text[start:end]`` (a clause before a verb) names:
        a person's name, ``_NOBODY`` (the meeting, a body, an unresolved leader),
        or None when the clause has no subject of its own."""
        segment = self.text[start:end]
        offset = _OPENER.match(segment).end()
        head = segment[offset:].strip()
        for mention in self.mentions_in(start + offset, end):
            if mention.subject:
                return mention.name or self._NOBODY
            break
        if _COLLECTIVE.match(head):
            return self._NOBODY
        if _SUBJECTLESS.match(head) or _ADVERBIAL_CLAUSE.match(head):
            return None
        return self._NOBODY

    def sentence_subject(self, start, end):
        """The first subject found in the clauses of ``text[start:end]``."""
        i = start
        while i < end:
            j = i
            while j < end and self.text[j] not in CLAUSE_END:
                j += 1
            subject = self.clause_subject(i, j)
            if subject is not None:
                return subject
            i = j + 1
        return None

    def speaker_at(self, verb_start):
        """Who speaks through the lead-in verb at ``verb_start``."""
        paragraph_start, _ = self.paragraph_of(verb_start)
        clause = self.clause_start(verb_start, paragraph_start)
        subject = self.clause_subject(clause, verb_start)
        if subject is None:
            # carried over from an earlier clause of the same sentence …
            sentence = self.sentence_start(verb_start, paragraph_start)
            i = clause
            while subject is None and i > sentence:
                j = self.clause_start(i - 1, sentence)
                subject = self.clause_subject(j, i - 1)
                i = j
            # … or from the previous sentence of the paragraph
            if subject is None and sentence > paragraph_start:
                previous = self.sentence_start(sentence - 1, paragraph_start)
                subject = self.sentence_subject(previous, sentence)
        return None if subject is None or subject is self._NOBODY else subject


# --------------------------------------------------------------------------
# The pipeline


def _cn_number(value):
    if value.isdigit():
        return int(value)
    if value in _CN_VALUES:
        return _CN_VALUES[value]
    if value.startswith("十"):
        return 10 + (_CN_VALUES.get(value[1:], 0) if len(value) > 1 else 0)
    if len(value) >= 2 and value[1] == "十":
        tens = _CN_VALUES.get(value[0], 0) * 10
        return tens + (_CN_VALUES.get(value[2:], 0) if len(value) > 2 else 0)
    return None


def _markers(text):
    """``(start, end, family, number)`` of every ordinal marker in ``text``."""
    out = []
    for match in _MARKER.finditer(text):
        family = match.lastgroup
        value = match.group(family)
        if family == "seq":
            number = _SEQ_VALUES.get(value, 0)  # 最后: the chain's last
        elif family == "circ":
            number = ord(value) - ord("①") + 1
        else:
            number = _cn_number(value)
        if number is None:
            continue
        out.append((match.start(), match.end(), family, number))
    return out


def _chains(reader):
    """Numbered lists: markers of one family with consecutive numbers."""
    markers = _markers(reader.text)
    chains, used = [], set()
    for index, (start, _end, family, number) in enumerate(markers):
        if number != 1 or index in used:
            continue
        chain, expected, last = [index], 2, start
        for other in range(index + 1, len(markers)):
            o_start, _o_end, o_family, o_number = markers[other]
            if o_family != family or other in used:
                continue
            if o_start - last > 2000:
                break
            if family == "seq" and o_number == 0 and expected >= 3:
                chain.append(other)  # 最后 closes 首先/其次…
                break
            if o_number != expected:
                break
            chain.append(other)
            expected += 1
            last = o_start
        if family == "seq" and len(chain) < 2:
            continue
        used.update(chain)
        chains.append([markers[i] for i in chain])
    chains.sort(key=lambda c: c[0][0])
    return chains


def _trim(text, start, end):
    while start < end and text[start] in LEADING:
        start += 1
    while end > start and text[end - 1] in TRAILING:
        end -= 1
    # quoted speech: drop a quote mark whose partner lies outside the item
    if start < end and text[start] == "“" and "”" not in text[start + 1 : end]:
        start += 1
    if start < end and text[end - 1] == "”" and "“" not in text[start : end - 1]:
        end -= 1
        while end > start and text[end - 1] in TRAILING:
            end -= 1
    return start, end


def _item_end(reader, start, limit):
    """Where an item that may run to the end of its paragraph stops: at the
    paragraph's end, ``limit``, or the first sentence that starts something else."""
    _, paragraph_end = reader.paragraph_of(start)
    end = min(paragraph_end, limit)
    first = True
    for s_start, s_end in reader.sentences(start, end):
        if not first and _stops_item(reader, s_start, s_end):
            return s_start
        first = False
    return end


def _stops_item(reader, start, end):
    sentence = reader.text[start:end].strip()
    if _STOP_START.match(sentence) or _STOP_END.search(sentence.rstrip(SENTENCE_END)):
        return True
    for mention in reader.mentions_in(start, end):
        if (
            mention.subject
            and reader.text[mention.start : mention.end] not in _PRONOUNS
        ):
            return True
    return any(_LEAD.finditer(sentence)) and _leads_in(reader, start, end)


def _leads_in(reader, start, end):
    return any(
        reader.speaker_at(start + m.start()) is not None
        for m in _LEAD.finditer(reader.text[start:end])
    )


def _numbered_sets(reader, chains):
    sets = []
    for number, chain in enumerate(chains):
        enclosing_markers = [
            m[0] for earlier in chains[:number] for m in earlier if m[0] > chain[0][0]
        ]
        limit = min(enclosing_markers, default=len(reader.text))
        items = []
        for position, (_start, end, _family, ordinal) in enumerate(chain):
            if position + 1 < len(chain):
                stop = chain[position + 1][0]
            else:
                stop = _item_end(reader, end, limit)
            a, b = _trim(reader.text, end, stop)
            if ordinal == 0:
                ordinal = position + 1  # 最后
            items.append(_Item(a, b, ordinal))
        last = items[-1]
        last.truncated = reader.truncated and not reader.text[last.end :].strip()
        if len(items) < 2 and not last.truncated:
            continue
        if any(item.start >= item.end for item in items):
            continue
        found = _Set(anchor=chain[0][0], items=items)
        heading = _heading_before(reader, chain[0][0])
        if heading:
            found.anchor = heading.start()
            found.group = reader.body[heading.start() : heading.end()]
            found.noun = heading["noun"]
        if len(items) == 1 and not found.group:
            continue  # a lone truncated item needs a heading announcing the list
        sets.append(found)
    return sets


def _heading_before(reader, position):
    """The heading (四点要求) that announces a list starting at ``position``."""
    best = None
    for match in _HEADING.finditer(reader.text, max(0, position - 40), position):
        if _HEADING_GAP.match(reader.text[match.end() : position]):
            best = match
    return best


def _listed_sets(reader, regions, taken):
    """Headed lists without ordinal words: ``四点要求:A;B;C;D`` and the run-on
    ``A,B,以及C等3項要求``."""
    sets = []
    text = reader.text
    for match in _HEADING.finditer(text):
        if any(a <= match.start() < b for a, b in taken):
            continue
        count = 2 if match["count"] == "两" else _cn_number(match["count"])
        after = text[match.end() : match.end() + 1]
        items = []
        if after and after in ":：":
            start = match.end() + 1
            _, paragraph_end = reader.paragraph_of(match.start())
            if not text[start:paragraph_end].strip() and count:
                items = _paragraph_items(reader, paragraph_end, count)
            else:
                end = start
                while end < paragraph_end and text[end] not in SENTENCE_END:
                    end += 1
                items = _split_items(text, start, end, count, ";；")
        elif run_on := _RUN_ON_END.search(
            text, max(0, match.start() - 4), match.start()
        ):
            region = next(
                (r for r in regions if r.start <= match.start() <= r.end), None
            )
            if region is None or region.start >= run_on.start():
                continue
            start, end = region.start, run_on.start()
            for lead in _LEAD.finditer(text, start, end):
                start = max(start, lead.end())
            colon = max(text.rfind(":", start, end), text.rfind("：", start, end))
            start = max(start, colon + 1)
            if any(ch in SENTENCE_END for ch in text[start:end]):
                continue
            items = (
                _split_items(text, start, end, count, ";；")
                or _split_items(text, start, end, count, ",，")
                or _split_items(text, start, end, count, "、")
            )
            anchor = start
        else:
            continue
        if not items:
            continue
        found = _Set(
            anchor=match.start() if after and after in ":：" else anchor,
            items=items,
            group=reader.body[match.start() : match.end()],
            noun=match["noun"],
        )
        sets.append(found)
    return sets


def _split_items(text, start, end, count, separators):
    pieces, i = [], start
    depth = 0
    for j in range(start, end):
        char = text[j]
        if char in "“(（《":
            depth += 1
        elif char in "”)）》" and depth:
            depth -= 1
        elif char in separators and not depth:
            pieces.append((i, j))
            i = j + 1
    pieces.append((i, end))
    items = []
    for a, b in pieces:
        a, b = _trim(text, a, b)
        connector = _RUN_ON_CONNECTOR.match(text[a:b])
        if connector:
            a, b = _trim(text, a + connector.end(), b)
        if a < b:
            items.append(_Item(a, b))
    if len(items) < 2 or (count and len(items) != count):
        return []
    return items


def _paragraph_items(reader, after, count):
    items = [
        _Item(*_trim(reader.text, a, b)) for a, b in reader.paragraphs if a >= after
    ][:count]
    return items if len(items) == count else []


def _regions(reader):
    """Every lead-in with its speaker and the stretch of text it introduces."""
    text = reader.text
    leads = []
    for match in _LEAD.finditer(text):
        verb = match["verb"]
        v_start = match.start()
        if verb == "要求" and (
            _NOUN_BEFORE_REQUEST.search(text[max(0, v_start - 4) : v_start])
            or _FOLLOWING_REQUEST.match(text, reader.clause_start(v_start), v_start)
        ):
            continue
        if leads and _continues(reader, leads[-1], v_start, verb):
            continue  # 强调,要A,要求B: the same speaker goes on
        leads.append((v_start, match.end(), verb))
    regions = []
    for index, (v_start, v_end, verb) in enumerate(leads):
        speaker = reader.speaker_at(v_start)
        start = v_end
        if text.startswith("了", start):
            start += 1
        _, paragraph_end = reader.paragraph_of(v_start)
        end = paragraph_end
        if index + 1 < len(leads):
            following = leads[index + 1][0]
            end = min(end, max(start, reader.clause_start(following, start)))
        if end == paragraph_end:
            # What is said may go on in the next paragraphs: those that open
            # with 要 or an ordinal, and after "他要求:" closing its paragraph,
            # the first one whatever it holds.
            opened = not text[start:end].strip(" :：,，")
            following = leads[index + 1][0] if index + 1 < len(leads) else len(text)
            for p_start, p_end in reader.paragraphs:
                if p_start <= end:
                    continue
                first = end == paragraph_end
                if p_start >= following or not (
                    (opened and first) or _GOES_ON.match(text, p_start)
                ):
                    break
                end = min(p_end, max(p_start, reader.clause_start(following, p_start)))
        # a sentence led by a person (someone else, or the speaker again with a
        # verb that is no lead-in: 张三介绍,…) ends the region
        for s_start, s_end in reader.sentences(start, end)[1:]:
            subject = reader.sentence_subject(s_start, s_end)
            if isinstance(subject, str):
                end = s_start
                break
        regions.append(_Region(verb, v_start, start, end, speaker))
    return regions


def _continues(reader, previous, v_start, verb):
    """Whether the lead-in at ``v_start`` only continues the previous one: same
    sentence, no subject of its own, neither an expectation."""
    if verb in _EXPECTATION or previous[2] in _EXPECTATION:
        return False
    paragraph_start, _ = reader.paragraph_of(v_start)
    sentence = reader.sentence_start(v_start, paragraph_start)
    if sentence > previous[0]:
        return False
    clause = reader.clause_start(v_start, paragraph_start)
    return clause > previous[1] and reader.clause_subject(clause, v_start) is None


def _region_of(regions, position):
    found = None
    for region in regions:
        if region.verb_start <= position and position <= region.end:
            found = region
    return found


def _unnumbered(reader, region):
    """The items of a 强调/要求/指出/提出 region that holds no set."""
    text = reader.text
    statement = region.verb == "指出"
    items, current = [], None
    sentences = reader.sentences(region.start, region.end)
    for s_start, s_end in sentences:
        a, b = _trim(text, s_start, s_end)
        sentence = text[a:b]
        if not sentence:
            continue
        if any(m["verb"] in _EXPECTATION for m in _LEAD.finditer(sentence[:12])):
            break
        if s_start > region.start and _STOP_START.match(sentence):
            break
        if _is_demand(sentence, statement):
            connective = _CONNECTIVE.match(sentence)
            if connective:
                a += connective.end()
            current = _Item(a, b)
            items.append(current)
        elif current is not None and not _stops_item(reader, s_start, s_end):
            current.end = b
        elif current is not None:
            break
    for item in items:
        item.truncated = reader.truncated and not text[item.end :].strip()
    return items


def _is_demand(sentence, statement):
    clauses = re.split(r"[,，;；:：]", sentence)
    for number, clause in enumerate(clauses):
        for match in _MODAL.finditer(clause):
            if statement:
                if _PLAN_TIME.search(clause[: match.start()]):
                    continue
                if number > 1 or (
                    number == 1 and re.search(r"是|具有|有着", clauses[0])
                ):
                    return False
            return True
    return False


def _kind(noun, verb):
    kind = _HEADING_KIND.get(noun) if noun else None
    kind = kind or _VERB_KIND.get(verb, "requirement")
    return kind if kind in _valid_kinds() else "requirement"


@functools.cache
def _valid_kinds():
    from articles.models import DirectiveKind

    return set(DirectiveKind.values)


# "对北科院2025年工作提出四点要求": the body a demand is made of, before the verb.
_ADDRESSED = re.compile(r"对(?P<object>[^,，。;；:：]{1,40}?)$")
# "全院要…": the speaker's own body, by the kind of body it is.
_WHOLE_BODY = re.compile(
    r"全(?P<kind>院|所|校|局|委|厅|部|中心|集团|公司)(?=要|上下|各)"
)


def _addressees(reader, region, anchor, organizations, publisher):
    """The organizations a set is addressed to, by name as extracted.

    Two ways the text says so: "对<body>…提出" in the lead-in's clause, and
    "全院要…" between the lead-in and the set, which names the speaker's own
    body by its kind (the publisher when it is one, else the one body of that
    kind the page names). Nothing is guessed beyond these.
    """
    text = reader.text
    found = []
    clause = reader.clause_start(region.verb_start)
    addressed = _ADDRESSED.search(text, clause, region.verb_start)
    if addressed:
        start, end = addressed.span("object")
        for organization in organizations:
            if any(start <= a and b <= end for a, b in organization.spans):
                found.append(organization.name)
    for whole in _WHOLE_BODY.finditer(text, region.verb_start, anchor):
        kind = whole["kind"]
        if publisher and publisher.endswith(kind):
            candidates = [o for o in organizations if o.name == publisher]
        else:
            candidates = [o for o in organizations if o.name.endswith(kind)]
        if len(candidates) == 1:
            found.append(candidates[0].name)
    return list(dict.fromkeys(found))


def extract_directives(page, *, persons, organizations=()):
    """The ``DirectiveFact`` list issued in ``page.body`` by ``persons``, each
    set's addressees among ``organizations`` (``OrganizationFact``)."""
    body = page.body
    if not body.strip():
        return []
    reader = _Reader(body, persons or [], getattr(page, "truncated", False))
    regions = _regions(reader)
    sets = _numbered_sets(reader, _chains(reader))
    taken = [(s.anchor, s.items[-1].end) for s in sets]
    sets += _listed_sets(reader, regions, taken)
    sets.sort(key=lambda s: s.anchor)

    facts = []  # (position, set key, DirectiveFact)
    set_spans = []
    for number, found in enumerate(sets):
        region = _region_of(regions, found.anchor)
        set_spans.append((found.anchor, found.items[-1].end))
        if region is None or region.speaker is None:
            continue
        if region.verb in _EXPECTATION or found.noun in _EXPECTATION:
            continue  # 三点希望, 3個期許: expectations, not requirements
        if (
            region.verb in _STATEMENT_VERBS
            and found.noun not in _REQUEST_NOUNS
            and not any(
                _MODAL.search(reader.text[i.start : i.end]) for i in found.items
            )
        ):
            continue  # 他指出,成绩显著:一是…二是… reports, it does not demand
        kind = _kind(found.noun, region.verb)
        addressees = _addressees(
            reader, region, found.anchor, organizations, page.publisher
        )
        for item in found.items:
            fact = DirectiveFact(
                issuer=region.speaker,
                text=body[item.start : item.end],
                span=(item.start, item.end),
                group=found.group,
                ordinal=item.ordinal,
                kind=kind,
                truncated=item.truncated,
                addressees=addressees,
            )
            facts.append((item.start, ("set", number), fact))

    for region in regions:
        if region.speaker is None or region.verb not in _VERB_KIND:
            continue
        if any(a <= region.verb_start < b for a, b in set_spans):
            continue  # a lead-in inside an item ("…精心组织。他指出,…")
        if any(region.start <= a <= region.end for a, _ in set_spans):
            continue  # the region introduces a set: the rest is its preamble
        addressees = None
        for item in _unnumbered(reader, region):
            if any(a <= item.start < b for a, b in set_spans):
                continue
            fact = DirectiveFact(
                issuer=region.speaker,
                text=body[item.start : item.end],
                span=(item.start, item.end),
                kind=_kind(None, region.verb),
                truncated=item.truncated,
            )
            if addressees is None:
                addressees = _addressees(
                    reader, region, item.start, organizations, page.publisher
                )
            fact.addressees = addressees
            facts.append((item.start, ("free", region.speaker), fact))

    facts.sort(key=lambda f: f[0])
    directives, indices, kinds, previous = [], {}, {}, None
    for _position, key, fact in facts:
        if key[0] == "free":
            if previous and previous[0] == "free" and previous[1] == key[1]:
                key = previous
            else:
                key = (*key, len(indices))
        previous = key
        fact.set_index = indices.setdefault(key, len(indices))
        # a set has one kind: that of the lead-in (or heading) opening it
        fact.kind = kinds.setdefault(fact.set_index, fact.kind)
        directives.append(fact)
    return directives
