"""The Newsroom REST API (``/api/v1/``), built with Django REST framework.

Who sees what: anonymous clients and authenticated users without the article
view/change permission see published material only (``Article.objects.published()``)
and the directives, mentions and "reported in" links that belong to it. Users who
may view or change articles in the admin also see drafts and scheduled articles.
"""
