"""Directive sets are records: heading counts, spans, the data migration."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from articles.models import Directive, DirectiveSet, chinese_number, stated_count

from . import factories


@pytest.mark.parametrize(
    ("heading", "count"),
    [
        ("四点要求", 4),
        ("十四个方面的工作", 14),
        ("三项任务", 3),
        ("两点意见", 2),
        ("二十条措施", 20),
        ("12条举措", 12),
        ("１０个方面", 10),
        ("", None),
        ("重要讲话", None),
    ],
)
def test_a_heading_states_a_count(heading, count):
    assert stated_count(heading) == count


def test_chinese_numbers():
    assert [chinese_number(n) for n in ("一", "十", "十四", "二十三", "一百零五")] == [
        1,
        10,
        14,
        23,
        105,
    ]


@pytest.mark.django_db
def test_a_heading_that_disagrees_with_the_items_is_reported_not_refused():
    directive_set = factories.DirectiveSetFactory(heading="四点要求")
    factories.DirectiveFactory.create_batch(3, directive_set=directive_set)
    assert directive_set.count_mismatch(directive_set.items.count()) == (4, 3)
    factories.DirectiveFactory(directive_set=directive_set)
    assert directive_set.count_mismatch(directive_set.items.count()) is None
    assert (
        directive_set.next_ordinal()
        == max(directive_set.items.values_list("ordinal", flat=True)) + 1
    )


@pytest.mark.django_db
def test_the_seed_has_25_items_in_4_sets_each_located_in_its_body():
    call_command("loaddata", "newsroom", verbosity=0)
    assert DirectiveSet.objects.count() == 4
    assert Directive.objects.count() == 25
    labels = [str(s) for s in DirectiveSet.objects.order_by("article_id", "number")]
    assert labels[:2] == ["刘晖 · 四点要求", "伍建民 · 十四个方面的工作"]
    for directive_set in DirectiveSet.objects.prefetch_related("items"):
        assert directive_set.count_mismatch(len(directive_set.items.all())) is None
    for item in Directive.objects.select_related("directive_set__article"):
        body = item.directive_set.article.body
        assert body[item.span_start : item.span_end] == item.text
    # Items repeated in the text are located at their own place, in order.
    for directive_set in DirectiveSet.objects.all():
        starts = list(directive_set.items.values_list("span_start", flat=True))
        assert starts == sorted(starts)


@pytest.mark.django_db(transaction=True)
def test_the_migration_gathers_items_into_sets():
    executor = MigrationExecutor(connection)
    executor.migrate([("articles", "0003_editor_groups")])
    old = executor.loader.project_state([("articles", "0003_editor_groups")]).apps
    Article = old.get_model("articles", "Article")
    Person = old.get_model("articles", "Person")
    Organization = old.get_model("articles", "Organization")
    OldDirective = old.get_model("articles", "Directive")
    article = Article.objects.create(
        title="t", slug="t", body="一是要甲。\n\n二是要乙。\n\n要丙。", status="draft"
    )
    liu = Person.objects.create(name="刘晖", slug="liu")
    wu = Person.objects.create(name="伍建民", slug="wu")
    bjast = Organization.objects.create(name="北科院全称", slug="bjast", kind="academy")
    for number, ordinal, issuer, text, heading in [
        (1, 1, liu, "要甲。", "两点要求"),
        (1, 2, liu, "要乙。", "两点要求"),
        (2, 1, wu, "要丙。", ""),
    ]:
        item = OldDirective.objects.create(
            article=article,
            issuer=issuer,
            set_number=number,
            set_heading=heading,
            ordinal=ordinal,
            kind="requirement",
            text=text,
        )
        if number == 1:
            item.addressees.add(bjast)

    executor = MigrationExecutor(connection)
    executor.migrate([("articles", "0005_directive_items")])
    new = executor.loader.project_state([("articles", "0005_directive_items")]).apps
    NewSet = new.get_model("articles", "DirectiveSet")
    sets = list(NewSet.objects.order_by("number"))
    assert [(s.number, s.heading, s.issuer_id) for s in sets] == [
        (1, "两点要求", liu.pk),
        (2, "", wu.pk),
    ]
    assert [o.slug for o in sets[0].addressees.all()] == ["bjast"]
    items = list(sets[0].items.order_by("ordinal"))
    assert [(i.text, i.span_start, i.span_end) for i in items] == [
        ("要甲。", 2, 5),
        ("要乙。", 9, 12),
    ]
    assert sets[1].items.get().span_start == 14
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
