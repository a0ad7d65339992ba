from django.contrib.admin.apps import AdminConfig


class NewsroomAdminConfig(AdminConfig):
    """Django's admin with our site class (grouped index, save buttons on top)."""

    default_site = "newsroom.admin.NewsroomAdminSite"
