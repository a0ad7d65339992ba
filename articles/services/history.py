"""What a revision holds, and the history messages editors read (in Chinese)."""

import reversion
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reversion.models import Revision, Version

from ..models import (
    Article,
    Credit,
    Directive,
    DirectiveSet,
    Organization,
    OrganizationAlias,
    OrganizationMention,
    Person,
    PersonAlias,
    PersonMention,
    Photo,
    Position,
    Section,
    Tag,
)

# An article's revision follows everything that belongs to it, so restoring
# an article restores its directive sets and their items, mentions and photos.
FOLLOW = {
    Article: [
        "directive_sets",
        "photos",
        "credits",
        "person_mentions",
        "organization_mentions",
    ],
    DirectiveSet: ["items"],
    Person: ["aliases", "positions"],
    Organization: ["aliases"],
    Directive: [],
    Photo: [],
    Credit: [],
    PersonMention: [],
    OrganizationMention: [],
    PersonAlias: [],
    OrganizationAlias: [],
    Position: [],
    Section: [],
    Tag: [],
}


def register_models():
    """Register every model with django-reversion (called from ``AppConfig``)."""
    for model, follow in FOLLOW.items():
        if not reversion.is_registered(model):
            reversion.register(model, follow=follow)


def with_followed(instance):
    """``instance`` and, recursively, the objects its revision follows."""
    found, stack, seen = [], [instance], set()
    while stack:
        obj = stack.pop()
        key = (type(obj), obj.pk)
        if obj.pk is None or key in seen:
            continue
        seen.add(key)
        found.append(obj)
        for name in FOLLOW.get(type(obj), ()):
            stack.extend(getattr(obj, name).all())
    return found


def record_initial_version(*, instance):
    """Record ``instance`` as it stands if its history is still empty.

    Objects loaded from fixtures or the importer have no recorded version;
    without this their state before the first edit could not be restored. The
    revision is written on its own (not merged into the change's revision, even
    when the admin has one open) and dated before the change.
    """
    if Version.objects.get_for_object(instance).exists():
        return
    revision = Revision.objects.create(
        date_created=timezone.now(), user=None, comment=message_initial()
    )
    Version.objects.bulk_create(
        [
            Version(
                revision=revision,
                object_id=str(obj.pk),
                content_type=ContentType.objects.get_for_model(type(obj)),
                db=obj._state.db or "default",
                format="json",
                serialized_data=serializers.serialize("json", [obj]),
                object_repr=str(obj)[:191],
            )
            for obj in with_followed(instance)
        ]
    )


def record(*, instances, user, message):
    """Add ``instances`` to the current revision (opening one if none is) with
    ``user`` and ``message``; messages of one revision are joined.

    Every caller is a write inside its own transaction, so the revision opens
    no savepoint of its own.
    """
    with reversion.create_revision(atomic=False):
        for instance in instances:
            reversion.add_to_revision(instance)
        if user is not None and user.is_authenticated:
            reversion.set_user(user)
        existing = reversion.get_comment()
        if existing and message not in existing:
            message = f"{existing} {message}"
        reversion.set_comment(message)


def _chinese():
    return translation.override(settings.LANGUAGE_CODE)


def _label(instance):
    model = type(instance)
    return f"{model._meta.verbose_name}“{instance}”"


def message_initial():
    with _chinese():
        return _("Initial version, recorded before the first change.")


def message_created(instance):
    with _chinese():
        return _("Added %(object)s.") % {"object": _label(instance)}


def message_changed(instance, fields):
    """ "已修改文章“…”的标题、正文。": the changed fields by their Chinese names,
    and the object, so that a revision holding several rows reads clearly."""
    with _chinese():
        names = "、".join(
            str(type(instance)._meta.get_field(name).verbose_name) for name in fields
        )
        return _("Changed %(fields)s of %(object)s.") % {
            "fields": names,
            "object": _label(instance),
        }


def message_restored(date):
    """ "已恢复至2025年1月24日 10:00的版本。" (Beijing time)."""
    with _chinese():
        when = date_format(timezone.localtime(date), "DATETIME_FORMAT")
        return _("Restored the version of %(date)s.") % {"date": when}


def message_deleted(instance):
    with _chinese():
        return _("Deleted %(object)s.") % {"object": _label(instance)}


# Declarative, like admin.register: before any VersionAdmin registers its
# models with follows guessed from its inlines.
register_models()
