"""Writes with side effects: the one write path every face calls.

* ``writes``: create, update and delete of articles, directive sets and their
  items, people, positions, organizations and aliases (atomic, version-checked,
  permission-checked, recorded in history); every successful write ends in
  ``writes._after_write`` once its transaction commits.
* ``imports``: ``article_import``, an importer's extraction saved as a draft
  (or an earlier import's draft updated) in one transaction, row by row through
  ``writes``.
* ``publishing``: ``article_publish`` / ``article_unpublish``, the only way
  ``status`` and ``published_at`` change.
* ``versions``: optimistic locking and the message a refused editor reads.
* ``history``: what a revision holds and its Chinese messages.
"""

from ..permissions import PUBLISH_PERMISSION, can_edit_article, can_publish
from .history import record_initial_version
from .imports import ImportConflict, ImportResult, article_import
from .publishing import article_publish, article_unpublish
from .versions import (
    StaleVersionError,
    current_version,
    last_change,
    object_claim_version,
    stale_version_message,
)
from .writes import (
    _after_write,
    article_create,
    article_delete,
    article_update,
    directive_create,
    directive_delete,
    directive_set_create,
    directive_set_delete,
    directive_set_update,
    directive_update,
    object_create,
    object_delete,
    object_restore,
    object_update,
    organization_alias_create,
    organization_alias_delete,
    organization_alias_update,
    organization_create,
    organization_delete,
    organization_update,
    person_alias_create,
    person_alias_delete,
    person_alias_update,
    person_create,
    person_delete,
    person_update,
    position_create,
    position_delete,
    position_update,
)

# The name older callers used for ``record_initial_version``.
object_record_initial_version = record_initial_version

__all__ = [
    "ImportConflict",
    "ImportResult",
    "PUBLISH_PERMISSION",
    "article_import",
    "StaleVersionError",
    "object_restore",
    "_after_write",
    "article_create",
    "article_delete",
    "article_publish",
    "article_unpublish",
    "article_update",
    "can_edit_article",
    "can_publish",
    "current_version",
    "directive_create",
    "directive_delete",
    "directive_set_create",
    "directive_set_delete",
    "directive_set_update",
    "directive_update",
    "last_change",
    "object_claim_version",
    "object_create",
    "object_delete",
    "object_record_initial_version",
    "object_update",
    "organization_alias_create",
    "organization_alias_delete",
    "organization_alias_update",
    "organization_create",
    "organization_delete",
    "organization_update",
    "person_alias_create",
    "person_alias_delete",
    "person_alias_update",
    "person_create",
    "person_delete",
    "person_update",
    "position_create",
    "position_delete",
    "position_update",
    "record_initial_version",
    "stale_version_message",
]
