from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("newsroom")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .services.history import register_models

        register_models()

        from .search import index

        index.connect()

        from . import cache

        cache.connect()
