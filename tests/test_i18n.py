"""The English interface is complete: no template text outside the translation tags, and no
entry of the English catalogue left empty, fuzzy, or missing from the compiled catalogue."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
# What the template engine translates, and what never reaches a page.
TRANSLATED = [
    re.compile(r"\{%\s*blocktranslate\b.*?%\}.*?\{%\s*endblocktranslate\s*%\}", re.S),
    re.compile(r"\{%\s*translate\s+(\".*?\"|'.*?').*?%\}", re.S),
    re.compile(r"_\((\".*?\"|'.*?')\)", re.S),
    re.compile(r"\{#.*?#\}", re.S),
    re.compile(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S),
]


def _untranslated_lines(text: str) -> list[tuple[int, str]]:
    for pattern in TRANSLATED:
        text = pattern.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    return [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1) if CJK.search(line)]


def test_the_scanner_sees_text_outside_the_tags():
    page = '{% translate "党员" %}\n<td>{{ x|date:_("Y年n月") }}</td>\n<p>未翻译</p>\n{# 注释 #}'
    assert _untranslated_lines(page) == [(3, "<p>未翻译</p>")]


def test_every_chinese_text_in_the_templates_goes_through_translation():
    found = [
        f"{path.relative_to(ROOT)}:{n}: {line[:120]}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for n, line in _untranslated_lines(path.read_text(encoding="utf-8"))
    ]
    assert not found, "Chinese outside {% translate %}:\n" + "\n".join(found)


def _unquote(line: str) -> str:
    return ast.literal_eval(line)


def _po_entries(text: str) -> list[dict]:
    """The entries of a .po file: msgctxt, msgid, msgid_plural, msgstr list, fuzzy."""
    entries, entry, key = [], None, None
    for raw in [*text.splitlines(), ""]:
        line = raw.strip()
        if not line:
            if entry and "msgid" in entry:
                entries.append(entry)
            entry, key = None, None
            continue
        entry = entry if entry is not None else {"msgstr": {}, "fuzzy": False}
        if line.startswith("#,"):
            entry["fuzzy"] = "fuzzy" in line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            if isinstance(key, tuple):
                entry["msgstr"][key[1]] += _unquote(line)
            else:
                entry[key] += _unquote(line)
        else:
            word, _sep, rest = line.partition(" ")
            if word.startswith("msgstr"):
                index = int(word[7:-1]) if "[" in word else 0
                key = ("msgstr", index)
                entry["msgstr"][index] = _unquote(rest)
            else:
                key = word
                entry[key] = _unquote(rest)
    return [e for e in entries if e["msgid"]]  # the header has an empty msgid


def test_every_english_entry_is_translated_and_compiled():
    entries = _po_entries(PO.read_text(encoding="utf-8"))
    assert len(entries) > 500
    empty = [e["msgid"] for e in entries if not all(e["msgstr"].values())]
    fuzzy = [e["msgid"] for e in entries if e["fuzzy"]]
    assert not empty, f"{len(empty)} entries without English: {empty[:10]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy entries: {fuzzy[:10]}"
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for e in entries:
        msgid = e["msgid"] if "msgctxt" not in e else f"{e['msgctxt']}\x04{e['msgid']}"
        if "msgid_plural" in e:
            got = compiled.ngettext(msgid, e["msgid_plural"], 1)
        else:
            got = compiled.gettext(msgid)
        if got != e["msgstr"][0]:
            stale.append(e["msgid"])
    assert not stale, f"django.mo is older than django.po (make messages): {stale[:10]}"
