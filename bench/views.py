"""What a plain Django app would do: the floor each scenario is measured against."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from articles.models import Article

FIXED_BODY = ("<p>" + "新闻" * 1705 + "</p>").encode()  # 10,237 bytes


def reference(request, slug):
    """One ORM get and a template, as the Django tutorial would write it."""
    article = get_object_or_404(Article.objects.published(), slug=slug)
    return render(request, "bench/reference.html", {"article": article})


def fixed(request):
    """A fixed 10 KB response through the same middleware."""
    return HttpResponse(FIXED_BODY, content_type="text/html; charset=utf-8")
