from django.contrib import admin

from . import models

for model in (
    models.Section,
    models.Tag,
    models.Organization,
    models.Person,
    models.Position,
    models.Article,
    models.Directive,
):
    admin.site.register(model)
