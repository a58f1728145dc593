"""The exchange document as text: parsing it safely and writing it canonically.

Parsing keeps every number exact (`Decimal`, never `float`) and remembers keys that occur twice
in one JSON object, so that the validator can report them with their path.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

FORMAT = "dangjian-exchange/1"

ROOT = "$"  # the path of problems with the document as a whole


class JSONObject(dict):
    """A parsed JSON object; `duplicate_keys` lists keys that occurred more than once."""

    duplicate_keys: tuple[str, ...] = ()


def _object_pairs(pairs: list[tuple[str, Any]]) -> JSONObject:
    obj = JSONObject(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        obj.duplicate_keys = tuple(k for k, _v in pairs if k in seen or seen.add(k))
    return obj


def _reject_constant(name: str):
    raise ValueError(_("不允许的数值 %(name)s") % {"name": name})


def document_load(document: bytes | str | dict) -> tuple[Any, list[str]]:
    """Turn bytes, text or an already parsed dict into plain data; problems say why not."""
    if isinstance(document, dict):
        return document, []
    if isinstance(document, bytes | bytearray | memoryview):
        try:
            # utf-8-sig: a byte-order mark, which some Windows editors add, is tolerated.
            document = bytes(document).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return None, [
                f"{ROOT}: "
                + _("文件不是 UTF-8 编码（第 %(pos)d 个字节无法解码）。") % {"pos": exc.start + 1}
            ]
    if not isinstance(document, str):
        return None, [f"{ROOT}: " + _("文档应为 JSON 文本。")]
    try:
        data = json.loads(
            document,
            parse_float=Decimal,
            parse_constant=_reject_constant,
            object_pairs_hook=_object_pairs,
        )
    except (json.JSONDecodeError, ValueError, RecursionError) as exc:
        where = ""
        if isinstance(exc, json.JSONDecodeError):
            where = _("（第 %(line)d 行第 %(col)d 列）") % {"line": exc.lineno, "col": exc.colno}
        return None, [f"{ROOT}: " + _("文件不是有效的 JSON%(where)s。") % {"where": where}]
    return data, []


def document_dumps(document: dict) -> str:
    """The canonical text of a document: the same data always gives the same bytes."""
    return json.dumps(document, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def month_text(month: dt.date) -> str:
    return f"{month:%Y-%m}"


def date_text(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def number(value: Decimal) -> int | float:
    """Points and scores as JSON numbers: an int when integral, as people write them."""
    if value == value.to_integral_value():
        return int(value)
    # Two decimal places at most: the shortest float repr is exactly the decimal text.
    return float(value)


def money_text(value: Decimal) -> str:
    return f"{value:.2f}"
