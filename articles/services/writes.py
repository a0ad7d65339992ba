"""The one write path: create, update and delete every editable object.

Each write runs in one transaction; an update locks the row, refuses a stale
``expected_version`` (``StaleVersionError``), writes nothing when nothing
changes, applies the workflow rule (``articles.permissions``), validates with
``full_clean()``, raises the version, and records a django-reversion revision
naming the user with a Chinese message ("已修改标题、正文。"). After the
transaction commits, every successful write passes through ``_after_write``.

Admin, API, management commands and the importer call these functions; the
entity-named ones (``article_update``, ``position_create`` …) are the vocabulary,
``object_create``/``object_update``/``object_delete`` the engine.
"""

import threading
from contextlib import contextmanager, nullcontext
from functools import partial

from django.db import transaction

from .. import cache, permissions
from ..models import (
    Article,
    Directive,
    DirectiveSet,
    Organization,
    OrganizationAlias,
    Person,
    PersonAlias,
    Photo,
    Position,
    first_clause,
)
from ..photos import photo_make_renditions
from . import history
from .versions import StaleVersionError, object_claim_version


def _after_write(*, instances):
    """Runs once after every successful write, when its transaction commits.

    The one place where side effects of a committed write hook in (photo
    renditions). The search index is not among them: it is written inside the
    write's own transaction (``articles.search.index.connect``), so it can
    neither lag a commit nor survive a rollback.
    ``instances`` are the objects written (deleted ones keep their field values
    but no longer exist). The response cache is told earlier, in
    ``_schedule_after_write``.
    """
    _make_renditions(instances)
    return instances


def _make_renditions(instances):
    """Every photo written, or belonging to an article written, gets its
    resized copies (``photos.photo_make_renditions`` is idempotent), whichever
    face wrote it: admin, API or importer."""
    ids = {i.pk for i in instances if isinstance(i, Photo)}
    articles = {i.pk for i in instances if isinstance(i, Article)}
    photos = Photo.objects.filter(pk__in=ids)
    if articles:
        photos = photos | Photo.objects.filter(article_id__in=articles)
    for photo in photos.distinct():
        photo_make_renditions(photo=photo)


# The writes of the open ``batch()`` block, told to the after-write hook at its end.
_batch = threading.local()


@contextmanager
def batch():
    """Many writes as one: one transaction, one after-write call at its end.

    The writes inside keep every rule (permission, validation, version,
    history) but open no savepoint of their own: one failure rolls back the
    whole batch, which is what an import wants. Nested blocks join the
    outermost.
    """
    if getattr(_batch, "instances", None) is not None:
        yield
        return
    _batch.instances = []
    try:
        with transaction.atomic():
            yield
            instances, _batch.instances = _batch.instances, None
            if instances:
                _schedule_after_write(instances)
    finally:
        _batch.instances = None


def _atomic():
    """Each write's own transaction (a savepoint when nested), but none in a batch."""
    return nullcontext() if _in_batch() else transaction.atomic()


def _in_batch():
    return getattr(_batch, "instances", None) is not None


def _schedule_after_write(instances):
    if _in_batch():
        _batch.instances.extend(instances)
        return
    # The response cache is told at once: ``content_changed`` also renews its
    # generation when the transaction commits, so no page read in between
    # (from the old rows) outlives the write.
    cache.content_changed()
    transaction.on_commit(partial(_after_write, instances=list(instances)))


def _is_versioned(model):
    return any(field.name == "version" for field in model._meta.concrete_fields)


def _split(model, data):
    """``data`` as (concrete fields, many-to-many fields)."""
    many = {field.name for field in model._meta.many_to_many}
    fields = {k: v for k, v in data.items() if k not in many and k != "version"}
    return fields, {k: v for k, v in data.items() if k in many}


def _changed(instance, fields, m2m):
    """The names in ``fields``/``m2m`` whose values differ from ``instance``'s."""
    changed = []
    for name, value in fields.items():
        field = instance._meta.get_field(name)
        if field.is_relation:
            current = getattr(instance, field.attname)
            value = value.pk if hasattr(value, "pk") else value
        else:
            current = getattr(instance, name)
        if current != value:
            changed.append(name)
    for name, value in m2m.items():
        current = set(getattr(instance, name).values_list("pk", flat=True))
        if current != {obj.pk for obj in value}:
            changed.append(name)
    return changed


def _prepare(instance, changed=None):
    """What a model derives on every write (summary, position in the body)."""
    if isinstance(instance, Directive):
        if instance.text and not instance.summary:
            instance.summary = first_clause(instance.text)
        if changed is not None and ({"text", "directive_set"} & set(changed)):
            instance.span_start = None
        if changed is None or "text" in changed or "directive_set" in changed:
            # A new item keeps a span that quotes it (the importer's); anything
            # else is found again in the body.
            instance.locate_in(instance.directive_set.article.body)


def _relocate_items(article):
    """After the body changed, find each item's text again."""
    for item in Directive.objects.filter(directive_set__article=article).order_by(
        "directive_set__number", "ordinal"
    ):
        before = item.span_start, item.span_end
        item.span_start = None
        item.locate_in(article.body)
        if before != (item.span_start, item.span_end):
            item.save(update_fields=["span_start", "span_end"])


def _check_version(current, expected_version, *, instance):
    """Refuse a write based on a version other than the stored ``current``."""
    if (
        _is_versioned(type(current))
        and expected_version is not None
        and current.version != expected_version
    ):
        raise StaleVersionError(
            instance=instance,
            expected_version=expected_version,
            current_version=current.version,
        )


def object_create(*, instance, user=None, m2m=None):
    """Save the new ``instance`` (its fields already set) and its ``m2m``."""
    m2m = m2m or {}
    with _atomic():
        permissions.check_change(user, after=instance)
        if isinstance(instance, Directive) and not instance.ordinal:
            instance.ordinal = instance.directive_set.next_ordinal()
        _prepare(instance)
        if _is_versioned(type(instance)):
            instance.version = 1
        instance.full_clean()
        instance.save()
        for name, value in m2m.items():
            getattr(instance, name).set(value)
        history.record(
            instances=[instance],
            user=user,
            message=history.message_created(instance),
        )
        _schedule_after_write([instance])
    return instance


def object_update(*, instance, data, user=None, expected_version=None):
    """Change ``instance`` as ``data`` says (field name → value).

    Reads the stored row under lock; if someone changed it since
    ``expected_version`` it raises ``StaleVersionError``; if ``data`` changes
    nothing it returns the stored object and writes nothing, not even history.
    """
    model = type(instance)
    fields, m2m = _split(model, data)
    with _atomic():
        current = model._default_manager.select_for_update().filter(pk=instance.pk)
        current = current.first()
        versioned = _is_versioned(model)
        if current is None or (
            versioned
            and expected_version is not None
            and current.version != expected_version
        ):
            raise StaleVersionError(
                instance=instance,
                expected_version=expected_version,
                current_version=current.version if current else None,
            )
        changed = _changed(current, fields, m2m)
        if not changed:
            return current
        if isinstance(current, Article) and {"status", "published_at"} & set(changed):
            raise ValueError(
                "Status and date change through article_publish/unpublish."
            )
        permissions.check_change(user, before=current)
        history.record_initial_version(instance=current)
        for name in changed:
            if name in fields:
                current._meta.get_field(name).save_form_data(current, fields[name])
        permissions.check_change(user, after=current)
        _prepare(current, changed)
        if versioned:
            object_claim_version(instance=current, expected_version=current.version)
        current.full_clean()
        current.save()
        for name in changed:
            if name in m2m:
                getattr(current, name).set(m2m[name])
        if isinstance(current, Article) and "body" in changed:
            _relocate_items(current)
        history.record(
            instances=[current],
            user=user,
            message=history.message_changed(current, changed),
        )
        _schedule_after_write([current])
    return current


def object_delete(*, instance, user=None, expected_version=None):
    """Delete ``instance`` (refused if stale or forbidden), recording it first."""
    model = type(instance)
    with _atomic():
        current = model._default_manager.select_for_update().filter(pk=instance.pk)
        current = current.first()
        if current is None:
            return instance
        _check_version(current, expected_version, instance=instance)
        permissions.check_change(user, before=current)
        history.record(
            instances=[current],
            user=user,
            message=history.message_deleted(current),
        )
        current.delete()
        _schedule_after_write([current])
    return current


def _vocabulary(model):
    """``<entity>_create``/``_update``/``_delete`` for ``model``."""

    def create(*, instance: model, user=None, m2m=None) -> model:
        return object_create(instance=instance, user=user, m2m=m2m)

    def update(*, instance: model, data, user=None, expected_version=None) -> model:
        return object_update(
            instance=instance, data=data, user=user, expected_version=expected_version
        )

    def delete(*, instance: model, user=None, expected_version=None) -> model:
        return object_delete(
            instance=instance, user=user, expected_version=expected_version
        )

    return create, update, delete


article_create, article_update, article_delete = _vocabulary(Article)
directive_set_create, directive_set_update, directive_set_delete = _vocabulary(
    DirectiveSet
)
directive_create, directive_update, directive_delete = _vocabulary(Directive)
person_create, person_update, person_delete = _vocabulary(Person)
position_create, position_update, position_delete = _vocabulary(Position)
organization_create, organization_update, organization_delete = _vocabulary(
    Organization
)
person_alias_create, person_alias_update, person_alias_delete = _vocabulary(PersonAlias)
(
    organization_alias_create,
    organization_alias_update,
    organization_alias_delete,
) = _vocabulary(OrganizationAlias)


def object_restore(*, version, user=None, expected_version=None):
    """Restore the state ``version`` recorded (its whole revision), as a write.

    Atomic; refused if the object changed since ``expected_version`` or if
    ``user`` may change neither the object as it is nor as it was. Every
    versioned row the revert rewrites moves to a new version (numbers only go
    up, so forms opened before are stale), and history records the restore
    ("已恢复至……的版本。").
    """
    model = version._model
    with transaction.atomic():
        current = (
            model._default_manager.select_for_update()
            .filter(pk=version.object_id)
            .first()
        )
        if current is not None:
            _check_version(current, expected_version, instance=current)
        permissions.check_change(user, before=current)
        permissions.check_change(user, after=version._object_version.object)
        if current is not None:
            history.record_initial_version(instance=current)
        numbers = {}
        for row in version.revision.version_set.all():
            row_model = row._model
            if row_model is None or not _is_versioned(row_model):
                continue
            numbers[(row_model, str(row.object_id))] = (
                row_model._default_manager.filter(pk=row.object_id)
                .values_list("version", flat=True)
                .first()
            )
        version.revision.revert(delete=True)
        for (row_model, pk), number in numbers.items():
            if number is not None:
                row_model._default_manager.filter(pk=pk).update(version=number + 1)
        restored = model._default_manager.get(pk=version.object_id)
        history.record(
            instances=[restored],
            user=user,
            message=history.message_restored(version.revision.date_created),
        )
        _schedule_after_write([restored])
    return restored
