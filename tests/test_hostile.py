"""Hostile and absurd input: no server error ever, and nothing stored.

Three property suites (hypothesis):
- every form of the project, posted with hostile values in some of its fields (huge exponents,
  NaN, Infinity, NUL and control characters, 10,000-character strings, dates 0001-01-01 and
  9999-12-31, wrong types): refused (4xx, or the form re-shown with its errors) and no row
  changed;
- the exchange document, with the same kind of values at any of its leaves: an ExchangeError
  naming the path, nothing written, answered within a second;
- every GET page of every role (the permission matrix's rows), with hostile query parameters:
  never a 5xx.
Each suite starts with the valid input it spoils, accepted: a test that cannot fail proves nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django import forms
from django.apps import apps
from django.contrib.messages import ERROR, get_messages
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories as f
from tests import test_permissions as matrix
from township.errors import ExchangeError

world = matrix.world  # the permission matrix's objects: meetings, members and jobs in each scope

BACKEND = "django.contrib.auth.backends.ModelBackend"
PROJECT_APPS = {"township", "branches", "members", "scoring", "cooperatives", "alliances"}

HOSTILE = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,  # the same examples on every run and in CI
    database=None,
)


def snapshot() -> dict[str, list[tuple]]:
    """Every row of the project's tables but the audit log (refusals may be audited)."""
    rows = {}
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label in PROJECT_APPS and meta.label != "township.AuditLog":
            rows[meta.label] = list(model.objects.order_by("pk").values_list())
    return rows


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(label for label in before if before[label] != after[label])


# --- hostile values --------------------------------------------------------------------------

HUGE_NUMBERS = ["1E+1000000", "1E+100000000", "-1E+999999999999", "9" * 5000, "1e-400"]
NOT_FINITE = ["NaN", "Infinity", "-Infinity", "nan", "inf"]
CONTROL = ["\x00", "名\x00字", "a\x01b", "a\x1fb", "a\x7fb", "x\x0by"]  # inside: edges are stripped
LONG = ["x" * 10_000, "党" * 10_000]
BAD_DATES = ["0001-01-01", "9999-12-31", "1799-12-31", "2201-01-01", "2026-02-30", "1E+1000000"]
WRONG = ["abc", "[]", "{}", "true", "-", "²", "1/2"]


def hostile_for(form_field: forms.Field) -> st.SearchStrategy[str] | None:
    """Values this field must refuse, by its kind; None for fields no value can spoil."""
    if form_field.disabled or isinstance(form_field, forms.BooleanField | forms.FileField):
        return None  # posted values are ignored; any value is a boolean; files: suite below
    if isinstance(form_field, forms.DateField):
        return st.sampled_from(BAD_DATES + CONTROL + LONG + WRONG + HUGE_NUMBERS)
    if isinstance(form_field, forms.DecimalField | forms.IntegerField | forms.FloatField):
        return st.sampled_from(HUGE_NUMBERS + NOT_FINITE + CONTROL + LONG + WRONG)
    if isinstance(form_field, forms.ChoiceField):  # model choices too
        return st.sampled_from(
            ["99999999999999999999999", "9" * 5000, "-1", *CONTROL, *LONG, *WRONG]
        )
    if isinstance(form_field, forms.CharField):
        values = list(CONTROL)
        if form_field.max_length is not None and form_field.max_length < 10_000:
            values += LONG
        return st.sampled_from(values)
    raise AssertionError(f"no hostile values for {type(form_field).__name__}")


# --- every form --------------------------------------------------------------------------------


@dataclass
class FormCase:
    """A page with a form: who posts, valid data it accepts, and the form whose fields we spoil."""

    url: str
    kwargs: Callable
    role: str
    valid: Callable  # (world) -> dict
    form: Callable  # (world) -> an unbound instance of the page's form
    setup: Callable = lambda w: None
    # How an accepted post answers; every other answer must be a refusal.
    accepted: Callable = field(default=lambda r: r.status_code == 302 and not _error_message(r))


def _scope(user):
    from township.scoping import scope_for

    return scope_for(user)


def _meeting_form(w, editing=False):
    from branches.forms import MeetingForm

    return MeetingForm(scope=_scope(w.office), editing=editing)


def _member_form(w):
    from members.forms import MemberForm

    return MemberForm(scope=_scope(w.office))


def _form(path: str, **kwargs):
    def make(w):
        module, name = path.rsplit(".", 1)
        cls = getattr(__import__(module, fromlist=[name]), name)
        return cls(**{k: v(w) if callable(v) else v for k, v in kwargs.items()})

    return make


MEETING = {
    "type": "committee",
    "date": "2025-06-05",
    "topic": "学习党章",
    "host": "张伟",
    "lecturer": "",
    "x_activity": "",
    "minutes": "会议记录",
}
MEMBER = {
    "name": "王秀英",
    "gender": "F",
    "ethnicity": "汉族",
    "birth_date": "1970-05-01",
    "id_number": "110105197005010027",  # its check character and birth date agree
    "education": "高中",
    "joined_party_on": "1995-07-01",
    "status": "full",
    "branch_since": "2015-01-01",
    "flowing_workplace": "",
    "post": "",
    "monthly_income": "3000.00",
}


def _lock_march(w):
    import datetime as dt

    from scoring import services

    services.month_lock(actor=w.office, township=w.t1, month=dt.date(2026, 3, 1))


def _report_form(w):
    from township import reports
    from township.forms import ReportRequestForm

    scope = _scope(w.office)
    return ReportRequestForm(
        kinds=[k for k in reports.kinds() if scope.role in k.audience], scope=scope
    )


def _first_report_choice(w) -> dict:
    form = _report_form(w)
    return {
        "kind": form.fields["kind"].choices[0][0],
        "target": form.fields["target"].choices[0][0],
        "period": "2026-03",
        "format": "xlsx",
    }


def _scheme_form(w):
    from scoring import selectors
    from scoring.forms import SchemeForm

    return SchemeForm(items=selectors.scheme_current(township_id=w.t1.pk, year=2026)["items"])


def _scheme_valid(w) -> dict:
    form = _scheme_form(w)
    data = {item.code: str(item.points) for item in form.items if item.enabled}
    first = next(iter(data))
    data[first] = str(Decimal(data[first]) + 1)
    return data


def _office_form(w):
    from scoring.forms import OfficeScoresForm

    return OfficeScoresForm(branches=[w.b1, w.b2], initial_points={})


def _attendance_form(w):
    from branches.forms import AttendanceRowForm

    return AttendanceRowForm(prefix=f"m{w.m1.pk}")


def _export_form(w):
    from branches.models import Township
    from exchange.forms import ExportForm

    return ExportForm(townships=Township.objects.filter(pk=w.t1.pk))


def _login_form(w):
    from django.contrib.auth.forms import AuthenticationForm

    return AuthenticationForm()


class _Photo:
    """A photo upload that reads whole every time (hypothesis posts one valid dict many times)."""

    name = "photo.jpg"

    def read(self, *args) -> bytes:
        from tests.test_photos import photo_bytes

        return photo_bytes()


def _cadre(w):
    from branches.models import LiaisonAssignment

    return LiaisonAssignment.objects.get_or_create(
        township=w.t1, branch=w.b1, cadre_name="王建国", year=2026
    )[0]


def _liaison_guest_form(w):
    from branches.forms_photos import LiaisonGuestForm

    return LiaisonGuestForm(scope=_scope(w.office), meeting=w.mt1)


M1 = matrix.pk("m1")
MT1 = matrix.pk("mt1")
MARCH = matrix.tm("t1", month="2026-03")
FORM_CASES = {
    "meeting_create": FormCase(
        "branches:meeting_create",
        lambda w: {},
        "office",
        lambda w: {**MEETING, "branch": w.b1.pk},
        _meeting_form,
    ),
    "meeting_edit": FormCase(
        "branches:meeting_edit",
        MT1,
        "office",
        lambda w: dict(MEETING),
        lambda w: _meeting_form(w, editing=True),
    ),
    "meeting_attendance": FormCase(
        "branches:meeting_attendance",
        MT1,
        "secretary",
        lambda w: {f"m{w.m1.pk}-status": "excused", f"m{w.m1.pk}-reason": "外出务工"},
        _attendance_form,
    ),
    "member_create": FormCase(
        "members:member_create",
        lambda w: {},
        "office",
        lambda w: {**MEMBER, "branch": w.b1.pk},
        _member_form,
    ),
    "member_edit": FormCase(
        "members:member_edit", M1, "office", lambda w: {**MEMBER, "branch": w.b1.pk}, _member_form
    ),
    "dues_create": FormCase(
        "members:dues_create",
        M1,
        "office",
        lambda w: {"month": "2025-06", "amount": "2.00", "paid_on": "2025-06-05"},
        _form("members.forms.DuesForm"),
    ),
    "visit_create": FormCase(
        "members:visit_create",
        M1,
        "secretary",
        lambda w: {"date": "2025-06-10", "household_name": "李四家", "note": "走访"},
        _form("members.forms.VisitForm"),
    ),
    "adjustment_create": FormCase(
        "members:adjustment_create",
        M1,
        "office",
        lambda w: {"kind": "bonus", "points": "5", "date": "2025-06-12", "reason": "志愿服务"},
        _form("members.forms.AdjustmentForm"),
    ),
    "office_scores": FormCase(
        "scoring:office_scores",
        MARCH,
        "office",
        lambda w: {f"b{w.b1.pk}": "8", f"b{w.b2.pk}": "7.5"},
        _office_form,
    ),
    "month_reopen": FormCase(
        "scoring:month_reopen",
        MARCH,
        "office",
        lambda w: {"reason": "补录会议"},
        _form("scoring.forms.ReopenForm"),
        setup=_lock_march,
    ),
    "scheme": FormCase(
        "scoring:scheme", matrix.tm("t1", year=2026), "office", _scheme_valid, _scheme_form
    ),
    "report_request": FormCase(
        "reports:request", lambda w: {}, "office", _first_report_choice, _report_form
    ),
    "exchange_export": FormCase(
        "exchange_export",
        lambda w: {},
        "office",
        lambda w: {"townships": [w.t1.pk]},
        _export_form,
        accepted=lambda r: "attachment" in r.get("Content-Disposition", ""),
    ),
    "meeting_photo_add": FormCase(
        "branches:meeting_photo_add",
        MT1,
        "secretary",
        lambda w: {"image": _Photo(), "caption": "会场"},
        _form("branches.forms_photos.PhotoForm"),
    ),
    "meeting_guest_add_lecturer": FormCase(
        "branches:meeting_guest_add",
        MT1,
        "secretary",
        lambda w: {"lecturer-name": "李教授", "lecturer-organisation": "县委党校"},
        _form("branches.forms_photos.LecturerGuestForm"),
    ),
    "meeting_guest_add_liaison": FormCase(
        "branches:meeting_guest_add",
        MT1,
        "office",
        lambda w: {"liaison-liaison": _cadre(w).pk},
        _liaison_guest_form,
        setup=_cadre,
    ),
    "login": FormCase(
        "login",
        lambda w: {},
        "anon",
        lambda w: {"username": "office", "password": f.PASSWORD},
        _login_form,
    ),
}


# The organisation's assessment and the rectification ledger.
def _org_form(name: str):
    def make(w):
        from branches import forms_org

        form = getattr(forms_org, name)
        if name in ("CadreForm", "LiaisonForm"):
            return form(scope=_scope(w.office))
        return form()

    return make


def _ledger_form(w):
    from scoring.forms_ledger import RectificationForm

    return RectificationForm()


def _full_marks(w) -> dict:
    from branches.org_rules import INDICATORS

    return {code: str(i.max_points) for code, i in INDICATORS.items()} | {"note": "年终评定"}


FORM_CASES.update(
    {
        "cadre_create": FormCase(
            "branches:cadre_create",
            lambda w: {},
            "office",
            lambda w: {"branch": w.b1.pk, "name": "陈刚", "gender": "M",
                       "birth_date": "1978-04-02", "education": "college",
                       "party_post": "secretary", "village_post": "chair", "note": "连任"},
            _org_form("CadreForm"),
        ),
        "liaison_create": FormCase(
            "branches:liaison_create",
            lambda w: {},
            "office",
            lambda w: {"branch": w.b1.pk, "cadre_name": "刘镇长", "cadre_post": "副镇长",
                       "year": "2026"},
            _org_form("LiaisonForm"),
        ),
        "classification_edit": FormCase(
            "branches:classification_edit",
            matrix.village_year("b1"),
            "office",
            _full_marks,
            _org_form("ClassificationForm"),
        ),
        "model_village_edit": FormCase(
            "branches:model_village_edit",
            matrix.village_year("b1"),
            "office",
            lambda w: {"met_1": "on", "evidence_1": "支部会议记录", "evidence_2": "在建"},
            _org_form("ModelVillageForm"),
        ),
        "rectification_update": FormCase(
            "scoring:rectification_update",
            matrix.entry_of("b1"),
            "office",
            lambda w: {"problems": "组织生活不正常", "deadline": "2026-12-31",
                       "satisfaction": "85.5"},
            _ledger_form,
        ),
    }
)  # fmt: skip


# --- the cooperatives app (issue 12): each form, posted by the office ---------------------------


def _made(attr: str, make: Callable) -> Callable:
    """A setup that makes the page's object and keeps it on the world as `attr`."""
    return lambda w: setattr(w, attr, make(w))


def _kept(w, attr: str):
    """The object a setup kept (a cooperative made afresh when the setup has not run)."""
    return w.__dict__.get(attr) or f.cooperative(branch=w.b1)


def _on(attr: str) -> Callable:
    return lambda w: {"pk": getattr(w, attr).pk}


def _coop_form(name: str, **kwargs):
    return _form(f"cooperatives.forms.{name}", **kwargs)


OFFICE_SCOPE = {"scope": lambda w: _scope(w.office)}


def _entry(w):
    from cooperatives.models import ContestEntry

    return ContestEntry.objects.create(
        contest=f.contest(township=w.t1), branch=w.b1, secretary_name="王"
    )


def _funded_activity(w):
    from cooperatives.models import FundDeposit

    FundDeposit.objects.create(township=w.t1, date=dt.date(2025, 1, 2), amount=Decimal(1000))
    return f.group_activity(branch=w.b1)


COOP = "cooperatives:"
FORM_CASES.update(
    {
        "cooperative_create": FormCase(
            COOP + "create", lambda w: {}, "office",
            lambda w: {"branch": w.b1.pk, "code": "C01", "name": "富民合作社",
                       "credit_code": f.CREDIT_CODE, "model": "collective",
                       "founded_on": "2021-04-01", "business": "", "contact": ""},
            _coop_form("CooperativeForm", **OFFICE_SCOPE),
        ),
        "holder_create": FormCase(
            COOP + "holder_create", _on("coop"), "office",
            lambda w: {"code": "H001", "kind": "villager", "name": "张伟", "member": "",
                       "contribution": "land", "value": "12000.00", "shares": "12"},
            _coop_form("HolderForm", cooperative=lambda w: _kept(w, "coop")),
            setup=_made("coop", lambda w: f.cooperative(branch=w.b1)),
        ),
        "account_set": FormCase(
            COOP + "account_set", _on("coop"), "office",
            lambda w: {"year": "2025", "profit": "-100.00", "reserve_ratio": "0.10"},
            _coop_form("AccountForm"),
            setup=_made("coop", lambda w: f.cooperative(branch=w.b1)),
        ),
        "pairing_create": FormCase(
            COOP + "pairing_create", lambda w: {}, "office",
            lambda w: {"branch": w.b1.pk, "enterprise": "鲁丰集团", "started_on": "2025-01-01",
                       "note": ""},
            _coop_form("PairingForm", **OFFICE_SCOPE),
        ),
        "pairing_project": FormCase(
            COOP + "pairing_project", _on("pairing"), "office",
            lambda w: {"name": "冷库", "investment": "1000.00", "started_on": "2025-02-01",
                       "description": ""},
            _coop_form("PairingProjectForm"),
            setup=_made("pairing", lambda w: f.pairing(branch=w.b1)),
        ),
        "progress_create": FormCase(
            COOP + "progress_create", _on("pairing"), "office",
            lambda w: {"month": "2025-03", "text": "按计划推进"},
            _coop_form("ProgressForm"),
            setup=_made("pairing", lambda w: f.pairing(branch=w.b1)),
        ),
        "symposium_create": FormCase(
            COOP + "symposium_create", _on("pairing"), "office",
            lambda w: {"date": "2025-03-20", "topic": "季度座谈", "notes": ""},
            _coop_form("SymposiumForm"),
            setup=_made("pairing", lambda w: f.pairing(branch=w.b1)),
        ),
        "income_set": FormCase(
            COOP + "income_set", lambda w: {}, "office",
            lambda w: {"branch": w.b1.pk, "year": "2025", "amount": "86000.00"},
            _coop_form("CollectiveIncomeForm", **OFFICE_SCOPE),
        ),
        "fund_deposit": FormCase(
            COOP + "fund_deposit", lambda w: {}, "office",
            lambda w: {"date": "2025-01-02", "amount": "2000000.00", "note": ""},
            _coop_form("FundDepositForm"),
        ),
        "project_create": FormCase(
            COOP + "project_create", lambda w: {}, "office",
            lambda w: {"branch": w.b1.pk, "year": "2025", "category": "economy",
                       "name": "大棚扩建", "description": ""},
            _coop_form("LedProjectForm", **OFFICE_SCOPE),
        ),
        "project_evaluate": FormCase(
            COOP + "project_evaluate", _on("project"), "office",
            lambda w: {"quarter": "1", "rating": "进展快", "subsidy": "0.00"},
            _coop_form("EvaluationForm"),
            setup=_made("project", lambda w: f.led_project(branch=w.b1)),
        ),
        "contest_create": FormCase(
            COOP + "contest_create", lambda w: {}, "office",
            lambda w: {"year": "2025", "month": "6", "first_count": "1", "second_count": "2",
                       "third_count": "3"},
            _coop_form("ContestForm"),
        ),
        "entry_create": FormCase(
            COOP + "entry_create", _on("contest"), "office",
            lambda w: {"branch": w.b1.pk, "secretary_name": "王强", "team_names": "甲\n乙"},
            _coop_form("ContestEntryForm", **OFFICE_SCOPE),
            setup=_made("contest", lambda w: f.contest(township=w.t1)),
        ),
        "score_set": FormCase(
            COOP + "score_set", _on("entry"), "office",
            lambda w: {"judge": "评委1", "score": "90"},
            _coop_form("JudgeScoreForm"),
            setup=_made("entry", _entry),
        ),
        "activity_create": FormCase(
            COOP + "activity_create", lambda w: {}, "office",
            lambda w: {"branch": w.b1.pk, "date": "2025-05-01", "kind": "walk",
                       "title": "健步走", "participants": "30", "subsidy": "0"},
            _coop_form("GroupActivityForm", can_subsidise=True, **OFFICE_SCOPE),
        ),
        "activity_subsidy": FormCase(
            COOP + "activity_subsidy", _on("activity"), "office",
            lambda w: {"subsidy": "300.00"},
            _coop_form("SubsidyForm"),
            setup=_made("activity", _funded_activity),
        ),
    }
)  # fmt: skip


# --- a member's life cycle (members/forms_life.py) ---------------------------------------------


def _life_applicant(w):
    """B1's applicant who handed in the application on 2025-01-01 (one per test)."""
    import datetime as dt

    from members.models import Applicant, ApplicantStageChange

    a, made = Applicant.objects.get_or_create(
        township=w.t1,
        code="DH01",
        defaults={"branch": w.b1, "name": "孙丽", "gender": "F", "stage": "applicant",
                  "stage_since": dt.date(2025, 1, 1)},
    )  # fmt: skip
    if made:
        ApplicantStageChange.objects.create(applicant=a, stage="applicant", date=a.stage_since)
    return a


def _life_committee(w):
    import datetime as dt

    from branches.models import Meeting

    return Meeting.objects.get_or_create(
        township=w.t1,
        code="MTH01",
        defaults={"branch": w.b1, "type": "committee", "date": dt.date(2025, 6, 5)},
    )[0]


def _life_education(w):
    from branches.models import Branch

    return Branch.objects.get_or_create(
        township=w.t1, code="EDU", defaults={"name": "铸魂党支部", "kind": "education"}
    )[0]


def _life_session(w):
    return (
        f.training_session(township=w.t1)
        if not w.t1.training_sessions.exists()
        else (w.t1.training_sessions.first())
    )


def _office_scope(w):
    return _scope(w.office)


LIFE = "members.forms_life."
_SPELL = lambda w: {"pk": f.lagging_spell(member=w.m1).pk}  # noqa: E731
FORM_CASES.update(
    {
        "applicant_create": FormCase(
            "members:applicant_create",
            lambda w: {},
            "office",
            lambda w: {
                "branch": w.b1.pk,
                "name": "孙丽",
                "gender": "F",
                "applied_on": "2025-06-01",
            },
            _form(LIFE + "ApplicantForm", scope=_office_scope),
        ),
        "applicant_step": FormCase(
            "members:applicant_step",
            lambda w: {"pk": _life_applicant(w).pk},
            "office",
            lambda w: {
                "stage": "activist",
                "date": "2025-06-05",
                "meeting": _life_committee(w).pk,
            },
            _form(LIFE + "StepForm", scope=_office_scope, applicant=_life_applicant),
        ),
        "applicant_kinship": FormCase(
            "members:applicant_kinship",
            lambda w: {"pk": _life_applicant(w).pk},
            "secretary",
            lambda w: {"declared_on": "2025-06-01", "relatives": "", "document": "QS-1"},
            _form(LIFE + "KinshipForm"),
        ),
        "training_create": FormCase(
            "members:training_create",
            lambda w: {},
            "office",
            lambda w: {"kind": "rotation", "date": "2025-06-01", "title": "轮训", "hours": "2"},
            _form(LIFE + "TrainingSessionForm"),
        ),
        "training_attendance": FormCase(
            "members:training_attendance",
            lambda w: {"pk": _life_session(w).pk},
            "office",
            lambda w: {"members": [w.m1.pk]},
            _form(LIFE + "TrainingAttendanceForm", scope=_office_scope),
        ),
        "lagging_start": FormCase(
            "members:lagging_start",
            M1,
            "office",
            lambda w: {
                "education_branch": _life_education(w).pk,
                "date": "2025-06-01",
                "reason": "长期不参加组织生活",
            },
            _form(LIFE + "LaggingStartForm", scope=_office_scope),
            setup=_life_education,
        ),
        "lagging_check": FormCase(
            "members:lagging_check",
            _SPELL,
            "secretary",
            lambda w: {"month": "2026-04", "org_life": "on", "note": "参加主题党日"},
            _form(LIFE + "LaggingCheckForm"),
        ),
        "lagging_evaluate": FormCase(
            "members:lagging_evaluate",
            _SPELL,
            "secretary",
            lambda w: {"year": "2026", "quarter": "2", "result": "improving", "note": ""},
            _form(LIFE + "LaggingEvaluationForm"),
        ),
        "lagging_end": FormCase(
            "members:lagging_end",
            _SPELL,
            "office",
            lambda w: {"date": "2026-06-01", "note": "转化明显"},
            _form(LIFE + "LaggingEndForm"),
        ),
        "flowing_start": FormCase(
            "members:flowing_start",
            M1,
            "secretary",
            lambda w: {
                "started_on": "2025-06-01",
                "workplace": "浙江宁波",
                "employer": "",
                "channel": "wechat",
                "contact": "",
            },
            _form(LIFE + "FlowingStartForm"),
        ),
        "flowing_contact": FormCase(
            "members:flowing_contact",
            M1,
            "secretary",
            lambda w: {"date": "2025-06-02", "channel": "phone", "org_life": "on", "note": ""},
            _form(LIFE + "FlowingContactForm"),
        ),
        "flowing_end": FormCase(
            "members:flowing_end",
            lambda w: {"pk": f.flowing_spell(member=w.m1).pk},
            "secretary",
            lambda w: {"ended_on": "2026-06-01"},
            _form(LIFE + "FlowingEndForm"),
        ),
        "talk_create": FormCase(
            "members:talk_create",
            lambda w: {},
            "secretary",
            lambda w: {
                "member": w.m1.pk,
                "talker": "王书记",
                "talker_post": "",
                "date": "2025-06-01",
                "topic": "思想状况",
                "follow_up": "",
            },
            _form(LIFE + "TalkForm", scope=lambda w: _scope(w.secretary)),
        ),
    }
)


# The alliances' forms, on an alliance of T1 with B1 as member organisation (made once a world).
def _al(w):
    if "alliance" not in w.__dict__:
        w.__dict__["alliance"] = f.alliance(township=w.t1, branches=[w.b1])
    return w.__dict__["alliance"]


def _al_wish(w, claimed: bool = False):
    import datetime as dt

    key = "claimed_wish" if claimed else "wish"
    if key not in w.__dict__:
        extra = {"claimed_by": w.m1, "claimed_on": dt.date(2026, 3, 2)} if claimed else {}
        w.__dict__[key] = f.wish(alliance=_al(w), **extra)
    return w.__dict__[key]


def _al_project(w):
    import datetime as dt

    if "project" not in w.__dict__:
        owner = _al(w).organisations.get()
        w.__dict__["project"] = _al(w).projects.create(
            kind="common", title="路灯", owner=owner, due_on=dt.date(2026, 3, 1)
        )
    return w.__dict__["project"]


def _al_forms(name: str):
    def make(w):
        from alliances import forms as af
        from alliances import selectors
        from branches.models import Branch

        a, scope = _al(w), _scope(w.office)
        return {
            "AllianceForm": lambda: af.AllianceForm(
                parents=selectors.alliance_queryset(scope=scope)
            ),
            "OrganisationForm": lambda: af.OrganisationForm(branches=Branch.objects.within(scope)),
            "ProjectForm": lambda: af.ProjectForm(organisations=a.organisations.all()),
            "ProjectProgressForm": lambda: af.ProjectProgressForm(),
            "ActivityForm": lambda: af.ActivityForm(
                organisations=a.organisations.all(), members=w.b1.members.all()
            ),
            "WishForm": lambda: af.WishForm(),
            "ClaimForm": lambda: af.ClaimForm(members=w.b1.members.all()),
            "FulfilForm": lambda: af.FulfilForm(),
            "ScoresForm": lambda: af.ScoresForm(alliances=[a], initial_scores={}),
        }[name]()

    return make


AL = lambda w: {"pk": _al(w).pk}  # noqa: E731
FORM_CASES.update(
    {
        "alliance_create": FormCase(
            "alliances:alliance_create",
            lambda w: {},
            "office",
            lambda w: {"code": "BLUE", "name": "蓝色联盟", "kind": "blue", "parent": _al(w).pk},
            _al_forms("AllianceForm"),
        ),
        "alliance_organisation_create": FormCase(
            "alliances:organisation_create",
            AL,
            "office",
            lambda w: {
                "code": "O9",
                "kind": "enterprise",
                "name": "县供电公司",
                "responsible": "赵六",
            },
            _al_forms("OrganisationForm"),
        ),
        "alliance_project_create": FormCase(
            "alliances:project_create",
            AL,
            "office",
            lambda w: {
                "kind": "common",
                "title": "修缮路灯",
                "owner": _al(w).organisations.get().pk,
                "due_on": "2026-06-30",
            },
            _al_forms("ProjectForm"),
        ),
        "alliance_project_progress": FormCase(
            "alliances:project_progress",
            lambda w: {"pk": _al_project(w).pk},
            "office",
            lambda w: {"status": "done", "done_on": "2025-06-10", "evidence": "照片"},
            _al_forms("ProjectProgressForm"),
        ),
        "alliance_activity_create": FormCase(
            "alliances:activity_create",
            AL,
            "secretary",
            lambda w: {
                "kind": "volunteer",
                "date": "2025-06-10",
                "title": "一月一公益",
                "organisations": [_al(w).organisations.get().pk],
                "members": [w.m1.pk],
            },
            _al_forms("ActivityForm"),
        ),
        "alliance_wish_create": FormCase(
            "alliances:wish_create",
            AL,
            "office",
            lambda w: {"need": "修缮路灯", "raised_on": "2025-06-10"},
            _al_forms("WishForm"),
        ),
        "alliance_wish_claim": FormCase(
            "alliances:wish_claim",
            lambda w: {"pk": _al_wish(w).pk},
            "secretary",
            lambda w: {"member": w.m1.pk, "claimed_on": "2026-03-02"},
            _al_forms("ClaimForm"),
        ),
        "alliance_wish_fulfil": FormCase(
            "alliances:wish_fulfil",
            lambda w: {"pk": _al_wish(w, claimed=True).pk},
            "office",
            lambda w: {"fulfilled_on": "2026-03-03", "evidence": "已修复"},
            _al_forms("FulfilForm"),
        ),
        "alliance_evaluation": FormCase(
            "alliances:evaluation_save",
            matrix.tm("t1", year=2025),
            "office",
            lambda w: {f"score_{_al(w).pk}": "88.5"},
            _al_forms("ScoresForm"),
        ),
    }
)


# The star rating (星级评定): a round of T1 in the state each form needs.
def _star(state: str, *, member: bool = False):
    def kwargs(w):
        r = f.star_round(township=w.t1, state=state, stars=1)
        if member:
            return {"pk": r.proposals.get(member=w.m1).pk}
        return {"pk": r.proposals.get(kind="branch", branch=w.b1).pk}

    return kwargs


# Organisation management by the office (branches/forms_admin.py).
def _admin_form(name: str):
    def make(w):
        from branches import forms_admin as fa

        return {
            "AreaForm": lambda: fa.AreaForm(),
            "BranchForm": lambda: fa.BranchForm(scope=_scope(w.office), township_id=w.t1.pk),
            "GroupForm": lambda: fa.GroupForm(),
            "AccountCreateForm": lambda: fa.AccountCreateForm(),
            "AccountAssignForm": lambda: fa.AccountAssignForm(branch=w.b2),
            "MemberTransferForm": lambda: fa.MemberTransferForm(
                scope=_scope(w.office), member=w.m1
            ),
        }[name]()

    return make


FORM_CASES.update(
    {
        "star_review": FormCase(
            "scoring:stars_proposal_review",
            _star("review"),
            "office",
            lambda w: {"stars": "3", "reason": "群众评议突出"},
            _form("scoring.forms_stars.StarReviewForm"),
        ),
        "star_demote": FormCase(
            "scoring:stars_proposal_demote",
            _star("set"),
            "office",
            lambda w: {"stars": "0", "found_on": "2025-06-01", "reason": "发现虚报会议"},
            _form("scoring.forms_stars.StarDemotionForm"),
        ),
        "star_note": FormCase(
            "scoring:stars_proposal_note",
            _star("proposed", member=True),
            "secretary",
            lambda w: {"text": "该同志带头参加志愿服务"},
            _form("scoring.forms_stars.BranchNoteForm"),
        ),
        "manage_area_create": FormCase(
            "branches:manage_area_create",
            lambda w: {},
            "office",
            lambda w: {"code": "A9", "name": "北片", "head_name": "王五"},
            _admin_form("AreaForm"),
        ),
        "manage_branch_create": FormCase(
            "branches:manage_branch_create",
            lambda w: {},
            "office",
            lambda w: {"code": "B950", "name": "新村党支部", "kind": "village", "ranked": ""},
            _admin_form("BranchForm"),
        ),
        "manage_group_create": FormCase(
            "branches:manage_group_create",
            matrix.pk("b1"),
            "office",
            lambda w: {"name": "第九组", "leader_name": "李四"},
            _admin_form("GroupForm"),
        ),
        "manage_account_create": FormCase(
            "branches:manage_account_create",
            matrix.pk("b2"),
            "office",
            lambda w: {"role": "secretary", "full_name": "周敏", "username": "zhoumin"},
            _admin_form("AccountCreateForm"),
            accepted=lambda r: r.status_code == 200 and b'id="new-password"' in r.content,
        ),
        "manage_account_assign": FormCase(
            "branches:manage_account_assign",
            matrix.pk("b2"),
            "office",
            lambda w: {"user": w.secretary.pk},
            _admin_form("AccountAssignForm"),
        ),
        "manage_member_transfer": FormCase(
            "branches:manage_member_transfer",
            matrix.pk("m1"),
            "office",
            lambda w: {"to": w.b2.pk, "on": "2026-03-02", "note": "工作调动"},
            _admin_form("MemberTransferForm"),
        ),
    }
)


def _client_for(client, w, role: str):
    client.logout()
    if role != "anon":
        client.force_login(getattr(w.cast, matrix.USERS[role]), backend=BACKEND)
    return client


def _dues_grid_valid(w) -> dict:
    from django.utils import timezone

    p = f"m{w.m1.pk}"
    today = timezone.localdate().isoformat()
    return {f"{p}-shown": "1", f"{p}-paid": "on", f"{p}-amount": "2.00", f"{p}-paid_on": today}


def _dues_row_form(w):
    from members.forms_dues import DuesRowForm

    return DuesRowForm(prefix=f"m{w.m1.pk}")


# The month's dues grid (members/views_dues.py): one row spoiled, the month is the current one.
FORM_CASES["dues_grid"] = FormCase(
    "members:dues_grid", matrix.pk("b1"), "secretary", _dues_grid_valid, _dues_row_form
)


def _error_message(response) -> bool:
    return any(m.level == ERROR for m in get_messages(response.wsgi_request))


def _forms_with_errors(response) -> list:
    """The forms of the rendered page that carry errors (the attendance grid: row forms)."""
    found = []
    for context in response.context or []:
        for value in context.flatten().values():
            candidates = [value]
            if isinstance(value, list):  # the attendance grid: [(member, form), ...]
                candidates = [x for row in value if isinstance(row, tuple) for x in row]
            found += [c for c in candidates if isinstance(c, forms.BaseForm) and c.errors]
    return found


def _refused(response) -> bool:
    """A 4xx, the form shown again with its errors, or a redirect carrying an error message."""
    if 400 <= response.status_code < 500:
        return True
    if response.status_code == 200:
        return bool(_forms_with_errors(response))
    return response.status_code == 302 and _error_message(response)


@pytest.fixture
def tmp_private(settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path
    settings.AXES_ENABLED = False  # the login case posts dozens of wrong passwords


@pytest.mark.parametrize("name", list(FORM_CASES))
def test_the_valid_post_each_hostile_suite_spoils_is_accepted(client, world, tmp_private, name):
    case = FORM_CASES[name]
    case.setup(world)
    _client_for(client, world, case.role)
    before = snapshot()
    response = client.post(reverse(case.url, kwargs=case.kwargs(world)), case.valid(world))
    assert case.accepted(response), (
        response.status_code,
        [form.errors for form in _forms_with_errors(response)],
    )
    if name not in ("exchange_export",):  # an export reads only (and is audited)
        assert changed_tables(before, snapshot()), "the valid post stored nothing"


@pytest.mark.parametrize("name", list(FORM_CASES))
def test_every_form_refuses_hostile_values_and_stores_nothing(client, world, tmp_private, name):
    case = FORM_CASES[name]
    case.setup(world)
    form = case.form(world)
    spoilable = {
        form.add_prefix(fname): strategy
        for fname, form_field in form.fields.items()
        if (strategy := hostile_for(form_field)) is not None
    }
    url = reverse(case.url, kwargs=case.kwargs(world))
    valid = case.valid(world)
    _client_for(client, world, case.role)

    @HOSTILE
    @given(st.data())
    def check(data):
        names = data.draw(
            st.lists(st.sampled_from(sorted(spoilable)), min_size=1, max_size=3, unique=True)
        )
        post = dict(valid)
        for pname in names:
            post[pname] = data.draw(spoilable[pname], label=pname)
        before = snapshot()
        response = client.post(url, post)
        assert response.status_code < 500
        assert not case.accepted(response), f"accepted {names}"
        assert _refused(response), (response.status_code, names)
        assert changed_tables(before, snapshot()) == []

    check()


def test_every_form_of_the_project_is_bounded_and_posted_above(world):
    """Each form class of our apps mixes in BoundedInputMixin, and a case above posts it (the
    import form: the exchange suite below), so a form added later cannot escape the suite."""
    from township.inputs import BoundedInputMixin

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = {
        cls
        for cls in subclasses(forms.BaseForm)
        if cls.__module__.split(".")[0] in PROJECT_APPS | {"exchange"}
    }
    assert len(ours) >= 12
    assert sorted(c.__name__ for c in ours if not issubclass(c, BoundedInputMixin)) == []
    # The import form: the exchange suite below; the audit filters (GET): the page walker.
    posted = {type(case.form(world)).__name__ for case in FORM_CASES.values()} | {
        "ImportForm",
        "AuditFilterForm",
        "RosterImportForm",  # a file only: its hostile files and cells are in test_roster.py
    }
    assert sorted({c.__name__ for c in ours} - posted) == []


# --- the exchange document ---------------------------------------------------------------------

DEEP = "[" * 60 + "]" * 60  # deeper than MAX_DEPTH
DEEPEST = "[" * 100_000 + "]" * 100_000  # deeper than the parser's recursion
RAW_GENERAL = [
    "1E+1000000",
    "1E+100000000",
    "-1E+999999999999",
    "1" + "0" * 5000,
    "1e-400",
    "NaN",
    "Infinity",
    "-Infinity",
    "{}",
    "[]",
    DEEP,
    DEEPEST,
    '"\\u0000"',
    '"a\\u0001b"',
    '"\\ud800"',
    json.dumps("x" * 10_000),
    json.dumps("党" * 10_000),
]
RAW_DATES = ['"0001-01-01"', '"9999-12-31"', '"1799-12-31"', '"2201-01-01"', '"2026-02-30"']
RAW_MONTHS = ['"9999-12"', '"0001-01"', '"1799-12"', '"2201-01"', '"2026-13"']
DATE_KEYS = {"birth_date", "joined_party_on", "probation_ends_on", "branch_since", "left_on"}


def _leaves(value, path="$", keys=()):
    """(path as the validator writes it, keys to reach it, value) for each scalar of a document."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _leaves(child, key if path == "$" else f"{path}.{key}", (*keys, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from _leaves(child, f"{path}[{i}]", (*keys, i))
    else:
        yield path, keys, value


def _raw_for(keys, value) -> list[str]:
    if keys[-1] == "month":
        return RAW_MONTHS + RAW_GENERAL
    if keys[-1] in DATE_KEYS or (isinstance(value, str) and len(value) == 10 and value[4] == "-"):
        return RAW_DATES + RAW_GENERAL
    return RAW_GENERAL


def _spoiled_text(document: dict, spoil: dict[tuple, str]) -> str:
    """The document's JSON text with the raw JSON `spoil[keys]` at each of those leaves."""
    import copy

    document = copy.deepcopy(document)
    for n, keys in enumerate(spoil):
        target = document
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = f"@@HOSTILE{n}@@"
    text = json.dumps(document, ensure_ascii=False)
    for n, raw in enumerate(spoil.values()):
        text = text.replace(f'"@@HOSTILE{n}@@"', raw)
    return text


def _base_document() -> dict:
    from tests.test_exchange import small_document

    return small_document(county="HX370", township="HX370101")


def test_the_document_the_exchange_suite_spoils_imports(db):
    from exchange.importer import township_import

    result = township_import(actor=None, document=_spoiled_text(_base_document(), {}))
    assert result.created > 10


@HOSTILE
@given(st.data())
def test_a_document_with_hostile_values_is_refused_with_their_paths_within_a_second(db, data):
    from exchange.importer import township_import

    document = _base_document()
    leaves = {keys: (path, value) for path, keys, value in _leaves(document)}
    chosen = data.draw(
        st.lists(st.sampled_from(sorted(leaves, key=str)), min_size=1, max_size=3, unique=True)
    )
    spoil = {keys: data.draw(st.sampled_from(_raw_for(keys, leaves[keys][1]))) for keys in chosen}
    text = _spoiled_text(document, spoil)
    before = snapshot()
    started = time.perf_counter()
    with pytest.raises(ExchangeError) as caught:
        township_import(actor=None, document=text)
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0
    problems = caught.value.problems
    # Too deep a document is refused as a whole, before anything in it is read.
    if any(raw in (DEEP, DEEPEST) for raw in spoil.values()):
        paths = ["$"]
    else:
        paths = [leaves[keys][0] for keys in spoil]
    for path in paths:
        assert any(p.startswith(f"{path}: ") for p in problems), (path, problems)
    assert all("\x00" not in p and len(p) < 500 for p in problems)
    assert changed_tables(before, snapshot()) == []


@pytest.mark.parametrize(
    "raw",
    ["1E+100000000", "NaN", DEEPEST, '"\\u0000"', json.dumps("x" * 10_000)],
    ids=["huge exponent", "NaN", "deep", "NUL", "long text"],
)
def test_the_import_page_lists_the_problems_of_a_hostile_upload_and_stores_nothing(
    client, cast, raw
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.test_exchange import small_document

    document = small_document(county=cast.county.code, township=cast.t1.code)
    text = _spoiled_text(document, {("townships", 0, "close_day"): raw})
    client.force_login(cast.office, backend=BACKEND)
    before = snapshot()
    started = time.perf_counter()
    response = client.post(
        reverse("exchange"),
        {"document": SimpleUploadedFile("t.json", text.encode(), "application/json")},
    )
    assert time.perf_counter() - started < 1.0
    assert response.status_code == 200
    problems = response.context["problems"]
    expected = "$" if raw == DEEPEST else "townships[0].close_day"
    assert any(p.startswith(f"{expected}: ") for p in problems), problems
    assert changed_tables(before, snapshot()) == []


# --- every GET page, every role, hostile query parameters --------------------------------------

QUERY_KEYS = [
    "month", "year", "q", "page", "period", "township", "branch", "mine", "type", "left",
    "kind", "level", "status", "format", "target", "next", "action", "actor", "person",
    "record", "date", "from", "to", "since", "until", "sort", "order",
]  # fmt: skip
QUERY_VALUES = [
    "9999-12", "0001-01", "2201-01", "9999-12-31", "0000-00", "9999-Q9", "9999-H3", "99999",
    "-1", "0", "1E+1000000", "9" * 5000, "99999999999999999999999", "NaN", "Infinity",
    "\x00", "a\x00b", "\x01\x1f", "x" * 10_000, "²", "١٢", "%", "' OR 1=1 --", "<script>",
]  # fmt: skip
# Raw query strings: bytes that are not UTF-8, and a key given twice.
RAW_QUERIES = ["q=%ED%A0%80%FF&month=%FF", "month=2026-03&month=9999-12", "page=%00"]

GET_ROWS = [row for row in matrix.ROWS if row.method == "get"]


def _get(client, url: str, params: dict | None = None, raw: str = ""):
    response = client.get(f"{url}?{raw}") if raw else client.get(url, params)
    assert response.status_code < 500, (url, params, raw[:40], response.status_code)
    return response


@pytest.mark.parametrize("role", matrix.ROLES)
def test_every_page_answers_hostile_query_parameters_without_a_server_error(
    client, world, tmp_private, role
):
    """Each GET page (one row of the matrix per URL name) with every parameter spoiled at once,
    three ways, and the raw query strings."""
    _client_for(client, world, role)
    seen = set()
    for row in GET_ROWS:
        if row.name in seen:
            continue
        seen.add(row.name)
        url = reverse(row.name, kwargs=row.kwargs(world))
        for n in range(3):
            params = {
                key: QUERY_VALUES[(i * 3 + n) % len(QUERY_VALUES)]
                for i, key in enumerate(QUERY_KEYS)
            }
            _get(client, url, params)
        for raw in RAW_QUERIES:
            _get(client, url, raw=raw)


@pytest.mark.parametrize("role", matrix.ROLES[1:])
def test_any_page_with_any_hostile_parameters_answers_without_a_server_error(
    client, world, tmp_private, role
):
    _client_for(client, world, role)

    @HOSTILE
    @given(
        st.sampled_from(GET_ROWS),
        st.dictionaries(
            st.sampled_from(QUERY_KEYS), st.sampled_from(QUERY_VALUES), min_size=1, max_size=4
        ),
    )
    def check(row, params):
        _get(client, reverse(row.name, kwargs=row.kwargs(world)), params)

    check()
