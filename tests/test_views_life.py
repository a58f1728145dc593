"""The life-cycle pages: forms keep input and explain refusals in Chinese, lists paginate with
the same number of queries for few and many rows, and the three report kinds come as PDF and
Excel from their pages."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from branches.models import BranchKind
from members import services_life
from members.models import ApplicantStageChange, HeartTalk, TrainingAttendance
from tests import factories as f
from tests.conftest import BACKEND
from township import report_runner
from township.models import ReportJob

D = dt.date
NOW = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def today(settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path / "private"
    with time_machine.travel(NOW, tick=False):
        yield D(2026, 11, 30)


YEAR_AGO = D(2025, 11, 30)


def activist(cast, *, since=YEAR_AGO, trained=True, name=None):
    a = f.applicant(branch=cast.b1, stage="activist", since=since)
    if name:
        a.name = name
        a.save()
    ApplicantStageChange.objects.create(applicant=a, stage="applicant", date=D(2025, 5, 1))
    ApplicantStageChange.objects.create(applicant=a, stage="activist", date=since)
    if trained:
        s = f.training_session(township=cast.t1, kind="activist", date=since)
        TrainingAttendance.objects.create(session=s, applicant=a)
    return a


def many(cast, n: int) -> None:
    for i in range(n):
        activist(cast, since=D(2025, 1, 1) + dt.timedelta(days=i))
        m = f.member(branch=cast.b1, status="probationary", probation_ends_on=D(2026, 1, 1))
        f.flowing_spell(member=m)
        HeartTalk.objects.create(member=m, talker="王书记", date=D(2026, 5, 1), topic="t")
        services_life.training_attendance_set(
            actor=cast.office,
            session=f.training_session(township=cast.t1),
            members=[m],
        )


# --- the pipeline ---------------------------------------------------------------------------------


def test_the_pipeline_shows_flags_and_overdue_probations(as_office, cast):
    activist(cast, trained=False, name="未培训")
    overdue = f.member(
        branch=cast.b1, name="逾期者", status="probationary", probation_ends_on=D(2026, 11, 29)
    )
    page = as_office.get(reverse("members:pipeline_list")).content.decode()
    assert "满一年仍未参加积极分子培训" in page
    assert "逾期者" in page and f"/members/{overdue.pk}/timeline/" in page
    assert 'value="development_pipeline"' in page


def test_a_candidacy_one_day_short_is_refused_on_the_form_keeping_the_input(as_office, cast):
    a = activist(cast, since=D(2025, 12, 1))
    committee = f.meeting(branch=cast.b1, type="committee", date=D(2026, 11, 30))
    response = as_office.post(
        reverse("members:applicant_step", args=[a.pk]),
        {
            "stage": "candidate",
            "date": "2026-11-30",
            "meeting": committee.pk,
            "notice_start": "2026-11-20",
            "notice_end": "2026-11-25",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "最早 2026-12-01 才能确定为发展对象" in page
    assert 'value="2026-11-20"' in page
    a.refresh_from_db()
    assert a.stage == "activist"


def test_a_candidacy_of_exactly_a_year_is_recorded(as_office, cast):
    a = activist(cast, since=D(2025, 11, 30))
    committee = f.meeting(branch=cast.b1, type="committee", date=D(2026, 11, 30))
    response = as_office.post(
        reverse("members:applicant_step", args=[a.pk]),
        {
            "stage": "candidate",
            "date": "2026-11-30",
            "meeting": committee.pk,
            "notice_start": "2026-11-20",
            "notice_end": "2026-11-25",
        },
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert (a.stage, a.stage_since) == ("candidate", D(2026, 11, 30))


def test_a_meeting_of_another_branch_is_not_offered(as_office, cast):
    a = activist(cast)
    other = f.meeting(branch=cast.b2, type="committee", date=D(2026, 11, 30))
    response = as_office.post(
        reverse("members:applicant_step", args=[a.pk]),
        {"stage": "candidate", "date": "2026-11-30", "meeting": other.pk},
    )
    assert "选择一个有效的选项" in response.content.decode()


def test_the_secretary_registers_an_application_and_the_kinship_declaration(as_secretary, cast):
    response = as_secretary.post(
        reverse("members:applicant_create"),
        {"branch": cast.b1.pk, "name": "孙丽", "gender": "F", "applied_on": "2026-11-02"},
    )
    assert response.status_code == 302
    a = cast.b1.applicants.get(name="孙丽")
    response = as_secretary.post(
        reverse("members:applicant_kinship", args=[a.pk]),
        {"declared_on": "2026-11-03", "relatives": "叔父 孙强 村委委员", "document": "QS-01"},
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert (a.kinship_declared_on, a.kinship_relatives) == (D(2026, 11, 3), "叔父 孙强 村委委员")
    page = as_secretary.get(reverse("members:applicant_detail", args=[a.pk])).content.decode()
    assert "叔父 孙强 村委委员" in page and "递交入党申请" in page


@pytest.mark.parametrize(
    "url",
    [
        "members:pipeline_list",
        "members:training_compliance",
        "members:flowing_list",
        "members:talk_list",
        "members:training_list",
        "members:lagging_list",
    ],
)
def test_lists_take_the_same_queries_for_5_and_50_rows(
    as_office, cast, url, django_assert_max_num_queries
):
    many(cast, 5)
    with django_assert_max_num_queries(40) as few:
        assert as_office.get(reverse(url)).status_code == 200
    many(cast, 45)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert as_office.get(reverse(url)).status_code == 200


def test_the_timeline_takes_the_same_queries_for_few_and_many_events(
    as_office, cast, django_assert_max_num_queries
):
    url = reverse("members:member_timeline", args=[cast.m1.pk])
    HeartTalk.objects.create(member=cast.m1, talker="王书记", date=D(2026, 5, 1), topic="谈话一")
    with django_assert_max_num_queries(40) as few:
        page = as_office.get(url).content.decode()
    assert "谈话一" in page
    for i in range(30):
        HeartTalk.objects.create(member=cast.m1, talker="王", date=D(2026, 5, 2), topic=f"t{i}")
        s = f.training_session(township=cast.t1, date=D(2026, 6, 1))
        TrainingAttendance.objects.create(session=s, member=cast.m1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert as_office.get(url).status_code == 200


# --- training, lagging, flowing, talks ---


def test_the_office_records_a_session_and_its_attendance(as_office, cast):
    response = as_office.post(
        reverse("members:training_create"),
        {"kind": "rotation", "date": "2026-10-10", "title": "学习二十届四中全会精神", "hours": "3"},
    )
    session = cast.t1.training_sessions.get()
    assert response["Location"] == reverse("members:training_attendance", args=[session.pk])
    as_office.post(
        reverse("members:training_attendance", args=[session.pk]), {"members": [cast.m1.pk]}
    )
    assert list(session.attendance.values_list("member_id", flat=True)) == [cast.m1.pk]
    page = as_office.get(reverse("members:training_compliance")).content.decode()
    assert "2026-H2 轮训×1" in page


def test_a_member_missing_rotation_training_is_listed(as_office, cast):
    cast.m1.joined_party_on = D(2015, 7, 1)
    cast.m1.save()
    page = as_office.get(reverse("members:training_compliance") + "?missing=1").content.decode()
    assert cast.m1.name in page and "2026-H1 轮训" in page


def test_the_office_moves_a_lagging_member_and_the_education_branch_keeps_the_checklist(
    client, cast
):
    education = f.branch(township=cast.t1, kind=BranchKind.EDUCATION, ranked=False)
    client.force_login(cast.office, backend=BACKEND)
    response = client.post(
        reverse("members:lagging_start", args=[cast.m1.pk]),
        {"education_branch": education.pk, "date": "2026-09-01", "reason": "长期不交党费"},
    )
    spell = cast.m1.lagging_spells.get()
    assert response["Location"] == reverse("members:lagging_detail", args=[spell.pk])
    secretary = f.user(username="edu", role="secretary", branch=education)
    client.force_login(secretary, backend=BACKEND)
    client.post(
        reverse("members:lagging_check", args=[spell.pk]),
        {"month": "2026-10", "org_life": "on", "lecture": "on", "note": "按时参加"},
    )
    page = client.get(reverse("members:lagging_detail", args=[spell.pk])).content.decode()
    assert "2026-10" in page and "2/6" in page
    response = client.post(reverse("members:lagging_end", args=[spell.pk]), {"date": "2026-11-01"})
    assert response.status_code == 403  # only the office transfers back


def test_flowing_list_for_a_half_year_and_a_bad_half_warns(as_office, cast):
    f.flowing_spell(member=cast.m1, started_on=D(2025, 12, 1))
    page = as_office.get(reverse("members:flowing_list") + "?half=2026-H1").content.decode()
    assert "2026-H1 未参加组织生活的流动党员" in page and cast.m1.name in page
    assert 'value="flowing_members"' in page
    page = as_office.get(reverse("members:flowing_list") + "?half=2026-H3").content.decode()
    assert "半年“2026-H3”无效" in page


def test_a_talk_dated_tomorrow_is_refused_on_the_form(as_secretary, cast):
    response = as_secretary.post(
        reverse("members:talk_create"),
        {"member": cast.m1.pk, "talker": "王书记", "date": "2026-12-01", "topic": "家庭困难"},
    )
    assert "晚于今天" in response.content.decode()
    assert 'value="家庭困难"' in response.content.decode()
    assert not HeartTalk.objects.exists()


def test_the_nav_offers_the_pipeline_and_training(as_office):
    page = as_office.get(reverse("members:member_list")).content.decode()
    assert reverse("members:pipeline_list") in page and reverse("members:training_list") in page


def test_only_the_pipeline_entry_is_active_on_the_pipeline_page(as_office):
    page = as_office.get(reverse("members:pipeline_list")).content.decode()
    active = re.findall(r'<a href="([^"]+)" class="active" aria-current="page">', page)
    assert active == [reverse("members:pipeline_list")]


# --- reports ---


def _job(cast, client, kind: str, period: str, fmt: str) -> ReportJob:
    response = client.post(
        reverse("reports:request"),
        {"kind": kind, "target": f"township:{cast.t1.pk}", "period": period, "format": fmt},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    job = ReportJob.objects.latest("pk")
    if job.status != "done":
        report_runner.report_job_run(job.pk)
        job.refresh_from_db()
    assert job.status == "done", job.error
    return job


def _sheet(job: ReportJob, name: str) -> list[tuple]:
    data = report_runner.report_file_path(job).read_bytes()
    return [
        tuple(c.value for c in row) for row in load_workbook(io.BytesIO(data))[name].iter_rows()
    ]


def test_development_pipeline_report_in_excel_and_pdf(as_office, cast):
    activist(cast, trained=False, name="未培训")
    f.member(branch=cast.b1, name="逾期者", status="probationary", probation_ends_on=D(2026, 1, 1))
    job = _job(cast, as_office, "development_pipeline", "2026", "xlsx")
    rows = _sheet(job, "发展党员")
    assert any(r[1] == "未培训" and r[11] == "满一年仍未参加积极分子培训" for r in rows)
    assert any(r[1] == "逾期者" and r[4] == 333 for r in _sheet(job, "逾期未转正"))
    pdf = _job(cast, as_office, "development_pipeline", "2026", "pdf")
    text = PdfReader(report_runner.report_file_path(pdf)).pages[0].extract_text()
    assert "发展党员台账" in text and "未培训" in text


def test_training_compliance_report_lists_who_missed(as_office, cast):
    cast.m1.joined_party_on = D(2015, 7, 1)
    cast.m1.save()
    job = _job(cast, as_office, "training_compliance", "2026", "xlsx")
    rows = _sheet(job, "培训达标")
    assert any(r[1] == cast.m1.name and r[5] == "2026-H1 轮训" for r in rows)
    assert _job(cast, as_office, "training_compliance", "2026", "pdf").size > 0


def test_flowing_members_report_by_half_year(as_office, cast):
    f.flowing_spell(member=cast.m1, started_on=D(2025, 12, 1))
    job = _job(cast, as_office, "flowing_members", "2026-H1", "xlsx")
    assert [r[1] for r in _sheet(job, "未参加组织生活")[1:]] == [cast.m1.name]
    response = as_office.post(
        reverse("reports:request"),
        {"kind": "flowing_members", "target": f"township:{cast.t1.pk}", "period": "2026",
         "format": "pdf"},
    )  # fmt: skip
    assert "该报表的期间须为：半年" in response.content.decode()


def test_make_report_flowing_members_from_the_command_line(cast, tmp_path):
    f.flowing_spell(member=cast.m1, started_on=D(2025, 12, 1))
    out = tmp_path / "flowing.pdf"
    call_command(
        "make_report", "flowing_members", township=cast.t1.code, period="2026-H2",
        fmt="pdf", output=str(out), stderr=io.StringIO(),
    )  # fmt: skip
    assert out.read_bytes().startswith(b"%PDF")
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm:
        subprocess.run(  # noqa: S603
            [pdftoppm, "-png", "-r", "50", "-f", "1", "-l", "1", str(out), str(tmp_path / "p")],
            check=True,
        )
        assert list(tmp_path.glob("p*.png"))


def test_a_secretary_cannot_ask_for_another_branchs_pipeline(as_secretary, cast):
    response = as_secretary.post(
        reverse("reports:request"),
        {"kind": "development_pipeline", "target": f"branch:{cast.b2.pk}", "period": "2026",
         "format": "pdf"},
    )  # fmt: skip
    assert response.status_code in (400, 404)
    assert not ReportJob.objects.exists()
