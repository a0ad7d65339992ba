from django.views.generic import DetailView, ListView

from .models import Article, Directive, Organization, Person


class ArticleListView(ListView):
    paginate_by = 20
    context_object_name = "articles"

    def get_queryset(self):
        return Article.objects.published().with_related()


class ArticleDetailView(DetailView):
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.published().with_related()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["directives"] = self.object.directives.with_related()
        return context


class OrganizationDetailView(DetailView):
    model = Organization
    context_object_name = "organization"


class PersonDetailView(DetailView):
    model = Person
    context_object_name = "person"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["directives"] = (
            Directive.objects.published().by_issuer(self.object).with_related()
        )
        return context
