"""The demo's year of member life cycle (called from seed_demo once per township, after its
members, applicants and meetings exist): the pipeline behind each probationary member, the
Party school's sessions with attendance, the education branch's lagging members with their
checklists and evaluations, flowing members' spells and contacts, and heart-to-heart talks.

It keeps the gaps real townships have: probations past their end (seed_demo makes them),
one development candidate without the kinship declaration, members who missed a rotation
training, and at least one flowing member without organisation life in the first half-year.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from collections import defaultdict

from branches.models import Attendance, Branch, BranchKind, Meeting
from members.lifecycle import one_year_after
from members.models import (
    SIX_ONES,
    Applicant,
    ApplicantStageChange,
    BranchTransfer,
    ContactChannel,
    FlowingContact,
    FlowingSpell,
    HeartTalk,
    LaggingEvaluation,
    LaggingMonthCheck,
    LaggingSpell,
    Member,
    TrainingAttendance,
    TrainingSession,
)

LAGGING_REASONS = (
    "连续6个月不参加组织生活",
    "连续6个月不交纳党费",
    "理想信念淡化，宗旨意识不强",
    "不履行党员义务，在群众中影响不好",
)
TALK_TOPICS = (
    "思想状况和工作生活情况",
    "转正前谈话",
    "家庭困难，了解需要组织帮助的事项",
    "外出务工期间如何参加组织生活",
    "对支部工作的意见建议",
    "提醒按时参加三会一课",
)
LECTURERS = ("镇党委书记", "镇党委副书记", "组织委员", "县委党校讲师", "宣传委员")


class LifeCycleBuilder:
    def __init__(self, *, township, today: dt.date, rng: random.Random, bulk):
        self.township = township
        self.today = today
        self.yesterday = today - dt.timedelta(days=1)
        self.year = (today.replace(day=1) - dt.timedelta(days=1)).year
        self.r = rng
        self.bulk = bulk  # seed_demo's bulk_create that counts the rows

    def past(self, day: dt.date) -> dt.date:
        return min(day, self.yesterday)

    def build(self) -> None:
        self.branches = list(Branch.objects.filter(township=self.township).order_by("code"))
        self.members = list(
            Member.objects.filter(township=self.township).select_related("branch").order_by("code")
        )
        self.meetings: dict[tuple[int, str], list[Meeting]] = defaultdict(list)
        for m in Meeting.objects.filter(township=self.township).order_by("date"):
            self.meetings[(m.branch_id, m.type)].append(m)
        self.pipeline_of_probationers()
        self.kinship_of_candidates()
        self.training()
        self.lagging()
        self.flowing()
        self.talks()

    # --- the pipeline --------------------------------------------------------------------------

    def meeting_before(self, branch_id: int, type_: str, day: dt.date) -> Meeting | None:
        """The branch's meeting of that type within the 31 days up to `day` (the demo's
        meetings cover this year only: older steps name none, as in old registers)."""
        found = [
            m
            for m in self.meetings[(branch_id, type_)]
            if day - dt.timedelta(days=31) <= m.date <= day
        ]
        return found[-1] if found else None

    def pipeline_of_probationers(self) -> None:
        """Each probationary member came through the pipeline: their application, the year as
        an activist with training, candidacy with its notice, the kinship declaration, and
        admission by the general meeting."""
        r = self.r
        seq = Applicant.objects.filter(township=self.township).count()
        applicants, steps = [], []
        for m in self.members:
            if m.status != "probationary" or m.joined_party_on is None:
                continue
            seq += 1
            admitted = m.joined_party_on
            candidate = admitted - dt.timedelta(days=r.randint(60, 200))
            activist = candidate - dt.timedelta(days=366 + r.randint(0, 90))
            applied = activist - dt.timedelta(days=r.randint(90, 270))
            a = Applicant(
                township=self.township,
                branch=m.branch,
                code=f"D{seq:04d}",
                name=m.name,
                gender=m.gender,
                birth_date=m.birth_date,
                stage="probationary",
                stage_since=admitted,
                kinship_declared_on=candidate + dt.timedelta(days=r.randint(5, 30)),
                kinship_relatives="" if r.random() < 0.8 else "堂兄 村委会委员",
                kinship_document=f"QS-{self.year}-{seq:03d}",
                member=m,
            )
            applicants.append(a)
            for stage, day, type_, notice in (
                ("applicant", applied, None, False),
                ("activist", activist, "committee", False),
                ("candidate", candidate, "committee", True),
                ("probationary", admitted, "general", True),
            ):
                steps.append(
                    ApplicantStageChange(
                        applicant=a,
                        stage=stage,
                        date=day,
                        meeting=self.meeting_before(m.branch_id, type_, day) if type_ else None,
                        notice_start=day - dt.timedelta(days=9) if notice else None,
                        notice_end=day - dt.timedelta(days=2) if notice else None,
                        deciding_meeting="向党组织递交入党申请书" if stage == "applicant" else "",
                    )
                )
        steps += self.made_full(applicants)
        self.bulk(Applicant, applicants)
        self.bulk(ApplicantStageChange, steps)

    def made_full(self, applicants: list[Applicant]) -> list[ApplicantStageChange]:
        """Of the probations already over, all but the last were discussed by the general
        meeting and the member made full; the last stays overdue (seed_demo's gap)."""
        ended = sorted(
            (a for a in applicants if one_year_after(a.stage_since) < self.yesterday),
            key=lambda a: (a.stage_since, a.code),
        )
        steps = []
        for a in ended[:-1]:
            due = one_year_after(a.stage_since)
            day = self.past(due + dt.timedelta(days=self.r.randint(0, 20)))
            steps.append(
                ApplicantStageChange(
                    applicant=a,
                    stage="full",
                    date=day,
                    meeting=self.meeting_before(a.branch_id, "general", day),
                    notice_start=day - dt.timedelta(days=9),
                    notice_end=day - dt.timedelta(days=2),
                )
            )
            a.stage, a.stage_since = "full", day
            a.member.status = "full"
        Member.objects.bulk_update([a.member for a in ended[:-1]], ["status"])
        return steps

    def kinship_of_candidates(self) -> None:
        """Candidates file their declaration soon after candidacy; one has not yet."""
        candidates = list(
            Applicant.objects.filter(township=self.township, stage="candidate").order_by("code")
        )
        for i, a in enumerate(candidates):
            a.kinship_declared_on = (
                None if i == 0 else self.past(a.stage_since + dt.timedelta(days=20))
            )
        Applicant.objects.bulk_update(candidates, ["kinship_declared_on"])

    # --- the Party school --------------------------------------------------------------------

    def session(self, kind: str, day: dt.date, title: str) -> TrainingSession | None:
        if day > self.yesterday:
            return None
        return TrainingSession(
            township=self.township,
            kind=kind,
            date=day,
            title=title,
            lecturer=self.r.choice(LECTURERS),
            hours=3 if kind == "rotation" else 2,
        )

    def training(self) -> None:
        r, y = self.r, self.year
        sessions: list[TrainingSession] = []
        plan = [
            ("rotation", dt.date(y, 3, 18), "党员轮训（上半年）：学习党章党规"),
            ("rotation", dt.date(y, 9, 16), "党员轮训（下半年）：学习全会精神"),
            ("lecture", dt.date(y, 4, 22), "专题讲座：乡村振兴与集体经济"),
            ("lecture", dt.date(y, 10, 21), "专题讲座：基层治理中的党员作用"),
            ("candidate", dt.date(y, 5, 12), "发展对象培训（上半年）"),
            ("candidate", dt.date(y, 11, 10), "发展对象培训（下半年）"),
        ] + [
            ("activist", dt.date(y, 3 * q - 1, 14), f"入党积极分子培训（第{q}季度）")
            for q in range(1, 5)
        ]
        by_kind: dict[str, list[TrainingSession]] = defaultdict(list)
        for kind, day, title in plan:
            s = self.session(kind, day, title)
            if s is not None:
                sessions.append(s)
                by_kind[kind].append(s)
        # Earlier activist training, for those who became candidates in earlier years.
        history = defaultdict(dict)
        for a_id, stage, day in ApplicantStageChange.objects.filter(
            applicant__township=self.township
        ).values_list("applicant_id", "stage", "date"):
            history[a_id][stage] = day
        earlier: dict[dt.date, TrainingSession] = {}
        for steps in history.values():
            if "activist" in steps and steps["activist"].year < y:
                day = steps["activist"] + dt.timedelta(days=45)
                day = day.replace(day=14)
                if day not in earlier:
                    earlier[day] = self.session(
                        "activist", day, f"入党积极分子培训（{day:%Y年%m月}）"
                    )
        sessions += [s for s in earlier.values() if s is not None]
        self.bulk(TrainingSession, sessions)

        rows: list[TrainingAttendance] = []
        # Rotation: nearly everyone each half-year; some miss (the gap compliance shows).
        for m in self.members:
            for s in by_kind["rotation"]:
                if m.left_on and m.left_on <= s.date:
                    continue
                if r.random() < 0.92:
                    rows.append(TrainingAttendance(session=s, member=m))
            for s in by_kind["lecture"]:
                if r.random() < 0.25 and not (m.left_on and m.left_on <= s.date):
                    rows.append(TrainingAttendance(session=s, member=m))
        # Activists each quarter and candidates each half-year, while at that stage.
        for a_id, steps in history.items():
            for kind, stage, following in (
                ("activist", "activist", "candidate"),
                ("candidate", "candidate", "probationary"),
            ):
                since, until = steps.get(stage), steps.get(following)
                if since is None:
                    continue
                candidates = by_kind[kind] + (list(earlier.values()) if kind == "activist" else [])
                for s in candidates:
                    if s is None or not (since <= s.date and (until is None or s.date < until)):
                        continue
                    if s.date.year < y or r.random() < 0.9:
                        rows.append(TrainingAttendance(session=s, applicant_id=a_id))
        self.bulk(TrainingAttendance, rows)

    # --- lagging members (铸魂) ------------------------------------------------------------------

    def lagging(self) -> None:
        r = self.r
        education = [b for b in self.branches if b.kind == BranchKind.EDUCATION]
        if not education:
            return
        origin = dict(
            BranchTransfer.objects.filter(
                member__branch__in=education, left_on__isnull=False
            ).values_list("member_id", "branch_id")
        )
        spells, checks, evaluations = [], [], []
        for m in self.members:
            if m.branch_id not in {b.pk for b in education} or m.pk not in origin:
                continue
            spell = LaggingSpell(
                member=m,
                from_branch_id=origin[m.pk],
                reason=r.choice(LAGGING_REASONS),
                started_on=m.branch_since,
            )
            spells.append(spell)
            month = m.branch_since.replace(day=1)
            progress = r.uniform(0.55, 0.95)
            while month <= self.yesterday:
                done = {f: r.random() < progress for f, _label in SIX_ONES}
                checks.append(LaggingMonthCheck(spell=spell, month=month, **done))
                progress = min(1.0, progress + 0.03)
                month = (month + dt.timedelta(days=32)).replace(day=1)
            for year in (self.year - 1, self.year):
                for q in range(1, 5):
                    end = dt.date(year, 3 * q, calendar.monthrange(year, 3 * q)[1])
                    if end < m.branch_since or end > self.yesterday:
                        continue
                    result = r.choice(("not_yet", "improving", "improving", "transformed"))
                    evaluations.append(
                        LaggingEvaluation(
                            spell=spell,
                            year=year,
                            quarter=q,
                            result=result,
                            note="" if result != "transformed" else "转化明显，建议转回原支部",
                        )
                    )
        self.bulk(LaggingSpell, spells)
        self.bulk(LaggingMonthCheck, checks)
        self.bulk(LaggingEvaluation, evaluations)

    # --- flowing members -----------------------------------------------------------------------

    def flowing(self) -> None:
        r, y = self.r, self.year
        h1 = (dt.date(y, 1, 1), dt.date(y, 6, 30))
        flowing = [m for m in self.members if m.flowing and m.left_on is None]
        present_h1 = set(
            Attendance.objects.filter(
                member__in=flowing, status="present", meeting__date__range=h1
            ).values_list("member_id", flat=True)
        )
        spells, contacts = [], []
        # The gap: the first flowing member present at no meeting in H1 gets no organisation
        # life contact for it either.
        silent = next((m for m in flowing if m.pk not in present_h1), None)
        for m in flowing:
            started = dt.date(y, 1, 1) - dt.timedelta(days=r.randint(60, 1400))
            channel = r.choice(
                (ContactChannel.WECHAT, ContactChannel.WECHAT, ContactChannel.PHONE,
                 ContactChannel.LOCAL_BRANCH)
            )  # fmt: skip
            spells.append(
                FlowingSpell(
                    member=m,
                    started_on=started,
                    workplace=m.flowing_workplace or "外省",
                    employer=r.choice(("建筑工地", "电子厂", "物流公司", "餐饮店", "")),
                    channel=channel,
                    contact=m.phone,
                )
            )
            for month in range(1, 13):
                day = self.past(dt.date(y, month, r.randint(3, 26)))
                if day.month != month or r.random() > 0.45:
                    continue
                in_h1 = day <= h1[1]
                org_life = r.random() < 0.5 and not (m is silent and in_h1)
                contacts.append(
                    FlowingContact(
                        member=m,
                        date=day,
                        channel=channel,
                        org_life=org_life,
                        note="线上参加主题党日" if org_life else "电话了解近况，提醒按时交纳党费",
                    )
                )
        self.bulk(FlowingSpell, spells)
        self.bulk(FlowingContact, contacts)

    # --- talks -----------------------------------------------------------------------------------

    def talks(self) -> None:
        r = self.r
        by_branch: dict[int, list[Member]] = defaultdict(list)
        for m in self.members:
            if m.left_on is None:
                by_branch[m.branch_id].append(m)
        rows = []
        for b in self.branches:
            people = by_branch[b.pk]
            if not people:
                continue
            chosen = sorted(
                r.sample(people, min(len(people), r.randint(2, 5))), key=lambda m: m.code
            )
            chosen += [m for m in people if m.status == "probationary" and m not in chosen]
            for m in chosen:
                day = self.past(dt.date(self.year, r.randint(1, 11), r.randint(1, 28)))
                topic = "转正前谈话" if m.status == "probationary" else r.choice(TALK_TOPICS)
                if m.flowing:
                    topic = "外出务工期间如何参加组织生活"
                rows.append(
                    HeartTalk(
                        member=m,
                        talker=b.secretary_name or "支部书记",
                        talker_post="支部书记",
                        date=day,
                        topic=topic,
                        follow_up=r.choice(("", "下月再次走访", "已帮助联系务工信息", "")),
                    )
                )
        self.bulk(HeartTalk, rows)


def build_life_cycle(*, township, today: dt.date, rng: random.Random, bulk) -> None:
    LifeCycleBuilder(township=township, today=today, rng=rng, bulk=bulk).build()
