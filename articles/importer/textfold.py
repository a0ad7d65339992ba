"""A copy of a text for matching: Simplified characters, half-width punctuation.

The copy has exactly the length of the original, so an offset found in it is an
offset in the text as written: facts are matched on the copy and reported from the
original, which is never changed.

Traditional characters are folded with OpenCC's t2s dictionaries (the ``opencc``
package ships them; nothing is fetched). When OpenCC turns a phrase into one of a
different length, the text is folded character by character instead, so offsets
still line up.
"""

from functools import lru_cache

# Full-width ASCII (！ to ～) to half-width, and the ideographic space to a space.
_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_WIDTH[0x3000] = 0x20


@lru_cache(maxsize=1)
def _converter():
    try:
        import opencc
    except ImportError:  # pragma: no cover - opencc is a declared dependency
        return None
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=4096)
def _fold_char(char):
    converter = _converter()
    folded = converter.convert(char) if converter else char
    return folded if len(folded) == 1 else char


def _has_non_ascii(text):
    return not text.isascii()


def fold(text):
    """``text`` in Simplified characters with half-width punctuation, same length."""
    if not text:
        return text
    converter = _converter()
    folded = text
    if converter is not None and _has_non_ascii(text):
        folded = converter.convert(text)
        if len(folded) != len(text):
            folded = "".join(_fold_char(char) for char in text)
    return folded.translate(_WIDTH)
