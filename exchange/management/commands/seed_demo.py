"""Build a deterministic demo county: 示例县 ⊃ 示范镇 (34 branches, ~1,000 members) and 青山镇.

The records cover the year so far (1 January of last month's year up to yesterday) and carry
the gaps real branches have: skipped committee meetings, a quarter without a lecture, late and
missing dues, incomplete "4+X" themed days, a silent branch, overdue probationary members.
Random choices come from `random.Random` streams seeded per section, so the same --seed and
--today give the same township, and the same --seed alone gives the same branches, member names
and codes whatever day it runs. Rows are written with bulk_create inside one transaction.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
import secrets
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext
from stdnum.cn import ric

from branches.models import (
    Area,
    Attendance,
    Branch,
    BranchKind,
    County,
    LiaisonAssignment,
    Meeting,
    MeetingGuest,
    PartyGroup,
    Township,
)
from exchange.alliance_demo import seed_alliances
from exchange.demo_life import build_life_cycle
from exchange.demo_org import seed_organisation
from exchange.demo_stars import seed_stars
from exchange.seed_cooperatives import seed_cooperatives
from members.models import (
    Applicant,
    ApplicantStageChange,
    BranchTransfer,
    DuesPayment,
    Household,
    Member,
    PointAdjustment,
    Visit,
)
from scoring.models import OfficeScore, TargetScore
from township.models import User

COUNTY = ("370123", "示例县")
DEMO_USERNAMES = (
    "demo-reviewer",
    "demo-office",
    "demo-secretary",
    "demo-secretary2",
    "demo-liaison",
    "demo-member",
)
BATCH = 2000

# --- names ------------------------------------------------------------------------------------

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚"
)
MALE_CHARS = "伟强磊军勇杰涛斌明超刚平辉鹏华飞鑫波宁建国志东海林峰亮文成新永春庆福祥德胜利民兴山"
FEMALE_CHARS = "芳娜敏静丽艳娟霞秀英玲桂兰梅琴燕红云莲凤洁琳雪慧颖婷萍珍翠华荣菊香月霞玉"

EDUCATION_LEVELS = ("小学", "初中", "高中", "中专", "大专", "本科", "研究生")
COMMITTEE_POSTS = ("支部书记", "组织委员", "宣传委员", "纪检委员", "青年委员")
MEMBER_POSTS = (
    "政策宣传岗",
    "环境卫生监督岗",
    "矛盾纠纷调解岗",
    "治安巡逻岗",
    "关爱帮扶岗",
    "产业发展服务岗",
    "移风易俗劝导岗",
)
PHONE_PREFIXES = (
    "130 131 132 133 135 136 137 138 139 150 151 152 153 155 156 157 158 159 177 180 182 183 "
    "185 186 187 188 189 199"
).split()
WORKPLACES = (
    "江苏省苏州市",
    "浙江省宁波市",
    "广东省深圳市",
    "北京市朝阳区",
    "上海市嘉定区",
    "山东省青岛市",
    "天津市滨海新区",
    "广东省东莞市",
)
X_ACTIVITIES = (
    "义务清扫村内道路",
    "走访慰问困难群众",
    "志愿服务进敬老院",
    "参观红色教育基地",
    "人居环境整治",
    "森林防火宣传",
    "秸秆禁烧宣传",
    "防汛值守",
    "新时代文明实践宣讲",
    "帮扶留守儿童",
    "为民办实事议事",
    "植树护绿",
)
THEMES = (
    "学习贯彻党的二十届四中全会精神",
    "学习《中国共产党章程》",
    "学习《中国共产党纪律处分条例》",
    "铭记党史 传承红色基因",
    "乡村振兴 党员争先",
    "深化作风建设",
    "党员联户 服务群众",
    "安全生产大家谈",
)
LECTURE_TOPICS = (
    "坚定理想信念 践行初心使命",
    "以党建引领乡村振兴",
    "新时代党员的责任与担当",
    "学习贯彻全会精神专题党课",
    "廉洁自律 从我做起",
    "发扬斗争精神 增强斗争本领",
)
EXCUSES = ("外出务工", "身体原因", "家中有事", "住院治疗", "外出学习", "值班值守")
VISIT_NOTES = (
    "了解生产生活情况",
    "宣传惠民政策",
    "协助办理医保缴费",
    "收集意见建议",
    "调解邻里纠纷",
    "帮助收割秋粮",
    "排查安全隐患",
    "看望独居老人",
)
BONUSES = (
    (2, "参加志愿服务"),
    (3, "防汛值守表现突出"),
    (2, "带头参与人居环境整治"),
    (5, "被镇党委表彰为优秀共产党员"),
    (3, "调解矛盾纠纷成效明显"),
)
PENALTIES = (
    (-2, "无故缺席主题党日"),
    (-1, "未按时交纳党费"),
    (-3, "不履行联户职责"),
    (-5, "违反村规民约"),
)

# --- the shape of the county ------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """How diligently a branch keeps its records, as probabilities."""

    themed: float  # a themed Party day is held in a month
    action: float  # each of the four fixed actions is ticked
    committee: float  # a committee meeting is held in a month
    group: float  # a Party group meets in a month
    quarterly: float  # the general meeting / the lecture is held in a quarter
    attend: float  # a member is present
    dues_late: float
    dues_missing: float
    visit: float  # a member with households visits one in a month
    office: tuple[float, float]  # the office's monthly score range


PROFILES = {
    "excellent": Profile(1.0, 0.98, 0.97, 0.95, 1.0, 0.93, 0.01, 0.0, 0.9, (9, 10)),
    "good": Profile(0.97, 0.93, 0.9, 0.88, 0.95, 0.87, 0.03, 0.01, 0.8, (8, 10)),
    "average": Profile(0.92, 0.85, 0.75, 0.75, 0.8, 0.8, 0.06, 0.03, 0.65, (6.5, 9)),
    "weak": Profile(0.8, 0.7, 0.55, 0.55, 0.6, 0.68, 0.1, 0.07, 0.45, (5, 7.5)),
    "silent": Profile(0.85, 0.75, 0.6, 0.6, 0.7, 0.72, 0.08, 0.05, 0.5, (5, 7)),
}

# (kind, members low, members high, share of men, age low, age mode, age high)
KIND_SHAPES = {
    BranchKind.VILLAGE: (24, 46, 0.72, 24, 62, 88),
    BranchKind.COMMUNITY: (30, 48, 0.5, 24, 56, 86),
    BranchKind.UNIT: (10, 22, 0.55, 24, 40, 59),
    BranchKind.ENTERPRISE: (5, 12, 0.6, 23, 36, 56),
    BranchKind.COOPERATIVE: (6, 10, 0.7, 28, 48, 66),
    BranchKind.FLOWING: (16, 24, 0.7, 22, 34, 52),
    BranchKind.EDUCATION: (4, 7, 0.85, 35, 55, 72),
}


@dataclass(frozen=True)
class BranchSpec:
    name: str
    kind: str
    area: str | None
    profile: str
    surname: str | None = None  # the village's dominant surname


@dataclass(frozen=True)
class TownshipSpec:
    code: str
    name: str
    areas: tuple[tuple[str, str, str], ...]  # (code, name, head)
    branches: tuple[BranchSpec, ...]
    cadres: tuple[tuple[str, str], ...]  # liaison cadres (name, post)
    office_months: int  # months (from January) the office has entered scores for; -1 = up to last
    targets: bool


def _villages(rows: str, profiles: str) -> list[BranchSpec]:
    out = []
    for row, p in zip(rows.split(), profiles.split(), strict=True):
        name, area, surname = row.split("/")
        out.append(
            BranchSpec(f"{name}党支部", BranchKind.VILLAGE, area, p, surname if surname else None)
        )
    return out


SHIFAN = TownshipSpec(
    code="370123101",
    name="示范镇",
    areas=(
        ("A1", "东片区", "王建国"),
        ("A2", "西片区", "刘玉兰"),
        ("A3", "南片区", "陈志远"),
        ("A4", "镇区片区", "赵丽华"),
    ),
    branches=(
        *_villages(
            "东李庄村/A1/李 西王庄村/A2/王 前刘村/A3/刘 后刘村/A3/刘 张家洼村/A1/张 赵家庄村/A2/赵 "
            "孙家岭村/A1/孙 马家河村/A2/马 南陈村/A3/陈 北陈村/A1/陈 杨树沟村/A2/ 柳林村/A3/ "
            "石桥村/A1/ 高家店村/A2/高 黄土坡村/A3/ 胡家营村/A1/胡 郭庄村/A2/郭 林家集村/A3/林 "
            "罗家湾村/A1/罗 大徐村/A2/徐 小徐村/A3/徐 周家楼村/A1/周",
            "excellent average good average weak good excellent average good average weak good "
            "good average good excellent average good silent weak good average",
        ),
        BranchSpec("城关社区党支部", BranchKind.COMMUNITY, "A4", "good"),
        BranchSpec("幸福社区党支部", BranchKind.COMMUNITY, "A4", "excellent"),
        BranchSpec("文化路社区党支部", BranchKind.COMMUNITY, "A4", "average"),
        BranchSpec("示范镇机关党支部", BranchKind.UNIT, "A4", "excellent"),
        BranchSpec("示范镇中心学校党支部", BranchKind.UNIT, "A4", "good"),
        BranchSpec("示范镇卫生院党支部", BranchKind.UNIT, "A4", "good"),
        BranchSpec("鲁丰面粉有限公司党支部", BranchKind.ENTERPRISE, "A1", "average"),
        BranchSpec("华兴纺织有限公司党支部", BranchKind.ENTERPRISE, "A2", "weak"),
        BranchSpec("绿源食品有限公司党支部", BranchKind.ENTERPRISE, "A3", "good"),
        BranchSpec("惠农果蔬种植专业合作社党支部", BranchKind.COOPERATIVE, "A2", "average"),
        BranchSpec("示范镇流动党员党支部", BranchKind.FLOWING, None, "average"),
        BranchSpec("示范镇铸魂党支部", BranchKind.EDUCATION, None, "good"),
    ),
    cadres=(
        ("张志强", "镇党委书记"),
        ("李卫东", "镇党委副书记、镇长"),
        ("王红梅", "镇党委副书记"),
        ("刘海涛", "镇党委委员、组织委员"),
        ("陈静", "镇党委委员、宣传委员"),
        ("赵国庆", "镇纪委书记"),
        ("孙立新", "镇人大主席"),
        ("周建华", "副镇长"),
        ("吴晓燕", "副镇长"),
        ("郑永刚", "镇武装部长"),
    ),
    office_months=-1,
    targets=True,
)

QINGSHAN = TownshipSpec(
    code="370123102",
    name="青山镇",
    areas=(("A1", "山前片区", "韩振华"), ("A2", "山后片区", "曹秀云")),
    branches=(
        *_villages(
            "青山村/A1/ 红岩村/A1/彭 松树岭村/A2/ 下河村/A1/何 上河村/A2/何",
            "good average weak good average",
        ),
        BranchSpec("青山社区党支部", BranchKind.COMMUNITY, "A1", "good"),
        BranchSpec("青山镇机关党支部", BranchKind.UNIT, "A1", "excellent"),
    ),
    cadres=(("冯立军", "镇党委书记"), ("邓雅琴", "镇长"), ("曾凡平", "组织委员")),
    office_months=6,
    targets=False,
)

# Which branches the demo users sit in (index into SHIFAN.branches).
SECRETARY_BRANCH = 0  # 东李庄村: an excellent village
SECRETARY2_BRANCH = 3  # 后刘村: an average village with gaps
SILENT_DAYS = 47  # the silent branch's last record is this many days before today


# --- helpers ----------------------------------------------------------------------------------


def month_end(first: dt.date) -> dt.date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def add_months(first: dt.date, n: int) -> dt.date:
    y, m = divmod(first.month - 1 + n, 12)
    return dt.date(first.year + y, m + 1, 1)


def add_years(day: dt.date, n: int) -> dt.date:
    try:
        return day.replace(year=day.year + n)
    except ValueError:  # 29 February
        return day.replace(year=day.year + n, day=28)


def id_number(region: str, birth: dt.date, seq: int, male: bool) -> str:
    """An 18-character resident ID number (GB 11643): odd order codes for men, and the check
    character from python-stdnum."""
    order = seq % 500 * 2 + (1 if male else 0)
    body = f"{region}{birth:%Y%m%d}{order:03d}"
    return body + ric.calc_check_digit(body + "0")


def dues_amount(income: Decimal | None, retired: bool, flat: Decimal) -> Decimal:
    """Monthly dues from the standard rate table (SCORING.md); a flat amount without income."""
    if income is None:
        return flat
    if retired:
        rate = Decimal("0.005") if income <= 5000 else Decimal("0.01")
    elif income <= 3000:
        rate = Decimal("0.005")
    elif income <= 5000:
        rate = Decimal("0.01")
    elif income <= 10000:
        rate = Decimal("0.015")
    else:
        rate = Decimal("0.02")
    return (income * rate).quantize(Decimal("0.01"))


@dataclass
class MemberInfo:
    """What the generator remembers of a member beyond the row itself."""

    row: Member
    reliability: float
    committee: bool = False
    households: list[Household] = field(default_factory=list)
    flat_dues: Decimal = Decimal("1.00")

    def on_roster(self, day: dt.date) -> bool:
        m = self.row
        return (m.branch_since is None or m.branch_since <= day) and (
            m.left_on is None or m.left_on > day
        )


@dataclass
class BranchInfo:
    row: Branch
    spec: BranchSpec
    profile: Profile
    members: list[MemberInfo] = field(default_factory=list)
    groups: list[tuple[PartyGroup, list[MemberInfo]]] = field(default_factory=list)
    liaison: LiaisonAssignment | None = None
    size: int = 0
    last_day: dt.date | None = None  # no records after this day (the silent branch)


# --- the builder ------------------------------------------------------------------------------


class DemoBuilder:
    def __init__(self, *, seed: int, today: dt.date):
        self.seed = seed
        self.today = today
        self.yesterday = today - dt.timedelta(days=1)
        self.year = (today.replace(day=1) - dt.timedelta(days=1)).year
        self.months = []
        first = dt.date(self.year, 1, 1)
        while first <= self.yesterday:
            self.months.append(first)
            first = add_months(first, 1)
        self.counts: dict[str, int] = {}
        self.townships: dict[str, tuple[Township, list[BranchInfo]]] = {}

    def past(self, day: dt.date) -> dt.date:
        """Early in a year the year's spread of dates reaches past today: no later than
        yesterday."""
        return min(day, self.yesterday)

    def rng(self, *parts) -> random.Random:
        return random.Random(":".join(str(p) for p in (self.seed, *parts)))

    def bulk(self, model, rows: list) -> list:
        model.objects.bulk_create(rows, batch_size=BATCH)
        key = model._meta.verbose_name_plural
        self.counts[str(key)] = self.counts.get(str(key), 0) + len(rows)
        return rows

    # The order of building matters only within a township; each part has its own stream.
    def build(self) -> None:
        county = County.objects.create(code=COUNTY[0], name=COUNTY[1])
        for spec in (SHIFAN, QINGSHAN):
            township = Township.objects.create(county=county, code=spec.code, name=spec.name)
            branches = self.build_organisation(township, spec)
            self.build_members(township, spec, branches)
            self.build_groups_and_liaisons(township, spec, branches)
            self.build_applicants(township, spec, branches)
            self.build_meetings(township, spec, branches)
            self.build_dues(spec, branches)
            self.build_households_and_visits(spec, branches)
            self.build_adjustments(spec, branches)
            self.build_office_scores(spec, branches)
            build_life_cycle(
                township=township, today=self.today, rng=self.rng(spec.code, "life"), bulk=self.bulk
            )
            self.townships[spec.code] = (township, branches)
        seed_cooperatives(self, *self.townships[SHIFAN.code], secretary_branch=SECRETARY_BRANCH)
        self.county = county
        shifan, infos = self.townships[SHIFAN.code]
        seed_alliances(township=shifan, branch=infos[SECRETARY_BRANCH].row, today=self.yesterday)

    def close_past_months(self) -> int:
        """Lock, as the office would have, every month whose close day has passed."""
        from scoring.engine import year_months
        from scoring.services import month_lock

        closed = 0
        for township, _branches in self.townships.values():
            actor = User.objects.filter(role="office", township=township).first()
            for month in year_months(self.year):
                next_month = add_months(month, 1)
                if self.today >= next_month.replace(day=township.close_day):
                    month_lock(actor=actor, township=township, month=month)
                    closed += 1
        return closed

    def build_organisation(self, township: Township, spec: TownshipSpec) -> list[BranchInfo]:
        areas = {
            code: Area(township=township, code=code, name=name, head_name=head)
            for code, name, head in spec.areas
        }
        self.bulk(Area, list(areas.values()))
        infos = []
        for n, b in enumerate(spec.branches, start=1):
            shape = KIND_SHAPES[b.kind]
            r = self.rng(spec.code, "branch", n)
            size = r.randint(shape[0], shape[1])
            row = Branch(
                township=township,
                area=areas.get(b.area) if b.area else None,
                code=f"B{n:03d}",
                name=b.name,
                kind=b.kind,
                has_groups=b.kind in (BranchKind.VILLAGE, BranchKind.COMMUNITY) and size >= 20,
                ranked=b.kind not in (BranchKind.FLOWING, BranchKind.EDUCATION),
            )
            info = BranchInfo(row=row, spec=b, profile=PROFILES[b.profile], size=size)
            if b.profile == "silent":
                info.last_day = self.today - dt.timedelta(days=SILENT_DAYS)
            infos.append(info)
        return infos

    def new_person(self, r: random.Random, *, male: bool, surname: str | None = None) -> str:
        if surname is None:
            # Common surnames are much more common: weight by position in the list.
            surname = SURNAMES[min(int(r.expovariate(1 / 14)), len(SURNAMES) - 1)]
        chars = MALE_CHARS if male else FEMALE_CHARS
        given = r.choice(chars) if r.random() < 0.3 else r.choice(chars) + r.choice(chars)
        return surname + given

    def build_members(self, township: Township, spec: TownshipSpec, branches: list[BranchInfo]):
        for info in branches:
            info.row.secretary_name = ""
        seq = 0
        rows: list[Member] = []
        transfers: list[tuple[Member, BranchTransfer]] = []
        for info in branches:
            b = info.spec
            r = self.rng(spec.code, "members", info.row.code)
            _low, _high, male_share, age_lo, age_mode, age_hi = KIND_SHAPES[b.kind]
            committee_size = 5 if info.size >= 30 else 3
            for i in range(info.size):
                seq += 1
                committee = i < committee_size and b.kind != BranchKind.EDUCATION
                male = r.random() < (0.8 if committee else male_share)
                dominant = b.surname if b.surname and r.random() < 0.45 else None
                name = self.new_person(r, male=male, surname=dominant)
                if committee:
                    age = int(r.triangular(32, 60, 48))
                else:
                    age = int(r.triangular(age_lo, age_hi, age_mode))
                birth = dt.date(self.year - age, r.randint(1, 12), r.randint(1, 28))
                level = self.education(r, b.kind, age, committee)
                member = Member(
                    township=township,
                    code=f"M{seq:05d}",
                    name=name,
                    gender="M" if male else "F",
                    ethnicity="汉族" if r.random() < 0.97 else r.choice(("回族", "满族", "蒙古族")),
                    birth_date=birth,
                    education=level,
                    id_number=id_number(township.county.code, birth, seq, male),
                    branch=info.row,
                )
                # Joined the Party between 20 and 45, at least two years ago.
                join_age = r.randint(20, max(20, min(age - 2, 45)))
                joined = add_years(birth, join_age) + dt.timedelta(days=r.randint(0, 300))
                member.joined_party_on = min(joined, add_years(self.today, -2))
                ordinary = not committee and b.kind != BranchKind.EDUCATION
                if ordinary and age < 45 and r.random() < 0.1:
                    # Probationary: joined in the last year; in weaker branches some were not
                    # made full members when their probation ended (overdue, a gap in F8).
                    member.status = "probationary"
                    overdue = b.profile in ("weak", "average") and r.random() < 0.3
                    days = r.randint(400, 460) if overdue else r.randint(40, 360)
                    member.joined_party_on = self.today - dt.timedelta(days=days)
                    member.probation_ends_on = add_years(member.joined_party_on, 1)
                member.phone = self.phone(r) if age < 75 or r.random() < 0.6 else ""
                member.elderly = age >= 70
                member.hardship = r.random() < (0.08 if age >= 70 else 0.015)
                member.dues_exempt = member.hardship and r.random() < 0.5
                member.rating_exempt = r.random() < (0.04 if age >= 80 else 0.004)
                if b.kind == BranchKind.FLOWING or (
                    b.kind == BranchKind.VILLAGE and 22 <= age <= 50 and r.random() < 0.08
                ):
                    member.flowing = True
                    member.flowing_workplace = r.choice(WORKPLACES)
                if committee:
                    member.post = COMMITTEE_POSTS[i]
                elif b.kind in (BranchKind.VILLAGE, BranchKind.COMMUNITY) and r.random() < 0.3:
                    member.post = r.choice(MEMBER_POSTS)
                if b.kind in (BranchKind.UNIT, BranchKind.ENTERPRISE) or (
                    b.kind == BranchKind.COMMUNITY and r.random() < 0.4
                ):
                    member.monthly_income = Decimal(r.randrange(2400, 12000, 100))
                # the dues grid's rate: retirees by their own table; villagers pay the fixed amount
                # (no draw from `r`: the rest of the demo stays as it was)
                if member.monthly_income is not None:
                    member.income_kind = "retiree" if birth.year <= self.year - 60 else "employed"
                elif b.kind == BranchKind.VILLAGE:
                    member.income_kind = "farmer"
                member.branch_since = max(member.joined_party_on, add_years(self.today, -12))
                if b.kind == BranchKind.EDUCATION:
                    # Lagging members moved here from their village for education (铸魂).
                    member.branch_since = self.past(
                        self.months[0] + dt.timedelta(days=r.randint(-200, 90))
                    )
                    origin = branches[r.randrange(0, 22 if spec is SHIFAN else 5)]
                    transfers.append(
                        (
                            member,
                            BranchTransfer(
                                branch=origin.row,
                                left_on=member.branch_since,
                                since=member.joined_party_on,
                                note="转入铸魂党支部教育转化",
                            ),
                        )
                    )
                elif member.status == "full" and not committee and r.random() < 0.02:
                    # Transferred in during the year from another branch of the township.
                    member.branch_since = self.past(
                        self.months[0] + dt.timedelta(days=r.randint(20, 250))
                    )
                    origin = branches[r.randrange(0, len(branches))]
                    transfers.append(
                        (
                            member,
                            BranchTransfer(
                                branch=origin.row,
                                left_on=member.branch_since,
                                since=member.joined_party_on,
                                note="组织关系转接",
                            ),
                        )
                    )
                elif member.status == "full" and not committee and r.random() < 0.01:
                    member.left_on = self.past(
                        self.months[0] + dt.timedelta(days=r.randint(40, 280))
                    )
                reliability = r.uniform(-0.12, 0.06)
                if r.random() < 0.03:
                    reliability -= 0.45  # a chronic absentee
                mi = MemberInfo(row=member, reliability=reliability, committee=committee)
                mi.flat_dues = Decimal(r.choice(("0.20", "0.50", "1.00", "1.00", "2.00")))
                info.members.append(mi)
                rows.append(member)
            # The 铸魂 branch is led by the township's organisation committee member.
            info.row.secretary_name = (
                spec.cadres[-1][0] if b.kind == BranchKind.EDUCATION else info.members[0].row.name
            )
        self.bulk(Branch, [i.row for i in branches])
        self.bulk(Member, rows)
        for member, transfer in transfers:
            transfer.member = member
        self.bulk(BranchTransfer, [t for _m, t in transfers])

    def education(self, r: random.Random, kind: str, age: int, committee: bool) -> str:
        if kind == BranchKind.UNIT:
            return r.choice(("大专", "本科", "本科", "本科", "研究生"))
        if age >= 65:
            base = r.choices(range(4), weights=(45, 40, 12, 3))[0]
        elif age >= 45:
            base = r.choices(range(6), weights=(10, 40, 30, 10, 7, 3))[0]
        else:
            base = r.choices(range(7), weights=(1, 12, 20, 12, 25, 27, 3))[0]
        if committee:
            base = max(base, 2)
        return EDUCATION_LEVELS[base]

    def phone(self, r: random.Random) -> str:
        return r.choice(PHONE_PREFIXES) + f"{r.randrange(10**8):08d}"

    def build_groups_and_liaisons(self, township, spec: TownshipSpec, branches: list[BranchInfo]):
        r = self.rng(spec.code, "groups")
        ordinals = "一二三四五"
        groups = []
        for info in branches:
            if not info.row.has_groups:
                continue
            n = max(2, min(4, info.size // 12))
            people = list(info.members)
            r.shuffle(people)
            for g in range(n):
                share = people[g::n]
                leader = next((p for p in share if p.committee), share[0])
                group = PartyGroup(
                    branch=info.row, name=f"第{ordinals[g]}党小组", leader_name=leader.row.name
                )
                for p in share:
                    p.row.party_group = group
                info.groups.append((group, share))
                groups.append(group)
        self.bulk(PartyGroup, groups)
        with_group = [p.row for i in branches for _g, share in i.groups for p in share]
        for m in with_group:
            m.party_group_id = m.party_group.pk
        Member.objects.bulk_update(with_group, ["party_group"], batch_size=BATCH)

        # Township leaders are liaisons of the weakest ranked branches first.
        order = {"silent": 0, "weak": 1, "average": 2, "good": 3, "excellent": 4}
        ranked = [i for i in branches if i.row.ranked]
        ranked.sort(key=lambda i: (order[i.spec.profile], i.row.code))
        liaisons = []
        for (name, post), info in zip(spec.cadres, ranked, strict=False):
            info.liaison = LiaisonAssignment(
                township=township,
                branch=info.row,
                cadre_name=name,
                cadre_post=post,
                year=self.year,
            )
            liaisons.append(info.liaison)
        self.bulk(LiaisonAssignment, liaisons)

    def build_applicants(self, township, spec: TownshipSpec, branches: list[BranchInfo]):
        r = self.rng(spec.code, "applicants")
        applicants, history = [], []
        seq = 0
        for info in branches:
            if not info.row.ranked:
                continue
            count = (
                r.choice((0, 1, 2, 2, 3, 4)) if info.spec.profile != "weak" else r.choice((0, 0, 1))
            )
            for _ in range(count):
                seq += 1
                male = r.random() < 0.55
                applied = self.today - dt.timedelta(days=r.randint(60, 1100))
                steps = [("applicant", applied, "向党组织递交入党申请书")]
                activist = applied + dt.timedelta(days=r.randint(90, 270))
                if activist < self.yesterday and r.random() < 0.75:
                    steps.append(("activist", activist, "支委会研究确定为入党积极分子"))
                    candidate = add_years(activist, 1) + dt.timedelta(days=r.randint(0, 120))
                    if candidate < self.yesterday and r.random() < 0.6:
                        steps.append(("candidate", candidate, "支委会研究确定为发展对象"))
                stage, since, _ = steps[-1]
                applicant = Applicant(
                    township=township,
                    branch=info.row,
                    code=f"D{seq:04d}",
                    name=self.new_person(
                        r,
                        male=male,
                        surname=info.spec.surname
                        if info.spec.surname and r.random() < 0.4
                        else None,
                    ),
                    stage=stage,
                    stage_since=since,
                    kinship_declared_on=applied if r.random() < 0.2 else None,
                )
                applicants.append(applicant)
                history += [
                    ApplicantStageChange(applicant=applicant, stage=s, date=d, deciding_meeting=m)
                    for s, d, m in steps
                ]
        self.bulk(Applicant, applicants)
        self.bulk(ApplicantStageChange, history)

    def build_meetings(self, township, spec: TownshipSpec, branches: list[BranchInfo]):
        meetings: list[Meeting] = []
        attendance: list[Attendance] = []
        guests: list[MeetingGuest] = []

        def roster(people: list[MemberInfo], day: dt.date) -> list[MemberInfo]:
            return [p for p in people if p.on_roster(day)]

        def attend(r, m: Meeting, people: list[MemberInfo], p: Profile) -> None:
            for person in roster(people, m.date):
                row = person.row
                if row.flowing:
                    present, excuse = 0.15, "外出务工"
                elif row.elderly and row.birth_date.year <= self.year - 80:
                    present, excuse = 0.5, "年老体弱"
                else:
                    present, excuse = p.attend + person.reliability, r.choice(EXCUSES)
                    if person.committee:
                        present = max(present, 0.95)
                x = r.random()
                if x < present:
                    attendance.append(Attendance(meeting=m, member=row, status="present"))
                elif x < present + (1 - present) * 0.55:
                    attendance.append(
                        Attendance(meeting=m, member=row, status="excused", reason=excuse)
                    )
                else:
                    attendance.append(Attendance(meeting=m, member=row, status="absent"))

        def meeting(info: BranchInfo, type_: str, day: dt.date, **kw) -> Meeting | None:
            if day > self.yesterday or (info.last_day and day > info.last_day):
                return None
            kw.setdefault("host", info.row.secretary_name)
            m = Meeting(township=township, branch=info.row, code="", type=type_, date=day, **kw)
            meetings.append(m)
            return m

        for info in branches:
            r = self.rng(spec.code, "meetings", info.row.code)
            p = info.profile
            secretary = info.row.secretary_name
            everyone = info.members
            committee = [x for x in everyone if x.committee] or everyone[:3]
            for first in self.months:
                quarter = (first.month - 1) // 3 + 1
                # Themed Party day: on the 5th, sometimes moved a few days.
                if r.random() < p.themed:
                    day = first.replace(day=5 if r.random() < 0.8 else r.randint(3, 9))
                    acts = {
                        f: r.random() < p.action
                        for f in ("act_study", "act_dues", "act_oath", "act_deliberation")
                    }
                    m = meeting(
                        info,
                        "themed_day",
                        day,
                        topic=f"{first.month}月主题党日：{r.choice(THEMES)}",
                        x_activity=r.choice(X_ACTIVITIES),
                        **acts,
                    )
                    if m:
                        attend(r, m, everyone, p)
                        if info.liaison and quarter in (1, 3) and r.random() < 0.45:
                            guests.append(
                                MeetingGuest(
                                    meeting=m,
                                    name=info.liaison.cadre_name,
                                    post=info.liaison.cadre_post,
                                    liaison=info.liaison,
                                )
                            )
                # Committee meeting (支委会): committee members only.
                if r.random() < p.committee:
                    m = meeting(
                        info,
                        "committee",
                        first.replace(day=r.randint(8, 25)),
                        topic=f"{first.month}月支委会：研究本月工作",
                    )
                    if m:
                        attend(r, m, committee, p)
                for group, share in info.groups:
                    if r.random() < p.group:
                        m = meeting(
                            info,
                            "group",
                            first.replace(day=r.randint(10, 28)),
                            topic=f"{group.name}{first.month}月学习会",
                            host=group.leader_name,
                        )
                        if m:
                            attend(r, m, share, p)
                if first.month % 3 == 0 or first == self.months[-1]:
                    self.quarterly(r, info, first, quarter, meeting, attend, guests, secretary)
        codes = sorted(meetings, key=lambda m: (m.date, m.branch.code, m.type))
        for n, m in enumerate(codes, start=1):
            m.code = f"MT{n:06d}"
        self.bulk(Meeting, meetings)
        self.bulk(Attendance, attendance)
        self.bulk(MeetingGuest, guests)

    def quarterly(self, r, info, first, quarter, meeting, attend, guests, secretary):
        """The quarter's general meeting and Party lecture, in one of its months so far."""
        p = info.profile
        q_first = dt.date(first.year, 3 * quarter - 2, 1)
        months = [add_months(q_first, k) for k in range(3) if add_months(q_first, k) <= first]
        if r.random() < p.quarterly:
            month = r.choice(months)
            m = meeting(
                info,
                "general",
                month.replace(day=r.randint(6, 26)),
                topic=f"第{quarter}季度支部党员大会",
            )
            if m:
                attend(r, m, info.members, p)
        if r.random() < p.quarterly:
            month = r.choice(months)
            liaison_lectures = info.liaison and quarter in (2, 4) and r.random() < 0.7
            lecturer = info.liaison.cadre_name if liaison_lectures else secretary
            m = meeting(
                info,
                "lecture",
                month.replace(day=r.randint(6, 26)),
                topic=r.choice(LECTURE_TOPICS),
                lecturer=lecturer,
            )
            if m:
                attend(r, m, info.members, p)
                if liaison_lectures:
                    guests.append(
                        MeetingGuest(
                            meeting=m,
                            name=info.liaison.cadre_name,
                            post=info.liaison.cadre_post,
                            liaison=info.liaison,
                            lectured=True,
                        )
                    )

    def build_dues(self, spec: TownshipSpec, branches: list[BranchInfo]):
        rows = []
        for info in branches:
            r = self.rng(spec.code, "dues", info.row.code)
            p = info.profile
            for first in self.months:
                last = month_end(first)
                for person in info.members:
                    m = person.row
                    if m.dues_exempt or not person.on_roster(
                        last if last < self.today else self.yesterday
                    ):
                        continue
                    x = r.random()
                    late = p.dues_late * (3 if m.flowing else 1)
                    if x < p.dues_missing:
                        continue
                    if x < p.dues_missing + late:
                        paid = add_months(first, 1).replace(day=r.randint(2, 20))
                    else:
                        paid = first.replace(day=5 if r.random() < 0.7 else r.randint(1, 28))
                    if paid > self.yesterday or (info.last_day and paid > info.last_day):
                        continue
                    retired = m.monthly_income is not None and m.birth_date.year <= self.year - 60
                    amount = dues_amount(m.monthly_income, retired, person.flat_dues)
                    rows.append(DuesPayment(member=m, month=first, amount=amount, paid_on=paid))
        self.bulk(DuesPayment, rows)

    def build_households_and_visits(self, spec: TownshipSpec, branches: list[BranchInfo]):
        households, visits = [], []
        for info in branches:
            if info.spec.kind not in (BranchKind.VILLAGE, BranchKind.COMMUNITY):
                continue
            r = self.rng(spec.code, "households", info.row.code)
            place = info.row.name.removesuffix("党支部")
            for person in info.members:
                m = person.row
                if m.flowing or m.birth_date.year <= self.year - 80 or r.random() > 0.65:
                    continue
                for _ in range(r.randint(3, 8)):
                    head = self.new_person(
                        r,
                        male=r.random() < 0.8,
                        surname=info.spec.surname
                        if info.spec.surname and r.random() < 0.5
                        else None,
                    )
                    h = Household(
                        member=m,
                        name=f"{head}家",
                        address=f"{place}{r.randint(1, 8)}组{r.randint(1, 60)}号",
                    )
                    person.households.append(h)
                    households.append(h)
        self.bulk(Household, households)
        for info in branches:
            r = self.rng(spec.code, "visits", info.row.code)
            for person in info.members:
                if not person.households:
                    continue
                for first in self.months:
                    if r.random() > info.profile.visit + person.reliability:
                        continue
                    for _ in range(r.choice((1, 1, 2))):
                        day = first.replace(
                            day=r.randint(1, calendar.monthrange(first.year, first.month)[1])
                        )
                        if day > self.yesterday or (info.last_day and day > info.last_day):
                            continue
                        if not person.on_roster(day):
                            continue
                        h = r.choice(person.households)
                        visits.append(
                            Visit(
                                member=person.row,
                                household=h,
                                household_name=h.name,
                                date=day,
                                note=r.choice(VISIT_NOTES),
                            )
                        )
        self.bulk(Visit, visits)

    def build_adjustments(self, spec: TownshipSpec, branches: list[BranchInfo]):
        rows = []
        for info in branches:
            r = self.rng(spec.code, "adjustments", info.row.code)
            for first in self.months:
                for person in info.members:
                    x = r.random()
                    if x < 0.025:
                        points, reason = r.choice(BONUSES)
                    elif x < 0.025 + (0.006 if person.reliability > -0.2 else 0.08):
                        points, reason = r.choice(PENALTIES)
                    else:
                        continue
                    day = first.replace(day=r.randint(1, 28))
                    if day > self.yesterday or not person.on_roster(day):
                        continue
                    rows.append(
                        PointAdjustment(
                            member=person.row, date=day, points=Decimal(points), reason=reason
                        )
                    )
        self.bulk(PointAdjustment, rows)

    def build_office_scores(self, spec: TownshipSpec, branches: list[BranchInfo]):
        r = self.rng(spec.code, "office")
        # The office has scored every month up to the one before last (last month is in review).
        scored = self.months[:-2] if spec.office_months < 0 else self.months[: spec.office_months]
        scores, targets = [], []
        for info in branches:
            if not info.row.ranked:
                continue
            low, high = info.profile.office
            for first in scored:
                points = Decimal(round(r.uniform(low, high) * 2) / 2).quantize(Decimal("0.01"))
                scores.append(OfficeScore(branch=info.row, month=first, points=points))
            if spec.targets and r.random() < 0.6:
                target = Decimal(round(r.uniform(low * 10 - 5, min(100, high * 10)), 1))
                targets.append(
                    TargetScore(
                        branch=info.row, year=self.year, score=target.quantize(Decimal("0.01"))
                    )
                )
        self.bulk(OfficeScore, scores)
        self.bulk(TargetScore, targets)

    def build_users(self, password: str) -> list[tuple[str, str, str]]:
        shifan, branches = self.townships[SHIFAN.code]
        secretary = branches[SECRETARY_BRANCH]
        secretary2 = branches[SECRETARY2_BRANCH]
        liaison = next(i for i in branches if i.liaison)
        member = next(p.row for p in secretary.members if not p.committee)
        users = [
            (
                "demo-reviewer",
                "县委组织部审阅",
                {"role": "reviewer", "county": self.county},
                self.county.name,
            ),
            ("demo-office", "镇党建办", {"role": "office", "township": shifan}, shifan.name),
            (
                "demo-secretary",
                secretary.row.secretary_name,
                {"role": "secretary", "branch": secretary.row},
                secretary.row.name,
            ),
            (
                "demo-secretary2",
                secretary2.row.secretary_name,
                {"role": "secretary", "branch": secretary2.row},
                secretary2.row.name,
            ),
            (
                "demo-liaison",
                liaison.liaison.cadre_name,
                {"role": "liaison", "branch": liaison.row},
                liaison.row.name,
            ),
            ("demo-member", member.name, {"role": "member", "member": member}, member.name),
        ]
        out = []
        for username, first_name, scope, where in users:
            if "branch" in scope or "member" in scope:
                scope["township"] = shifan
            if "township" in scope:
                scope["county"] = self.county
            User.objects.create_user(
                username=username, password=password, first_name=first_name, **scope
            )
            out.append((username, scope["role"], where))
        return out


class Command(BaseCommand):
    help = "Build the demo county (示例县 / 示范镇 / 青山镇) with a year of records and demo users."

    def add_arguments(self, parser):
        parser.add_argument("--password", help="password of the demo users (default: random)")
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when any township exists"
        )
        parser.add_argument(
            "--print-credentials", action="store_true", help="print the demo users and password"
        )
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="pretend today is this date (YYYY-MM-DD); records end the day before",
        )

    def handle(self, *args, **options):
        if options["if_empty"] and Township.objects.exists():
            self.stdout.write("Townships exist already; demo data not seeded.")
            return
        if County.objects.filter(code=COUNTY[0]).exists():
            raise CommandError(
                f"Demo data exists already (county {COUNTY[0]} {COUNTY[1]}); nothing changed. "
                "Start from an empty database to seed again."
            )
        taken = list(
            User.objects.filter(username__in=DEMO_USERNAMES).values_list("username", flat=True)
        )
        if taken:
            raise CommandError(f"Demo users exist already ({', '.join(taken)}); nothing changed.")
        today = options["today"] or timezone.localdate()
        if today > timezone.localdate():
            # Records up to the day before: those of days still to come would be implausible.
            raise CommandError(
                gettext("--today %(day)s 晚于今天（%(today)s）：演示数据不能包含尚未发生的记录。")
                % {"day": today.isoformat(), "today": timezone.localdate().isoformat()}
            )
        password = options["password"] or secrets.token_urlsafe(12)
        started = time.monotonic()
        builder = DemoBuilder(seed=options["seed"], today=today)
        with transaction.atomic():
            builder.build()
            users = builder.build_users(password)
            if connection.vendor == "postgresql":
                # Fresh statistics after a bulk load, as autovacuum would give them later:
                # without them the planner takes the new tables for empty ones.
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            closed = builder.close_past_months()
            builder.counts.update(seed_organisation(builder))  # cadres, sheets, the ledger
            builder.counts.update(seed_stars(builder, builder.townships[SHIFAN.code][0]))
        elapsed = time.monotonic() - started
        counts = ", ".join(f"{n} {k}" for k, n in builder.counts.items())
        counts += f", {closed} township months computed and locked"
        self.stdout.write(self.style.SUCCESS(f"Demo data seeded in {elapsed:.1f} s: {counts}."))
        if options["print_credentials"]:
            self.stdout.write("Demo users (password below):")
            for username, role, where in users:
                self.stdout.write(f"  {username:<16} {role:<10} {where}")
            self.stdout.write(f"  password: {password}")
        else:
            self.stdout.write(
                f"Demo users: {', '.join(u for u, _r, _w in users)} "
                "(use --print-credentials or --password to know the password)."
            )
