"""`manage.py import_township FILE.json`: import townships atomically (EXCHANGE.md)."""

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from exchange.document import size_text
from exchange.importer import township_import
from township.errors import ExchangeError


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Import the townships of an exchange document (dangjian-exchange/1). Everything is "
        "validated first; on any problem each one is printed on stderr with its JSON path, "
        "nothing is written and the command exits with status 1. Each township of the file "
        "replaces that township's records; importing the same file twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the JSON document; '-' reads standard input")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and report, but write nothing"
        )

    def handle(self, *args, file: str, dry_run: bool, **options):
        content = self._read(file)
        try:
            with transaction.atomic():
                result = township_import(
                    actor=None, document=content, actor_name="manage.py import_township"
                )
                if dry_run:
                    raise _DryRun
        except _DryRun:
            self.stdout.write(_("试运行：文件有效，未写入任何数据。"))
        except ExchangeError as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise CommandError(
                _("导入失败：共 %(n)d 个问题，未写入任何数据。") % {"n": len(exc.problems)}
            ) from None
        if dry_run:
            return
        for t in result.townships:
            self.stdout.write(
                _("%(code)s：新增 %(created)d，修改 %(updated)d，删除 %(deleted)d")
                % {"code": t.code, "created": t.created, "updated": t.updated, "deleted": t.deleted}
            )
        self.stdout.write(self.style.SUCCESS(_("导入完成。")))

    def _read(self, file: str) -> bytes:
        """The file's bytes, refused before reading when larger than EXCHANGE_MAX_BYTES."""
        limit = settings.EXCHANGE_MAX_BYTES
        too_large = _("文件过大（上限 %(size)s，见 EXCHANGE_MAX_BYTES），未导入任何数据。") % {
            "size": size_text(limit)
        }
        if file == "-":
            content = sys.stdin.buffer.read(limit + 1)
            if len(content) > limit:
                raise CommandError(too_large)
            return content
        path = Path(file)
        try:
            if path.stat().st_size > limit:
                raise CommandError(too_large)
            return path.read_bytes()
        except FileNotFoundError:
            raise CommandError(_("文件不存在：%(file)s") % {"file": file}) from None
        except IsADirectoryError:
            raise CommandError(_("不是文件：%(file)s") % {"file": file}) from None
        except OSError as exc:
            raise CommandError(
                _("无法读取文件 %(file)s：%(error)s") % {"file": file, "error": exc.strerror}
            ) from None
