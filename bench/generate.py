"""Generates a newsroom of N articles in bulk, for the benchmarks.

A thin wrapper: the data comes from ``articles.seed`` (also behind
``manage.py seed_demo``), so every benchmark measures the same realistic corpus:
news-like word frequencies, people and organizations named only where they are
mentioned, directive sets in some articles, ~1% drafts and 0.5% scheduled.
"""

from articles import seed as demo


def generate(articles, *, seed=1, out=print):
    """Replace every article, person and organization with ``articles`` new ones."""
    return demo.seed(articles, seed=seed, out=out)
