"""Reading a scraped page: decoding, the main text, metadata and body paragraphs.

A scraped page is a run of lines: site chrome (navigation, breadcrumb, widgets,
calendars, related-article lists, footers), a header (headline, meta lines such
as ``发布时间:…来源:…``, photo captions, a 导语), the body paragraphs, and a
footer of credits and more chrome. ``read_page`` classifies every line by its
shape, finds the body as the run of prose between the header and the first
footer marker, and keeps each body line verbatim (only the indentation and
trailing blanks at its edges are dropped; nothing inside a line changes).

HTML goes through trafilatura for the main text (see ``_read_html``); the
page's own visible lines are read the same way as a plain-text page for the
metadata trafilatura does not expose (the 发布时间 line, breadcrumb, credits).
"""

import re
import unicodedata
from dataclasses import dataclass
from itertools import islice

from django.utils.translation import gettext as _

from .errors import ImportRefused
from .types import Page

MAX_BYTES = 2 * 1024 * 1024  # a news page is far below this; refuse anything larger
MIN_HAN = 10  # fewer Han characters than this: not a Chinese article

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_BINARY_MAGIC = (
    b"%PDF",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"\xd0\xcf\x11\xe0",
    b"\x7fELF",
)
_ENCODINGS = ["utf_8", "gb18030", "big5", "utf_16"]
_HTML_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_-]+)""", re.I
)

# Sentence-final punctuation, possibly followed by closing quotes or brackets.
_CLOSERS = re.escape("”’\"'」』》)）】]〕")
_FINAL = re.compile(rf"[。!！?？…;；.][{_CLOSERS}]*$|[{_CLOSERS}]$")
_SENTENCE_END = re.compile(rf"[。!！?？][{_CLOSERS}]*$")
_CLAUSE = re.compile(r"[,，、。;；:：!！?？]")
_PUNCT_ANY = re.compile(r"[,，、。;；:：!！?？“”\"《》()（）]")

# --- meta lines ------------------------------------------------------------
_META_KEYS = sorted(
    (
        "发布时间",
        "發布時間",
        "发布日期",
        "發布日期",
        "发稿时间",
        "發稿時間",
        "更新时间",
        "更新時間",
        "更新日期",
        "时间",
        "時間",
        "日期",
        "来源",
        "來源",
        "来 源",
        "出处",
        "出處",
        "作者",
        "作 者",
        "记者",
        "記者",
        "通讯员",
        "通訊員",
        "编辑",
        "編輯",
        "责任编辑",
        "責任編輯",
        "责编",
        "責編",
        "审核",
        "審核",
        "审稿",
        "審稿",
        "终审",
        "終審",
        "审校",
        "校对",
        "校對",
        "摄影",
        "攝影",
        "发布者",
        "發布者",
        "发布人",
        "發布人",
        "发布单位",
        "發布單位",
        "供稿",
        "投稿",
        "浏览次数",
        "瀏覽次數",
        "浏览量",
        "瀏覽量",
        "浏览",
        "瀏覽",
        "阅读次数",
        "閱讀次數",
        "阅读量",
        "阅读",
        "閱讀",
        "点击数",
        "點擊數",
        "点击量",
        "点击",
        "點擊",
        "访问量",
        "訪問量",
        "访问次数",
        "字号",
        "字號",
        "字体",
        "字體",
    ),
    key=len,
    reverse=True,
)
_META_ALT = "|".join(re.escape(k) for k in _META_KEYS)
_META = re.compile(rf"({_META_ALT})\s*[:：]")
_META_LEAD = re.compile(rf"^[【\[〔(（]?\s*(?:{_META_ALT})\s*[:：]")
_KEY_ROLE = {
    "作者": "writer",
    "记者": "writer",
    "通讯员": "writer",
    "编辑": "editor",
    "责任编辑": "editor",
    "责编": "editor",
    "审核": "reviewer",
    "审稿": "reviewer",
    "终审": "reviewer",
    "审校": "reviewer",
    "校对": "reviewer",
    "摄影": "photographer",
    "供稿": "contributor",
    "投稿": "contributor",
    "来源": "source",
    "出处": "source",
}
_BYLINE_KEYS = {
    "作者",
    "记者",
    "通讯员",
    "编辑",
    "责任编辑",
    "责编",
    "审核",
    "审稿",
    "终审",
    "审校",
    "校对",
    "摄影",
    "发布者",
    "发布人",
}
_DATE_KEYS = {
    "发布时间",
    "发布日期",
    "发稿时间",
    "时间",
    "日期",
    "更新时间",
    "更新日期",
}
# Traditional (and spaced) label forms → the Simplified key.
_KEY_FOLD = str.maketrans(
    {
        "發": "发",
        "佈": "布",
        "時": "时",
        "間": "间",
        "來": "来",
        "處": "处",
        "記": "记",
        "訊": "讯",
        "員": "员",
        "編": "编",
        "輯": "辑",
        "責": "责",
        "審": "审",
        "終": "终",
        "對": "对",
        "攝": "摄",
        "單": "单",
        "瀏": "浏",
        "覽": "览",
        "數": "数",
        "閱": "阅",
        "讀": "读",
        "點": "点",
        "擊": "击",
        "訪": "访",
        "問": "问",
        "號": "号",
        "體": "体",
        " ": None,
    }
)

# --- credits ---------------------------------------------------------------
_ROLE_WORDS = {
    "文": "writer",
    "撰稿": "writer",
    "撰文": "writer",
    "作者": "writer",
    "记者": "writer",
    "記者": "writer",
    "通讯员": "writer",
    "通訊員": "writer",
    "摄": "photographer",
    "攝": "photographer",
    "摄影": "photographer",
    "攝影": "photographer",
    "图": "photographer",
    "圖": "photographer",
    "编辑": "editor",
    "編輯": "editor",
    "责编": "editor",
    "責編": "editor",
    "责任编辑": "editor",
    "審": "reviewer",
    "审": "reviewer",
    "审核": "reviewer",
    "審核": "reviewer",
    "审稿": "reviewer",
    "校对": "reviewer",
    "供稿": "contributor",
    "投稿": "contributor",
    "来源": "source",
    "來源": "source",
}
_ROLE_ALT = "|".join(sorted(map(re.escape, _ROLE_WORDS), key=len, reverse=True))
_NAME = r"[^\s/／()（）\[\]【】:：,，、;；|｜]{1,30}"
# 刘雪飞/文, 科学传播中心/摄
_NAME_SLASH_ROLE = re.compile(rf"({_NAME})\s*[/／]\s*({_ROLE_ALT})(?![\u4e00-\u9fff])")
# 文/刘雪飞, 摄影:张三, 记者 杨光林
_ROLE_SEP_NAME = re.compile(
    rf"(?<![\u4e00-\u9fff])({_ROLE_ALT})\s*[/／:：\s]\s*({_NAME})"
)
# 记者姚碩彥 (a reporter's name glued to the word, as in 【記者姚碩彥/台北】)
_ROLE_GLUED_NAME = re.compile(
    r"(?<![\u4e00-\u9fff])(记者|記者|通讯员|通訊員)([\u4e00-\u9fff·]{2,4})(?=$|[\s/／,，、])"
)
# 陈硕供稿
_NAME_ROLE = re.compile(rf"^({_NAME}?)(供稿|投稿|摄影|撰稿)$")
_BRACKETED = re.compile(r"[(（【\[〔]([^()（）【】\[\]〔〕]{1,80})[)）】\]〕]")
_TRAILING_BRACKET = re.compile(
    r"[(（【\[〔]([^()（）【】\[\]〔〕]{1,80})[)）】\]〕]\s*$"
)
_LEADING_BRACKET = re.compile(
    r"^(?:[^\s(（【\[]{0,12}?讯|[^\s(（【\[]{0,20}?电)?\s*[(（【\[〔]([^()（）【】\[\]〔〕]{1,80})[)）】\]〕]"
)

# --- other line shapes -----------------------------------------------------
_HOME = r"(?:首页|首頁|主页|主頁|网站首页|網站首頁|Home|HOME)"
_CRUMB_SEP = r"(?:>>|>|＞|›|»|→|/|-)"
_CRUMB = re.compile(
    rf"^(?:(?:当前位置|當前位置|您的位置|你的位置|您现在的位置|你现在的位置|现在位置|所在位置|位置)\s*[:：]?\s*)?"
    rf"{_HOME}\s*{_CRUMB_SEP}|^(?:当前位置|當前位置|您的位置|你的位置|您现在的位置|你现在的位置)\s*[:：]"
)
_CRUMB_SPLIT = re.compile(r"\s*(?:>>|>|＞|›|»|→|/)\s*")
_LEDE = re.compile(
    r"^(?:【\s*(?:导语|導語|导读|導讀|摘要|内容提要|核心提示)\s*】|"
    r"(?:导语|導語|导读|導讀|摘要|内容摘要|内容提要|提要|核心提示)\s*[:：])\s*"
)
_URL_LINE = re.compile(
    r"^(?:(?:原文链接|原文地址|原文網址|本文链接|链接|網址|网址|URL|url)\s*[:：]\s*)?(https?://\S+)$"
)
_STOP = re.compile(
    r"^(?:相关信息|相關信息|相关新闻|相關新聞|相关阅读|相關閱讀|相关文章|相关链接|相關連結|推荐阅读|"
    r"推薦閱讀|延伸阅读|热点新闻|熱門新聞|热门文章|最新文章|猜你喜欢|上一篇|下一篇|上一条|下一条|"
    r"上一則|下一則|标签|標籤|关键词|關鍵詞|分享到|分享至|分享|打印本页|打印|列印|关闭窗口|關閉視窗|"
    r"关闭|返回顶部|返回列表|返回|扫一扫|掃一掃|微信扫一扫|版权所有|版權所有|Copyright|COPYRIGHT|©|"
    r"MORE|More|更多|附件|网站地图|联系我们|聯絡我們|主办单位|主辦單位|主办|承办|技术支持|下一页|"
    r"下一頁|上一页|上一頁)(?=$|[\s:：>»》\-|｜(（【\[]|\w*$)|^©"
)
_STOP_ANYWHERE = re.compile(
    r"网友交流群|網友交流群|版权所有|版權所有|Copyright|ICP备|ICP證|公网安备|【打印】|【关闭】|【關閉】"
)
_BULLET = re.compile(r"^[•·●○◆◇■□▪▫►▶▸※★☆]")
_CALENDAR = re.compile(
    r"^(?:[一二三四五六日]\s+){6}[一二三四五六日]$|^[«‹<]?\s*\d{1,2}\s*月\s*[»›>]?$"
)
_YEAR_MONTH = re.compile(r"^(?:19|20)\d{2}\s*[年/-]\s*\d{1,2}\s*月?$")
_WIDGET = re.compile(
    r"^(?:字号|字號|字体|字體|【?\s*字体\s*[:：]|[【\[]?\s*大\s*中\s*小\s*[】\]]?|我要纠错|我要糾錯|"
    r"收藏|加入收藏|设为首页|設為首頁|浏览次数|瀏覽次數|阅读次数|点击数|访问量|视力保护色|"
    r"默认|背景色|【?\s*打印\s*】?|【?\s*关闭\s*】?)"
)
_CAPTION = re.compile(
    r"^(?:图为|圖為|图片|圖片|上图|下图|左图|右图|图\s*[:：]|圖\s*[:：])|"
    r"(?:现场|現場|合影|留影|会场|會場|分会场|分會場|剪影|掠影|一角|照片|图片|圖片|截图|截圖)$"
)
_ORG_SUFFIX = re.compile(
    r"(?:网|網|报|報|报社|報社|日报|日報|晚报|时报|在线|在線|电视台|電視台|广播电台|杂志社?|"
    r"雜誌社?|出版社|研究院|研究所|科学院|科學院|大学|大學|学院|學院|政府|委员会|委員會|"
    r"局|厅|廳|部|办公室|辦公室|中心|协会|協會|学会|學會|集团|集團|公司|党支部|黨支部|新闻|新聞)$"
)
_PUBLISHER_CUES = [
    re.compile(r"^(.{2,30}?)(?:网友交流群|網友交流群)"),
    re.compile(r"(?:主办单位|主辦單位|主办|主辦)\s*[:：]\s*([^\s|｜,，:：]{2,30})"),
    re.compile(r"(?:版权所有|版權所有)\s*[:：©]?\s*(?:©\s*)?([^\s|｜,，:：]{2,30})"),
    re.compile(r"^(?:Copyright|COPYRIGHT|©)[\s©\d-]*([^\s|｜,，:：]{2,30})"),
]
_SUBTITLE = re.compile(r"^(?:——|—|--|──)\s*\S")

# --- dates -----------------------------------------------------------------
_YMD = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*(?:年|[-/.])\s*(\d{1,2})\s*(?:月|[-/.])\s*(\d{1,2})(?!\d)\s*[日号]?"
    r"(?:\s*(?:星期|周|週|禮拜)[一二三四五六日天])?"
    r"(?:\s*(?:[上下]午)?\s*(\d{1,2})\s*[:：时時点]\s*(\d{1,2})(?:\s*[:：分]\s*\d{1,2}\s*秒?)?\s*分?)?"
)
_MDY = re.compile(r"(?<!\d)(\d{1,2})\s*月\s*(\d{1,2})\s*[,，]\s*((?:19|20)\d{2})(?!\d)")
_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}
_EN_DATE = re.compile(
    r"\b({})\.?\s+(\d{{1,2}}),?\s+((?:19|20)\d{{2}})\b".format("|".join(_MONTHS)), re.I
)
_DATE_REST = re.compile(r"^[\s,，|｜:：()（）\-—]*$")


def parse_date(text):
    """The first date in ``text`` as ``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM``, or None.

    The time is given only when the text states one; it is local to the page.
    """
    found = _find_date(text)
    return found[0] if found else None


def _find_date(text):
    """``(value, start, end)`` of the first valid date in ``text``, or None."""
    candidates = []
    for match in _YMD.finditer(text):
        year, month, day, hour, minute = match.groups()
        value = _date_value(year, month, day, hour, minute)
        if value:
            candidates.append((match.start(), value, match.end()))
            break
    for match in _MDY.finditer(text):
        month, day, year = match.groups()
        value = _date_value(year, month, day)
        if value:
            candidates.append((match.start(), value, match.end()))
            break
    for match in _EN_DATE.finditer(text):
        month, day, year = match.groups()
        value = _date_value(year, _MONTHS[month.lower()], day)
        if value:
            candidates.append((match.start(), value, match.end()))
            break
    if not candidates:
        return None
    start, value, end = min(candidates)
    return value, start, end


def _date_value(year, month, day, hour=None, minute=None):
    year, month, day = int(year), int(month), int(day)
    if not (1990 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31):
        return None
    if day > (29 if month == 2 else 30 if month in (4, 6, 9, 11) else 31):
        return None
    value = f"{year:04d}-{month:02d}-{day:02d}"
    if hour is not None and minute is not None:
        hour, minute = int(hour), int(minute)
        if hour < 24 and minute < 60:
            value += f"T{hour:02d}:{minute:02d}"
    return value


# --- decoding --------------------------------------------------------------
def decode(data):
    """Text from bytes as scraped: UTF-8, GB18030/GBK, Big5 (or UTF-16 with a BOM).

    Raises ``ImportRefused`` for empty, oversized or binary input.
    """
    if isinstance(data, str):
        if len(data.encode("utf-8", errors="surrogatepass")) > MAX_BYTES:
            raise too_large(len(data.encode("utf-8", errors="surrogatepass")))
        text = data
    else:
        data = bytes(data)
        if len(data) > MAX_BYTES:
            raise too_large(len(data))
        if not data.strip():
            raise _empty()
        if data.startswith(_BINARY_MAGIC):
            raise _binary()
        text = _decode_bytes(data)
    if "\x00" in text or len(_CONTROL.findall(text[:20000])) > 8:
        raise _binary()
    if not text.strip():
        raise _empty()
    return text.lstrip("\ufeff")


def _decode_bytes(data):
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if b"\x00" in data[:4096]:
        raise _binary()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _HTML_CHARSET.search(data[:4096])
    if declared:
        name = declared.group(1).decode("ascii").lower()
        name = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030"}.get(
            name, name
        )
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=_ENCODINGS).best()
    if best is None:
        raise _binary()
    return str(best)


def too_large(size):
    return ImportRefused(
        _("The page is too large: %(size).1f MB; the limit is %(limit)d MB.")
        % {"size": size / 1024 / 1024, "limit": MAX_BYTES // 1024 // 1024},
        code="too_large",
    )


def _empty():
    return ImportRefused(_("The page is empty: it has no content."), code="empty")


def _binary():
    return ImportRefused(
        _(
            "This is not a text page: its content looks like a binary file "
            "(an image, a PDF or an archive)."
        ),
        code="binary",
    )


def looks_like_html(text):
    head = text[:2048].lstrip().lower()
    if head.startswith(("<!doctype html", "<html", "<?xml")):
        return True
    return (
        len(
            re.findall(r"</?(?:p|div|br|span|body|table|td|h1|a)\b", text[:20000], re.I)
        )
        >= 5
    )


# --- lines -----------------------------------------------------------------
@dataclass
class _Line:
    text: str  # stripped at its edges, otherwise verbatim
    kind: str  # see _classify
    strong: bool = False  # clearly prose (ends a sentence, or long running text)


def _classify(text):
    """The kind of one stripped, non-blank line, by its shape alone."""
    if _URL_LINE.match(text):
        return "url"
    has_han = HAN.search(text) is not None
    if _CRUMB.match(text):
        return "crumb"
    if _LEDE.match(text):
        return "lede"
    if _is_meta(text):
        return "meta"
    if _is_date_line(text):
        return "date"
    if _is_credit_line(text):
        return "credit"
    # A marker word opening a long line is a sentence (返回途中,…), not chrome.
    if (_STOP.match(text) and len(text) <= 60) or (
        len(text) <= 120 and _STOP_ANYWHERE.search(text)
    ):
        return "stop"
    if not has_han:
        return "chrome"
    if (
        _BULLET.match(text)
        or _CALENDAR.match(text)
        or _YEAR_MONTH.match(text)
        or (_WIDGET.match(text) and len(text) <= 30)
    ):
        return "chrome"
    return "text"


def _is_meta(text):
    if len(text) > 160:
        return False
    match = _META_LEAD.match(text)
    if match is None:
        date = _find_date(text)
        if date is None or date[1] > 2:
            return False
        rest = text[date[2] :].strip()
        return bool(rest) and _META_LEAD.match(rest) is not None
    return all(len(value) <= 60 for _key, value in _meta_pairs(text))


_VALUE_EDGES = " \t\u3000\xa0|｜丨/【】[]()（）"


def _meta_pairs(text):
    """``[(key, value)]`` of a meta line like ``发布时间:2017年04月28日来源:某所``."""
    matches = list(_META.finditer(text))
    pairs = []
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        value = text[match.end() : end].strip(_VALUE_EDGES)
        pairs.append((match.group(1).translate(_KEY_FOLD), value))
    if matches and matches[0].start() > 0:
        head = text[: matches[0].start()].strip(" \t\u3000\xa0|｜【[(（")
        if head and _find_date(head):
            pairs.insert(0, ("日期", head))
    return pairs


def _is_date_line(text):
    if len(text) > 60:
        return False
    found = _find_date(text)
    if not found:
        return False
    rest = text[: found[1]] + text[found[2] :]
    return _DATE_REST.match(rest) is not None


def _credit_groups(text):
    """``[(role, name)]`` in a credit group such as ``刘雪飞/文 刘海军/摄``."""
    text = text.strip()
    found = [
        (_ROLE_WORDS[m.group(2)], m.group(1), m.span())
        for m in _NAME_SLASH_ROLE.finditer(text)
    ]
    if not found:
        found = [
            (_ROLE_WORDS[m.group(1)], m.group(2), m.span())
            for m in _ROLE_SEP_NAME.finditer(text)
        ]
    if not found:
        found = [
            (_ROLE_WORDS[m.group(1)], m.group(2), m.span())
            for m in _ROLE_GLUED_NAME.finditer(text)
        ]
    if not found:
        match = _NAME_ROLE.match(text)
        if match and match.group(1):
            found = [(_ROLE_WORDS[match.group(2)], match.group(1), match.span())]
    covered = sum(end - start for _role, _name, (start, end) in found)
    credits = []
    for role, name, _span in found:
        name = name.strip()
        if name and name not in _ROLE_WORDS:
            credits.append((role, name))
    # A credit group is made of credits only (bar separators and a place).
    rest = len(re.sub(r"[\s/／|｜,，、;；]", "", text)) - covered
    return credits if credits and rest <= 4 else []


def _is_credit_line(text):
    body = text.rstrip(" |｜丨")
    match = _BRACKETED.fullmatch(body)
    if match:
        return bool(_credit_groups(match.group(1)))
    if len(body) <= 40 and _NAME_SLASH_ROLE.search(body):
        return bool(_credit_groups(body))
    return False


def _line_credits(text):
    body = text.rstrip(" |｜丨")
    match = _BRACKETED.fullmatch(body)
    return _credit_groups(match.group(1) if match else body)


def _inline_credits(paragraph):
    """Credits written inside a body paragraph: ``本报讯 (记者 …)``, ``…(某某供稿)``."""
    credits = []
    for pattern in (_LEADING_BRACKET, _TRAILING_BRACKET):
        match = pattern.search(paragraph)
        if match:
            credits.extend(_credit_groups(match.group(1)))
    return credits


def _is_strong(text):
    """Clearly prose: a finished sentence, or a long run of clauses."""
    if len(text) < 6 or HAN.search(text) is None:
        return False
    if _FINAL.search(text) and (_CLAUSE.search(text[:-1]) or len(text) >= 12):
        return True
    if _SENTENCE_END.search(text):
        return True  # a short sentence: 会议还研究了其他事项。
    if text[-1] in ":：" and len(text) >= 12 and _CLAUSE.search(text[:-1]):
        return True  # a sentence that introduces what follows (通知如下:)
    return len(text) >= 60 and _CLAUSE.search(text) is not None


def _is_prose_like(text):
    """Long enough, with clauses, to be running text (a truncated last line)."""
    return _is_strong(text) or (len(text) >= 20 and _CLAUSE.search(text) is not None)


def _is_title_like(text):
    return (
        5 <= len(text) <= 120
        and len(HAN.findall(text)) >= 4
        and not re.search(r"[。;；:：,，]$", text)
    )


def _is_caption_like(text):
    return len(text) <= 40 and "。" not in text and _CAPTION.search(text) is not None


def _is_org_line(text):
    return (
        2 <= len(text) <= 25
        and not _PUNCT_ANY.search(text)
        and _ORG_SUFFIX.search(text) is not None
    )


# --- the page --------------------------------------------------------------
def read_page(data, *, filename=""):
    """The ``Page`` in ``data`` (bytes as scraped, or already decoded text).

    Raises ``ImportRefused`` (with a Chinese message) for input that is empty,
    binary, larger than ``MAX_BYTES``, without Chinese text, or without a body.
    """
    text = decode(data)
    if sum(1 for _match in islice(HAN.finditer(text), MIN_HAN)) < MIN_HAN:
        raise ImportRefused(
            _("The page has no Chinese text: too few Chinese characters were found."),
            code="no_chinese",
        )
    html = looks_like_html(text)
    page = _read_html(text) if html else _read_lines(text.splitlines())
    if not page.paragraphs:
        raise ImportRefused(
            _(
                "No body text was found: the page holds only site chrome such as "
                "navigation, a headline or a copyright notice."
            ),
            code="no_body",
        )
    return page


def _read_lines(raw_lines, *, page=None):
    page = page or Page()
    lines = []
    for raw in raw_lines:
        text = raw.strip(" \t\r\n\f\v\u3000\xa0\u200b\ufeff")
        if text:
            lines.append(_Line(text, _classify(text)))
    for line in lines:
        line.strong = line.kind == "text" and _is_strong(line.text)

    start = _body_start(lines)
    if start is None:
        return page
    end = _body_end(lines, start)
    _read_header(lines[:start], page)
    inline_credits = _read_body(lines[start : end + 1], page)
    _read_footer(lines[end + 1 :], page)
    _finish(page, inline_credits)
    return page


def _body_start(lines):
    """Index of the first body paragraph: the first line of clear prose that is
    not a headline standing right before the page's meta line."""
    for i, line in enumerate(lines):
        if not line.strong:
            continue
        following = next(
            (other for other in lines[i + 1 :] if other.kind != "chrome"), None
        )
        if (
            len(line.text) <= 80
            and line.text[-1] not in ":："
            and following is not None
            and following.kind in ("meta", "date", "crumb")
            and not any(other.strong for other in lines[:i])
        ):
            continue  # a headline that ends in !/? followed by its meta line
        return i
    return None


def _is_schedule_line(text):
    """A 时间:/日期: line alone, such as a notice's schedule inside the body."""
    return {key for key, _value in _meta_pairs(text)} <= {"时间", "日期"}


def _body_end(lines, start):
    """Index of the last body line: the last running text before the footer."""
    end = start
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if line.kind == "meta" and _is_schedule_line(line.text):
            continue
        if line.kind in ("stop", "meta", "lede", "crumb"):
            break
        if line.kind == "text" and (line.strong or _is_prose_like(line.text)):
            end = i
    return end


def _read_header(lines, page):
    anchor = next(
        (i for i, line in enumerate(lines) if line.kind in ("meta", "date")), None
    )
    title_at = None
    candidates = [
        i
        for i, line in enumerate(lines)
        if line.kind == "text"
        and _is_title_like(line.text)
        and not _SUBTITLE.match(line.text)
    ]
    if anchor is not None:
        # Above the meta line a repeated line is the headline scraped twice
        # (<title> and <h1>); below it, a repeated short line is a caption.
        before = [i for i in candidates if i < anchor]
        if before:
            title_at = before[-1]
    candidates = [i for i in candidates if not _is_repeated(lines, i)]
    if title_at is None:
        plain = [
            i
            for i in candidates
            if not _is_caption_like(lines[i].text) and not _is_org_line(lines[i].text)
        ]
    if title_at is None and anchor is None:
        # No meta line: the headline is the last heading-like line above the body
        # (navigation entries come before it and are shorter).
        plain = [i for i in plain if len(lines[i].text) >= 8]
        if plain:
            title_at = plain[-1]
    elif title_at is None:
        # A headline stands apart from the nav above it: after the last chrome line.
        last_meta = max(
            (
                i
                for i, line in enumerate(lines)
                if line.kind in ("meta", "date", "crumb")
            ),
            default=-1,
        )
        plain = [i for i in plain if i > last_meta] or plain
        if plain and plain[0] > anchor:
            title_at = plain[0]
    if title_at is not None:
        page.title = page.title or lines[title_at].text
        after = next(
            (line for line in lines[title_at + 1 :] if line.kind == "text"), None
        )
        if after is not None and _SUBTITLE.match(after.text):
            page.subtitle = after.text
        before = lines[:title_at]
        channel = before[-1].text if before and before[-1].kind == "text" else ""
        if 2 <= len(channel) <= 6 and not _PUNCT_ANY.search(channel):
            page.section = page.section or channel  # a channel name above the headline

    for i, line in enumerate(lines):
        if line.kind == "crumb":
            _read_crumb(line.text, page)
        elif line.kind == "meta":
            _read_meta(line.text, page)
        elif line.kind == "date":
            page.published_at = page.published_at or parse_date(line.text)
        elif line.kind == "lede":
            page.lede = page.lede or _LEDE.sub("", line.text, count=1)
        elif line.kind == "credit":
            _add_credits(page, _line_credits(line.text))
        elif line.kind == "url":
            page.source_url = page.source_url or _URL_LINE.match(line.text).group(1)
        elif line.kind == "stop":
            _read_publisher_cue(line.text, page)
        elif line.kind == "text" and title_at is not None and i > title_at:
            if line.text == page.subtitle:
                continue
            if _is_org_line(line.text) and not page.publisher:
                page.publisher = line.text
            elif len(line.text) <= 40 and not _is_strong(line.text):
                _add_caption(page, line.text)


def _is_repeated(lines, i):
    text = lines[i].text
    return (i > 0 and lines[i - 1].text == text) or (
        i + 1 < len(lines) and lines[i + 1].text == text
    )


def _read_body(lines, page):
    for i, line in enumerate(lines):
        if line.kind == "lede":
            page.lede = page.lede or _LEDE.sub("", line.text, count=1)
        elif line.kind == "credit":
            _add_credits(page, _line_credits(line.text))
        elif line.kind == "date":
            page.published_at = page.published_at or parse_date(line.text)
        elif line.kind == "meta" and _is_schedule_line(line.text):
            page.paragraphs.append(line.text)  # part of the text, not of the page
        elif line.kind != "text":
            continue
        elif not line.strong and (
            _is_caption_like(line.text)
            or (_is_repeated(lines, i) and len(line.text) <= 40)
        ):
            _add_caption(page, line.text)
        elif page.paragraphs and line.text == page.paragraphs[-1]:
            continue  # the same paragraph scraped twice
        else:
            page.paragraphs.append(line.text)
    # Credits inside the first or last paragraph (本报讯 (记者 …), …(某某供稿)):
    # the paragraph stays verbatim; the credits are listed after those on lines
    # of their own, which the footer may still add.
    inline = []
    for paragraph in page.paragraphs[:1] + page.paragraphs[-1:]:
        inline.extend(_inline_credits(paragraph))
    return inline


def _read_footer(lines, page):
    listing = False  # after 相关信息/MORE…: other articles, not this one's metadata
    for line in lines:
        if line.kind == "stop":
            _read_publisher_cue(line.text, page)
            if not re.match(r"^(?:版权|版權|Copyright|©|主办|主辦)", line.text):
                listing = True
        elif listing:
            continue
        elif line.kind == "meta":
            _read_meta(line.text, page)
        elif line.kind == "credit":
            _add_credits(page, _line_credits(line.text))
        elif line.kind == "url":
            page.source_url = page.source_url or _URL_LINE.match(line.text).group(1)
    for line in lines:
        if line.kind in ("stop", "text"):
            _read_publisher_cue(line.text, page)


def _read_crumb(text, page):
    text = re.sub(
        r"^(?:当前位置|當前位置|您的位置|你的位置|您现在的位置|你现在的位置|现在位置|所在位置|位置)\s*[:：]?",
        "",
        text,
    )
    parts = [p.strip() for p in _CRUMB_SPLIT.split(text)]
    parts = [p for p in parts if p and not re.fullmatch(_HOME + "|正文|详情|內文", p)]
    if parts and not page.section:
        page.section = " › ".join(parts)


def _read_meta(text, page):
    for key, value in _meta_pairs(text):
        if key in _DATE_KEYS:
            page.published_at = page.published_at or parse_date(value)
            continue
        if key in ("来源", "出处") and value and not page.source:
            page.source = value
        if key in _BYLINE_KEYS and value:
            names = [n for n in re.split(r"[\s、,，;；/／]+", value) if n]
            page.bylines.setdefault(key, [])
            page.bylines[key].extend(n for n in names if n not in page.bylines[key])
        role = _KEY_ROLE.get(key)
        if role and value:
            names = (
                [value] if role == "source" else re.split(r"[\s、,，;；/／]+", value)
            )
            _add_credits(page, [(role, name) for name in names if name])


def _read_publisher_cue(text, page):
    if page.publisher:
        return
    for cue in _PUBLISHER_CUES:
        match = cue.search(text)
        if match:
            name = match.group(1).strip(" :：©")
            name = re.sub(r"^\d{4}(?:\s*[-–]\s*\d{4})?\s*", "", name)
            if len(HAN.findall(name)) >= 2 and not re.search(r"\d|ICP|备案", name):
                page.publisher = name
                return


def _add_credits(page, credits):
    for role, name in credits:
        credit = {"role": role, "name": name}
        if credit not in page.credits:
            page.credits.append(credit)


def _add_caption(page, text):
    if text not in page.captions:
        page.captions.append(text)


def _finish(page, inline_credits):
    # A 来源 on a line of its own, else one inside the body, else the unit a
    # [供稿:…] line names; a person's (某某供稿) inside the body is not a source.
    sources = [c["name"] for c in page.credits if c["role"] == "source"]
    sources += [name for role, name in inline_credits if role == "source"]
    units = [c["name"] for c in page.credits if c["role"] == "contributor"]
    page.source = page.source or next(iter(sources + units), "")
    _add_credits(page, inline_credits)
    if page.paragraphs and not _FINAL.search(page.paragraphs[-1]):
        page.truncated = True
        page.warnings.append(
            _(
                "The page stops mid-sentence: its last paragraph is unfinished and "
                "may have been cut off."
            )
        )


# --- HTML ------------------------------------------------------------------
_BLOCK_TAGS = {
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "tr",
    "table",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "dd",
    "dt",
    "dl",
    "td",
    "th",
    "figcaption",
    "figure",
    "blockquote",
    "title",
    "form",
}


def _read_html(html):
    """The page from HTML.

    trafilatura finds the main text: it is maintained, works offline, and
    tells an article's text from CMS boilerplate far better than a hand-written
    DOM walk. The page's own visible lines, read like a plain-text page, give
    what trafilatura does not keep (the 发布时间/来源 line, the breadcrumb,
    credits); the ``<meta>`` tags of Chinese CMSs (ArticleTitle, PubDate,
    ColumnName, SiteName) and trafilatura's metadata fill what is still missing.
    """
    import lxml.html
    import trafilatura

    try:
        tree = lxml.html.document_fromstring(html)
    except Exception as error:  # lxml raises several types for broken markup
        raise ImportRefused(
            _("This HTML page cannot be parsed."), code="bad_html"
        ) from error
    meta = _meta_tags(tree)
    captions = _figure_captions(tree)
    header = _read_lines(_visible_lines(tree))  # also the body if trafilatura fails

    document = trafilatura.bare_extraction(
        html,
        fast=True,  # no second-opinion extractors: several times faster
        include_comments=False,
        include_tables=True,
        include_images=False,
    )
    page = Page()
    main_text = getattr(document, "text", None) or ""
    if main_text:
        _read_lines(main_text.splitlines(), page=page)
    if not page.paragraphs:
        page = header
    for name in ("title", "subtitle", "source", "lede", "published_at", "section"):
        setattr(page, name, getattr(header, name) or getattr(page, name))
    page.publisher = meta.get("sitename") or header.publisher or page.publisher
    page.title = page.title or meta.get("title", "")
    page.published_at = page.published_at or parse_date(meta.get("date", ""))
    page.section = page.section or meta.get("column", "")
    page.source = page.source or meta.get("source", "")
    page.source_url = header.source_url or meta.get("url", "")
    if not (page.title and page.published_at and page.publisher):
        found = trafilatura.extract_metadata(tree, extensive=False)
        page.title = page.title or _clean_title(getattr(found, "title", ""))
        page.published_at = page.published_at or getattr(found, "date", None)
        page.publisher = page.publisher or getattr(found, "sitename", None) or ""
    while page.paragraphs and page.paragraphs[0] == page.title:
        page.paragraphs.pop(0)
    for credit in header.credits:
        if credit not in page.credits:
            page.credits.append(credit)
    for key, names in header.bylines.items():
        page.bylines.setdefault(key, names)
    for caption in header.captions + captions:
        if caption not in page.captions and caption not in page.paragraphs:
            page.captions.append(caption)
    return page


_META_NAMES = {
    "articletitle": "title",
    "og:title": "title",
    "pubdate": "date",
    "publishdate": "date",
    "article:published_time": "date",
    "columnname": "column",
    "article:section": "column",
    "sitename": "sitename",
    "og:site_name": "sitename",
    "contentsource": "source",
    "og:url": "url",
    "url": "url",
}


def _meta_tags(tree):
    """What the page's ``<meta>`` and canonical link say, by our names."""
    found = {}
    for element in tree.xpath("//meta[@content]"):
        name = (element.get("name") or element.get("property") or "").lower()
        key = _META_NAMES.get(name)
        value = element.get("content", "").strip()
        if key and value and key not in found:
            found[key] = value
    for href in tree.xpath("//link[@rel='canonical']/@href"):
        found.setdefault("url", href.strip())
    return found


_SPACES = re.compile(r"\s+")


def _visible_lines(tree):
    for element in tree.xpath("//script|//style|//noscript|//template"):
        element.drop_tree()
    chunks = []

    def walk(element):
        tag = element.tag if isinstance(element.tag, str) else ""
        block = tag.lower() in _BLOCK_TAGS
        if block:
            chunks.append("\n")
        if element.text and tag:
            chunks.append(_SPACES.sub(" ", element.text))
        for child in element:
            walk(child)
        if block:
            chunks.append("\n")
        if element.tail:
            chunks.append(_SPACES.sub(" ", element.tail))

    walk(tree)
    text = "".join(chunks)
    return text.split("\n")


def _figure_captions(tree):
    captions = []
    for element in tree.xpath("//figcaption|//img[@alt]"):
        text = (
            element.text_content()
            if element.tag == "figcaption"
            else element.get("alt", "")
        )
        text = unicodedata.normalize("NFC", text).strip()
        if text and HAN.search(text) and len(text) <= 60:
            captions.append(text)
    return captions


def _clean_title(title):
    title = (title or "").strip()
    return (
        re.split(r"\s*(?:[-_|｜–—]{1,2})\s*(?=[^-_|｜–—]*$)", title)[0] if title else ""
    )
