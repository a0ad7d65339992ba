from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from articles.models import Article
from articles.seed import seed as seed_demo


class Command(BaseCommand):
    help = (
        "Fill the database with realistic demo articles, people, organizations, "
        "positions and directive sets, indexed for search (in bulk)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--database", default="default")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete every existing article, person and organization first.",
        )

    def handle(self, *args, articles, seed, database, replace, **options):
        if articles < 1:
            raise CommandError(_("--articles must be at least 1."))
        if not replace and Article.objects.using(database).exists():
            raise CommandError(
                _(
                    "The database already holds articles: pass --replace to "
                    "delete every article, person and organization and seed anew."
                )
            )
        report = seed_demo(articles, seed=seed, using=database, out=self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {report.articles} articles ({report.people} people, "
                f"{report.organizations} organizations, {report.directives} "
                f"directives) in {report.seconds:.1f} s: the rows in "
                f"{report.seconds - report.index_seconds:.1f} s "
                f"({report.rows_rate:,.0f} articles/s), the search index in "
                f"{report.index_seconds:.1f} s ({report.rate:,.0f} articles/s "
                "in all)."
            )
        )
