"""What may be seen: the one rule, asked by pages, feeds, sitemap, API and search.

The public (and users who may neither view nor change articles) see published
material and what it reveals: ``Article.objects.published()``, the sets and
items in it, ``Person.objects.public()``, ``Position.objects.public()`` and
``Organization.objects.public()`` (an organization known only from a draft or a
scheduled article stays hidden; reference entries linked to no article are
public). Editors see everything, drafts included (the API and the admin's
preview). Pass ``user=None`` for the public.
"""

from .models import Article, Directive, DirectiveSet, Organization, Person, Position

# Whoever may view or change articles in the admin may also see unpublished ones.
UNPUBLISHED_PERMISSIONS = ("articles.view_article", "articles.change_article")


def can_see_unpublished(user):
    return bool(
        user
        and user.is_authenticated
        and any(user.has_perm(perm) for perm in UNPUBLISHED_PERMISSIONS)
    )


def visible_articles(user=None):
    if can_see_unpublished(user):
        return Article.objects.all()
    return Article.objects.published()


def visible_directive_sets(user=None):
    if can_see_unpublished(user):
        return DirectiveSet.objects.all()
    return DirectiveSet.objects.published()


def visible_directives(user=None):
    if can_see_unpublished(user):
        return Directive.objects.all()
    return Directive.objects.published()


def visible_people(user=None):
    if can_see_unpublished(user):
        return Person.objects.all()
    return Person.objects.public()


def visible_positions(user=None):
    if can_see_unpublished(user):
        return Position.objects.all()
    return Position.objects.public()


def visible_organizations(user=None):
    """Organizations ``user`` may see; the search's "also searched under" line
    and every organization filter ask this too."""
    if can_see_unpublished(user):
        return Organization.objects.all()
    return Organization.objects.public()
