"""The article importer: a scraped page in, an article and its structure out.

The pipeline has three stages, each in its own module:

* ``page``: bytes or text as scraped (plain text or HTML, UTF-8, GB18030/GBK or
  Big5) become a ``Page``: the article's metadata and its body paragraphs
  verbatim, with the site's chrome left out.
* ``entities``: the body's people with their titles, and its organizations with
  their aliases, each fact with the character span it came from.
* ``directives``: the directive sets named people issue, item by item.

``extract.extract_page`` runs the three and returns an ``Extraction``, whose
``as_json()`` is the contract other tools read (``import_article --json``).
Spans are ``(start, end)`` offsets into ``Page.body``, the paragraphs joined by
``PARAGRAPH_SEPARATOR`` exactly as ``Article.body`` stores them.
"""
