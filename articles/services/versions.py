"""Optimistic locking: version numbers, stale-save refusals and who made them."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reversion.models import Version


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
