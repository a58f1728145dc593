"""The exchange document as text: parsing it safely and writing it canonically.

Parsing keeps every number exact (`Decimal`, never `float`) and remembers keys that occur twice
in one JSON object, so that the validator can report them with their path. It is bounded: the
document's size, its nesting depth and each number's length and exponent are checked before
anything is converted.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

FORMAT = "dangjian-exchange/1"

ROOT = "$"  # the path of problems with the document as a whole


# Bounds checked before anything is converted, so that no input can burn CPU or memory.
MAX_DEPTH = 50  # nested arrays and objects; a township document needs 7
MAX_NUMBER_CHARS = 40  # the text of one number: digits, sign, point and exponent
MAX_NUMBER_EXPONENT = 30  # |adjusted exponent|: 1E+30 is read, 1E+31 is not
_FLOAT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")


class JSONObject(dict):
    """A parsed JSON object; `duplicate_keys` lists keys that occurred more than once."""

    duplicate_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class UnreadableNumber:
    """A JSON number that is not read: NaN or ±Infinity, or too long or too large to convert.

    The parser keeps it in the data (as its text) so that the validator reports it with its path.
    """

    text: str
    constant: bool = False  # NaN, Infinity, -Infinity

    def __repr__(self) -> str:
        return self.text if len(self.text) <= 40 else self.text[:40] + "…"


def _object_pairs(pairs: list[tuple[str, Any]]) -> JSONObject:
    obj = JSONObject(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        obj.duplicate_keys = tuple(k for k, _v in pairs if k in seen or seen.add(k))
    return obj


def _parse_int(text: str) -> int | UnreadableNumber:
    if len(text) > MAX_NUMBER_CHARS:
        return UnreadableNumber(text)
    return int(text)


def _parse_float(text: str) -> Decimal | UnreadableNumber:
    # The length bound comes first: it keeps the exponent short, so reading it costs nothing.
    if len(text) > MAX_NUMBER_CHARS or not _FLOAT.fullmatch(text):
        return UnreadableNumber(text)
    number = Decimal(text)
    if number and abs(number.adjusted()) > MAX_NUMBER_EXPONENT:
        return UnreadableNumber(text)
    return number


def _parse_constant(name: str) -> UnreadableNumber:
    return UnreadableNumber(name, constant=True)


def too_deep(data: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether arrays and objects nest deeper than `limit` (walked without recursion)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def max_bytes_default() -> int:
    return settings.EXCHANGE_MAX_BYTES


def document_load(
    document: bytes | str | dict, *, max_bytes: int | None = None
) -> tuple[Any, list[str]]:
    """Turn bytes, text or an already parsed dict into plain data; problems say why not.

    The size is checked before decoding and the nesting depth while and after parsing; numbers
    that are too long or too large, NaN and Infinity stay in the data as `UnreadableNumber`,
    for the validator to report with their paths.
    """
    limit = max_bytes_default() if max_bytes is None else max_bytes
    if isinstance(document, dict):
        data = document
    else:
        if isinstance(document, bytes | bytearray | memoryview | str) and len(document) > limit:
            return None, [f"{ROOT}: " + _too_large(limit)]
        if isinstance(document, bytes | bytearray | memoryview):
            try:
                # utf-8-sig: a byte-order mark, which some Windows editors add, is tolerated.
                document = bytes(document).decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                return None, [
                    f"{ROOT}: "
                    + _("文件不是 UTF-8 编码（第 %(pos)d 个字节无法解码）。")
                    % {"pos": exc.start + 1}
                ]
        if not isinstance(document, str):
            return None, [f"{ROOT}: " + _("文档应为 JSON 文本。")]
        try:
            data = json.loads(
                document,
                parse_int=_parse_int,
                parse_float=_parse_float,
                parse_constant=_parse_constant,
                object_pairs_hook=_object_pairs,
            )
        except RecursionError:
            return None, [f"{ROOT}: " + _too_deep()]
        except (json.JSONDecodeError, ValueError) as exc:
            where = ""
            if isinstance(exc, json.JSONDecodeError):
                where = _("（第 %(line)d 行第 %(col)d 列）") % {
                    "line": exc.lineno,
                    "col": exc.colno,
                }
            return None, [f"{ROOT}: " + _("文件不是有效的 JSON%(where)s。") % {"where": where}]
    if too_deep(data):
        return None, [f"{ROOT}: " + _too_deep()]
    return data, []


def _too_large(limit: int) -> str:
    return _("文件过大（上限 %(size)s），未导入任何数据。") % {"size": size_text(limit)}


def _too_deep() -> str:
    return _("JSON 嵌套层数过多（最多 %(n)d 层）。") % {"n": MAX_DEPTH}


def size_text(n: int) -> str:
    """A byte count as people read a limit: 200 MB, 512 KB, 100 字节."""
    if n >= 1024 * 1024 and n % (1024 * 1024) == 0:
        return f"{n // (1024 * 1024)} MB"
    if n >= 1024 and n % 1024 == 0:
        return f"{n // 1024} KB"
    return _("%(n)d 字节") % {"n": n}


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
