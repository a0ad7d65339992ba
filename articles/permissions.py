"""Who may change what: the one workflow rule, asked by admin, API and services.

Model permissions (``articles.change_article`` …) say which kinds of object a
user may write at all; the admin and DRF check those. On top of them one rule
protects what the public sees: 编辑 (editors) change drafts and what belongs to
them; once an article is published or scheduled, only 主编 (holders of
``articles.publish_article``) may change it or anything reported in it (its
directive sets and items, mentions, photos, credits, and positions it reported).
``user=None`` is the system itself (migrations, the importer run by an
operator) and passes.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .models import (
    Article,
    Credit,
    Directive,
    DirectiveSet,
    OrganizationMention,
    PersonMention,
    Photo,
    Position,
)

PUBLISH_PERMISSION = "articles.publish_article"


def can_publish(user):
    """Whether ``user`` may publish, schedule and unpublish articles (主编)."""
    return user is None or user.has_perm(PUBLISH_PERMISSION)


def can_edit_article(user, article):
    """Editors change drafts; once public or scheduled, only 主编 may."""
    return (
        article is None or article.status == Article.Status.DRAFT or can_publish(user)
    )


def article_of(instance):
    """The article whose publication protects ``instance`` (None if none does)."""
    match instance:
        case None:
            return None
        case Article():
            return instance if instance.pk else None
        case DirectiveSet() | PersonMention() | OrganizationMention() | Photo():
            return instance.article if instance.article_id else None
        case Credit():
            return instance.article if instance.article_id else None
        case Directive():
            return instance.directive_set.article if instance.directive_set_id else None
        case Position():
            return instance.reported_in
    return None


def can_change(user, instance):
    """Whether the workflow lets ``user`` change (or delete) ``instance``."""
    return can_edit_article(user, article_of(instance))


def check_change(user, *, before=None, after=None):
    """Refuse a write the workflow forbids (``PermissionDenied``, in Chinese).

    ``before`` is the stored object (None for a create), ``after`` the object
    as it would be saved (None for a delete); both must be allowed, so an
    editor can neither change a published article's rows nor move a draft's
    row into a published article.
    """
    for instance in (before, after):
        if instance is not None and not can_change(user, instance):
            if isinstance(instance, Position):
                raise PermissionDenied(
                    _(
                        "Only chief editors may change a position reported in a "
                        "published or scheduled article."
                    )
                )
            if isinstance(instance, Article):
                raise PermissionDenied(
                    _("Only chief editors may change a published or scheduled article.")
                )
            raise PermissionDenied(
                _(
                    "Only chief editors may change the directives of a "
                    "published or scheduled article."
                )
                if isinstance(instance, DirectiveSet | Directive)
                else _(
                    "Only a chief editor may change an article that is no longer "
                    "a draft."
                )
            )


def check_publish(user):
    if not can_publish(user):
        raise PermissionDenied(_("You do not have permission to publish articles."))
