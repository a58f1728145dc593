"""The benchmark county's modules, topped up: what `bench_scoring.build_county` leaves empty.

`build_county` makes branches, members and a year of meetings, dues, visits, adjustments and
office scores. The Party school, heart-to-heart talks, lagging and flowing members, the pipeline
past its first stage, alliances and cooperatives stay empty there, so `bench_pages --sweep` would
time their empty lists. `bench_modules_ensure` fills them at a township's scale (35 branches,
1,575 members), from 1 January of last year (of last month's year, as `bench_pages` reads it) up
to `today`:

- the Party school: rotation training in batches each half-year, activist training each quarter,
  candidate training each half-year, lectures; attendance of those who should come, some missing
  (activist and candidate training go two years further back, for the pipeline's history);
- the pipeline: the bench's applicants get their steps, and new applicants move through the
  stages with their deciding meetings, notices and kinship declarations; those admitted get their
  member record (probationary, some full by now);
- an education branch (铸魂党支部) with a few lagging members moved there (some back by now),
  their monthly “六个一” checks, quarterly evaluations and the branch's monthly themed day;
- flowing members (the flowing branch and ~2 % of villagers) with their spells and contacts;
- heart-to-heart talks with about two members in three a year;
- a core alliance and up to two area alliances with their organisations, project items, joint
  activities with members, micro-wishes, evaluations and contest scores;
- cooperatives (one or two a village) with holders and accounts; strong-enterprise pairings with
  projects, monthly progress, symposia; villages' collective income; the contest fund, led projects
  with quarterly subsidies, the June and December contests with awards; group activities.

Each township is topped up in its own transaction, once: one that already has training sessions,
talks, alliances or cooperatives is left as it is. Deterministic: a `random.Random` seeded by the
township's code and the part. Nothing that happened is dated after `today` (plans may be later: a
probation's end, a project's due date). The members moved and the stages taken change what the
scoring reads, so the months from January of last year are marked changed, as the services do.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction

from django.db import transaction
from django.db.models import Min, Q
from stdnum.cn import uscc

from alliances.models import (
    Alliance,
    ContestScore,
    Evaluation,
    JointActivity,
    Organisation,
    ProjectItem,
    Wish,
)
from branches.models import Attendance, Branch, BranchKind, County, Meeting, Township
from cooperatives import rules as coop_rules
from cooperatives.models import (
    Account,
    Award,
    CollectiveIncome,
    Contest,
    ContestEntry,
    Cooperative,
    FundDeposit,
    GroupActivity,
    Holder,
    JudgeScore,
    LedProject,
    Pairing,
    PairingProject,
    ProgressEntry,
    ProjectEvaluation,
    Symposium,
)
from exchange.alliance_demo import WISHES
from exchange.demo_life import LAGGING_REASONS, LECTURERS, TALK_TOPICS
from exchange.management.commands.seed_demo import (
    EXCUSES,
    FEMALE_CHARS,
    LECTURE_TOPICS,
    MALE_CHARS,
    SURNAMES,
    THEMES,
    WORKPLACES,
)
from members.lifecycle import one_year_after
from members.models import (
    SIX_ONES,
    Applicant,
    ApplicantStageChange,
    BranchTransfer,
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
from township.money import yuan_to_cents
from township.months import months_mark_changed

BATCH = 2000
CENT = Decimal("0.01")
STAGES = ("applicant", "activist", "candidate", "probationary", "full")

EMPLOYERS = ("建筑工地", "电子厂", "物流公司", "餐饮店", "汽车配件厂", "家政公司", "")
OUTSIDE_ORGS = (
    ("镇政府机关党支部", "agency"),
    ("镇卫生院党支部", "agency"),
    ("镇中心学校党支部", "agency"),
    ("镇派出所党支部", "agency"),
    ("县供电公司党支部", "enterprise"),
    ("县农商银行党支部", "enterprise"),
    ("鲁丰农业发展有限公司", "enterprise"),
    ("镇区社区", "community"),
    ("青山社区", "community"),
    ("县蔬菜产业协会", "association"),
    ("乡贤理事会", "association"),
    ("志愿者协会", "association"),
)
AREAS = (("red", "红色传承联盟"), ("green", "绿色产业联盟"), ("blue", "蓝色治理联盟"))
ALLIANCE_PROJECTS = (
    "党建引领乡村振兴“五个一”行动",
    "红色文化讲解员队伍建设",
    "革命旧址修缮与展陈",
    "蔬菜大棚技术服务队",
    "农产品直播带货培训",
    "矛盾纠纷联调机制",
    "网格化治理联席会议",
    "人居环境联创联建",
    "党员志愿服务积分制",
    "村企共建就业帮扶",
    "文明实践站点共享",
    "联合党课资源库",
)
VOLUNTEERING = (
    "一月一公益：敬老院义诊",
    "一月一公益：大棚技术下乡",
    "一月一公益：清扫村内道路",
    "一月一公益：关爱留守儿童",
    "一月一公益：防诈骗宣传",
)
EVIDENCE = "验收照片与群众签字已存档"
COOP_KINDS = (
    ("富民种植", "蔬菜种植、农资统购"),
    ("劳务服务", "劳务输出、保洁绿化"),
    ("果蔬产销", "果蔬收购、冷链销售"),
    ("畜禽养殖", "生猪、肉鸡养殖"),
    ("农机服务", "农机作业、托管服务"),
    ("乡村旅游", "农家乐、采摘园"),
    ("中药材种植", "中药材种植、初加工"),
)
ENTERPRISES = (
    "山东鲁丰食品集团",
    "济南恒信建材有限公司",
    "县城投集团有限公司",
    "鲁中果业有限公司",
    "华泰物流有限公司",
    "绿源农业科技有限公司",
    "齐鲁电力工程有限公司",
    "县城乡物业服务有限公司",
)
LED_PROJECTS = {
    "appearance": ("村庄街巷绿化美化", "旱厕改造提升", "村内道路硬化", "村口游园建设"),
    "spirit": ("新时代文明实践积分超市", "好媳妇好婆婆评选", "村史馆建设", "移风易俗红白理事会"),
    "economy": ("合作社大棚扩建", "村集体光伏发电", "闲置资产盘活", "特色种植基地"),
}
RATINGS = ("进展快，效果好", "按计划推进", "群众参与度高")
GROUP_ACTIVITIES = {
    "walk": "“红色健步走”群众徒步活动",
    "sports": "村民趣味运动会",
    "performance": "庆丰收文艺汇演",
    "other": "广场舞展演",
}


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first days of the months from `first`'s to `last`'s, both included."""
    out, month = [], first.replace(day=1)
    while month <= last:
        out.append(month)
        month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return out


def _between(r: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=r.randint(0, max(0, (last - first).days)))


def _quarter_end(year: int, quarter: int) -> dt.date:
    return dt.date(year, 3 * quarter, calendar.monthrange(year, 3 * quarter)[1])


def _yuan(r: random.Random, low: int, high: int, step: int = 1) -> Decimal:
    return Decimal(r.randrange(low, high + 1, step)).quantize(CENT)


def _credit_code(serial: str) -> str:
    """A farmers' cooperative's unified social credit code (93…), valid by GB 32100."""
    body = f"93370123MA{serial}"
    return body + uscc.calc_check_digit(body)


def bench_modules_ensure(
    county: County, *, today: dt.date, log: Callable[[str], object] = lambda _s: None
) -> dict[str, int]:
    """Top up each township of `county` that has none of the modules yet; rows added by model
    label (plus `branches.Attendance removed`: the lagging members' rows at meetings of the branch
    they had left). Empty when every township had them already."""
    counts: Counter[str] = Counter()
    townships = list(Township.objects.filter(county=county).order_by("code", "pk"))
    for n, township in enumerate(townships, 1):
        if _has_modules(township):
            log(f"  township {n}/{len(townships)} {township.code}: has its modules already")
            continue
        started = time.perf_counter()
        with transaction.atomic():
            added = _TownshipTopUp(township, today=today, number=n).build()
        counts.update(added)
        log(
            f"  township {n}/{len(townships)} {township.code}: {sum(added.values()):,} rows "
            f"in {time.perf_counter() - started:.1f} s"
        )
    return dict(sorted(counts.items()))


def _has_modules(township: Township) -> bool:
    return (
        TrainingSession.objects.filter(township=township).exists()
        or HeartTalk.objects.filter(member__township=township).exists()
        or Alliance.objects.filter(township=township).exists()
        or Cooperative.objects.filter(township=township).exists()
    )


class _TownshipTopUp:
    def __init__(self, township: Township, *, today: dt.date, number: int):
        self.t = township
        self.number = number  # the township's place in its county, for the credit codes
        self.today = today
        self.year = (today.replace(day=1) - dt.timedelta(days=1)).year
        self.since = dt.date(self.year - 1, 1, 1)
        self.counts: Counter[str] = Counter()
        self.changed: list[dt.date] = []

    def rng(self, part: str) -> random.Random:
        return random.Random(f"bench-modules:{self.t.code}:{part}")

    def bulk(self, model, rows: list) -> list:
        model.objects.bulk_create(rows, batch_size=BATCH)
        self.counts[model._meta.label] += len(rows)
        return rows

    @staticmethod
    def person(r: random.Random, *, male: bool | None = None) -> str:
        male = r.random() < 0.6 if male is None else male
        chars = MALE_CHARS if male else FEMALE_CHARS
        given = r.choice(chars) if r.random() < 0.3 else r.choice(chars) + r.choice(chars)
        return SURNAMES[min(int(r.expovariate(1 / 14)), len(SURNAMES) - 1)] + given

    @staticmethod
    def on_roster(m: Member, day: dt.date) -> bool:
        return (m.branch_since is None or m.branch_since <= day) and (
            m.left_on is None or m.left_on > day
        )

    def build(self) -> dict[str, int]:
        self.branches = list(Branch.objects.filter(township=self.t).order_by("code", "pk"))
        self.members = list(Member.objects.filter(township=self.t).order_by("code", "pk"))
        by_branch: dict[int, list[Member]] = defaultdict(list)
        for m in self.members:
            by_branch[m.branch_id].append(m)
        self.committee = {
            m.pk for ms in by_branch.values() for m in ms[: 5 if len(ms) >= 20 else 2]
        }
        r = self.rng("names")
        self.secretary = {b.pk: b.secretary_name or self.person(r) for b in self.branches}
        self.team = {b.pk: [self.person(r) for _ in range(4)] for b in self.branches}
        self.deciding: dict[tuple[int, str], list[tuple[dt.date, int]]] = defaultdict(list)
        for pk, branch_id, type_, day in (
            Meeting.objects.filter(
                township=self.t, type__in=("committee", "general"), date__lte=self.today
            )
            .order_by("date", "pk")
            .values_list("pk", "branch_id", "type", "date")
        ):
            self.deciding[(branch_id, type_)].append((day, pk))
        first = Meeting.objects.filter(township=self.t).aggregate(d=Min("date"))["d"]
        # Steps before the county's first meeting name none (old registers).
        self.era = min(first, self.today) if first else self.today + dt.timedelta(days=1)
        self.school = self.school_plan()

        self.lagging()
        self.flowing()
        self.pipeline()
        self.training()
        self.talks()
        self.alliances()
        self.cooperatives()
        self.contest_fund()
        if self.changed:
            first_month = max(min(self.changed), self.since)
            months_mark_changed(township_id=self.t.pk, days=_months(first_month, self.today))
        return dict(self.counts)

    # --- lagging members in the education branch (铸魂) ------------------------------------------

    def lagging(self) -> None:
        r = self.rng("lagging")
        edu = next((b for b in self.branches if b.kind == BranchKind.EDUCATION), None)
        if edu is None:
            codes = {b.code for b in self.branches}
            code = next(f"ZH{n:02d}" for n in range(1, 100) if f"ZH{n:02d}" not in codes)
            edu = Branch(
                township=self.t,
                code=code,
                name="铸魂党支部",
                kind=BranchKind.EDUCATION,
                ranked=False,
                has_groups=False,
                secretary_name=self.person(r, male=True),
            )
            self.bulk(Branch, [edu])
            self.branches.append(edu)
            self.secretary[edu.pk], self.team[edu.pk] = edu.secretary_name, []
        villages = {b.pk for b in self.branches if b.kind == BranchKind.VILLAGE}
        pool = [
            m
            for m in self.members
            if m.branch_id in villages
            and m.left_on is None
            and m.status == "full"
            and m.pk not in self.committee
        ]
        chosen = sorted(r.sample(pool, min(len(pool), r.randint(3, 6))), key=lambda m: m.code)
        spells, transfers, checks, evaluations, removed = [], [], [], [], []
        for i, m in enumerate(chosen):
            started = self.today - dt.timedelta(days=r.randint(60, 540))
            if m.branch_since is not None:
                started = max(started, m.branch_since)
            ended = started + dt.timedelta(days=r.randint(180, 330)) if i % 4 == 3 else None
            if ended is not None and ended > self.today - dt.timedelta(days=7):
                ended = None
            reason = r.choice(LAGGING_REASONS)
            spell = LaggingSpell(
                member=m,
                from_branch_id=m.branch_id,
                reason=reason,
                started_on=started,
                ended_on=ended,
                end_note="经教育转化，思想认识明显提高，转回原支部" if ended else "",
            )
            spells.append(spell)
            transfers.append(
                BranchTransfer(
                    member=m,
                    branch_id=m.branch_id,
                    since=m.branch_since,
                    left_on=started,
                    note="转入铸魂党支部：" + reason,
                )
            )
            gone = Q(member_id=m.pk, meeting__branch_id=m.branch_id, meeting__date__gte=started)
            if ended is None:
                m.branch_id, m.branch_since = edu.pk, started
            else:
                transfers.append(
                    BranchTransfer(
                        member=m, branch_id=edu.pk, since=started, left_on=ended, note="转回原支部"
                    )
                )
                m.branch_since = ended
                gone &= Q(meeting__date__lt=ended)
            m.party_group_id = None
            removed.append(gone)
            self.changed.append(started)
            progress = r.uniform(0.5, 0.85)
            for month in _months(started, ended or self.today):
                done = {f: r.random() < progress for f, _label in SIX_ONES}
                note = "" if all(done.values()) else "个别事项未完成，已督促"
                checks.append(LaggingMonthCheck(spell=spell, month=month, note=note, **done))
                progress = min(1.0, progress + 0.04)
            quarters = [
                (y, q)
                for y in range(started.year, self.today.year + 1)
                for q in range(1, 5)
                if started <= _quarter_end(y, q) <= self.today
                and (ended is None or dt.date(y, 3 * q - 2, 1) <= ended)
            ]
            for k, (y, q) in enumerate(quarters):
                result = ("not_yet", "improving", "improving", "transformed")[min(k, 3)]
                if ended is not None and k == len(quarters) - 1:
                    result = "transformed"
                note = "转化明显，建议转回原支部" if result == "transformed" else ""
                evaluations.append(
                    LaggingEvaluation(spell=spell, year=y, quarter=q, result=result, note=note)
                )
        self.bulk(LaggingSpell, spells)
        self.bulk(BranchTransfer, transfers)
        self.bulk(LaggingMonthCheck, checks)
        self.bulk(LaggingEvaluation, evaluations)
        Member.objects.bulk_update(chosen, ["branch", "branch_since", "party_group"])
        # The rows' ids first, one member at a time, then one delete by those ids. A delete
        # through a subquery on its own table was planned as a nested loop over both on a test
        # database with stale statistics: past the 20-s statement timeout on PostgreSQL.
        ids = [
            pk
            for gone in removed
            for pk in Attendance.objects.filter(gone).values_list("pk", flat=True)
        ]
        if ids:
            deleted, _by_model = Attendance.objects.filter(pk__in=ids).delete()
            self.counts["branches.Attendance removed"] += deleted
        self.lagging_ids = {m.pk for m in chosen}
        self.education_meetings(edu, spells)

    def education_meetings(self, edu: Branch, spells: list[LaggingSpell]) -> None:
        """The education branch's monthly themed day, with its members of the day."""
        if not spells:
            return
        r = self.rng("education")
        taken = set(
            Meeting.objects.filter(township=self.t, code__startswith=f"{edu.code}-").values_list(
                "code", flat=True
            )
        )
        meetings, rows = [], []
        for month in _months(min(s.started_on for s in spells), self.today):
            day = month.replace(day=5)
            present = [
                s.member_id
                for s in spells
                if s.started_on <= day and (s.ended_on is None or day < s.ended_on)
            ]
            code = f"{edu.code}-{day:%Y%m}-TD"
            if day > self.today or not present or code in taken:
                continue
            meeting = Meeting(
                township=self.t,
                branch=edu,
                code=code,
                type="themed_day",
                date=day,
                topic="铸魂党支部主题党日：" + r.choice(THEMES),
                host=edu.secretary_name,
                act_study=True,
                act_dues=True,
                act_oath=True,
                act_deliberation=r.random() < 0.7,
            )
            meetings.append(meeting)
            for member_id in present:
                status = r.choices(("present", "excused", "absent"), (85, 10, 5))[0]
                reason = r.choice(EXCUSES) if status == "excused" else ""
                rows.append(
                    Attendance(meeting=meeting, member_id=member_id, status=status, reason=reason)
                )
        self.bulk(Meeting, meetings)
        self.bulk(Attendance, rows)

    # --- flowing members -----------------------------------------------------------------------

    def flowing(self) -> None:
        r = self.rng("flowing")
        away_branches = {b.pk for b in self.branches if b.kind == BranchKind.FLOWING}
        villages = {b.pk for b in self.branches if b.kind == BranchKind.VILLAGE}
        away, back = [], []
        for m in self.members:
            if m.left_on is not None or m.pk in self.lagging_ids:
                continue
            ordinary = m.branch_id in villages and m.pk not in self.committee
            if m.branch_id in away_branches or (ordinary and r.random() < 0.02):
                away.append(m)
            elif ordinary and r.random() < 0.006:
                back.append(m)
        spells, contacts = [], []
        for m in away + back:
            channel = r.choice(("wechat", "wechat", "phone", "local_branch"))
            if channel == "wechat":
                contact = f"wxid_{r.randrange(16**8):08x}"
            else:
                contact = "1" + r.choice("3578") + f"{r.randrange(10**9):09d}"
            if m in back:
                ended = self.today - dt.timedelta(days=r.randint(20, 300))
                started = ended - dt.timedelta(days=r.randint(200, 900))
            else:
                started, ended = self.today - dt.timedelta(days=r.randint(30, 1500)), None
                if r.random() < 0.2:  # away before, home for a while, away again
                    before_end = started - dt.timedelta(days=r.randint(60, 400))
                    spells.append(
                        FlowingSpell(
                            member=m,
                            started_on=before_end - dt.timedelta(days=r.randint(180, 700)),
                            ended_on=before_end,
                            workplace=r.choice(WORKPLACES),
                            employer=r.choice(EMPLOYERS),
                            channel=channel,
                            contact=contact,
                        )
                    )
            workplace = r.choice(WORKPLACES)
            spells.append(
                FlowingSpell(
                    member=m,
                    started_on=started,
                    ended_on=ended,
                    workplace=workplace,
                    employer=r.choice(EMPLOYERS),
                    channel=channel,
                    contact=contact,
                )
            )
            if ended is None:
                m.flowing, m.flowing_workplace = True, workplace
            silent = r.random() < 0.1  # no organisation life away in the first half-year
            for month in _months(max(started, self.since), ended or self.today):
                day = month.replace(day=r.randint(1, 28))
                if day < started or day > (ended or self.today) or r.random() < 0.5:
                    continue
                h1 = dt.date(self.year, 1, 1) <= day <= dt.date(self.year, 6, 30)
                org_life = r.random() < 0.45 and not (silent and h1)
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
        Member.objects.bulk_update(away, ["flowing", "flowing_workplace"], batch_size=BATCH)

    # --- the development pipeline ----------------------------------------------------------------

    def decided(
        self,
        r: random.Random,
        branch_id: int,
        types: tuple[str, ...],
        earliest: dt.date,
        slack: int,
    ) -> tuple[dt.date, int | None] | None:
        """The day of a decided step and its meeting: the branch's first meeting of `types` from
        `earliest` on (within `slack` days); before the county's meetings begin, a day without
        one (old registers); None when the step has not happened by today."""
        if earliest > self.today:
            return None
        if earliest < self.era:
            day = earliest + dt.timedelta(days=r.randint(0, 20))
            if day < self.era:
                return day, None
            earliest = self.era
        found = [
            (day, pk)
            for type_ in types
            for day, pk in self.deciding[(branch_id, type_)]
            if earliest <= day <= earliest + dt.timedelta(days=slack)
        ]
        return min(found) if found else None

    def pipeline(self) -> None:
        r = self.rng("pipeline")
        steps: list[ApplicantStageChange] = []
        self.periods: dict[int, dict[str, dt.date]] = {}  # applicant → stage → date
        # The bench's applicants: the steps behind their stage.
        old = list(
            Applicant.objects.filter(township=self.t, history__isnull=True).order_by("code", "pk")
        )
        for a in old:
            history = {a.stage: a.stage_since}
            day = a.stage_since
            for stage in reversed(STAGES[: STAGES.index(a.stage)]):
                day -= dt.timedelta(days=r.randint(90, 270) if stage == "applicant" else 400)
                history[stage] = day
            for stage, day in sorted(history.items(), key=lambda kv: kv[1]):
                steps.append(self.step(a, stage, day, None))
            self.periods[a.pk] = history
        applicants, new_members = [], []
        activist_days = sorted(d for kind, d, _t, _b in self.school if kind == "activist")
        for b in self.branches:
            if not b.ranked:
                continue
            for k in range(r.choice((0, 1, 1, 2, 2, 3))):
                a = Applicant(
                    township=self.t,
                    branch=b,
                    code=f"D{b.code}-{k + 1:02d}",
                    name=self.person(r),
                    gender=r.choice("MMF"),
                    birth_date=dt.date(r.randint(1975, 2004), r.randint(1, 12), r.randint(1, 28)),
                )
                history: dict[str, tuple[dt.date, int | None]] = {
                    "applicant": (self.today - dt.timedelta(days=r.randint(30, 1800)), None)
                }
                nxt = self.decided(
                    r,
                    b.pk,
                    ("committee",),
                    history["applicant"][0] + dt.timedelta(days=r.randint(90, 270)),
                    45,
                )
                if nxt is not None and r.random() < 0.85:
                    history["activist"] = nxt
                    earliest = one_year_after(nxt[0]) + dt.timedelta(days=r.randint(0, 90))
                    nxt = self.decided(r, b.pk, ("committee", "general"), earliest, 45)
                    # Trained as an activist, or a candidate before the school's records begin.
                    trained = nxt is not None and (
                        nxt[0] < activist_days[0]
                        or any(history["activist"][0] <= d <= nxt[0] for d in activist_days)
                    )
                    if trained and r.random() < 0.8:
                        history["candidate"] = nxt
                        declared = nxt[0] + dt.timedelta(days=r.randint(3, 30))
                        a.kinship_declared_on = declared if declared <= self.today else None
                        if r.random() < 0.1:
                            a.kinship_declared_on = None  # the gap: not declared yet
                        earliest = nxt[0] + dt.timedelta(days=r.randint(60, 200))
                        nxt = self.decided(r, b.pk, ("general",), earliest, 120)
                        if (
                            nxt is not None
                            and a.kinship_declared_on is not None
                            and a.kinship_declared_on <= nxt[0]
                            and r.random() < 0.85
                        ):
                            history["probationary"] = nxt
                            due = one_year_after(nxt[0])
                            nxt = self.decided(r, b.pk, ("general",), due, 120)
                            if nxt is not None and r.random() < 0.95:
                                history["full"] = nxt
                if a.kinship_declared_on is not None:
                    a.kinship_relatives = "" if r.random() < 0.85 else "堂兄 村委会委员"
                    a.kinship_document = f"QS-{a.kinship_declared_on.year}-{a.code}"
                a.stage = list(history)[-1]
                a.stage_since = history[a.stage][0]
                if "probationary" in history:
                    admitted = history["probationary"][0]
                    a.member = Member(
                        township=self.t,
                        code=f"M{a.code}",
                        name=a.name,
                        gender=a.gender,
                        birth_date=a.birth_date,
                        joined_party_on=admitted,
                        status="full" if "full" in history else "probationary",
                        probation_ends_on=one_year_after(admitted),
                        branch=b,
                        branch_since=admitted,
                        income_kind="farmer" if b.kind == BranchKind.VILLAGE else "",
                    )
                    new_members.append(a.member)
                    self.changed.append(admitted)
                self.changed.append(history["applicant"][0])
                applicants.append(a)
                for stage, (day, meeting) in history.items():
                    steps.append(self.step(a, stage, day, meeting))
        self.bulk(Member, new_members)
        self.members += new_members
        for a in applicants:
            a.member_id = a.member.pk if a.member else None
        self.bulk(Applicant, applicants)
        for step in steps:
            step.applicant_id = step.applicant.pk
        for a in applicants:
            self.periods[a.pk] = {s.stage: s.date for s in steps if s.applicant is a}
        self.bulk(ApplicantStageChange, steps)

    @staticmethod
    def step(a: Applicant, stage: str, day: dt.date, meeting: int | None) -> ApplicantStageChange:
        notice = stage in ("candidate", "probationary", "full")
        return ApplicantStageChange(
            applicant=a,
            stage=stage,
            date=day,
            meeting_id=meeting,
            notice_start=day - dt.timedelta(days=9) if notice else None,
            notice_end=day - dt.timedelta(days=2) if notice else None,
            deciding_meeting={
                "applicant": "向党组织递交入党申请书",
                "activist": "支委会研究确定为入党积极分子",
                "candidate": "支委会研究确定为发展对象",
            }.get(stage, "支部党员大会讨论通过"),
        )

    # --- the Party school ------------------------------------------------------------------------

    def school_plan(self) -> list[tuple[str, dt.date, str, int]]:
        """(kind, date, title, batch) of the township's sessions up to today: rotation training
        (in four batches of branches, 0–3) and lectures from January of last year; activist and
        candidate training two years further back, where the pipeline's history begins."""
        plan = []
        for y in range(self.year - 3, self.year + 1):
            for half, month in (("上", 3), ("下", 9)):
                for k in range(4 if y >= self.since.year else 0):
                    title = f"党员轮训（{y}年{half}半年第{k + 1}期）"
                    plan.append(("rotation", dt.date(y, month, 10 + 5 * k), title, k))
            for q in range(1, 5):
                title = f"入党积极分子培训（{y}年第{q}季度）"
                plan.append(("activist", dt.date(y, 3 * q - 1, 14), title, 0))
            plan.append(("candidate", dt.date(y, 5, 12), f"发展对象培训（{y}年上半年）", 0))
            plan.append(("candidate", dt.date(y, 11, 10), f"发展对象培训（{y}年下半年）", 0))
            for i, month in enumerate(range(2, 13, 2) if y >= self.since.year else ()):
                topic = LECTURE_TOPICS[(y + i) % len(LECTURE_TOPICS)]
                plan.append(("lecture", dt.date(y, month, 22), f"初心课堂：{topic}", 0))
        return [row for row in plan if row[1] <= self.today]

    def training(self) -> None:
        r = self.rng("training")
        sessions = [
            TrainingSession(
                township=self.t,
                kind=kind,
                date=day,
                title=title,
                lecturer=r.choice(LECTURERS),
                hours=Decimal(3 if kind == "rotation" else 2),
            )
            for kind, day, title, _batch in self.school
        ]
        self.bulk(TrainingSession, sessions)
        batch = {b.pk: i % 4 for i, b in enumerate(self.branches)}
        away = {b.pk for b in self.branches if b.kind == BranchKind.FLOWING}
        rows = []
        for s, (_kind, _day, _title, k) in zip(sessions, self.school, strict=True):
            if s.kind != "rotation":
                continue
            for m in self.members:
                if batch[m.branch_id] != k or not self.on_roster(m, s.date):
                    continue
                if r.random() < (0.3 if m.branch_id in away or m.flowing else 0.92):
                    rows.append(TrainingAttendance(session=s, member_id=m.pk))
        for s in sessions:
            if s.kind == "lecture":
                people = [m for m in self.members if self.on_roster(m, s.date)]
                for m in r.sample(people, min(len(people), r.randint(60, 140))):
                    rows.append(TrainingAttendance(session=s, member_id=m.pk))
        for a_id, history in self.periods.items():
            for kind, following in (("activist", "candidate"), ("candidate", "probationary")):
                since, until = history.get(kind), history.get(following)
                if since is None:
                    continue
                due = [
                    s
                    for s in sessions
                    if s.kind == kind and since <= s.date and (until is None or s.date < until)
                ]
                came = [s for s in due if r.random() < 0.9]
                if kind == "activist" and until is not None and due and not came:
                    came = due[-1:]  # the candidacy needed one
                rows += [TrainingAttendance(session=s, applicant_id=a_id) for s in came]
        self.bulk(TrainingAttendance, rows)

    # --- heart-to-heart talks --------------------------------------------------------------------

    def talks(self) -> None:
        r = self.rng("talks")
        rows = []
        for y in (self.year - 1, self.year):
            first, last = dt.date(y, 1, 1), min(dt.date(y, 12, 31), self.today)
            for m in self.members:
                n = (r.random() < 0.55) + (r.random() < 0.15)
                if m.status == "probationary" and m.probation_ends_on.year == y:
                    n = max(n, 1)
                for _ in range(n):
                    day = _between(r, first, last)
                    if not self.on_roster(m, day):
                        continue
                    if m.status == "probationary":
                        topic = "转正前谈话"
                    elif m.flowing:
                        topic = "外出务工期间如何参加组织生活"
                    elif m.pk in self.lagging_ids:
                        topic = "教育转化谈心谈话"
                    else:
                        topic = r.choice(TALK_TOPICS)
                    own = r.random() < 0.8
                    rows.append(
                        HeartTalk(
                            member_id=m.pk,
                            talker=self.secretary[m.branch_id] if own else self.person(r),
                            talker_post="支部书记" if own else r.choice(("包村干部", "组织委员")),
                            date=day,
                            topic=topic,
                            follow_up=r.choice(("", "", "下月再次走访", "已帮助联系务工信息")),
                        )
                    )
        self.bulk(HeartTalk, rows)

    # --- alliances --------------------------------------------------------------------------------

    def alliances(self) -> None:
        r = self.rng("alliances")
        ranked = [b for b in self.branches if b.ranked]
        count = r.choices((1, 2, 3), (1, 3, 6))[0]
        core = Alliance(
            township=self.t, code="AL1", name=f"{self.t.name}党建联盟", kind="core",
            leader=self.person(r, male=True),
        )  # fmt: skip
        self.bulk(Alliance, [core])
        areas = [
            Alliance(
                township=self.t, code=f"AL{i + 2}", name=name, kind=kind, parent=core,
                leader=self.person(r),
            )
            for i, (kind, name) in enumerate(AREAS[: count - 1])
        ]  # fmt: skip
        self.bulk(Alliance, areas)
        members_of = {}
        if areas:
            size = -(-len(ranked) // len(areas))
            members_of = {a: ranked[i * size : (i + 1) * size] for i, a in enumerate(areas)}
            leads = [bs[0] for bs in members_of.values() if bs]
            others = [b for b in ranked if b not in leads]
            members_of[core] = sorted(
                leads + r.sample(others, min(len(others), 6)), key=lambda b: b.code
            )
        else:
            members_of[core] = ranked
        orgs: dict[Alliance, list[Organisation]] = {}
        for alliance, branches in members_of.items():
            rows = [
                Organisation(
                    alliance=alliance, code=f"O{i + 1}", name=b.name, kind="branch", branch=b,
                    responsible=self.secretary[b.pk],
                )
                for i, b in enumerate(branches)
            ]  # fmt: skip
            for name, kind in r.sample(OUTSIDE_ORGS, r.randint(2, 4)):
                rows.append(
                    Organisation(
                        alliance=alliance, code=f"O{len(rows) + 1}", name=name, kind=kind,
                        responsible=self.person(r),
                    )
                )  # fmt: skip
            orgs[alliance] = self.bulk(Organisation, rows)
        by_branch: dict[int, list[Member]] = defaultdict(list)
        for m in self.members:
            by_branch[m.branch_id].append(m)
        for alliance, branches in members_of.items():
            people = [m for b in branches for m in by_branch[b.pk]]
            self.alliance_records(r, alliance, orgs[alliance], people)
        half_ends = [
            (y, h) for y in (self.year - 1, self.year) for h in (1, 2)
            if dt.date(y, 6 * h, 30 if h == 1 else 31) <= self.today
        ]  # fmt: skip
        for alliance in [core, *areas]:
            score = Decimal(r.randint(6500, 9800)) / 100
            self.bulk(Evaluation, [Evaluation(alliance=alliance, year=self.year - 1, score=score)])
            self.bulk(
                ContestScore,
                [
                    ContestScore(
                        alliance=alliance, year=y, half=h, score=Decimal(r.randint(70, 98))
                    )
                    for y, h in half_ends
                ],
            )

    def alliance_records(self, r, alliance: Alliance, orgs: list, people: list[Member]) -> None:
        items, titles = [], r.sample(ALLIANCE_PROJECTS, len(ALLIANCE_PROJECTS))
        for i in range(r.randint(8, 16)):
            due = _between(r, self.since + dt.timedelta(days=60), self.today + dt.timedelta(300))
            done = r.random() < (0.75 if due <= self.today else 0.25)
            done_on = (
                min(_between(r, due - dt.timedelta(days=90), due), self.today) if done else None
            )
            status = "done" if done else ("active" if r.random() < 0.6 else "planned")
            items.append(
                ProjectItem(
                    alliance=alliance,
                    kind="common" if i % 3 else "individual",
                    title=titles[i % len(titles)]
                    + (f"（{self.year}）" if i >= len(titles) else ""),
                    owner=r.choice(orgs),
                    due_on=due,
                    status=status,
                    done_on=max(done_on, self.since) if done_on else None,
                    evidence=EVIDENCE if done else "",
                )
            )
        self.bulk(ProjectItem, items)
        activities, taking_part = [], []
        for month in _months(self.since, self.today):
            plan = [("volunteer", r.choice(VOLUNTEERING))] if r.random() < 0.8 else []
            if month.month % 3 == 2:
                plan.append(("themed_day", "联合主题党日：" + r.choice(THEMES)))
            for kind, title in plan:
                day = month.replace(day=r.randint(3, 27))
                if day > self.today:
                    continue
                activity = JointActivity(
                    alliance=alliance, kind=kind, date=day, title=title, place="党群服务中心"
                )
                came = [m for m in people if self.on_roster(m, day)]
                came = r.sample(came, min(len(came), r.randint(8, 30)))
                activities.append(activity)
                taking_part.append(
                    (activity, r.sample(orgs, min(len(orgs), r.randint(2, 6))), came)
                )
        self.bulk(JointActivity, activities)
        through_orgs = JointActivity.organisations.through
        through_members = JointActivity.members.through
        self.bulk(
            through_orgs,
            [
                through_orgs(jointactivity_id=a.pk, organisation_id=o.pk)
                for a, os, _ms in taking_part
                for o in os
            ],
        )
        self.bulk(
            through_members,
            [
                through_members(jointactivity_id=a.pk, member_id=m.pk)
                for a, _os, ms in taking_part
                for m in ms
            ],
        )
        needs = [n for ns in WISHES.values() for n in ns] + [
            "为困难党员修缮房屋",
            "为村小学捐赠图书",
        ]
        raised = sorted(_between(r, self.since, self.today) for _ in range(r.randint(12, 40)))
        wishes = []
        for i, day in enumerate(raised):
            wish = Wish(alliance=alliance, code=f"W{i + 1}", need=r.choice(needs), raised_on=day)
            claimed = min(day + dt.timedelta(days=r.randint(0, 10)), self.today)
            helpers = [m for m in people if self.on_roster(m, claimed)]
            if helpers and r.random() < 0.85:
                wish.claimed_by, wish.claimed_on = r.choice(helpers), claimed
                fulfilled = claimed + dt.timedelta(days=r.randint(2, 40))
                if fulfilled <= self.today and r.random() < 0.75:
                    wish.fulfilled_on, wish.evidence = fulfilled, "已办结，受助群众签字确认"
            wishes.append(wish)
        self.bulk(Wish, wishes)

    # --- cooperatives and pairings ---------------------------------------------------------------

    def cooperatives(self) -> None:
        r = self.rng("cooperatives")
        villages = [b for b in self.branches if b.kind == BranchKind.VILLAGE]
        by_branch: dict[int, list[Member]] = defaultdict(list)
        for m in self.members:
            if m.left_on is None:
                by_branch[m.branch_id].append(m)
        coops, holders, accounts = [], [], []
        for b in villages:
            stem = b.name.removesuffix("党支部")
            for kind_name, business in r.sample(COOP_KINDS, r.choice((1, 1, 2))):
                n = len(coops) + 1
                model = r.choices(("collective", "joint", "contracted"), (50, 35, 15))[0]
                coop = Cooperative(
                    township=self.t,
                    branch=b,
                    code=f"C{n:03d}",
                    name=f"{stem}{kind_name}专业合作社",
                    credit_code=_credit_code(f"{self.number:04d}{n:03d}"),
                    model=model,
                    founded_on=_between(r, dt.date(2017, 1, 1), dt.date(self.year - 1, 6, 30)),
                    business=business,
                    contact=f"{self.secretary[b.pk]} 139{r.randrange(10**8):08d}",
                )
                coops.append(coop)
                rows = [("collective", f"{stem}股份经济合作社", None, "funds", 50, 300)]
                if r.random() < 0.5:
                    rows.append(
                        ("collective", f"{stem}股份经济合作社（资源）", None, "resources", 20, 100)
                    )
                for _ in range(r.randint(6, 40)):
                    member = (
                        r.choice(by_branch[b.pk]) if by_branch[b.pk] and r.random() < 0.25 else None
                    )
                    name = member.name if member else self.person(r)
                    rows.append(
                        ("villager", name, member, r.choice(("land", "money", "labour")), 1, 20)
                    )
                if model != "collective":
                    rows.append(("enterprise", r.choice(ENTERPRISES), None, "money", 50, 500))
                for i, (kind, name, member, contribution, low, high) in enumerate(rows):
                    thousands = r.randint(low, high)
                    holders.append(
                        Holder(
                            cooperative=coop, code=f"H{i + 1:03d}", kind=kind, name=name,
                            member=member, contribution=contribution,
                            value=Decimal(thousands * 1000).quantize(CENT), shares=thousands,
                        )
                    )  # fmt: skip
                for y in range(max(coop.founded_on.year, self.year - 3), self.year):
                    profit = Decimal(r.randint(-2_000_000, 20_000_000)) / 100
                    ratio = r.choice((Decimal("0"), Decimal("0.05"), Decimal("0.10")))
                    accounts.append(
                        Account(cooperative=coop, year=y, profit=profit, reserve_ratio=ratio)
                    )
        self.bulk(Cooperative, coops)
        self.bulk(Holder, holders)
        self.bulk(Account, accounts)
        self.bulk(
            CollectiveIncome,
            [
                CollectiveIncome(branch=b, year=y, amount=_yuan(r, 30_000, 500_000, 100))
                for b in villages
                for y in (self.year - 2, self.year - 1)
            ],
        )
        self.pairings(r, villages)

    def pairings(self, r: random.Random, villages: list[Branch]) -> None:
        weak = sorted(r.sample(villages, min(len(villages), r.randint(4, 8))), key=lambda b: b.code)
        pairings = [
            Pairing(
                township=self.t,
                branch=b,
                enterprise=r.choice(ENTERPRISES),
                started_on=_between(r, dt.date(self.year - 2, 3, 1), self.today - dt.timedelta(90)),
                note=r.choice(
                    ("订单农业、村集体资产盘活", "就业岗位、道路硬化", "技术指导、产品销售")
                ),
            )
            for b in weak
        ]
        self.bulk(Pairing, pairings)
        checked = coop_rules.progress_month_checked(today=self.today, close_day=self.t.close_day)
        projects, entries, symposia = [], [], []
        for i, p in enumerate(pairings):
            for name in r.sample(
                ("冷链仓储建设", "村内道路硬化", "大棚改造", "光伏电站"), r.randint(1, 3)
            ):
                projects.append(
                    PairingProject(
                        pairing=p, name=name, investment=_yuan(r, 50_000, 800_000, 1000),
                        started_on=_between(r, p.started_on, self.today),
                        description="村集体入股分红",
                    )
                )  # fmt: skip
            for month in _months(p.started_on, checked):
                if i % 5 == 4 and month == checked:
                    continue  # late: the month due has no progress yet
                entered = month.replace(day=28) + dt.timedelta(days=4 + r.randint(2, 20))
                entries.append(
                    ProgressEntry(
                        pairing=p,
                        month=month,
                        text=f"{month.month}月：按计划推进，企业派驻人员到村对接。",
                        entered_on=min(entered, self.today),
                    )
                )
            for y in range(p.started_on.year, self.today.year + 1):
                for q in range(1, 5):
                    day = dt.date(y, 3 * q, 20)
                    if p.started_on <= day <= self.today:
                        symposia.append(
                            Symposium(pairing=p, date=day, topic="季度帮扶座谈会",
                                      notes="企业、村“两委”和镇包村干部参加。")
                        )  # fmt: skip
        self.bulk(PairingProject, projects)
        self.bulk(ProgressEntry, entries)
        self.bulk(Symposium, symposia)

    # --- the contest fund, led projects, contests, group activities ------------------------------

    def contest_fund(self) -> None:
        r = self.rng("fund")
        villages = [b for b in self.branches if b.kind == BranchKind.VILLAGE]
        deposits = [
            FundDeposit(township=self.t, date=day, amount=amount, note=note)
            for y in (self.year - 1, self.year)
            for day, amount, note in (
                (dt.date(y, 1, 10), Decimal("2000000.00"), "县级党建引领资金"),
                (dt.date(y, 7, 8), Decimal("500000.00"), "乡镇配套资金"),
            )
            if day <= self.today
        ]
        self.bulk(FundDeposit, deposits)
        balance = sum(yuan_to_cents(d.amount) for d in deposits)

        def spend(amount: Decimal) -> Decimal:
            nonlocal balance
            cents = yuan_to_cents(amount)
            if cents > balance:
                return Decimal(0).quantize(CENT)
            balance -= cents
            return amount

        projects, evaluations = [], []
        for y in (self.year - 1, self.year):
            for b in villages:
                if r.random() < 0.4:
                    category = r.choice(list(LED_PROJECTS))
                    p = LedProject(
                        township=self.t, branch=b, year=y, category=category,
                        name=r.choice(LED_PROJECTS[category]), description="支部领办，群众参与。",
                    )  # fmt: skip
                    projects.append(p)
                    for q in range(1, 5):
                        if _quarter_end(y, q) <= self.today:
                            subsidy = Decimal(r.choice((0, 5000, 10000, 20000, 30000)))
                            evaluations.append(
                                ProjectEvaluation(
                                    project=p, quarter=q, subsidy=spend(subsidy.quantize(CENT)),
                                    rating=r.choice(RATINGS),
                                )
                            )  # fmt: skip
        self.bulk(LedProject, projects)
        self.bulk(ProjectEvaluation, evaluations)

        contests, entries, scores, awards = [], [], [], []
        for y in (self.year - 1, self.year):
            for month in (6, 12):
                if dt.date(y, month, 28) > self.today or not villages:
                    continue
                contest = Contest(
                    township=self.t, year=y, month=month, first_count=1,
                    second_count=r.choice((2, 3)), third_count=r.choice((3, 4, 5)),
                    awarded_at=dt.datetime(y, month, 28, 10, 0, tzinfo=dt.UTC),
                )  # fmt: skip
                contests.append(contest)
                means = {}
                for b in r.sample(villages, min(len(villages), r.randint(8, 14))):
                    entry = ContestEntry(
                        contest=contest, branch=b, secretary_name=self.secretary[b.pk],
                        team_names="\n".join(self.team[b.pk]),
                    )  # fmt: skip
                    entries.append(entry)
                    base = r.uniform(70, 95)
                    marks = [
                        Decimal(str(round(min(100, base + r.uniform(-4, 4)), 1))) for _ in range(5)
                    ]
                    scores += [
                        JudgeScore(entry=entry, judge=f"评委{j + 1}", score=s.quantize(CENT))
                        for j, s in enumerate(marks)
                    ]
                    means[b.code] = (entry, Fraction(sum(marks, Decimal(0))) / len(marks))
                placing = coop_rules.contest_prizes(
                    [coop_rules.Ranked(code, mean) for code, (_e, mean) in means.items()],
                    {1: contest.first_count, 2: contest.second_count, 3: contest.third_count},
                )
                for code, (entry, _mean) in sorted(means.items()):
                    tier = placing.tiers[code]
                    if tier is None:
                        continue
                    amount = coop_rules.PRIZES_YUAN[tier].quantize(CENT)
                    if spend(amount) != amount:
                        continue
                    split = coop_rules.award_split(
                        amount=amount, secretary=entry.secretary_name, others=entry.team
                    )
                    awards.append(
                        Award(
                            entry=entry, tier=tier, amount=amount, shares=[list(s) for s in split]
                        )
                    )
        self.bulk(Contest, contests)
        self.bulk(ContestEntry, entries)
        self.bulk(JudgeScore, scores)
        self.bulk(Award, awards)

        activities = []
        for b in villages:
            for _ in range(r.randint(1, 4)):
                kind = r.choice(list(GROUP_ACTIVITIES))
                activities.append(
                    GroupActivity(
                        township=self.t, branch=b, date=_between(r, self.since, self.today),
                        kind=kind, title=GROUP_ACTIVITIES[kind], participants=r.randint(30, 300),
                        subsidy=spend(_yuan(r, 0, 5000, 1000)),
                    )
                )  # fmt: skip
        self.bulk(GroupActivity, activities)
