"""Writes with side effects: publishing, and saves guarded by optimistic locking.

Every function here is keyword-only, runs in one transaction, validates with
``full_clean()`` before saving, and records a django-reversion revision naming the
user, so the admin history shows who did what and when. Admin actions, API views
and management commands call these; none repeats the logic.
"""

import datetime

import reversion
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reversion.models import Version

from . import cache
from .models import Article

PUBLISH_PERMISSION = "articles.publish_article"


class StaleVersionError(Exception):
    """A save was based on a version of the object that is no longer current."""

    def __init__(self, *, instance, expected_version, current_version):
        self.instance = instance
        self.expected_version = expected_version
        self.current_version = current_version
        super().__init__(
            stale_version_message(
                instance=instance,
                expected_version=expected_version,
                current_version=current_version,
            )
        )


def last_change(*, instance, version_number=None):
    """``(user name, aware datetime)`` of the change that made ``version_number``.

    That is the oldest recorded version carrying the number (later ones with
    the same number are snapshots taken when a related object changed). Falls
    back to the latest recorded version, then to ``updated_at``.
    """
    versions = Version.objects.get_for_object(instance).select_related("revision__user")
    found = None
    if version_number is not None:
        found = next(
            (
                v
                for v in versions.order_by("pk")
                if v.field_dict.get("version") == version_number
            ),
            None,
        )
    found = found or versions.first()
    if found is None:
        return None, getattr(instance, "updated_at", None)
    user = found.revision.user
    if user is None:
        return None, found.revision.date_created
    full_name, username = user.get_full_name(), user.get_username()
    name = f"{full_name} ({username})" if full_name else username
    return name, found.revision.date_created


def stale_version_message(*, instance, expected_version, current_version):
    """The Chinese explanation an editor sees when their save is refused."""
    model = instance._meta.verbose_name
    if current_version is None:
        return _(
            "This %(model)s was deleted by someone else after you opened it. "
            "Your changes were not saved."
        ) % {"model": model}
    who, when = last_change(instance=instance, version_number=current_version)
    return _(
        "This %(model)s was changed by %(user)s at %(time)s after you opened it "
        "(you edited version %(yours)s; the current version is %(current)s). "
        "Your changes were not saved and nothing of theirs was overwritten: "
        "reload the page to see the current content, then make your changes again."
    ) % {
        "model": model,
        "user": who or _("someone else"),
        "time": date_format(timezone.localtime(when), "DATETIME_FORMAT")
        if when
        else _("an unknown time"),
        "yours": expected_version,
        "current": current_version,
    }


def current_version(*, instance, lock=False):
    """The version now stored for ``instance`` (None if it was deleted).

    With ``lock`` the row stays locked until the surrounding transaction ends
    (PostgreSQL), so no other save can slip in between a check and the write.
    """
    queryset = type(instance)._default_manager.filter(pk=instance.pk)
    if lock:
        queryset = queryset.select_for_update()
    return queryset.values_list("version", flat=True).first()


def object_claim_version(*, instance, expected_version):
    """Take the next version number of ``instance``, or refuse if it is stale.

    The conditional UPDATE (``WHERE version = expected``) is the write itself, so
    of two saves made from the same version exactly one can succeed, whatever the
    timing. Call it inside the transaction that then saves the object; on success
    ``instance.version`` is the new number, ready for ``save()``.
    """
    model = type(instance)
    claimed = model._default_manager.filter(
        pk=instance.pk, version=expected_version
    ).update(version=expected_version + 1)
    if not claimed:
        raise StaleVersionError(
            instance=instance,
            expected_version=expected_version,
            current_version=current_version(instance=instance),
        )
    instance.version = expected_version + 1


def object_record_initial_version(*, instance):
    """Record ``instance`` as it stands if its history is still empty.

    Objects loaded from fixtures or created outside the admin have no recorded
    version; without this, their state before the first edit could not be
    restored. Call it before the change, outside the change's own revision.
    """
    if Version.objects.get_for_object(instance).exists():
        return
    with reversion.create_revision():
        reversion.add_to_revision(instance)
        reversion.set_comment(_("Initial version, recorded before the first change."))


def can_publish(user):
    """Whether ``user`` may publish, schedule and unpublish articles (主编)."""
    return user.has_perm(PUBLISH_PERMISSION)


def can_edit_article(user, article):
    """Editors (编辑) change drafts; once public or scheduled, only 主编 may.

    The same rule covers everything that belongs to the article (its directives,
    mentions, photos, credits), in the admin and the API alike.
    """
    return (
        article is None or article.status == Article.Status.DRAFT or can_publish(user)
    )


def _require_publish_permission(user):
    if user is not None and not can_publish(user):
        raise PermissionDenied(_("You do not have permission to publish articles."))


def _save_with_revision(*, article, user, comment):
    article.version += 1
    article.full_clean()
    article.save()
    reversion.add_to_revision(article)
    reversion.set_user(user if user is not None and user.is_authenticated else None)
    reversion.set_comment(comment)
    cache.content_changed()


def article_publish(
    *,
    article: Article,
    user=None,
    published_at: datetime.datetime | None = None,
) -> Article:
    """Publish ``article``: now, at its existing date, or at ``published_at``.

    A date in the future schedules the article: it stays hidden from the public
    until then. A draft that already carries a date (an imported article) keeps
    it. Only users with the publish permission may publish.
    """
    _require_publish_permission(user)
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        new_date = published_at or locked.published_at or timezone.now()
        if locked.status == Article.Status.PUBLISHED and locked.published_at == (
            new_date
        ):
            return locked
        object_record_initial_version(instance=locked)
        locked.status = Article.Status.PUBLISHED
        locked.published_at = new_date
        comment = (
            _("Scheduled for %(time)s.")
            % {"time": date_format(timezone.localtime(new_date), "DATETIME_FORMAT")}
            if new_date > timezone.now()
            else _("Published.")
        )
        with reversion.create_revision():
            _save_with_revision(article=locked, user=user, comment=comment)
    return locked


def article_unpublish(*, article: Article, user=None) -> Article:
    """Take ``article`` back to draft; its date is kept for a later publish."""
    _require_publish_permission(user)
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        if locked.status == Article.Status.DRAFT:
            return locked
        object_record_initial_version(instance=locked)
        locked.status = Article.Status.DRAFT
        with reversion.create_revision():
            _save_with_revision(article=locked, user=user, comment=_("Unpublished."))
    return locked
