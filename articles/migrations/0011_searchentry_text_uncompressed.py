"""The search entry's folded text is stored out of line but uncompressed.

Every phrase check (``strpos`` on a candidate's text) read the text through
pglz decompression: ~26 µs for a 9 KB entry, most of a check's cost. Stored
``EXTERNAL`` it is read in ~7 µs, for about a third more disk (measured at
100,000 entries, ``bench/search.py``). PostgreSQL only: SQLite has no TOAST.

Entries written from now on are stored so. Existing ones keep their compressed
text (found the same, only checked slower) until rewritten: the migration does
not rewrite them, since at 100,000 entries that updates the GIN index for every
row (tens of minutes); ``manage.py rebuild_search_index`` does it when suited.
"""

from django.db import migrations

FORWARD = ["ALTER TABLE articles_searchentry ALTER COLUMN text SET STORAGE EXTERNAL"]
BACKWARD = ["ALTER TABLE articles_searchentry ALTER COLUMN text SET STORAGE EXTENDED"]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_searchentry_status_date"),
    ]

    operations = [migrations.RunPython(forward, backward)]
