"""The editors' admin site: the index grouped by what editors work on.

Django lists models by app, alphabetically; our editors think in four groups
(内容 / 人物与机构 / 分类 / 用户与权限), with 文章 first. Every model admin also
gets save buttons at the top of its form, since article forms are long.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

# (group name, [(app label, model name), ...]) in display order.
INDEX_GROUPS = [
    (
        "content",
        _("Content"),
        [
            ("articles", "article"),
            ("articles", "directiveset"),
            ("articles", "directive"),
            ("articles", "photo"),
            ("articles", "credit"),
            ("articles", "personmention"),
            ("articles", "organizationmention"),
        ],
    ),
    (
        "people",
        _("People and organizations"),
        [
            ("articles", "person"),
            ("articles", "position"),
            ("articles", "personalias"),
            ("articles", "organization"),
            ("articles", "organizationalias"),
        ],
    ),
    (
        "taxonomy",
        _("Classification"),
        [("articles", "section"), ("articles", "tag")],
    ),
    (
        "auth",
        _("Users and permissions"),
        [("auth", "user"), ("auth", "group"), ("authtoken", "tokenproxy")],
    ),
]


class NewsroomAdminSite(admin.AdminSite):
    site_header = _("Newsroom administration")
    site_title = _("Newsroom administration")
    index_title = _("Newsroom workbench")
    # The grouped index and the breadcrumbs lead everywhere; without the side
    # navigation a changelist at 1280 px keeps every column in view.
    enable_nav_sidebar = False

    def register(self, model_or_iterable, admin_class=None, **options):
        options.setdefault("save_on_top", True)
        super().register(model_or_iterable, admin_class, **options)

    def get_app_list(self, request, app_label=None):
        """The index's groups; an app's own page keeps Django's list."""
        app_list = super().get_app_list(request, app_label)
        if app_label is not None:
            return app_list
        models = {
            (app["app_label"], model["object_name"].lower()): (app, model)
            for app in app_list
            for model in app["models"]
        }
        grouped = [
            (key, name, [models.pop(m) for m in members if m in models])
            for key, name, members in INDEX_GROUPS
        ]
        # A model of ours not listed yet lands with the content.
        grouped[0][2].extend(
            models.pop(member) for member in sorted(models) if member[0] == "articles"
        )
        groups = [
            self._group(key, name, entries) for key, name, entries in grouped if entries
        ]
        if models:  # third-party apps (login lockouts, …) are about users
            entries = list(models.values())
            if groups and groups[-1]["app_label"] == "auth":
                groups[-1]["models"].extend(model for _app, model in entries)
            else:
                groups.append(self._group("auth", _("Users and permissions"), entries))
        return groups

    def _group(self, key, name, entries):
        first_app = entries[0][0]
        return {
            "name": name,
            "app_label": key,
            "app_url": first_app["app_url"],
            "has_module_perms": True,
            "models": [model for _app, model in entries],
        }
