import json

from django.core.management.base import BaseCommand, CommandError

from branches.models import Township
from scoring.services import scores_export


class Command(BaseCommand):
    help = "Print the score export document (EXCHANGE.md) of a township and year as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--township", required=True, help="township code")
        parser.add_argument("--year", required=True, type=int)

    def handle(self, *args, township: str, year: int, **options):
        t = Township.objects.filter(code=township).first()
        if t is None:
            raise CommandError(f"未找到乡镇代码 {township}（unknown township code）")
        if not 2000 <= year <= 2100:
            raise CommandError(f"年度 {year} 不在 2000–2100 之间（year out of range）")
        document = scores_export(actor=None, actor_name="manage.py", township=t, year=year)
        self.stdout.write(json.dumps(document, ensure_ascii=False, indent=1))
