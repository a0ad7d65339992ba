"""Reading a scraped page: decoding, the main text, metadata and body paragraphs."""

from .types import Page


def read_page(data, *, filename=""):
    """The ``Page`` in ``data`` (bytes as scraped, or already decoded text)."""
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
    return Page(
        title=paragraphs[0] if paragraphs else "",
        paragraphs=paragraphs[1:],
    )
