"""Generates a newsroom of N articles in bulk, for the benchmarks.

A thin wrapper: the data comes from ``articles.seed`` (also behind
``manage.py seed_demo``), so every benchmark measures the same realistic corpus:
news-like word frequencies, people and organizations named only where they are
mentioned, directive sets in some articles, ~1% drafts and 0.5% scheduled.
"""

from articles import seed as demo

# Bodies of ~3,100 characters, as the page benchmark of issue 11 was measured
# with (the demo's default is a shorter news item).
BODY_SENTENCES = (60, 170)


def generate(articles, *, seed=1, out=print, sentences=BODY_SENTENCES):
    """Replace every article, person and organization with ``articles`` new ones."""
    return demo.seed(articles, seed=seed, out=out, sentences=sentences)
