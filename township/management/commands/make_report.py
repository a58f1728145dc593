"""manage.py make_report KIND (--township CODE | --county CODE) [--branch CODE] --period P
--format pdf|xlsx --output FILE: the same code as the report job, with a progress bar."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from township.audit import audit_log
from township.report_runner import report_build
from township.reports import (
    ReportError,
    format_check,
    kind_get,
    kinds,
    options_check,
    period_parse,
)


def _option_names() -> list[str]:
    return sorted({o for k in kinds() for o in k.options})


class Command(BaseCommand):
    help = "生成报表（与后台任务相同的代码），写入文件。"

    def add_arguments(self, parser):
        parser.add_argument("kind", help="报表：" + "、".join(sorted(k.name for k in kinds())))
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--township", help="乡镇代码")
        target.add_argument("--county", help="县代码")
        parser.add_argument("--branch", help="党支部代码（与 --township 一起用）")
        for name in _option_names():  # e.g. --cooperative CODE
            parser.add_argument(f"--{name}", help=f"{name} 代码（报表需要时）")
        parser.add_argument("--period", required=True, help="2026-03、2026-Q1、2026-H1 或 2026")
        parser.add_argument("--format", required=True, dest="fmt", help="pdf 或 xlsx")
        parser.add_argument("--output", required=True, help="输出文件；- 为标准输出")

    def handle(self, *args, kind, township, county, branch, period, fmt, output, **options):
        try:
            report_kind = kind_get(kind)
            format_check(fmt, report_kind)
            parsed = period_parse(period, allowed=report_kind.periods)
            extra = options_check(report_kind, {o: options.get(o) for o in _option_names()})
            if branch:
                if not township:
                    raise ReportError("--branch 需要与 --township 一起使用。")
                level, ident = "branch", f"{township}/{branch}"
            elif township:
                level, ident = "township", township
            else:
                level, ident = "county", county
            if level not in report_kind.levels:
                allowed = "、".join(f"--{x}" for x in report_kind.levels)
                raise ReportError(f"报表 {report_kind.name} 的范围须为 {allowed}。")
            target = report_kind.target(scope=None, level=level, ident=ident, by_code=True, **extra)
            report, data = report_build(
                kind_name=report_kind.name,
                target=target,
                period=parsed,
                fmt=fmt,
                progress=self._progress,
            )
        except ReportError as exc:
            raise CommandError(str(exc.message)) from exc
        if output == "-":
            sys.stdout.buffer.write(data)
        else:
            Path(output).write_bytes(data)
        with transaction.atomic():
            audit_log(
                actor=None,
                actor_name="manage.py",
                action="reports.made",
                township_id=target.township_id,
                data={
                    "kind": report_kind.name,
                    "period": parsed.text,
                    "format": fmt,
                    **({"options": extra} if extra else {}),
                },
            )
        if sys.stderr.isatty():
            sys.stderr.write("\n")
        self.stderr.write(f"{report.title}：{len(data)} 字节，数据校验码 {report.data_digest()}")

    def _progress(self, done: int, total: int, step: str) -> None:
        if not sys.stderr.isatty():
            return
        width = 30
        filled = 0 if total <= 0 else min(width, done * width // total)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {step[:40]:<40}")
        sys.stderr.flush()
