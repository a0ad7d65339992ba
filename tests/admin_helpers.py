"""Helpers for driving Django admin forms from the test client."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group


def staff_user(username, *, group=None, superuser=False):
    """An active staff user, optionally in one of the editorial groups."""
    user = get_user_model().objects.create_user(
        username=username,
        password="irrelevant-password",
        is_staff=True,
        is_superuser=superuser,
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def _add_form(data, form):
    for name, field in form.fields.items():
        bound = form[name]
        value = bound.value()
        widget = field.widget
        if value is None or isinstance(field, forms.FileField):
            continue
        if isinstance(widget, forms.MultiWidget):
            context = widget.get_context(bound.html_name, value, {})
            for sub in context["widget"]["subwidgets"]:
                if sub["value"] is not None:
                    data[sub["name"]] = sub["value"]
        elif isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
        else:
            data[bound.html_name] = str(value)


def change_form_data(response):
    """What the admin form in ``response`` would post if saved unchanged.

    Includes the hidden version fields and every inline formset, so a test can
    change a value or two and post the rest as an editor's browser would.
    """
    data = {}
    _add_form(data, response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        _add_form(data, formset.management_form)
        for form in formset.forms:
            _add_form(data, form)
    return data


def inline_prefix(response, model):
    """The form prefix of the inline formset editing ``model``."""
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.model is model:
            return inline.formset.prefix
    raise LookupError(model)


def add_inline_row(data, prefix, **values):
    """Append a new row to the inline formset ``prefix`` in ``data``."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    for name, value in values.items():
        data[f"{prefix}-{index}-{name}"] = value
    return index
