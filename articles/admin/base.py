"""What every admin class shares: history, locks, verbatim text, the write path.

* **One write path**: saves, inline rows and deletions go through
  ``articles.services`` (atomic, version-checked, permission-checked, recorded
  with the editor and a Chinese message). A save that changes nothing writes
  nothing and records no history.
* **Verbatim text**: a textarea's CRLF line breaks become ``\\n``
  (``articles.text.normalize_newlines``) and nothing else changes.
* **No lost updates**: the form posts back the ``version`` it showed; a stale
  one is refused with the name of whoever changed the object, input kept.
* **Who may change what**: ``articles.permissions``.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from reversion.admin import VersionAdmin
from reversion.models import Version

from .. import permissions, search, services
from ..models import Article, first_clause
from ..text import normalize_newlines


def article_page_url(article):
    """The article's public page once public; before that, its staff preview
    (a view of the public site, reached by URL name)."""
    if article.is_public:
        return article.get_absolute_url()
    return reverse("articles:article-preview", args=[article.pk])


def directive_page_url(directive):
    return f"{article_page_url(directive.article)}#directive-{directive.pk}"


# Verbatim text ----------------------------------------------------------------


class SearchMixin:
    """The admin's search box (and autocomplete) asks ``articles.search`` too.

    Django's own ``search_fields`` match stays (slugs, related names); the search
    module adds what it understands (folding, aliases, names run together).
    """

    def get_search_results(self, request, queryset, search_term):
        found, duplicates = super().get_search_results(request, queryset, search_term)
        if not search_term.strip():
            return found, duplicates
        matched = search.search_any(queryset, search_term)
        combined = queryset.filter(
            models.Q(pk__in=found.order_by().values("pk"))
            | models.Q(pk__in=matched.order_by().values("pk"))
        )
        return combined, False


class VerbatimCharField(forms.CharField):
    """Text as typed: line endings become ``\\n``; nothing else changes."""

    def to_python(self, value):
        return normalize_newlines(super().to_python(value))


class VerbatimTextField(VerbatimCharField):
    def __init__(self, **kwargs):
        kwargs["strip"] = False  # leading and trailing text is the editor's
        super().__init__(**kwargs)


VERBATIM_OVERRIDES = {
    models.CharField: {"form_class": VerbatimCharField},
    models.TextField: {"form_class": VerbatimTextField},
}


# Optimistic locking -------------------------------------------------------------


class VersionedModelForm(forms.ModelForm):
    """Refuses to save over a version other than the one the editor opened."""

    #: Inline rows are checked only when what is posted differs from what is
    #: stored (the version aside) or the row is deleted: a row a colleague saved
    #: without changing it does not block the save, while one they did change
    #: is refused, since posting the old values would undo their edit.
    check_unchanged = True

    def clean(self):
        cleaned_data = super().clean()
        instance = self.instance
        if instance.pk is None or "version" not in self.fields:
            return cleaned_data
        if not self.check_unchanged and not (set(self.changed_data) - {"version"}):
            return cleaned_data
        expected = cleaned_data.get("version")
        if expected is None:
            raise ValidationError(
                _("The form lacks its version number; reload the page and retry."),
                code="stale",
            )
        # Inside the admin's transaction this locks the row until the save commits
        # (PostgreSQL), so a concurrent save waits and then sees the new version.
        current = services.current_version(
            instance=instance, lock=transaction.get_connection().in_atomic_block
        )
        if current != expected:
            raise ValidationError(
                services.stale_version_message(
                    instance=instance,
                    expected_version=expected,
                    current_version=current,
                ),
                code="stale",
            )
        return cleaned_data


class VersionedInlineForm(VersionedModelForm):
    check_unchanged = False


class VersionFieldMixin:
    """Renders ``version`` as a hidden field (for ModelAdmins and inlines)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "version":
            return forms.IntegerField(
                widget=forms.HiddenInput, required=False, min_value=1
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class VerbatimMixin:
    def formfield_for_dbfield(self, db_field, request, **kwargs):
        for model_field, options in VERBATIM_OVERRIDES.items():
            if type(db_field) is model_field and not db_field.choices:
                kwargs = {**options, **kwargs}
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class WorkflowFormSetMixin:
    """Rows the workflow forbids the editor to delete are refused as a form
    error (in Chinese, input kept), not a bare 403 from the write path."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        user = request.user

        class WorkflowFormSet(formset):
            def clean(self):
                super().clean()
                for row in self.deleted_forms:
                    if row.instance.pk is None:
                        continue
                    try:
                        permissions.check_change(user, before=row.instance)
                    except PermissionDenied as refused:
                        raise ValidationError(str(refused), code="forbidden") from None

        return WorkflowFormSet


class VersionedInlineMixin(WorkflowFormSetMixin, VersionFieldMixin, VerbatimMixin):
    form = VersionedInlineForm


class VerbatimInlineMixin(VerbatimMixin):
    pass


# The write path -------------------------------------------------------------------


def form_changes(form):
    """``(fields, m2m)``: what ``form`` changes, as field name → cleaned value."""
    model = form._meta.model
    names = {f.name for f in model._meta.get_fields() if not f.auto_created}
    many = {f.name for f in model._meta.many_to_many}
    changed = [
        n
        for n in form.changed_data
        if n in names and n != "version" and n in form.cleaned_data
    ]
    fields = {n: form.cleaned_data[n] for n in changed if n not in many}
    m2m = {n: form.cleaned_data[n] for n in changed if n in many}
    return fields, m2m


def _adopt(target, saved):
    """Give the form's object the saved object's state (pk, version, …)."""
    for field in saved._meta.concrete_fields:
        setattr(target, field.attname, getattr(saved, field.attname))
    target._state.adding = False


class WritePathMixin:
    """Admin saves, inline rows and deletions through ``articles.services``."""

    def save_model(self, request, obj, form, change):
        fields, m2m = form_changes(form)
        if change:
            saved = services.object_update(
                instance=obj,
                data={**fields, **m2m},
                user=request.user,
                expected_version=form.cleaned_data.get("version"),
            )
            _adopt(obj, saved)
        else:
            services.object_create(instance=obj, user=request.user, m2m=m2m)

    def save_related(self, request, form, formsets, change):
        # The form's many-to-many values went with save_model.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        user = request.user
        formset.new_objects, formset.changed_objects = [], []
        formset.deleted_objects = []
        for row in formset.deleted_forms:
            if row.instance.pk is not None:
                services.object_delete(
                    instance=row.instance,
                    user=user,
                    expected_version=row.cleaned_data.get("version"),
                )
                formset.deleted_objects.append(row.instance)
        for row in formset.forms:
            if row in formset.deleted_forms or not row.has_changed():
                continue
            fields, m2m = form_changes(row)
            if row.instance.pk is None:
                setattr(row.instance, formset.fk.name, formset.instance)
                m2m = {
                    f.name: row.cleaned_data[f.name]
                    for f in row._meta.model._meta.many_to_many
                    if row.cleaned_data.get(f.name)
                }
                services.object_create(instance=row.instance, user=user, m2m=m2m)
                formset.new_objects.append(row.instance)
            elif fields or m2m:
                saved = services.object_update(
                    instance=row.instance,
                    data={**fields, **m2m},
                    user=user,
                    expected_version=row.cleaned_data.get("version"),
                )
                _adopt(row.instance, saved)
                formset.changed_objects.append((row.instance, [*fields, *m2m]))

    def delete_model(self, request, obj):
        services.object_delete(instance=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                services.object_delete(instance=obj, user=request.user)


class NewsroomAdmin(WritePathMixin, VerbatimMixin, VersionAdmin):
    """Base for every admin class: history and rollback, the write path."""

    history_latest_first = True

    def _refuse(self, request, view, *args, **kwargs):
        """A race lost at the write, or a forbidden change, ends as a message.

        The exception has already rolled back the whole save (object, inlines
        and revision); the editor is sent back to the current version.
        """
        try:
            return view(request, *args, **kwargs)
        except services.StaleVersionError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(request.path)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self._refuse(
            request, super().change_view, object_id, form_url, extra_context
        )

    def log_addition(self, request, obj, message):
        # The revision keeps the Chinese message the write path gave it.
        return admin.ModelAdmin.log_addition(self, request, obj, message)

    def log_change(self, request, obj, message):
        if not message:
            return None  # nothing changed: nothing to log
        return admin.ModelAdmin.log_change(self, request, obj, message)

    def _reversion_revisionform_view(
        self, request, version, template_name, extra_context=None
    ):
        """Revert and recover: a POST restores through ``services.object_restore``.

        A GET shows the old state in the change form (django-reversion reverts
        inside a transaction it rolls back). A POST restores through the write
        path (permission-checked, versions raised, a Chinese history message),
        then lets the change form save whatever the editor changed on top; a
        form error rolls the whole restore back.
        """
        if request.method != "POST":
            return super()._reversion_revisionform_view(
                request, version, template_name, extra_context
            )

        class Refused(Exception):
            def __init__(self, response):
                self.response = response

        try:
            with transaction.atomic(using=version.db):
                services.object_restore(version=version, user=request.user)
                request._newsroom_restored = True
                response = self.changeform_view(
                    request, quote(version.object_id), request.path, extra_context
                )
                if response.status_code != 302:
                    response.template_name = template_name
                    response.render()
                    raise Refused(response)
        except Refused as refused:
            return refused.response
        except services.StaleVersionError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(request.path)
        return response


class VersionedAdmin(VersionFieldMixin, NewsroomAdmin):
    """A ModelAdmin for a model with a ``version`` field."""

    form = VersionedModelForm

    def revision_view(self, request, object_id, version_id, extra_context=None):
        # Reverting writes the old rows back, old version numbers included. Note
        # the current numbers first so get_object() can raise them: the form
        # then checks the reverting editor's version against the new one.
        version = get_object_or_404(Version, pk=version_id)
        request._newsroom_versions = {}
        # A POST restores through the write path, which raises the versions.
        rows = [] if request.method == "POST" else version.revision.version_set.all()
        for row in rows:
            model = row._model
            if model is None or not any(
                f.name == "version" for f in model._meta.concrete_fields
            ):
                continue
            current = (
                model._default_manager.filter(pk=row.object_id)
                .values_list("version", flat=True)
                .first()
            )
            if current is not None:
                request._newsroom_versions[(model, str(row.object_id))] = current
        return self._refuse(
            request,
            super().revision_view,
            object_id,
            version_id,
            extra_context,
        )

    def get_object(self, request, object_id, from_field=None):
        # Every row the revert rewrote moves to a new version (the page's own
        # object included, even when the form then finds nothing to change),
        # so forms opened before the revert are stale.
        for (model, pk), current in getattr(request, "_newsroom_versions", {}).items():
            model._default_manager.filter(pk=pk).update(version=current + 1)
        return super().get_object(request, object_id, from_field)


# Who may change what ---------------------------------------------------------------


class ArticlePartPermissions:
    """Rows that belong to an article follow the article's editing rights."""

    def _editable(self, request, obj):
        return permissions.can_change(request.user, obj)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and self._editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and self._editable(request, obj)


class ArticleInlinePermissions(ArticlePartPermissions):
    """For inlines, whose permission checks receive the parent object."""

    def has_add_permission(self, request, obj=None):
        allowed = super().has_add_permission(request, obj)
        return allowed and self._editable(request, obj)


class ArticleChoiceLimits:
    """Editors may attach rows only to articles they may edit (drafts)."""

    article_fields = ("article", "reported_in")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name in self.article_fields and not permissions.can_publish(
            request.user
        ):
            field.queryset = field.queryset.filter(status=Article.Status.DRAFT)
            field.error_messages["invalid_choice"] = _(
                "Only a chief editor may change an article that is no longer a draft."
            )
        return field


class DirectiveFormMixin:
    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("text") and not cleaned_data.get("summary"):
            cleaned_data["summary"] = first_clause(cleaned_data["text"])
        return cleaned_data
