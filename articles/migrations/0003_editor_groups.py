"""Create the newsroom's two editorial groups and give them their permissions.

编辑 (editors) write and revise drafts and the structure around them; 主编 (chief
editors) may also publish, unpublish and delete. Permissions normally appear only
after ``migrate`` finishes (post_migrate), so they are created here first.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "编辑"
CHIEF_EDITORS = "主编"

# Models an editor may add and change but not delete (deleting them loses
# published work or breaks links), and the rows inside them that editors may
# delete while revising an article, a person or an organization.
EDITOR_KEEPS = ["article", "organization", "person", "section", "tag"]
EDITOR_DELETES = [
    "credit",
    "directive",
    "organizationalias",
    "organizationmention",
    "personalias",
    "personmention",
    "photo",
    "position",
]


def ensure_permissions(apps):
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    try:
        create_permissions(app_config, apps=apps, verbosity=0)
    finally:
        app_config.models_module = None


def codenames(actions, models):
    return [f"{action}_{model}" for model in models for action in actions]


def create_groups(apps, schema_editor):
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    articles = Permission.objects.filter(content_type__app_label="articles")

    editor_codenames = codenames(
        ["add", "change", "view"], EDITOR_KEEPS + EDITOR_DELETES
    ) + codenames(["delete"], EDITOR_DELETES)
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.set(articles.filter(codename__in=editor_codenames))

    chiefs, _ = Group.objects.get_or_create(name=CHIEF_EDITORS)
    chiefs.permissions.set(articles)  # every model permission, and publish_article


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=[EDITORS, CHIEF_EDITORS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_version_and_publish_permission"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
