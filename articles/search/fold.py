"""A copy of a text for matching: Simplified characters, half-width punctuation.

The copy has exactly the length of the original, so an offset found in it is an
offset in the text as written: facts are matched on the copy and reported from the
original, which is never changed.

Traditional characters are folded with OpenCC's t2s dictionaries (the ``opencc``
package ships them; nothing is fetched). When OpenCC turns a phrase into one of a
different length, the text is folded character by character instead, so offsets
still line up.
"""

import re
import unicodedata
from functools import lru_cache

# Full-width ASCII (！ to ～) and the ideographic space, to half-width.
_WIDE = re.compile("[\uff01-\uff5e\u3000]")


def _narrow(match):
    char = match.group()
    return " " if char == "\u3000" else chr(ord(char) - 0xFEE0)


@lru_cache(maxsize=1)
def _converter():
    try:
        import opencc
    except ImportError:  # pragma: no cover - opencc is a declared dependency
        return None
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _traditional():
    """The characters t2s changes on their own: a page without any is left as is."""
    converter = _converter()
    if converter is None:
        return frozenset()
    chars = [chr(code) for code in range(0x3400, 0xA000)]
    folded = converter.convert("\n".join(chars)).split("\n")
    if len(folded) != len(chars):  # pragma: no cover - a phrase across the lines
        return frozenset(chars)
    return frozenset(c for c, f in zip(chars, folded, strict=True) if c != f)


@lru_cache(maxsize=4096)
def _fold_char(char):
    folded = _converter().convert(char)
    return folded if len(folded) == 1 else char


def fold(text):
    """``text`` in Simplified characters with half-width punctuation, same length."""
    if not text:
        return text
    if not _traditional().isdisjoint(text):
        folded = _converter().convert(text)
        if len(folded) != len(text):
            folded = "".join(_fold_char(char) for char in text)
        text = folded
    return _WIDE.sub(_narrow, text)


def fold_query(text):
    """``text`` folded for matching: NFKC width, lower case, Simplified characters."""
    return fold(unicodedata.normalize("NFKC", text or "")).lower()


CJK_RANGES = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{CJK_RANGES}]+|[^\W{CJK_RANGES}]+")
_CJK_RUN = re.compile(rf"[{CJK_RANGES}]+")


def tokens(text):
    """Index tokens of ``text``: CJK runs as overlapping bigrams, words whole.

    A lone CJK character is a unigram. The one tokenizer for every backend, so a
    query and the text it should find are cut the same way.
    """
    result = []
    for match in _TOKEN.finditer(fold_query(text)):
        run = match.group()
        if _CJK_RUN.fullmatch(run):
            if len(run) == 1:
                result.append(run)
            else:
                result.extend(run[i : i + 2] for i in range(len(run) - 1))
        else:
            result.append(run)
    return result
