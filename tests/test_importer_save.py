"""Saving imports: one transaction per page, re-imports update, conflicts refuse.

Resolution is tested on extractions built by hand, so these tests do not depend
on how the entities and directives stages read a page.
"""

import io
import json
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase
from django.utils.timezone import localtime
from reversion.models import Revision, Version

from articles import services
from articles.importer.errors import ImportRefused
from articles.importer.extract import extract_page
from articles.importer.types import (
    DirectiveFact,
    OrganizationFact,
    PersonFact,
    TitleFact,
)
from articles.models import (
    Article,
    Directive,
    DirectiveSet,
    ImportRecord,
    Organization,
    Person,
    Photo,
    Position,
    SearchEntry,
)
from articles.search import index as search_index
from articles.services import ImportConflict, article_import
from tests.test_fixtures import BJAST_SEED, bjast_seed_body
from tests.test_importer_resolve import BODY, make_extraction, organization


def zhang_extraction():
    body = "\n\n".join(BODY)
    first = body.index("深入学习会议精神")
    second = body.index("抓好各项任务落实")
    return make_extraction(
        persons=[
            PersonFact(
                name="张三",
                titles=[
                    TitleFact(title="党组书记", organization="某某市科学技术局"),
                    TitleFact(title="局长", organization="某某市科学技术局"),
                ],
            )
        ],
        organizations=[OrganizationFact(name="某某市科学技术局", aliases=["市科技局"])],
    ), [
        DirectiveFact(
            issuer="张三",
            text="深入学习会议精神",
            span=(first, first + 8),
            group="两点要求",
            ordinal=1,
        ),
        DirectiveFact(
            issuer="张三",
            text="抓好各项任务落实",
            span=(second, second + 8),
            group="两点要求",
            ordinal=2,
        ),
    ]


class SaveTests(TestCase):
    def test_an_import_creates_a_draft_with_its_structure(self):
        extraction, directives = zhang_extraction()
        extraction.directives = directives
        result = article_import(extraction=extraction)
        article = result.article
        self.assertTrue(result.created)
        self.assertEqual(article.status, Article.Status.DRAFT)
        self.assertEqual(article.paragraphs, BODY)
        self.assertEqual(
            localtime(article.published_at).isoformat(), "2024-03-06T10:30:00+08:00"
        )
        self.assertEqual(result.new_people, ["张三"])
        self.assertEqual(result.new_organizations, ["某某市科学技术局"])
        bureau = Organization.objects.get(name="某某市科学技术局")
        self.assertEqual(
            list(bureau.aliases.values_list("name", flat=True)), ["市科技局"]
        )
        self.assertEqual(
            list(Position.objects.values_list("title", "reported_in")),
            [("党组书记", article.pk), ("局长", article.pk)],
        )
        directive_set = DirectiveSet.objects.get(article=article)
        self.assertEqual(
            (directive_set.issuer.name, directive_set.heading, directive_set.number),
            ("张三", "两点要求", 1),
        )
        self.assertEqual(directive_set.position.title, "党组书记")
        items = list(directive_set.items.all())
        self.assertEqual([i.ordinal for i in items], [1, 2])
        for item in items:
            self.assertEqual(article.body[item.span_start : item.span_end], item.text)
        self.assertTrue(article.person_mentions.filter(person__name="张三").exists())

    def test_importing_the_same_source_again_updates_its_draft(self):
        extraction, directives = zhang_extraction()
        extraction.directives = directives
        first = article_import(extraction=extraction).article
        again, _ = zhang_extraction()
        again.directives = directives[:1]
        result = article_import(extraction=again)
        self.assertFalse(result.created)
        self.assertEqual(result.article.pk, first.pk)
        self.assertEqual(Article.objects.count(), 1)
        self.assertEqual(Person.objects.count(), 1)
        self.assertEqual(Organization.objects.count(), 1)
        self.assertEqual(Position.objects.count(), 2)
        self.assertEqual(Directive.objects.count(), 1)
        self.assertEqual(ImportRecord.objects.count(), 1)

    def test_a_source_edited_since_its_import_is_a_conflict(self):
        extraction, _ = zhang_extraction()
        article = article_import(extraction=extraction).article
        Article.objects.filter(pk=article.pk).update(
            version=article.version + 1, title="改"
        )
        with self.assertRaises(ImportConflict) as raised:
            article_import(extraction=zhang_extraction()[0])
        self.assertIn("编辑", str(raised.exception))
        self.assertEqual(Article.objects.get(pk=article.pk).title, "改")

    def test_a_published_article_is_not_overwritten(self):
        extraction, _ = zhang_extraction()
        article_import(extraction=extraction, publish=True)
        article = Article.objects.get()
        self.assertEqual(article.status, Article.Status.PUBLISHED)
        self.assertEqual(
            localtime(article.published_at).isoformat(), "2024-03-06T10:30:00+08:00"
        )
        with self.assertRaises(ImportConflict):
            article_import(extraction=zhang_extraction()[0])

    def test_a_failed_import_leaves_the_database_as_it_was(self):
        extraction, directives = zhang_extraction()
        broken = DirectiveFact(issuer="张三", text="", span=(0, 0), group="两点要求")
        extraction.directives = [*directives, broken]  # an empty item is invalid
        with pytest.raises(Exception):  # noqa: B017 - any failure must roll back
            article_import(extraction=extraction)
        for model in (Article, Person, Organization, Position, DirectiveSet, Photo):
            self.assertEqual(model.objects.count(), 0, model.__name__)

    def test_an_import_is_one_revision_that_holds_every_row_it_wrote(self):
        extraction, directives = zhang_extraction()
        extraction.directives = directives
        article = article_import(extraction=extraction).article
        person = Person.objects.get(name="张三")
        position = Position.objects.get(title="局长")
        revisions = {
            Version.objects.get_for_object(obj).get().revision_id
            for obj in (article, person, position, DirectiveSet.objects.get())
        }
        self.assertEqual(len(revisions), 1)
        revision = Revision.objects.get(pk=revisions.pop())
        self.assertEqual(revision.comment, "导入为新草稿。")
        self.assertEqual(Revision.objects.count(), 1)

    def test_an_import_runs_the_workflow_rule_of_the_write_path(self):
        editor = User.objects.create_user("editor")
        extraction, _ = zhang_extraction()
        with self.assertRaises(PermissionDenied):
            article_import(extraction=extraction, user=editor, publish=True)
        self.assertEqual(Article.objects.count(), 0)
        self.assertEqual(Person.objects.count(), 0)
        article = article_import(extraction=extraction, user=editor).article
        self.assertEqual(Revision.objects.get().user, editor)
        # A position the import reported in an article since published is a
        # chief editor's to change: the rule the write path applies to all.
        services.article_publish(article=article)
        position = Position.objects.get(title="局长")
        with self.assertRaises(PermissionDenied):
            services.position_update(
                instance=position, data={"title": "副局长"}, user=editor
            )

    def test_an_import_writes_its_search_entry_once_with_every_item(self):
        extraction, directives = zhang_extraction()
        extraction.directives = directives
        with mock.patch.object(
            search_index, "index_article", wraps=search_index.index_article
        ) as index_article:
            article = article_import(extraction=extraction).article
        self.assertEqual(index_article.call_count, 1)
        entry = SearchEntry.objects.get(article=article)
        self.assertIn("抓好各项任务落实", entry.text)

    def test_two_written_forms_of_one_organization_make_one_mention(self):
        bureau = organization("某某市科学技术局", "市科技局")
        extraction = make_extraction(
            organizations=[
                OrganizationFact(name="某某市科学技术局"),
                OrganizationFact(name="市科技局"),
            ]
        )
        article = article_import(extraction=extraction).article
        self.assertEqual(
            list(article.organization_mentions.values_list("organization", "order")),
            [(bureau.pk, 0)],
        )

    def test_a_new_items_span_is_the_one_the_importer_found(self):
        """An item quoted twice in the body keeps the place it was found at."""
        extraction, directives = zhang_extraction()
        body = extraction.page.body
        second = body.index("抓好各项任务落实")
        extraction.page.paragraphs = [*extraction.page.paragraphs, "深入学习会议精神。"]
        late = len(body) + 2
        directives[0].span = (late, late + 8)
        directives[1].span = (second, second + 8)
        extraction.directives = directives
        article = article_import(extraction=extraction).article
        item = Directive.objects.get(ordinal=1)
        self.assertEqual(item.span_start, late)
        self.assertEqual(article.body[item.span_start : item.span_end], item.text)

    def test_seed_page_metadata_is_saved(self):
        extraction = extract_page(BJAST_SEED.read_bytes())
        article = article_import(extraction=extraction).article
        self.assertEqual(article.paragraphs, bjast_seed_body())
        self.assertEqual(str(article.section), "新闻 › 院内新闻")
        self.assertEqual(
            list(article.photos.values_list("caption", flat=True)),
            ["工作会议现场", "工作会议线上分会场"],
        )
        self.assertEqual(
            list(article.credits.values_list("role", "name")),
            [("writer", "办公室"), ("photographer", "科学传播中心")],
        )
        self.assertEqual(
            localtime(article.published_at).isoformat(), "2025-01-27T16:57:00+08:00"
        )


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_article", *args, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


@pytest.mark.django_db
def test_the_command_saves_each_page_and_goes_on_after_a_bad_one(tmp_path):
    (tmp_path / "a.txt").write_text("\n".join(BODY), encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"\x00\x01binary")
    out, err, error = run(str(tmp_path))
    assert Article.objects.count() == 1
    assert "新建草稿" in out
    assert "二进制" in err
    assert error is not None and error.returncode == 1


@pytest.mark.django_db
def test_the_command_json_reports_the_saved_article():
    out, _err, error = run("--json", "--publish", str(BJAST_SEED))
    assert error is None
    result = json.loads(out)
    article = Article.objects.get(pk=result["import"]["article_id"])
    assert article.status == Article.Status.PUBLISHED
    out, _err, error = run("--json", str(BJAST_SEED))
    assert json.loads(out)["error"]["code"] == "conflict"
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_dry_run_writes_nothing():
    run("--dry-run", "--json", str(BJAST_SEED))
    assert Article.objects.count() == 0


def test_conflict_is_an_import_refusal():
    assert issubclass(ImportConflict, ImportRefused)
