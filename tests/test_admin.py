"""The editors' workbench in Django admin, driven through the test client."""

import datetime
from unittest import mock

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles import services
from articles.models import (
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

from . import factories
from .admin_helpers import (
    add_inline_row,
    change_form_data,
    inline_prefix,
    staff_user,
)

BJAST = "bjast-2025-work-conference"
ALL_MODELS = [
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
]


def items_of(article):
    return Directive.objects.filter(directive_set__article=article)


def admin_url(model, view, *args):
    return reverse(
        f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args
    )


def change_url(obj):
    return admin_url(type(obj), "change", obj.pk)


def errors_of(response):
    """Every error message on a rendered admin change form, as one string."""
    messages = [str(e) for e in response.context["adminform"].form.non_field_errors()]
    for inline in response.context["inline_admin_formsets"]:
        for errors in inline.formset.errors:
            messages += [str(m) for ms in errors.values() for m in ms]
        messages += [str(m) for m in inline.formset.non_form_errors()]
    return " ".join(messages)


class SeedDataTestCase(TestCase):
    fixtures = ["newsroom"]

    @classmethod
    def setUpTestData(cls):
        cls.superuser = staff_user("admin", superuser=True)
        cls.editor = staff_user("xiaowang", group="编辑")
        cls.chief = staff_user("laoli", group="主编")
        cls.chief.first_name = "李力"
        cls.chief.save()
        cls.other_chief = staff_user("laozhao", group="主编")
        cls.article = Article.objects.get(slug=BJAST)


class TestEveryModelRenders(SeedDataTestCase):
    def test_every_model_of_the_app_is_registered(self):
        registered = {
            m for m in admin.site._registry if m._meta.app_label == "articles"
        }
        assert registered == set(ALL_MODELS)

    def test_changelists_and_forms_render_for_the_seed_data(self):
        """Every changelist, add form and change form renders within a bound."""
        self.client.force_login(self.superuser)
        for model in ALL_MODELS:
            with self.subTest(model=model.__name__):
                with CaptureQueriesContext(connection) as queries:
                    response = self.client.get(admin_url(model, "changelist"))
                assert response.status_code == 200
                assert len(queries) <= 15, [q["sql"] for q in queries]
                assert self.client.get(admin_url(model, "add")).status_code == 200
                obj = model.objects.first() or self.any_instance(model)
                with CaptureQueriesContext(connection) as queries:
                    response = self.client.get(change_url(obj))
                assert response.status_code == 200
                assert len(queries) <= 120, len(queries)

    def any_instance(self, model):
        if model is PersonAlias:
            return PersonAlias.objects.create(
                person=Person.objects.get(slug="liu-hui"), name="刘书记"
            )
        if model is Tag:
            return Tag.objects.create(name="科技创新", slug="innovation")
        raise AssertionError(f"no seed row for {model.__name__}")

    def test_the_article_form_holds_the_whole_article(self):
        self.client.force_login(self.superuser)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(change_url(self.article))
        # Each autocomplete widget looks up its selected value: the 21 mentions
        # and their widgets make up most of the count.
        assert len(queries) <= 150, len(queries)
        prefixes = {
            inline.formset.model: inline.formset
            for inline in response.context["inline_admin_formsets"]
        }
        assert set(prefixes) == {
            DirectiveSet,
            PersonMention,
            OrganizationMention,
            Photo,
            Credit,
        }
        # The sets are listed compactly, in order, each linking to its page.
        sets = [form.instance for form in prefixes[DirectiveSet].forms]
        assert [s.number for s in sets] == [1, 2]
        page = response.content.decode()
        assert "四点要求" in page and "刘晖" in page
        for directive_set in sets:
            assert change_url(directive_set) in page
        # Each set is a block: issuer · heading · kind · count, items beneath.
        first = sets[0]
        assert f"{first.issuer} · {first.heading} · " in page
        assert f"{first.items.count()}条" in page
        assert page.count('class="directive-set-items"') == len(sets)
        for item in first.items.all():
            assert f'<li value="{item.ordinal}">' in page

    def test_the_person_page_lists_positions(self):
        self.client.force_login(self.superuser)
        person = Person.objects.get(slug="liu-hui")
        response = self.client.get(change_url(person))
        page = response.content.decode()
        assert "党组书记" in page
        models = {i.formset.model for i in response.context["inline_admin_formsets"]}
        assert models == {PersonAlias, Position}

    def test_the_organization_page_shows_aliases_and_children(self):
        self.client.force_login(self.superuser)
        bjast = Organization.objects.get(slug="bjast")
        response = self.client.get(change_url(bjast))
        page = response.content.decode()
        assert 'value="北科院"' in page
        for child in bjast.children.all():
            assert child.name in page
            assert change_url(child) in page


class TestChineseInterface(SeedDataTestCase):
    def test_the_site_is_titled_for_the_newsroom(self):
        self.client.force_login(self.superuser)
        page = self.client.get(reverse("admin:index")).content.decode()
        assert "新闻编辑部管理后台" in page
        assert "文章" in page

    def test_dates_show_in_beijing_time(self):
        """Published 08:57 UTC is shown as 16:57, Asia/Shanghai."""
        assert self.article.published_at == datetime.datetime(
            2025, 1, 27, 8, 57, tzinfo=datetime.UTC
        )
        self.client.force_login(self.superuser)
        page = self.client.get(admin_url(Article, "changelist")).content.decode()
        assert "2025年1月27日 16:57" in page
        form_page = self.client.get(change_url(self.article)).content.decode()
        assert "2025年1月27日 16:57" in form_page

    def test_the_status_column_says_draft_scheduled_or_published(self):
        factories.DraftArticleFactory(title="草稿文章")
        factories.ScheduledArticleFactory(title="排期文章")
        self.client.force_login(self.superuser)
        response = self.client.get(admin_url(Article, "changelist"))
        page = response.content.decode()
        for label in ("草稿", "已排期", "已发布"):
            assert label in page
        for state, title in [("draft", "草稿文章"), ("scheduled", "排期文章")]:
            url = admin_url(Article, "changelist")
            response = self.client.get(url, {"state": state})
            assert [a.title for a in response.context["cl"].result_list] == [title]


class TestSearch(SeedDataTestCase):
    def search(self, model, term):
        self.client.force_login(self.superuser)
        response = self.client.get(admin_url(model, "changelist"), {"q": term})
        assert response.status_code == 200
        return list(response.context["cl"].result_list)

    def test_an_organization_is_found_by_its_short_name(self):
        names = [o.name for o in self.search(Organization, "北科院")]
        assert "北京市科学技术研究院" in names

    def test_articles_are_found_by_short_name(self):
        titles = [a.title for a in self.search(Article, "北科院")]
        assert any(t.startswith("北科院举行2025年工作会议") for t in titles)

    def test_a_person_is_found_by_name(self):
        assert [p.slug for p in self.search(Person, "刘晖")] == ["liu-hui"]

    def test_directives_are_found_by_their_issuer(self):
        found = self.search(Directive, "刘晖")
        assert len(found) == 4
        assert {d.set_heading for d in found} == {"四点要求"}

    def test_directives_are_found_by_their_text(self):
        directive = Directive.objects.filter(
            directive_set__issuer__slug="yin-li"
        ).first()
        found = self.search(Directive, directive.text[5:15])
        assert directive in found


class TestPublishingRights(SeedDataTestCase):
    def setUp(self):
        self.draft = factories.DraftArticleFactory()

    def post_action(self, user, action, *articles):
        self.client.force_login(user)
        return self.client.post(
            admin_url(Article, "changelist"),
            {"action": action, "_selected_action": [a.pk for a in articles]},
        )

    def test_the_groups_exist_with_their_permissions(self):
        editors = Group.objects.get(name="编辑")
        chiefs = Group.objects.get(name="主编")
        editor_perms = set(editors.permissions.values_list("codename", flat=True))
        chief_perms = set(chiefs.permissions.values_list("codename", flat=True))
        assert {"add_article", "change_article", "change_directive"} <= editor_perms
        assert "publish_article" not in editor_perms
        assert "delete_article" not in editor_perms
        assert {"publish_article", "delete_article"} <= chief_perms

    def test_an_editor_is_not_offered_the_publish_actions(self):
        self.client.force_login(self.editor)
        response = self.client.get(admin_url(Article, "changelist"))
        form = response.context["action_form"]
        actions = dict(form.fields["action"].choices) if form else {}
        assert "publish" not in actions and "unpublish" not in actions
        self.client.force_login(self.chief)
        response = self.client.get(admin_url(Article, "changelist"))
        actions = dict(response.context["action_form"].fields["action"].choices)
        assert "publish" in actions and "unpublish" in actions

    def test_an_editor_cannot_publish_with_the_action(self):
        self.post_action(self.editor, "publish", self.draft)
        self.draft.refresh_from_db()
        assert self.draft.status == Article.Status.DRAFT

    def test_an_editor_cannot_publish_through_the_form(self):
        self.client.force_login(self.editor)
        response = self.client.get(change_url(self.draft))
        data = change_form_data(response)
        assert "status" not in data  # read-only for editors
        data.update(status="published", title="编辑改的标题")
        response = self.client.post(change_url(self.draft), data)
        assert response.status_code == 302
        self.draft.refresh_from_db()
        assert self.draft.title == "编辑改的标题"
        assert self.draft.status == Article.Status.DRAFT

    def test_an_editor_cannot_change_a_published_article(self):
        self.client.force_login(self.superuser)
        data = change_form_data(self.client.get(change_url(self.article)))
        self.client.force_login(self.editor)
        response = self.client.get(change_url(self.article))
        assert response.status_code == 200
        assert not response.context["has_change_permission"]
        data["title"] = "编辑擅自修改"
        assert self.client.post(change_url(self.article), data).status_code == 403
        self.article.refresh_from_db()
        assert self.article.title != "编辑擅自修改"

    def test_an_editor_cannot_attach_a_directive_to_a_published_article(self):
        self.client.force_login(self.editor)
        response = self.client.post(
            admin_url(DirectiveSet, "add"),
            {
                "article": self.article.pk,
                "issuer": Person.objects.get(slug="liu-hui").pk,
                "number": 9,
                "kind": "requirement",
                "version": 1,
                "items-TOTAL_FORMS": "1",
                "items-INITIAL_FORMS": "0",
                "items-0-text": "要做好工作。",
                "items-0-version": "1",
            },
        )
        assert response.status_code == 200
        assert "只有主编" in str(response.context["adminform"].form.errors)
        assert not self.article.directive_sets.filter(number=9).exists()
        item = Directive.objects.filter(directive_set__article=self.article).first()
        response = self.client.post(
            admin_url(Directive, "add"),
            {
                "directive_set": item.directive_set_id,
                "ordinal": 99,
                "text": "要做好工作。",
                "version": 1,
            },
        )
        assert response.status_code == 200
        assert not Directive.objects.filter(ordinal=99).exists()

    def test_a_chief_editor_publishes_and_unpublishes(self):
        response = self.post_action(self.chief, "publish", self.draft)
        assert response.status_code == 302
        self.draft.refresh_from_db()
        assert self.draft.is_public
        self.post_action(self.chief, "unpublish", self.draft)
        self.draft.refresh_from_db()
        assert self.draft.status == Article.Status.DRAFT

    def test_publishing_a_dated_draft_schedules_it(self):
        tomorrow = timezone.now() + datetime.timedelta(days=1)
        self.draft.published_at = tomorrow
        self.draft.save()
        self.post_action(self.chief, "publish", self.draft)
        self.draft.refresh_from_db()
        assert self.draft.is_scheduled and self.draft.published_at == tomorrow
        assert not Article.objects.published().filter(pk=self.draft.pk).exists()

    def test_a_chief_editor_publishes_with_the_forms_button(self):
        self.client.force_login(self.chief)
        page = self.client.get(change_url(self.draft)).content.decode()
        publish = admin_url(Article, "publish", self.draft.pk)
        assert publish in page and 'id="publish-button"' in page
        response = self.client.post(publish)
        assert response.status_code == 302
        self.draft.refresh_from_db()
        assert self.draft.is_public
        comments = [
            v.revision.comment for v in Version.objects.get_for_object(self.draft)
        ]
        assert comments[0] == "已发布。"
        unpublish = admin_url(Article, "unpublish", self.draft.pk)
        assert self.client.post(unpublish).status_code == 302
        self.draft.refresh_from_db()
        assert self.draft.status == Article.Status.DRAFT
        future = "2999-01-01 09:00"
        assert self.client.post(publish, {"published_at": future}).status_code == 302
        self.draft.refresh_from_db()
        assert self.draft.is_scheduled

    def test_status_and_date_are_not_form_fields(self):
        """Regression: the form was a second door to publishing, unrecorded."""
        self.client.force_login(self.chief)
        data = change_form_data(self.client.get(change_url(self.draft)))
        assert "status" not in data and "published_at_0" not in data
        data.update(status="published", published_at_0="2025-01-01")
        data["published_at_1"] = "09:00"
        assert self.client.post(change_url(self.draft), data).status_code == 302
        self.draft.refresh_from_db()
        assert self.draft.status == Article.Status.DRAFT
        self.client.force_login(self.editor)
        publish = admin_url(Article, "publish", self.draft.pk)
        assert self.client.post(publish).status_code == 403
        assert self.client.get(publish).status_code == 405


class TestPreview(SeedDataTestCase):
    def setUp(self):
        self.draft = factories.DraftArticleFactory(title="尚未发布的稿件")
        self.scheduled = factories.ScheduledArticleFactory(title="明天发布的稿件")

    def test_staff_see_a_draft_as_the_public_page_with_a_banner(self):
        self.client.force_login(self.editor)
        for article in (self.draft, self.scheduled):
            response = self.client.get(
                reverse("articles:article-preview", args=[article.pk])
            )
            assert response.status_code == 200
            page = response.content.decode()
            assert article.title in page
            assert 'id="preview-banner"' in page and "预览" in page
            assert "articles/article_detail.html" in [
                t.name for t in response.templates
            ]
            assert response["X-Robots-Tag"] == "noindex, nofollow"

    def test_the_public_still_gets_404(self):
        for article in (self.draft, self.scheduled):
            assert self.client.get(article.get_absolute_url()).status_code == 404
            preview = self.client.get(
                reverse("articles:article-preview", args=[article.pk])
            )
            assert preview.status_code == 302
            assert preview["Location"].startswith(reverse("admin:login"))

    def test_a_missing_article_is_a_404(self):
        self.client.force_login(self.superuser)
        missing = reverse("articles:article-preview", args=[999999])
        for url in (missing, missing.replace("999999", "not-a-number")):
            assert self.client.get(url).status_code == 404

    def test_view_on_site_goes_to_the_preview_until_public(self):
        self.client.force_login(self.superuser)
        response = self.client.get(change_url(self.draft))
        preview = reverse("articles:article-preview", args=[self.draft.pk])
        assert response.context["absolute_url"] == preview
        assert preview in response.content.decode()
        response = self.client.get(change_url(self.article))
        assert response.context["absolute_url"] == self.article.get_absolute_url()

    def test_a_directive_of_a_draft_links_to_its_place_in_the_preview(self):
        directive = factories.DirectiveFactory(article=self.draft)
        self.client.force_login(self.superuser)
        response = self.client.get(change_url(directive))
        preview = reverse("articles:article-preview", args=[self.draft.pk])
        assert response.context["absolute_url"] == f"{preview}#directive-{directive.pk}"
        public = Directive.objects.filter(directive_set__article=self.article).first()
        response = self.client.get(change_url(public))
        assert response.context["absolute_url"] == public.get_absolute_url()

    def test_the_changelist_links_each_article_to_its_page_or_preview(self):
        self.client.force_login(self.superuser)
        page = self.client.get(admin_url(Article, "changelist")).content.decode()
        assert reverse("articles:article-preview", args=[self.draft.pk]) in page
        assert self.article.get_absolute_url() in page


class TestOptimisticLocking(SeedDataTestCase):
    def open_form(self, user, obj):
        self.client.force_login(user)
        return change_form_data(self.client.get(change_url(obj)))

    def save(self, user, obj, data):
        self.client.force_login(user)
        return self.client.post(change_url(obj), data)

    def test_the_second_of_two_stale_saves_is_refused(self):
        first = self.open_form(self.chief, self.article)
        second = self.open_form(self.other_chief, self.article)
        first["title"] = "第一位编辑的标题"
        second["title"] = "第二位编辑的标题"
        second["lede"] = "第二位编辑的导语"

        assert self.save(self.chief, self.article, first).status_code == 302
        response = self.save(self.other_chief, self.article, second)

        assert response.status_code == 200
        message = errors_of(response)
        assert "李力" in message  # who changed it
        assert "第 1 版" in message and "第 2 版" in message
        assert "未保存" in message
        # The refused editor's input is still on the page, not lost either.
        assert "第二位编辑的导语" in response.content.decode()
        self.article.refresh_from_db()
        assert self.article.title == "第一位编辑的标题"
        assert self.article.lede != "第二位编辑的导语"
        assert self.article.version == 2

    def test_a_stale_save_of_the_inlines_changes_no_inline(self):
        directive_set = self.article.directive_sets.get(number=1)
        first = self.open_form(self.chief, directive_set)
        second = self.open_form(self.other_chief, directive_set)
        prefix = "items"
        first[f"{prefix}-0-text"] = "第一位编辑改的要求。"
        second[f"{prefix}-1-text"] = "第二位编辑改的要求。"
        assert self.save(self.chief, directive_set, first).status_code == 302
        assert self.save(self.other_chief, directive_set, second).status_code == 200
        texts = set(items_of(self.article).values_list("text", flat=True))
        assert "第一位编辑改的要求。" in texts
        assert "第二位编辑改的要求。" not in texts

    def test_a_directive_changed_on_its_own_page_is_protected_inline(self):
        directive = items_of(self.article)[0]
        directive_set = directive.directive_set
        set_form = self.open_form(self.other_chief, directive_set)
        directive_form = self.open_form(self.chief, directive)
        directive_form["text"] = "在指示页面上修改的要求。"
        assert self.save(self.chief, directive, directive_form).status_code == 302

        set_form["items-0-text"] = "在文章页面上修改的要求。"
        response = self.save(self.other_chief, directive_set, set_form)
        assert response.status_code == 200
        assert "李力" in errors_of(response)
        directive.refresh_from_db()
        assert directive.text == "在指示页面上修改的要求。"

    def test_an_untouched_row_a_colleague_changed_is_not_reverted(self):
        """Saving the set's form would write back the old item: refused."""
        directive = items_of(self.article)[0]
        directive_set = directive.directive_set
        set_form = self.open_form(self.other_chief, directive_set)
        directive_form = self.open_form(self.chief, directive)
        directive_form["text"] = "在指示页面上修改的要求。"
        self.save(self.chief, directive, directive_form)

        set_form["heading"] = "五点要求"
        response = self.save(self.other_chief, directive_set, set_form)
        assert response.status_code == 200
        assert "李力" in errors_of(response)
        directive.refresh_from_db()
        assert directive.text == "在指示页面上修改的要求。"
        directive_set.refresh_from_db()
        assert directive_set.heading == "四点要求"

    def test_a_row_saved_unchanged_by_a_colleague_does_not_block(self):
        directive = items_of(self.article)[0]
        directive_set = directive.directive_set
        set_form = self.open_form(self.other_chief, directive_set)
        directive_form = self.open_form(self.chief, directive)
        directive_form["summary"] = "另一个摘要"
        self.save(self.chief, directive, directive_form)
        directive_form = self.open_form(self.chief, directive)
        directive_form["summary"] = set_form["items-0-summary"]
        self.save(self.chief, directive, directive_form)
        directive.refresh_from_db()
        assert directive.version == 3

        set_form["heading"] = "4点要求"
        response = self.save(self.other_chief, directive_set, set_form)
        assert response.status_code == 302
        directive_set.refresh_from_db()
        assert directive_set.heading == "4点要求"

    def test_people_and_organizations_are_protected_too(self):
        for obj, field in [
            (Person.objects.get(slug="liu-hui"), "description"),
            (Organization.objects.get(slug="bjast"), "description"),
        ]:
            with self.subTest(model=type(obj).__name__):
                first = self.open_form(self.chief, obj)
                second = self.open_form(self.other_chief, obj)
                first[field], second[field] = "第一次", "第二次"
                assert self.save(self.chief, obj, first).status_code == 302
                assert self.save(self.other_chief, obj, second).status_code == 200
                obj.refresh_from_db()
                assert getattr(obj, field) == "第一次"

    def test_a_race_lost_at_the_write_is_refused_and_rolled_back(self):
        """Both saves pass the form check; the conditional UPDATE stops the second."""
        first = self.open_form(self.chief, self.article)
        second = self.open_form(self.other_chief, self.article)
        first["title"] = "先到的标题"
        second["title"] = "后到的标题"
        assert self.save(self.chief, self.article, first).status_code == 302

        # Simulate the form's check having run before the first save committed.
        real = services.current_version

        def as_before_the_first_save(*, instance, lock=False):
            return 1 if lock else real(instance=instance)

        with mock.patch.object(
            services, "current_version", side_effect=as_before_the_first_save
        ):
            response = self.save(self.other_chief, self.article, second)

        assert response.status_code == 302
        assert response["Location"] == change_url(self.article)
        shown = [str(m) for m in response.wsgi_request._messages]
        assert any("李力" in m and "未保存" in m for m in shown)
        self.article.refresh_from_db()
        assert self.article.title == "先到的标题" and self.article.version == 2
        # The initial version and the first save; nothing of the refused one.
        assert Version.objects.get_for_object(self.article).count() == 2


class TestHistory(SeedDataTestCase):
    def save_article(self, **changes):
        self.client.force_login(self.chief)
        response = self.client.get(change_url(self.article))
        data = change_form_data(response)
        data.update(changes)
        response = self.client.post(change_url(self.article), data)
        assert response.status_code == 302, errors_of(response)

    def test_every_save_is_recorded_with_who_and_when(self):
        self.save_article(title="第一次修改")
        self.save_article(title="第二次修改")
        self.client.force_login(self.editor)
        response = self.client.get(admin_url(Article, "history", self.article.pk))
        assert response.status_code == 200
        actions = response.context["action_list"]
        assert len(actions) == 3  # the state before the first edit, and two saves
        assert [a["revision"].user for a in actions] == [self.chief, self.chief, None]
        assert "laoli" in response.content.decode()
        assert "首次修改前的初始版本" in response.content.decode()

    def test_an_earlier_version_is_restored_with_its_directives(self):
        self.save_article(title="第一次修改")
        first = Version.objects.get_for_object(self.article).first()
        directive_set = self.article.directive_sets.get(number=1)
        self.client.force_login(self.chief)
        response = self.client.get(change_url(directive_set))
        data = change_form_data(response)
        add_inline_row(
            data, inline_prefix(response, Directive), text="后来补充的要求。"
        )
        response = self.client.post(change_url(directive_set), data)
        assert response.status_code == 302, errors_of(response)
        self.save_article(title="第二次修改")
        assert items_of(self.article).count() == 19
        added = items_of(self.article).get(text="后来补充的要求。")
        assert added.ordinal == 5  # continues the set's ordinals

        url = admin_url(Article, "revision", self.article.pk, first.pk)
        response = self.client.get(url)
        assert response.status_code == 200
        assert 'value="第一次修改"' in response.content.decode()
        self.article.refresh_from_db()
        assert self.article.title == "第二次修改"  # viewing changes nothing

        response = self.client.post(url, change_form_data(response))
        assert response.status_code == 302, errors_of(response)
        self.article.refresh_from_db()
        assert self.article.title == "第一次修改"
        assert items_of(self.article).count() == 18
        assert not items_of(self.article).filter(text="后来补充的要求。").exists()
        # Version numbers only go up, so forms opened before the revert are stale.
        assert self.article.version == 4

    def test_a_restore_goes_through_the_write_path(self):
        """The admin's revert calls services.object_restore: Chinese history."""
        self.save_article(title="第一次修改")
        first = Version.objects.get_for_object(self.article).first()
        self.save_article(title="第二次修改")
        url = admin_url(Article, "revision", self.article.pk, first.pk)
        self.client.force_login(self.chief)
        with mock.patch.object(
            services, "object_restore", wraps=services.object_restore
        ) as restore:
            response = self.client.post(url, change_form_data(self.client.get(url)))
        assert response.status_code == 302, errors_of(response)
        restore.assert_called_once()
        latest = Version.objects.get_for_object(self.article).first()
        assert latest.revision.comment.startswith("已恢复至")
        assert latest.revision.comment.endswith("的版本。")
        assert latest.revision.user == self.chief
        self.article.refresh_from_db()
        assert self.article.title == "第一次修改" and self.article.version == 4

    def test_the_restore_service_checks_version_and_permission(self):
        self.save_article(title="第一次修改")
        first = Version.objects.get_for_object(self.article).first()
        self.save_article(title="第二次修改")
        self.article.refresh_from_db()
        with pytest.raises(services.StaleVersionError):
            services.object_restore(version=first, user=self.chief, expected_version=1)
        restored = services.object_restore(
            version=first, user=self.chief, expected_version=self.article.version
        )
        assert restored.title == "第一次修改" and restored.version == 4

    def test_a_revert_from_a_stale_page_is_refused(self):
        self.save_article(title="第一次修改")
        first = Version.objects.get_for_object(self.article).first()
        url = admin_url(Article, "revision", self.article.pk, first.pk)
        self.client.force_login(self.chief)
        revert_form = change_form_data(self.client.get(url))
        self.save_article(title="别人后来的修改")
        self.client.force_login(self.chief)
        response = self.client.post(url, revert_form)
        assert response.status_code == 200
        assert "未保存" in errors_of(response)
        self.article.refresh_from_db()
        assert self.article.title == "别人后来的修改"

    def test_the_seed_state_before_any_edit_can_be_restored(self):
        original_title = self.article.title
        original_texts = sorted(items_of(self.article).values_list("text", flat=True))
        self.save_article(title="改坏了的标题")
        items_of(self.article).filter(ordinal=1).update(text="改坏了。")
        initial = Version.objects.get_for_object(self.article).last()
        url = admin_url(Article, "revision", self.article.pk, initial.pk)
        self.client.force_login(self.chief)
        response = self.client.post(url, change_form_data(self.client.get(url)))
        assert response.status_code == 302, errors_of(response)
        self.article.refresh_from_db()
        assert self.article.title == original_title
        texts = sorted(items_of(self.article).values_list("text", flat=True))
        assert texts == original_texts

    def test_an_editor_cannot_revert_a_published_article_to_a_draft(self):
        self.client.force_login(self.chief)
        draft = factories.DraftArticleFactory()
        data = change_form_data(self.client.get(change_url(draft)))
        data.update(title="已发布的标题")
        assert self.client.post(change_url(draft), data).status_code == 302
        services.article_publish(article=draft, user=self.chief)
        draft_version = Version.objects.get_for_object(draft).last()
        assert draft_version.field_dict["status"] == "draft"

        self.client.force_login(self.editor)
        url = admin_url(Article, "revision", draft.pk, draft_version.pk)
        response = self.client.get(url)
        assert response.status_code == 200
        assert self.client.post(url, change_form_data(response)).status_code == 403
        draft.refresh_from_db()
        assert draft.is_public and draft.title == "已发布的标题"

    def test_a_directive_version_is_restored_on_its_own(self):
        directive = items_of(self.article).first()
        original = directive.text
        self.client.force_login(self.chief)
        for text in ("改动一。", "改动二。"):
            data = change_form_data(self.client.get(change_url(directive)))
            data["text"] = text
            assert self.client.post(change_url(directive), data).status_code == 302
        first = Version.objects.get_for_object(directive)[1]
        assert first.field_dict["text"] == "改动一。"
        url = admin_url(Directive, "revision", directive.pk, first.pk)
        response = self.client.post(url, change_form_data(self.client.get(url)))
        assert response.status_code == 302
        directive.refresh_from_db()
        assert directive.text == "改动一。" != original


# Query counts ---------------------------------------------------------------


def build_articles(n):
    news = factories.SectionFactory(name="新闻", slug="news")
    campus = factories.SectionFactory(name="院内新闻", slug="campus", parent=news)
    for _ in range(n):
        article = factories.ArticleFactory(
            section=campus, tags=[factories.TagFactory()]
        )
        factories.DirectiveFactory.create_batch(2, article=article)


def build_directives(n):
    for _ in range(n):
        factories.DirectiveFactory(
            addressees=factories.OrganizationFactory.create_batch(2)
        )


def build_sets(n):
    for _ in range(n):
        directive_set = factories.DirectiveSetFactory(
            addressees=factories.OrganizationFactory.create_batch(2)
        )
        factories.DirectiveFactory.create_batch(2, directive_set=directive_set)


def build_people(n):
    for _ in range(n):
        person = factories.PersonFactory()
        factories.PersonAliasFactory(person=person)
        factories.PositionFactory.create_batch(2, person=person)
        factories.DirectiveFactory(issuer=person)


def build_organizations(n):
    for _ in range(n):
        parent = factories.OrganizationFactory()
        factories.OrganizationAliasFactory(organization=parent)
        factories.OrganizationFactory(parent=parent)


def build_sections(n):
    top = factories.SectionFactory()
    for _ in range(n // 2):
        middle = factories.SectionFactory(parent=top)
        factories.SectionFactory(parent=middle)


def build_tags(n):
    for _ in range(n):
        factories.ArticleFactory(tags=[factories.TagFactory()])


BUILDERS = {
    Article: build_articles,
    Directive: build_directives,
    DirectiveSet: build_sets,
    Person: build_people,
    Organization: build_organizations,
    Position: factories.PositionFactory.create_batch,
    Section: build_sections,
    Tag: build_tags,
    PersonAlias: factories.PersonAliasFactory.create_batch,
    OrganizationAlias: factories.OrganizationAliasFactory.create_batch,
    Credit: lambda n: factories.CreditFactory.create_batch(
        n, organization=factories.OrganizationFactory()
    ),
    Photo: factories.PhotoFactory.create_batch,
    PersonMention: factories.PersonMentionFactory.create_batch,
    OrganizationMention: factories.OrganizationMentionFactory.create_batch,
}


def test_every_model_has_a_query_count_test():
    assert set(BUILDERS) == set(ALL_MODELS)


@pytest.mark.django_db
@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_changelists_run_a_constant_number_of_queries(client, model):
    """5 rows or 50: the same number of queries."""
    client.force_login(staff_user("admin", superuser=True))
    counts = []
    for more in (5, 45):
        BUILDERS[model](more)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(admin_url(model, "changelist"))
        assert response.status_code == 200
        counts.append((response.context["cl"].result_count, len(queries)))
    (small_rows, small), (large_rows, large) = counts
    assert small_rows < large_rows <= 100
    assert small == large, f"{model.__name__}: {small} vs {large} queries"


def test_every_relation_to_people_and_organizations_uses_autocomplete():
    """Select boxes listing every person or organization would not scale."""
    missing = []
    for model, model_admin in admin.site._registry.items():
        inlines = [(i.model, i, i.fk_name) for i in model_admin.inlines]
        for target_model, options, parent_fk in [(model, model_admin, None), *inlines]:
            for field in target_model._meta.get_fields():
                if not (field.many_to_one or field.many_to_many) or field.auto_created:
                    continue
                if field.related_model not in (Person, Organization):
                    continue
                through = getattr(field.remote_field, "through", None)
                if through is not None and not through._meta.auto_created:
                    continue  # edited through its mention inline
                if parent_fk == field.name or (
                    options is not model_admin and field.related_model is model
                ):
                    continue  # the inline's link to the page it sits on
                if field.name in getattr(options, "readonly_fields", ()):
                    continue  # shown, not chosen
                if field.name not in options.autocomplete_fields:
                    missing.append(f"{options.__class__.__name__}.{field.name}")
    assert missing == []


@pytest.mark.django_db
def test_a_bad_filter_value_is_not_an_error(client):
    client.force_login(staff_user("admin", superuser=True))
    url = admin_url(Article, "changelist")
    for params in ({"section": "abc"}, {"state": "nonsense"}):
        assert client.get(url, params).status_code in (200, 302)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_concurrent_save_waits_for_the_row_lock_and_is_refused(client):
    """On PostgreSQL the form's check locks the row: a save in flight makes a
    concurrent one wait, then fail the check with the message, not a race."""
    import threading

    from django.db import connections, transaction

    article = factories.ArticleFactory()
    staff_user("laoli", group="主编")
    client.force_login(staff_user("laozhao", group="主编"))
    data = change_form_data(client.get(change_url(article)))
    data["title"] = "后到的标题"
    result = {}

    def second_editor_saves():
        try:
            result["response"] = client.post(change_url(article), data)
        finally:
            connections.close_all()

    with transaction.atomic():  # the first editor's save, in flight
        locked = Article.objects.select_for_update().get(pk=article.pk)
        thread = threading.Thread(target=second_editor_saves)
        thread.start()
        thread.join(timeout=1.5)
        assert thread.is_alive(), "the second save did not wait for the lock"
        services.object_claim_version(instance=locked, expected_version=1)
        locked.title = "先到的标题"
        locked.save()
    thread.join(timeout=30)

    response = result["response"]
    assert response.status_code == 200
    assert "未保存" in errors_of(response)
    article.refresh_from_db()
    assert (article.title, article.version) == ("先到的标题", 2)


class TestPositionRefusal(SeedDataTestCase):
    def open_as_editor(self, person, position):
        """The person's form data as the editor sees it, and the row prefix of
        ``position`` among its positions."""
        self.client.force_login(self.editor)
        response = self.client.get(change_url(person))
        data = change_form_data(response)
        prefix = inline_prefix(response, Position)
        row = next(
            k.removesuffix("-id")
            for k, v in data.items()
            if k.startswith(prefix) and k.endswith("-id") and v == str(position.pk)
        )
        return data, row

    def test_an_editor_changing_a_published_position_sees_a_form_error(self):
        """Not a bare 403: a Chinese error on the person's page, input kept."""
        person = Person.objects.get(slug="liu-hui")
        position = person.positions.first()
        Position.objects.filter(pk=position.pk).update(reported_in=self.article)
        assert self.article.is_public
        data, row = self.open_as_editor(person, position)
        data[f"{row}-title"] = "编辑改的职务"
        response = self.client.post(change_url(person), data)
        assert response.status_code == 200
        assert "主编" in errors_of(response)
        assert "编辑改的职务" in response.content.decode()
        position.refresh_from_db()
        assert position.title != "编辑改的职务"

    def test_an_editor_deleting_a_published_position_sees_a_form_error(self):
        person = Person.objects.get(slug="liu-hui")
        position = person.positions.first()
        Position.objects.filter(pk=position.pk).update(reported_in=self.article)
        data, row = self.open_as_editor(person, position)
        data[f"{row}-DELETE"] = "on"
        data["description"] = "编辑同时改的简介"
        response = self.client.post(change_url(person), data)
        assert response.status_code == 200
        assert "主编" in errors_of(response)
        assert "编辑同时改的简介" in response.content.decode()
        assert Position.objects.filter(pk=position.pk).exists()
