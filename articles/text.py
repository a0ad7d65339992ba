"""Text as editors and clients send it, made verbatim at the boundary."""


def normalize_newlines(value):
    """``value`` with CRLF and lone CR line endings turned into ``\\n``; nothing
    else changes (no stripping, no other normalisation).

    Browsers post a textarea's line breaks as CRLF; stored that way, a body's
    paragraphs (split on a blank line) would run together. Admin forms and API
    serializers call this on every text they accept.
    """
    if not isinstance(value, str):
        return value
    return value.replace("\r\n", "\n").replace("\r", "\n")
