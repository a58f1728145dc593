import json

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from branches.models import Township
from scoring.export import score_export
from township.audit import audit_log


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
        with transaction.atomic():
            document = score_export(township=t, year=year)
            audit_log(
                actor=None,
                actor_name="manage.py",
                action="scores.exported",
                township=t,
                data={"year": year},
            )
        self.stdout.write(json.dumps(document, ensure_ascii=False, indent=1))
