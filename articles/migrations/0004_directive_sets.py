"""Directive sets become records; positions and aliases get a version.

The items of each (article, set number) group are gathered into one
``DirectiveSet`` carrying what they repeated (issuer, position, heading, kind,
addressees); each item keeps its ordinal, text and summary, and learns its span
in the article body. ``0005`` then drops the repeated columns.
"""

import django.db.models.deletion
from django.db import migrations, models

VERSION_HELP = (
    "Raised by one on every edit; a save made from an older version is refused."
)


def locate(body, text, start):
    found = body.find(text, start)
    if found < 0:
        found = body.find(text)
    if found < 0 or not text:
        return None, None
    return found, found + len(text)


def gather_sets(apps, schema_editor):
    Directive = apps.get_model("articles", "Directive")
    DirectiveSet = apps.get_model("articles", "DirectiveSet")
    items = Directive.objects.select_related("article").order_by(
        "article_id", "set_number", "ordinal", "pk"
    )
    sets, cursor, addressees = {}, {}, {}
    for item in items:
        key = (item.article_id, item.set_number)
        directive_set = sets.get(key)
        if directive_set is None:
            # What the items repeated is taken from the set's first item.
            directive_set = sets[key] = DirectiveSet.objects.create(
                article_id=item.article_id,
                number=item.set_number,
                issuer_id=item.issuer_id,
                position_id=item.position_id,
                heading=item.set_heading,
                kind=item.kind,
            )
        addressees.setdefault(directive_set.pk, set()).update(
            item.addressees.values_list("pk", flat=True)
        )
        start, end = locate(
            item.article.body, item.text, cursor.get(item.article_id, 0)
        )
        if end is not None:
            cursor[item.article_id] = end
        item.directive_set = directive_set
        item.span_start, item.span_end = start, end
        item.save(update_fields=["directive_set", "span_start", "span_end"])
    # Added once per set: on PostgreSQL the through table's unique index is
    # created only at the end of this migration, so add() cannot skip repeats.
    for directive_set in sets.values():
        directive_set.addressees.set(sorted(addressees[directive_set.pk]))


def spread_sets(apps, schema_editor):
    Directive = apps.get_model("articles", "Directive")
    for item in Directive.objects.select_related("directive_set"):
        directive_set = item.directive_set
        if directive_set is None:
            continue
        item.issuer_id = directive_set.issuer_id
        item.position_id = directive_set.position_id
        item.set_number = directive_set.number
        item.set_heading = directive_set.heading
        item.kind = directive_set.kind
        item.save()
        item.addressees.set(directive_set.addressees.all())


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_editor_groups"),
    ]

    operations = [
        migrations.CreateModel(
            name="DirectiveSet",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "number",
                    models.PositiveSmallIntegerField(
                        default=1,
                        help_text="The set's place among the article's sets.",
                        verbose_name="set number",
                    ),
                ),
                (
                    "heading",
                    models.CharField(
                        blank=True,
                        help_text="As the text gives it, e.g. 四点要求; blank when the set has none.",
                        max_length=100,
                        verbose_name="set heading",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("requirement", "requirement (要求)"),
                            ("emphasis", "emphasis (强调)"),
                            ("statement", "statement (指出)"),
                            ("arrangement", "arrangement (部署)"),
                        ],
                        default="requirement",
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                (
                    "version",
                    models.PositiveIntegerField(
                        default=1, help_text=VERSION_HELP, verbose_name="version"
                    ),
                ),
                (
                    "addressees",
                    models.ManyToManyField(
                        blank=True,
                        related_name="directive_sets_received",
                        to="articles.organization",
                        verbose_name="addressees",
                    ),
                ),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="directive_sets",
                        to="articles.article",
                        verbose_name="article",
                    ),
                ),
                (
                    "issuer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="directive_sets",
                        to="articles.person",
                        verbose_name="issuer",
                    ),
                ),
                (
                    "position",
                    models.ForeignKey(
                        blank=True,
                        help_text="The position the issuer held when issuing it.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="directive_sets",
                        to="articles.position",
                        verbose_name="issued as",
                    ),
                ),
            ],
            options={
                "verbose_name": "directive set",
                "verbose_name_plural": "directive sets",
                "ordering": ["article", "number"],
                "indexes": [
                    models.Index(
                        fields=["issuer", "article"], name="directiveset_issuer_idx"
                    ),
                    models.Index(fields=["heading"], name="directiveset_heading_idx"),
                    models.Index(fields=["kind"], name="directiveset_kind_idx"),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("article", "number"), name="directiveset_number_unique"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("number__gte", 1)),
                        name="directiveset_number_positive",
                    ),
                ],
            },
        ),
        migrations.AddField(
            model_name="directive",
            name="directive_set",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="items",
                to="articles.directiveset",
                verbose_name="directive set",
            ),
        ),
        migrations.AddField(
            model_name="directive",
            name="span_start",
            field=models.PositiveIntegerField(
                blank=True,
                help_text="Where the text begins in the article body (in characters).",
                null=True,
                verbose_name="start in body",
            ),
        ),
        migrations.AddField(
            model_name="directive",
            name="span_end",
            field=models.PositiveIntegerField(
                blank=True,
                help_text="Where the text ends in the article body (in characters).",
                null=True,
                verbose_name="end in body",
            ),
        ),
        migrations.AddField(
            model_name="position",
            name="version",
            field=models.PositiveIntegerField(
                default=1, help_text=VERSION_HELP, verbose_name="version"
            ),
        ),
        migrations.AddField(
            model_name="personalias",
            name="version",
            field=models.PositiveIntegerField(
                default=1, help_text=VERSION_HELP, verbose_name="version"
            ),
        ),
        migrations.AddField(
            model_name="organizationalias",
            name="version",
            field=models.PositiveIntegerField(
                default=1, help_text=VERSION_HELP, verbose_name="version"
            ),
        ),
        migrations.RunPython(gather_sets, spread_sets),
    ]
