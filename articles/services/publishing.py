"""Publishing: the only way an article's ``status`` and ``published_at`` change."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .. import permissions
from ..models import Article
from . import history
from .writes import _schedule_after_write


def _save(*, article, user, comment):
    article.version += 1
    article.full_clean()
    article.save()
    history.record(instances=[article], user=user, message=comment)
    _schedule_after_write([article])


def article_publish(
    *,
    article: Article,
    user=None,
    published_at: datetime.datetime | None = None,
) -> Article:
    """Publish ``article``: now, at its existing date, or at ``published_at``.

    A date in the future schedules the article: it stays hidden from the public
    until then. A draft that already carries a date (an imported article) keeps
    it. Only users with the publish permission (主编) may publish.
    """
    permissions.check_publish(user)
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        new_date = published_at or locked.published_at or timezone.now()
        if locked.status == Article.Status.PUBLISHED and locked.published_at == (
            new_date
        ):
            return locked
        history.record_initial_version(instance=locked)
        locked.status = Article.Status.PUBLISHED
        locked.published_at = new_date
        with history._chinese():
            comment = (
                _("Scheduled for %(time)s.")
                % {"time": date_format(timezone.localtime(new_date), "DATETIME_FORMAT")}
                if new_date > timezone.now()
                else _("Published.")
            )
        _save(article=locked, user=user, comment=comment)
    return locked


def article_unpublish(*, article: Article, user=None) -> Article:
    """Take ``article`` back to draft; its date is kept for a later publish."""
    permissions.check_publish(user)
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        if locked.status == Article.Status.DRAFT:
            return locked
        history.record_initial_version(instance=locked)
        locked.status = Article.Status.DRAFT
        with history._chinese():
            comment = _("Unpublished.")
        _save(article=locked, user=user, comment=comment)
    return locked
