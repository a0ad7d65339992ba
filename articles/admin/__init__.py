"""The editors' workbench, one module per part of the model.

``base`` holds what every admin class shares: history and rollback
(django-reversion), optimistic locking, verbatim text, and the write path (every
save, inline row and deletion goes through ``articles.services``); who may
change what is ``articles.permissions``. Admin reaches the public site's staff
preview by URL name and imports no other face.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import articles, directives, organizations, people, taxonomy  # noqa: F401

admin.site.site_header = _("Newsroom administration")
admin.site.site_title = _("Newsroom administration")
admin.site.index_title = _("Newsroom workbench")
