"""`manage.py import_township FILE.json`: import townships atomically (EXCHANGE.md)."""

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from exchange.document import size_text
from exchange.importer import LockedMonthsError, township_import
from township.errors import ExchangeError


class _DryRun(Exception):
    def __init__(self, result):
        super().__init__()
        self.result = result


def _months_text(months) -> str:
    return "、".join(f"{code} {month:%Y-%m}" for code, month in sorted(months))


class Command(BaseCommand):
    help = (
        "Import the townships of an exchange document (dangjian-exchange/1). Everything is "
        "validated first; on any problem each one is printed on stderr with its JSON path, "
        "nothing is written and the command exits with status 1. Each township of the file "
        "replaces that township's records; importing the same file twice changes nothing. "
        "A file that would change records of locked months is refused with the list of those "
        "records, unless --reopen-locked gives the reason to reopen those months first. "
        "Implausible records (dates after today, joining the Party before 18, …) are imported "
        "and each one is printed on stderr with its JSON path as a warning, with their count "
        "(--dry-run shows them too)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the JSON document; '-' reads standard input")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and report, but write nothing"
        )
        parser.add_argument(
            "--reopen-locked",
            metavar="REASON",
            default="",
            help="reopen the locked months whose records the file changes, with this reason "
            "(audited), then import",
        )

    def handle(self, *args, file: str, dry_run: bool, reopen_locked: str, **options):
        content = self._read(file)
        if reopen_locked and not reopen_locked.strip():
            raise CommandError(_("--reopen-locked 需要填写重新开放的原因。"))
        try:
            with transaction.atomic():
                result = township_import(
                    actor=None,
                    document=content,
                    actor_name="manage.py import_township",
                    reopen_reason=reopen_locked,
                )
                if dry_run:
                    raise _DryRun(result)
        except _DryRun as done:
            self.stdout.write(_("试运行：文件有效，未写入任何数据。"))
            self._warnings(done.result.warnings, dry_run=True)
            return
        except LockedMonthsError as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise CommandError(
                _(
                    "导入失败：文件会修改已锁定月份（%(months)s）的 %(n)d 条记录，未写入任何数据。"
                    '如确需修改，请用 --reopen-locked "原因" 重新开放这些月份后导入。'
                )
                % {"months": _months_text(exc.months), "n": len(exc.problems)}
            ) from None
        except ExchangeError as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise CommandError(
                _("导入失败：共 %(n)d 个问题，未写入任何数据。") % {"n": len(exc.problems)}
            ) from None
        if result.reopened:
            self.stdout.write(
                _("已重新开放：%(months)s（原因：%(reason)s）")
                % {"months": _months_text(set(result.reopened)), "reason": reopen_locked.strip()}
            )
        for t in result.townships:
            self.stdout.write(
                _("%(code)s：新增 %(created)d，修改 %(updated)d，删除 %(deleted)d")
                % {"code": t.code, "created": t.created, "updated": t.updated, "deleted": t.deleted}
            )
        self.stdout.write(self.style.SUCCESS(_("导入完成。")))
        self._warnings(result.warnings, dry_run=False)

    def _warnings(self, warnings, *, dry_run: bool) -> None:
        """Each implausible record with its path on stderr, then their count."""
        if not warnings:
            return
        for warning in warnings:
            self.stderr.write(warning)
        if dry_run:
            summary = _("共 %(n)d 条警告：以上记录不合常理，导入时仍会照文件导入，请核对。")
        else:
            summary = _("共 %(n)d 条警告：以上记录不合常理，已照文件导入，请核对。")
        self.stderr.write(self.style.WARNING(summary % {"n": len(warnings)}))

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
