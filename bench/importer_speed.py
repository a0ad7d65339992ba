"""How fast the importer reads pages: ``python bench/importer_speed.py [N]``.

Builds pages of about 3,000 characters from the seed sources (plain text, the
same text in GBK, and as HTML) and reports pages per second (of CPU time, on
one core) for the page stage and for the whole extraction (``extract_page``).
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from articles.importer.extract import extract_page  # noqa: E402
from articles.importer.page import read_page  # noqa: E402


def pages():
    sources = ROOT / "fixtures" / "sources"
    seed = (sources / "000_14f64c4529034942.txt").read_text(encoding="utf-8")
    more = (sources / "001_4bec83a4ff05383a.txt").read_text(encoding="utf-8")
    lines = [line for line in seed.split("\n") if line.strip()]
    header, body, credit = lines[:7], lines[7:-1], lines[-1]
    # A body of about 3,000 characters: seed 000's, then seed 001's paragraphs.
    for paragraph in [line for line in more.split("\n") if line.strip()][4:]:
        if sum(map(len, body)) >= 3000:
            break
        body.append(paragraph)
    text = "\n\n".join([*header, *body, credit])
    paragraphs = "".join(f"<p>{line}</p>\n" for line in body)
    html = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{header[1]}</title></head><body>"
        "<div class='nav'><a href='/'>首页</a> &gt; <a href='/n'>新闻</a></div>"
        f"<h1>{header[1]}</h1><div class='info'>{header[2]}</div>"
        f"<div class='content'>{paragraphs}</div>"
        "<div class='footer'>版权所有:北京市科学技术研究院</div></body></html>"
    )
    return {
        "plain text, UTF-8": text.encode("utf-8"),
        "plain text, GBK": text.encode("gbk"),
        "HTML": html.encode("utf-8"),
    }


def rate(function, data, n):
    """Pages per second of CPU time: on a shared machine, wall time also counts
    the other processes' turns on the core."""
    function(data)  # warm up (imports, regex caches)
    start = time.process_time()
    for _ in range(n):
        function(data)
    return n / (time.process_time() - start)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    for label, data in pages().items():
        chars = len(read_page(data).body)
        print(
            f"{label:18} {len(data):6} bytes, body {chars:5} chars: "
            f"read_page {rate(read_page, data, n):7.1f} pages/s, "
            f"extract_page {rate(extract_page, data, n):7.1f} pages/s"
        )


if __name__ == "__main__":
    main()
