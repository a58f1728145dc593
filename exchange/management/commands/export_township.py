"""`manage.py export_township [--township CODE | --county CODE]`: the import document on stdout."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from branches.models import County, Township
from exchange.document import document_dumps
from exchange.exporter import township_export
from township.audit import audit_log


class Command(BaseCommand):
    help = (
        "Print townships as an exchange document (dangjian-exchange/1) on standard output, in "
        "the format import_township reads. A document holds the townships of one county: with "
        "--township CODE that township; with --county CODE every township of that county; with "
        "neither, every township, which works only while the database holds a single county "
        "(otherwise the command refuses and asks for --township or --county)."
    )

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--township", metavar="CODE", help="the code of one township")
        group.add_argument("--county", metavar="CODE", help="every township of this county")

    def handle(self, *args, township: str | None, county: str | None, **options):
        townships = Township.objects.select_related("county").order_by("code")
        if township:
            townships = townships.filter(code=township)
            if not townships:
                raise CommandError(_("没有代码为 %(code)s 的乡镇。") % {"code": township})
        elif county:
            townships = townships.filter(county__code=county)
            if not townships:
                raise CommandError(_("县 %(code)s 不存在或没有乡镇。") % {"code": county})
        else:
            counties = County.objects.filter(townships__isnull=False).distinct().count()
            if counties == 0:
                raise CommandError(_("数据库中没有乡镇。"))
            if counties > 1:
                raise CommandError(
                    _("数据库中有多个县的乡镇，一个文件只能包含一个县：")
                    + _("请用 --township 或 --county 指定。")
                )
        with transaction.atomic():
            document = township_export(townships=townships)
            for t in townships:
                audit_log(
                    actor=None, actor_name="manage.py", action="exchange.exported", township=t
                )
        self.stdout.write(document_dumps(document), ending="")
