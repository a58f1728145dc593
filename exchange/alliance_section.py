"""The `alliances` section of a township in the exchange document (EXCHANGE.md, “Cooperatives and
alliances”): validation with every error's path, the atomic and idempotent import, the export.

Hooked into `validate.py`, `importer.py` and `exporter.py` with a few lines each. The section is
optional: a document without it is valid and leaves the township's alliances as they are; with
it, the township's alliances, their organisations and wishes mirror the file (codes and ids are
the keys). `export_township` writes it only when the township has alliances, so export → import
→ export is identical.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from alliances import rules
from alliances.models import (
    Alliance,
    AllianceKind,
    Organisation,
    OrganisationKind,
    ProjectItem,
    Wish,
)
from exchange.document import date_text
from township import plausible
from township.db import delete_pks

KEY = "alliances"


# --- validation ---------------------------------------------------------------------------------


def validate(c, t: dict, path: str, *, branch_codes: dict, member_branch: dict) -> list | None:
    """The section normalised (None when the township has no `alliances` key); problems go to
    the checker `c` of `exchange.validate` with their paths."""
    from exchange.validate import MISSING, _shown

    if t.get(KEY, MISSING) is MISSING:
        return None
    out: list[dict] = []
    codes: dict[str, str] = {}
    parents: dict[str, Any] = {}
    for i, row in enumerate(c.list(t, KEY, path)):
        p = f"{path}.{KEY}[{i}]"
        if c.obj(row, p) is None:
            continue
        code = c.text(row, "code", p, max_length=20)
        c.unique(codes, code, p, "code", _("联盟代码"))
        parent = c.text(row, "parent", p, max_length=20, required=False) or None
        kind = c.choice(row, "kind", p, AllianceKind.values)
        if isinstance(code, str):
            parents.setdefault(code, (parent, p, kind))
        out.append(
            {
                "code": code,
                "name": c.text(row, "name", p, max_length=100),
                "kind": kind,
                "parent": parent,
                "leader": c.text(row, "leader", p, max_length=50, required=False),
                "organisations": _organisations(c, row, p, branch_codes),
                "wishes": _wishes(c, row, p, member_branch),
            }
        )
    for parent, p, kind in parents.values():
        if not isinstance(parent, str):
            continue
        if parent not in parents:
            c.problem(f"{p}.parent", _("未知的上级联盟 %(code)s。") % {"code": _shown(parent)})
        elif kind == AllianceKind.CORE:
            c.problem(f"{p}.parent", rules.parent_problem(kind=kind, parent_kind=parent))
    known = {code: v[0] if v[0] in parents else None for code, v in parents.items()}
    cycle = rules.parent_cycles(known)
    for code in cycle:
        c.problem(
            f"{parents[code][1]}.parent",
            _("上级联盟形成循环（%(codes)s）。") % {"codes": " → ".join(cycle)},
        )
    return out


def _organisations(c, row: dict, p: str, branch_codes: dict) -> list[dict]:
    from exchange.validate import MISSING, _shown

    if row.get("organisations", MISSING) is MISSING:
        return []
    out, codes, branches = [], {}, {}
    for j, org in enumerate(c.list(row, "organisations", p)):
        q = f"{p}.organisations[{j}]"
        if c.obj(org, q) is None:
            continue
        code = c.text(org, "code", q, max_length=20)
        c.unique(codes, code, q, "code", _("成员单位代码"))
        kind = c.choice(org, "kind", q, OrganisationKind.values)
        branch = c.text(org, "branch", q, max_length=20, required=False) or None
        if kind == OrganisationKind.BRANCH:
            if branch is None:
                c.problem(f"{q}.branch", _("类型为 branch 的成员单位须填写党支部代码。"))
            elif isinstance(branch, str) and branch not in branch_codes:
                branch = c.problem(
                    f"{q}.branch", _("未知的党支部 %(code)s。") % {"code": _shown(branch)}
                )
            elif isinstance(branch, str):
                c.unique(branches, branch, q, "branch", _("成员党支部"))
        elif isinstance(kind, str) and branch is not None:
            c.problem(
                f"{q}.branch",
                _("只有类型为 branch 的成员单位才能填写 branch（此处为 %(kind)s）。")
                % {"kind": kind},
            )
        out.append(
            {
                "code": code,
                "name": c.text(org, "name", q, max_length=100),
                "kind": kind,
                "branch": branch,
            }
        )
    return out


def _wishes(c, row: dict, p: str, member_branch: dict) -> list[dict]:
    from exchange.validate import MISSING, _shown

    if row.get("wishes", MISSING) is MISSING:
        return []
    out, ids = [], {}
    for j, wish in enumerate(c.list(row, "wishes", p)):
        q = f"{p}.wishes[{j}]"
        if c.obj(wish, q) is None:
            continue
        code = c.text(wish, "id", q, max_length=20)
        c.unique(ids, code, q, "id", _("微心愿编号"))
        raised = c.date(wish, "raised_on", q)
        claimed_by = c.text(wish, "claimed_by", q, max_length=30, required=False) or None
        if isinstance(claimed_by, str) and claimed_by not in member_branch:
            claimed_by = c.problem(
                f"{q}.claimed_by", _("未知的党员 %(code)s。") % {"code": _shown(claimed_by)}
            )
        claimed = c.date(wish, "claimed_on", q, required=False)
        fulfilled = c.date(wish, "fulfilled_on", q, required=False)
        evidence = c.text(wish, "evidence", q, max_length=1000, required=False)
        for key, day in (
            ("raised_on", raised),
            ("claimed_on", claimed),
            ("fulfilled_on", fulfilled),
        ):
            if isinstance(day, dt.date):
                c.warn(q, key, plausible.record_date(day, today=c.today))
        if (claimed_by is None) != (claimed is None):
            missing = "claimed_on" if claimed is None else "claimed_by"
            c.problem(f"{q}.{missing}", _("认领党员与认领日期须同时填写。"))
        if isinstance(raised, dt.date) and isinstance(claimed, dt.date):
            problem = rules.wish_claim_problem(raised_on=raised, claimed_on=claimed)
            if problem:
                c.problem(f"{q}.claimed_on", problem)
        claimed_day = claimed if isinstance(claimed, dt.date) else None
        if isinstance(fulfilled, dt.date) and (claimed is None or claimed_day is not None):
            # (a claim date that did not parse is reported already)
            problem = rules.wish_fulfil_problem(claimed_on=claimed_day, fulfilled_on=fulfilled)
            if problem:
                c.problem(f"{q}.fulfilled_on", problem)
            if isinstance(evidence, str) and rules.evidence_problem(evidence):
                c.problem(f"{q}.evidence", _("已实现的心愿须填写实现佐证。"))
        out.append(
            {
                "code": code,
                "need": c.text(wish, "need", q, max_length=200),
                "raised_on": raised,
                "claimed_by": claimed_by,
                "claimed_on": claimed,
                "fulfilled_on": fulfilled,
                "evidence": evidence,
            }
        )
    return out


# --- import -------------------------------------------------------------------------------------


def sync(sync) -> None:
    """Mirror the section into the township of `sync` (an `importer._TownshipSync` whose
    branches and members are written); nothing when the document has no section."""
    rows = sync.data.alliances
    if rows is None:
        return
    counts = sync.counts["alliances"]
    township = sync.township
    existing = {a.code: a for a in Alliance.objects.filter(township=township)}
    wanted = {r["code"] for r in rows}
    stale = [a for code, a in existing.items() if code not in wanted]
    if stale:
        Alliance.objects.filter(pk__in=[a.pk for a in stale]).update(parent=None)
        Alliance.objects.filter(parent__in=stale).update(parent=None)
        # Their project items go with them (an item's owner organisation is protected).
        ProjectItem.objects.filter(alliance__in=stale).delete()
        counts["deleted"] += delete_pks(Alliance, [a.pk for a in stale]).get(
            Alliance._meta.label, 0
        )
    by_code: dict[str, Alliance] = {}
    for r in rows:
        values = {"name": r["name"], "kind": r["kind"], "leader": r["leader"]}
        alliance = existing.get(r["code"])
        if alliance is None:
            alliance = Alliance.objects.create(township=township, code=r["code"], **values)
            counts["created"] += 1
        elif _assign(alliance, values):
            alliance.save(update_fields=list(values))
            counts["updated"] += 1
        by_code[r["code"]] = alliance
    for r in rows:
        alliance = by_code[r["code"]]
        parent = by_code[r["parent"]] if r["parent"] else None
        if alliance.parent_id != (parent.pk if parent else None):
            alliance.parent = parent
            alliance.save(update_fields=["parent"])
            counts["updated"] += 1
    for r in rows:
        alliance = by_code[r["code"]]
        _mirror(
            Organisation,
            alliance,
            r["organisations"],
            lambda o: {
                "name": o["name"],
                "kind": o["kind"],
                "branch_id": sync.branch_ids[o["branch"]] if o["branch"] else None,
            },
            counts,
        )
        _mirror(
            Wish,
            alliance,
            r["wishes"],
            lambda w: {
                "need": w["need"],
                "raised_on": w["raised_on"],
                "claimed_by_id": sync.member_ids[w["claimed_by"]] if w["claimed_by"] else None,
                "claimed_on": w["claimed_on"],
                "fulfilled_on": w["fulfilled_on"],
                "evidence": w["evidence"],
            },
            counts,
        )


def _assign(obj, values: dict) -> bool:
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    for k in changed:
        setattr(obj, k, values[k])
    return bool(changed)


def _mirror(model, alliance: Alliance, rows: list[dict], values_of, counts) -> None:
    """Rows of `model` in `alliance` by code: stale ones deleted first (so a branch or code can
    move between rows), then changed ones updated and new ones created."""
    existing = {o.code: o for o in model.objects.filter(alliance=alliance)}
    wanted = {r["code"] for r in rows}
    stale = [o.pk for code, o in existing.items() if code not in wanted]
    if stale:
        counts["deleted"] += delete_pks(model, stale).get(model._meta.label, 0)
    created = []
    for r in rows:
        values = values_of(r)
        obj = existing.get(r["code"])
        if obj is None:
            created.append(model(alliance=alliance, code=r["code"], **values))
        elif _assign(obj, values):
            obj.save(update_fields=list(values))
            counts["updated"] += 1
    model.objects.bulk_create(created)
    counts["created"] += len(created)


# --- export -------------------------------------------------------------------------------------


def export(township) -> dict:
    """{"alliances": [...]} when the township has alliances, else {} (the key stays absent)."""
    alliances = list(
        Alliance.objects.filter(township=township).select_related("parent").order_by("code")
    )
    if not alliances:
        return {}
    organisations: dict[int, list[Organisation]] = {a.pk: [] for a in alliances}
    for o in Organisation.objects.filter(alliance__township=township).select_related("branch"):
        organisations[o.alliance_id].append(o)
    wishes: dict[int, list[Wish]] = {a.pk: [] for a in alliances}
    for w in Wish.objects.filter(alliance__township=township).select_related("claimed_by"):
        wishes[w.alliance_id].append(w)
    return {
        KEY: [
            {
                "code": a.code,
                "name": a.name,
                "kind": a.kind,
                "parent": a.parent.code if a.parent_id else None,
                "leader": a.leader or None,
                "organisations": [
                    {
                        "code": o.code,
                        "name": o.name,
                        "kind": o.kind,
                        "branch": o.branch.code if o.branch_id else None,
                    }
                    for o in sorted(organisations[a.pk], key=lambda o: o.code)
                ],
                "wishes": [
                    {
                        "id": w.code,
                        "need": w.need,
                        "raised_on": date_text(w.raised_on),
                        "claimed_by": w.claimed_by.code if w.claimed_by_id else None,
                        "claimed_on": date_text(w.claimed_on),
                        "fulfilled_on": date_text(w.fulfilled_on),
                        "evidence": w.evidence or None,
                    }
                    for w in sorted(wishes[a.pk], key=lambda w: w.code)
                ],
            }
            for a in alliances
        ]
    }
