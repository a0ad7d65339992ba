"""What a request may see: the one place the API decides it.

Anonymous clients, and users who may neither view nor change articles, see what
the public site shows: published articles and what they reveal
(``Article.objects.published()``, ``Person.objects.public()``,
``Position.objects.public()``). Editors see everything, drafts included.
"""

from articles.models import Article, Person, Position

# Whoever may view or change articles in the admin may also see unpublished ones.
UNPUBLISHED_PERMISSIONS = ("articles.view_article", "articles.change_article")


def can_see_unpublished(user):
    return bool(
        user
        and user.is_authenticated
        and any(user.has_perm(perm) for perm in UNPUBLISHED_PERMISSIONS)
    )


def _sees_unpublished(request):
    return can_see_unpublished(getattr(request, "user", None))


def visible_articles(request):
    """The articles this request may see: published ones unless it is an editor's."""
    if _sees_unpublished(request):
        return Article.objects.all()
    return Article.objects.published()


def visible_people(request):
    """People this request may see: not those known only from a draft."""
    if _sees_unpublished(request):
        return Person.objects.all()
    return Person.objects.public()


def visible_positions(request):
    """Positions this request may see: not those reported only in a draft."""
    if _sees_unpublished(request):
        return Position.objects.all()
    return Position.objects.public()
