"""Importing a township document: validate everything, then mirror it in one transaction.

Each township of the document replaces the township's records of the kinds the format carries:
rows with a code or id are matched by it and updated in place; dues, visits and point
adjustments, which have no id, are matched as a multiset on their content (matching rows are
kept, missing ones created, the rest deleted); dues (one per member and month), office and
target scores are matched on their natural key. A row is written only when a value differs, so
importing the same file twice changes nothing. Fields the format does not carry (minutes, …)
are kept; so are a member's phone and ID number when the document does not give them.

Implausible records (exchange.validate: dates after today, a member who joined the Party before
18, …) are imported with warnings, each with its JSON path: `ImportResult.warnings`, counted in
the import's audit entry.

Locked months stay locked: an import that would create, change or delete a record dated in a
locked month (meetings and their attendance, dues by month and payment date, visits,
adjustments, office scores) is refused with the list of those records, unless the caller gives
a reason to reopen them; then the months are reopened first (scoring's `month_reopen`, audited
with that reason) and the file imported.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError, Q, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import Area, Attendance, Branch, County, Meeting, Township
from exchange import alliance_section, coop_section
from exchange.document import ROOT, document_load
from exchange.validate import DocumentData, TownshipData, document_validate
from members.models import Applicant, DuesPayment, Household, Member, PointAdjustment, Visit
from scoring.models import BranchMonthScore, MemberMonthScore, OfficeScore, TargetScore
from scoring.services import month_reopen
from township.audit import audit_log
from township.db import IN_BATCH, delete_pks
from township.errors import ExchangeError
from township.months import locked_months, months_mark_changed
from township.permissions import IMPORT_DATA, Role
from township.scoping import scope_for

KINDS = (
    "township",
    "areas",
    "branches",
    "members",
    "households",
    "applicants",
    "meetings",
    "attendance",
    "dues",
    "visits",
    "adjustments",
    "office_scores",
    "target_scores",
    *coop_section.KINDS,
    "alliances",
)

_KIND_OF_MODEL = {
    Area._meta.label: "areas",
    Branch._meta.label: "branches",
    Member._meta.label: "members",
    Household._meta.label: "households",
    Applicant._meta.label: "applicants",
    Meeting._meta.label: "meetings",
    Attendance._meta.label: "attendance",
    DuesPayment._meta.label: "dues",
    Visit._meta.label: "visits",
    PointAdjustment._meta.label: "adjustments",
    OfficeScore._meta.label: "office_scores",
    TargetScore._meta.label: "target_scores",
    **coop_section.MODEL_KINDS,
}

BATCH = IN_BATCH


@dataclass(frozen=True)
class TownshipImportCounts:
    """What an import did to one township; `by_kind` maps a kind to its three counts."""

    code: str
    created: int
    updated: int
    deleted: int
    by_kind: dict[str, dict[str, int]] = field(default_factory=dict, hash=False)


class LockedMonthsError(ExchangeError):
    """The import would change records of locked months; `months` holds (township code, month)
    pairs and `problems` one line per record with its JSON path."""

    default_message = _(
        "导入会修改已锁定月份的记录，未导入任何数据。如确需修改，请填写原因，重新开放这些月份后导入。"
    )

    def __init__(self, problems: list[str], months: set[tuple[str, dt.date]]):
        super().__init__(problems)
        self.message = self.default_message
        self.months = months


@dataclass(frozen=True)
class ImportResult:
    townships: tuple[TownshipImportCounts, ...]
    reopened: tuple[tuple[str, dt.date], ...] = ()  # (township code, month) reopened first
    warnings: tuple[str, ...] = ()  # "path: message" for each implausible record imported

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(t.code for t in self.townships)

    @property
    def created(self) -> int:
        return sum(t.created for t in self.townships)

    @property
    def updated(self) -> int:
        return sum(t.updated for t in self.townships)

    @property
    def deleted(self) -> int:
        return sum(t.deleted for t in self.townships)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


def township_import(
    *,
    actor,
    document: bytes | str | dict,
    actor_name: str = "",
    reopen_reason: str = "",
    reopen_months: set[tuple[str, dt.date]] | None = None,
) -> ImportResult:
    """Validate `document` fully, then write it atomically; ExchangeError lists every problem.
    Implausible records are imported and listed in the result's `warnings`.

    `actor` is the user importing (an office user may import only their own township), or None
    for the command line. An import that changes records of locked months raises
    LockedMonthsError, unless `reopen_reason` is given: then those months are reopened with it
    before the import. `reopen_months`, when given, is the set the user confirmed ((township
    code, month) pairs): a month outside it is refused again rather than reopened.
    """
    data, problems = document_load(document)
    if problems:
        raise ExchangeError(problems)
    parsed, problems = document_validate(data)
    del data, document  # the normalised rows are all that is needed now: memory goes back
    if problems:
        raise ExchangeError(problems)
    assert parsed is not None  # no problems means a document
    problems = _actor_problems(actor=actor, parsed=parsed)
    if problems:
        raise ExchangeError(problems)

    reopen_reason = (reopen_reason or "").strip()
    with transaction.atomic():
        problems = _deletion_problems(parsed=parsed)
        if problems:
            raise ExchangeError(problems)
        try:
            # A savepoint: refused on a locked month, what was written so far is undone.
            with transaction.atomic():
                return ImportResult(
                    townships=_sync(actor, actor_name, parsed), warnings=tuple(parsed.warnings)
                )
        except LockedMonthsError as exc:
            if not reopen_reason or (reopen_months is not None and exc.months - reopen_months):
                raise
            reopened = _reopen(actor, actor_name, exc.months, reopen_reason)
        # The months are open now: the same import finds nothing locked.
        return ImportResult(
            townships=_sync(actor, actor_name, parsed),
            reopened=reopened,
            warnings=tuple(parsed.warnings),
        )


def _sync(actor, actor_name: str, parsed: DocumentData) -> tuple[TownshipImportCounts, ...]:
    county = _county_sync(actor=actor, parsed=parsed)
    results, locked_problems, locked = [], [], set()
    for data_township in parsed.townships:
        sync = _TownshipSync(county=county, data=data_township)
        try:
            results.append(sync.run(actor=actor, actor_name=actor_name))
        except (ProtectedError, RestrictedError) as exc:
            blocking = getattr(exc, "protected_objects", None) or getattr(
                exc, "restricted_objects", ()
            )
            names = "、".join(sorted({str(o) for o in blocking}))[:200]
            raise ExchangeError(
                [
                    f"{data_township.path}: "
                    + _("文件中没有的记录仍被其他数据引用，不能删除：%(names)s。")
                    % {"names": names}
                ]
            ) from exc
        locked_problems += sync.locked_problems
        locked |= {(data_township.code, month) for month in sync.locked_hit}
    if locked_problems:
        raise LockedMonthsError(locked_problems, locked)
    return tuple(results)


def _reopen(
    actor, actor_name: str, months: set[tuple[str, dt.date]], reason: str
) -> tuple[tuple[str, dt.date], ...]:
    townships = {t.code: t for t in Township.objects.filter(code__in={c for c, _m in months})}
    for code, month in sorted(months):
        month_reopen(
            actor=actor, actor_name=actor_name, township=townships[code], month=month, reason=reason
        )
    return tuple(sorted(months))


# Checks that need the database ---------------------------------------------------------------


def _actor_problems(*, actor, parsed: DocumentData) -> list[str]:
    if actor is None:
        return []  # the command line
    scope = scope_for(actor)
    if scope.is_empty and getattr(actor, "is_superuser", False):
        return []
    if not scope.can(IMPORT_DATA) or scope.role != Role.OFFICE:
        return [f"{ROOT}: " + _("您没有导入乡镇数据的权限。")]
    own = Township.objects.select_related("county").get(pk=scope.township_id)
    problems = []
    if parsed.county_code != own.county.code:
        problems.append(
            "county.code: "
            + _("文件中的县 %(code)s 不是本乡镇所属的县 %(own)s。")
            % {"code": parsed.county_code, "own": own.county.code}
        )
    for t in parsed.townships:
        if t.code != own.code:
            problems.append(
                f"{t.path}.code: "
                + _("您只能导入本乡镇（%(own)s）的数据，不能导入乡镇 %(code)s。")
                % {"own": own.code, "code": t.code}
            )
    return problems


def _deletion_problems(*, parsed: DocumentData) -> list[str]:
    """Members and branches missing from the file are deleted, unless a user account uses them."""
    from township.models import User

    problems = []
    for t in parsed.townships:
        members = {m["code"] for m in t.members}
        branches = {b["code"] for b in t.branches}
        # The township's linked accounts are few; the file's codes may be hundreds of thousands,
        # so they are compared here rather than sent to the database as one `NOT IN` list.
        users = (
            User.objects.filter(township__code=t.code)
            .filter(Q(member__isnull=False) | Q(branch__isnull=False))
            .select_related("member", "branch")
            .order_by("pk")
        )
        users = list(users)
        for user in users:
            if user.member is None or user.member.code in members:
                continue
            problems.append(
                f"{t.path}.members: "
                + _("党员 %(code)s 不在文件中，但用户账号 %(user)s 与其关联，不能删除。")
                % {"code": user.member.code, "user": user.get_username()}
            )
        for user in users:
            if user.branch is None or user.branch.code in branches:
                continue
            problems.append(
                f"{t.path}.branches: "
                + _("党支部 %(code)s 不在文件中，但用户账号 %(user)s 与其关联，不能删除。")
                % {"code": user.branch.code, "user": user.get_username()}
            )
    return problems


def _county_sync(*, actor, parsed: DocumentData) -> County:
    county, created = County.objects.get_or_create(
        code=parsed.county_code, defaults={"name": parsed.county_name}
    )
    # The county is shared by other townships: only the system renames it.
    if not created and actor is None and county.name != parsed.county_name:
        county.name = parsed.county_name
        county.save(update_fields=["name"])
    return county


# Writing one township ----------------------------------------------------------------------


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _quarter_end(day: dt.date) -> dt.date:
    return dt.date(day.year, (day.month - 1) // 3 * 3 + 3, 1)


class _TownshipSync:
    """Mirrors one township of the document with a fixed number of set-based queries."""

    def __init__(self, *, county: County, data: TownshipData) -> None:
        self.county = county
        self.data = data
        self.counts = {kind: Counter() for kind in KINDS}
        self.months: set[dt.date] = set()  # months whose scoring inputs changed
        self.structural = False  # a change that may affect every month (roster, branches, …)
        self._stale: dict[str, list[int]] = {}  # pks missing from the file, deleted last
        self.locked: set[dt.date] = set()  # the township's locked months
        self.locked_hit: set[dt.date] = set()  # … that this import would change
        self.locked_problems: list[str] = []  # one line per record changed in a locked month

    def run(self, *, actor, actor_name: str) -> TownshipImportCounts:
        self.township = self._township()
        self.locked = locked_months(township_id=self.township.pk)
        self.area_ids = self._coded(Area, "areas", self.data.areas, lambda r: {"name": r["name"]})
        self.branch_ids = self._coded(
            Branch,
            "branches",
            self.data.branches,
            lambda r: {
                "name": r["name"],
                "kind": r["kind"],
                "area_id": self.area_ids[r["area"]] if r["area"] else None,
                "has_groups": r["has_groups"],
                "ranked": r["ranked"],
            },
        )
        self.member_ids = self._coded(
            Member,
            "members",
            self.data.members,
            lambda r: {
                "name": r["name"],
                "gender": r["gender"],
                "birth_date": r["birth_date"],
                "branch_id": self.branch_ids[r["branch"]],
                "status": r["status"],
                "joined_party_on": r["joined_party_on"],
                "probation_ends_on": r["probation_ends_on"],
                "dues_exempt": r["dues_exempt"],
                "rating_exempt": r["rating_exempt"],
                "flowing": r["flowing"],
                "branch_since": r["branch_since"],
                "left_on": r["left_on"],
                # Only when the document gives them (EXCHANGE.md does not name them).
                **{k: r[k] for k in ("id_number", "phone") if k in r},
            },
        )
        self._coded(
            Applicant,
            "applicants",
            self.data.applicants,
            lambda r: {
                "name": r["name"],
                "branch_id": self.branch_ids[r["branch"]],
                "stage": r["stage"],
                "stage_since": r["stage_since"],
            },
            delete_stale=True,
            # The admitted are not in the document (its stages end at candidate): their
            # pipeline history stays.
            keep=lambda obj: obj.stage in ("probationary", "full"),
        )
        self.meeting_ids = self._meetings()
        self._attendance()
        self._households()
        self._dues()
        self._visits()
        self._adjustments()
        self._office_scores()
        self._target_scores()
        coop_section.section_import(self)
        alliance_section.sync(self)  # the optional section, once branches and members are in
        for model, kind in ((Member, "members"), (Branch, "branches"), (Area, "areas")):
            self._delete_stale(model, kind)
        self.structural = self.structural or any(
            sum(self.counts[kind].values())
            for kind in ("branches", "members", "applicants", "households")
        )
        self._invalidate_scores()

        by_kind = {
            kind: {v: self.counts[kind][v] for v in ("created", "updated", "deleted")}
            for kind in KINDS
        }
        result = TownshipImportCounts(
            code=self.township.code,
            created=sum(c["created"] for c in by_kind.values()),
            updated=sum(c["updated"] for c in by_kind.values()),
            deleted=sum(c["deleted"] for c in by_kind.values()),
            by_kind=by_kind,
        )
        audit_log(
            actor=actor,
            actor_name=actor_name,
            action="exchange.imported",
            township=self.township,
            obj=self.township,
            data={
                "created": result.created,
                "updated": result.updated,
                "deleted": result.deleted,
                "counts": {k: v for k, v in by_kind.items() if any(v.values())},
                "warnings": len(self.data.warnings),
            },
        )
        return result

    # Locked months ---------------------------------------------------------------------------

    def _guard(self, path: str, days: Iterable[dt.date], *, deleted: str = "", new=False) -> None:
        """Note a record at `path` that the import creates (`new`), changes, or deletes
        (`deleted` names it), when one of its `days` lies in a locked month."""
        months = sorted({_month(d) for d in days} & self.locked)
        if not months:
            return
        self.locked_hit.update(months)
        shown = "、".join(f"{m:%Y年%m月}" for m in months)
        if deleted:
            message = _("%(months)s 已锁定，导入会删除该月的%(record)s（文件中没有）。") % {
                "months": shown,
                "record": deleted,
            }
        elif new:
            message = _("%(months)s 已锁定，导入会在该月新增这条记录。") % {"months": shown}
        else:
            message = _("%(months)s 已锁定，导入会修改该月的这条记录。") % {"months": shown}
        self.locked_problems.append(f"{path}: {message}")

    def _section(self, kind: str) -> str:
        return f"{self.data.path}.{kind}"

    # Rows with a code ------------------------------------------------------------------------

    def _township(self) -> Township:
        values = {
            "county_id": self.county.pk,
            "name": self.data.name,
            "close_day": self.data.close_day,
        }
        township = Township.objects.filter(code=self.data.code).first()
        if township is None:
            self.counts["township"]["created"] += 1
            return Township.objects.create(code=self.data.code, **values)
        changed = [name for name, value in values.items() if getattr(township, name) != value]
        if changed:
            for name in changed:
                setattr(township, name, values[name])
            township.save(update_fields=changed)
            self.counts["township"]["updated"] += 1
        return township

    def _coded(
        self, model, kind: str, rows: list[dict], values_of, *, delete_stale=False, keep=None
    ):
        """Create or update `model` rows of this township by code; return code → pk. Rows
        missing from the document are stale, except those `keep(obj)` holds on to."""
        existing = {obj.code: obj for obj in model.objects.filter(township=self.township)}
        created, updated, fields = [], [], set()
        for row in rows:
            values = values_of(row)
            obj = existing.pop(row["code"], None)
            if obj is None:
                created.append(model(township=self.township, code=row["code"], **values))
                continue
            changed = [name for name, value in values.items() if getattr(obj, name) != value]
            if changed:
                for name in changed:
                    setattr(obj, name, values[name])
                updated.append(obj)
                fields.update(changed)
        model.objects.bulk_create(created, batch_size=BATCH)
        if updated:
            model.objects.bulk_update(updated, sorted(fields), batch_size=BATCH)
        self.counts[kind]["created"] += len(created)
        self.counts[kind]["updated"] += len(updated)
        self._stale[kind] = [obj.pk for obj in existing.values() if keep is None or not keep(obj)]
        if delete_stale:
            self._delete_stale(model, kind)
        return dict(model.objects.filter(township=self.township).values_list("code", "pk"))

    def _delete_stale(self, model, kind: str) -> None:
        pks = self._stale.pop(kind, [])
        if pks:
            self._count_deleted(delete_pks(model, pks))

    def _count_deleted(self, per_model: dict[str, int]) -> None:
        for label, n in per_model.items():
            kind = _KIND_OF_MODEL.get(label)
            if kind is not None:
                self.counts[kind]["deleted"] += n

    def _meetings(self) -> dict[str, int]:
        existing = {m.code: m for m in Meeting.objects.filter(township=self.township)}
        now = timezone.now()
        created, updated, fields = [], [], set()
        for i, row in enumerate(self.data.meetings):
            values = {
                key: value
                for key, value in row.items()
                if key not in ("code", "branch", "attendance")
            }
            values["branch_id"] = self.branch_ids[row["branch"]]
            obj = existing.pop(row["code"], None)
            path = f"{self._section('meetings')}[{i}]"
            if obj is None:
                self._guard(path, [row["date"]], new=True)
                created.append(Meeting(township=self.township, code=row["code"], **values))
                continue
            changed = [name for name, value in values.items() if getattr(obj, name) != value]
            if changed:
                self._guard(path, [obj.date, row["date"]])
                self._touch(obj.date)  # the month it leaves, when the date changes
                for name in changed:
                    setattr(obj, name, values[name])
                obj.updated_at = now
                updated.append(obj)
                fields.update(changed)
        for obj in [*created, *updated, *existing.values()]:
            self._touch(obj.date)
        Meeting.objects.bulk_create(created, batch_size=BATCH)
        if updated:
            Meeting.objects.bulk_update(updated, [*sorted(fields), "updated_at"], batch_size=BATCH)
        self.counts["meetings"]["created"] += len(created)
        self.counts["meetings"]["updated"] += len(updated)
        for obj in existing.values():
            record = _("会议 %(code)s（%(date)s）") % {"code": obj.code, "date": obj.date}
            self._guard(self._section("meetings"), [obj.date], deleted=record)
        if existing:
            self._count_deleted(delete_pks(Meeting, [m.pk for m in existing.values()]))
        return dict(Meeting.objects.filter(township=self.township).values_list("code", "pk"))

    def _touch(self, day: dt.date) -> None:
        """A meeting on `day` counts in its month and in the quarter-end month (F5, F6)."""
        self.months.add(_month(day))
        self.months.add(_quarter_end(day))

    # Rows without a code ---------------------------------------------------------------------

    def _attendance(self) -> None:
        desired: dict[tuple[int, int], str] = {}
        meeting_day: dict[int, dt.date] = {}
        meeting_path: dict[int, str] = {}
        for i, row in enumerate(self.data.meetings):
            meeting_id = self.meeting_ids[row["code"]]
            meeting_day[meeting_id] = row["date"]
            meeting_path[meeting_id] = f"{self._section('meetings')}[{i}].attendance"
            for member, status in row["attendance"].items():
                desired[(meeting_id, self.member_ids[member])] = status
        code_of = {pk: code for code, pk in self.member_ids.items()}
        existing = Attendance.objects.filter(meeting__township=self.township).values_list(
            "pk", "meeting_id", "member_id", "status"
        )
        updated, stale = [], []
        for pk, meeting_id, member_id, status in existing:
            wanted = desired.pop((meeting_id, member_id), None)
            day = meeting_day[meeting_id]
            if wanted is None:
                stale.append(pk)
                self._touch(day)
                record = _("党员 %(member)s 的出勤记录") % {"member": code_of.get(member_id)}
                self._guard(meeting_path[meeting_id], [day], deleted=record)
            elif wanted != status:
                updated.append(Attendance(pk=pk, status=wanted))
                self._touch(day)
                self._guard(f"{meeting_path[meeting_id]}.{code_of[member_id]}", [day])
        created = [
            Attendance(meeting_id=meeting_id, member_id=member_id, status=status)
            for (meeting_id, member_id), status in desired.items()
        ]
        for obj in created:
            day = meeting_day[obj.meeting_id]
            self._touch(day)
            path = f"{meeting_path[obj.meeting_id]}.{code_of[obj.member_id]}"
            self._guard(path, [day], new=True)
        Attendance.objects.bulk_create(created, batch_size=BATCH)
        Attendance.objects.bulk_update(updated, ["status"], batch_size=BATCH)
        if stale:
            delete_pks(Attendance, stale)
        self.counts["attendance"].update(
            created=len(created), updated=len(updated), deleted=len(stale)
        )

    def _households(self) -> None:
        have: dict[int, list[int]] = defaultdict(list)
        rows = Household.objects.filter(member__township=self.township).order_by("member", "pk")
        for member_id, pk in rows.values_list("member_id", "pk"):
            have[member_id].append(pk)
        created, stale = [], []
        for row in self.data.members:
            member_id = self.member_ids[row["code"]]
            pks, wanted = have.get(member_id, []), row["households"]
            stale.extend(pks[wanted:])
            created.extend(
                Household(member_id=member_id, name=_("联系户%(n)d") % {"n": n})
                for n in range(len(pks) + 1, wanted + 1)
            )
        Household.objects.bulk_create(created, batch_size=BATCH)
        if stale:
            delete_pks(Household, stale)
        self.counts["households"].update(created=len(created), deleted=len(stale))

    def _multiset(
        self, model, kind: str, existing: Iterable[tuple], wanted: list[tuple], make, label
    ):
        """Keep rows whose content is in the file, create the missing, delete the rest.

        `existing` yields (pk, *key) tuples; `wanted` holds keys in file order; `make(key)`
        builds a row; `label(key)` names a row to be deleted. A key's second item is its date.
        Returns the keys created and deleted.
        """
        pool: dict[tuple, list[int]] = defaultdict(list)
        for pk, *key in existing:
            pool[tuple(key)].append(pk)
        missing = []
        for i, key in enumerate(wanted):
            if pool.get(key):
                pool[key].pop()
            else:
                missing.append(key)
                self._guard(f"{self._section(kind)}[{i}]", [key[1]], new=True)
        stale = [(pk, key) for key, pks in pool.items() for pk in pks]
        for _pk, key in stale:
            self._guard(self._section(kind), [key[1]], deleted=label(key))
        model.objects.bulk_create([make(key) for key in missing], batch_size=BATCH)
        if stale:
            delete_pks(model, [pk for pk, _key in stale])
        self.counts[kind].update(created=len(missing), deleted=len(stale))
        return missing + [key for _pk, key in stale]

    def _dues(self) -> None:
        """One payment per member and month: matched on (member, month), changed in place."""
        existing = {
            (member_id, month): (pk, amount, paid_on)
            for pk, member_id, month, amount, paid_on in DuesPayment.objects.filter(
                member__township=self.township
            ).values_list("pk", "member_id", "month", "amount", "paid_on")
        }
        created, updated = [], []
        for i, row in enumerate(self.data.dues):
            key = (self.member_ids[row["member"]], row["month"])
            path = f"{self._section('dues')}[{i}]"
            pk, amount, paid_on = existing.pop(key, (None, None, None))
            if pk is None:
                self._guard(path, [row["month"], row["paid_on"]], new=True)
                created.append(
                    DuesPayment(
                        member_id=key[0], month=key[1], amount=row["amount"], paid_on=row["paid_on"]
                    )
                )
            elif (amount, paid_on) != (row["amount"], row["paid_on"]):
                self._guard(path, [row["month"], paid_on, row["paid_on"]])
                updated.append(DuesPayment(pk=pk, amount=row["amount"], paid_on=row["paid_on"]))
            else:
                continue
            self.months.add(key[1])
        code_of = {pk: code for code, pk in self.member_ids.items()}
        for (member_id, month), (_pk, _amount, paid_on) in existing.items():
            record = _("党员 %(member)s %(month)s 的党费") % {
                "member": code_of.get(member_id),
                "month": f"{month:%Y-%m}",
            }
            self._guard(self._section("dues"), [month, paid_on], deleted=record)
            self.months.add(month)
        # Deleted first: a payment moved to another member's month never meets its old row.
        if existing:
            DuesPayment.objects.filter(pk__in=[pk for pk, _a, _p in existing.values()]).delete()
        DuesPayment.objects.bulk_create(created, batch_size=BATCH)
        DuesPayment.objects.bulk_update(updated, ["amount", "paid_on"], batch_size=BATCH)
        self.counts["dues"].update(
            created=len(created), updated=len(updated), deleted=len(existing)
        )

    def _visits(self) -> None:
        keys = [
            (self.member_ids[r["member"]], r["date"], r["household_name"], r["note"])
            for r in self.data.visits
        ]
        existing = Visit.objects.filter(member__township=self.township).values_list(
            "pk", "member_id", "date", "household_name", "note"
        )
        code_of = {pk: code for code, pk in self.member_ids.items()}
        changed = self._multiset(
            Visit,
            "visits",
            existing,
            keys,
            lambda k: Visit(member_id=k[0], date=k[1], household_name=k[2], note=k[3]),
            lambda k: (
                _("党员 %(member)s %(date)s 的走访记录")
                % {"member": code_of.get(k[0]), "date": k[1]}
            ),
        )
        self.months.update(_month(k[1]) for k in changed)

    def _adjustments(self) -> None:
        keys = [
            (self.member_ids[r["member"]], r["date"], r["points"], r["reason"])
            for r in self.data.adjustments
        ]
        existing = PointAdjustment.objects.filter(member__township=self.township).values_list(
            "pk", "member_id", "date", "points", "reason"
        )
        code_of = {pk: code for code, pk in self.member_ids.items()}
        changed = self._multiset(
            PointAdjustment,
            "adjustments",
            existing,
            keys,
            lambda k: PointAdjustment(member_id=k[0], date=k[1], points=k[2], reason=k[3]),
            lambda k: (
                _("党员 %(member)s %(date)s 的加减分") % {"member": code_of.get(k[0]), "date": k[1]}
            ),
        )
        self.months.update(_month(k[1]) for k in changed)

    def _keyed(
        self, model, kind: str, key_field: str, value_field: str, rows: list[dict], dated=False
    ):
        """Rows unique on (branch, key_field): update the value in place; return changed keys.

        With `dated`, the key is a month, and a change in a locked month is noted."""
        existing = {
            (branch_id, key): (pk, value)
            for pk, branch_id, key, value in model.objects.filter(
                branch__township=self.township
            ).values_list("pk", "branch_id", key_field, value_field)
        }
        created, updated, changed = [], [], []
        for i, row in enumerate(rows):
            key = (self.branch_ids[row["branch"]], row[key_field])
            pk, value = existing.pop(key, (None, None))
            if pk is None:
                created.append(
                    model(branch_id=key[0], **{key_field: key[1], value_field: row[value_field]})
                )
            elif value != row[value_field]:
                updated.append(model(pk=pk, **{value_field: row[value_field]}))
            else:
                continue
            if dated:
                self._guard(f"{self._section(kind)}[{i}]", [key[1]], new=pk is None)
            changed.append(key[1])
        if dated:
            code_of = {pk: code for code, pk in self.branch_ids.items()}
            for branch_id, month in existing:
                record = _("党支部 %(branch)s 的评价") % {"branch": code_of.get(branch_id)}
                self._guard(self._section(kind), [month], deleted=record)
        model.objects.bulk_create(created, batch_size=BATCH)
        model.objects.bulk_update(updated, [value_field], batch_size=BATCH)
        if existing:
            delete_pks(model, [pk for pk, _v in existing.values()])
        changed.extend(key for _branch, key in existing)
        self.counts[kind].update(created=len(created), updated=len(updated), deleted=len(existing))
        return changed

    def _office_scores(self) -> None:
        months = self._keyed(
            OfficeScore, "office_scores", "month", "points", self.data.office_scores, dated=True
        )
        self.months.update(months)

    def _target_scores(self) -> None:
        years = self._keyed(TargetScore, "target_scores", "year", "score", self.data.target_scores)
        # A target score feeds the annual result: mark the year (locked months keep their
        # figures; the year's results are computed again).
        self.months.update(dt.date(year, m, 1) for year in set(years) for m in range(1, 13))

    # Scores ----------------------------------------------------------------------------------

    def _invalidate_scores(self) -> None:
        months = set(self.months)
        if self.structural:
            months |= self._all_months()
        if months:
            months_mark_changed(township_id=self.township.pk, days=months)

    def _all_months(self) -> set[dt.date]:
        data = self.data
        months: set[Any] = {_month(m["date"]) for m in data.meetings}
        months |= {d["month"] for d in data.dues}
        months |= {_month(v["date"]) for v in data.visits}
        months |= {_month(a["date"]) for a in data.adjustments}
        months |= {o["month"] for o in data.office_scores}
        months |= set(
            BranchMonthScore.objects.filter(branch__township=self.township)
            .values_list("month", flat=True)
            .distinct()
        )
        months |= set(
            MemberMonthScore.objects.filter(branch__township=self.township)
            .values_list("month", flat=True)
            .distinct()
        )
        return months
