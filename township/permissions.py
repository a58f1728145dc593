"""The permission table: which role may do what, inside its own scope.

Plain data and plain functions, no ORM: `township.scoping` decides *which objects* a user
reaches; this module decides *what they may do* with them. Tests call `role_can` directly.
"""

from enum import StrEnum


class Role(StrEnum):
    REVIEWER = "reviewer"  # 县委组织部审阅: one county, read-only
    OFFICE = "office"  # 镇党建办: one township, full control
    SECRETARY = "secretary"  # 支部书记: one branch
    LIAISON = "liaison"  # 挂包领导: read one branch
    MEMBER = "member"  # 党员: own record


# Permission codes, "<area>.<verb>".
VIEW_ORG = "org.view"  # branches, areas, groups, liaison points
CHANGE_ORG = "org.change"
VIEW_MEETINGS = "meetings.view"
CHANGE_MEETINGS = "meetings.change"
VIEW_MEMBERS = "members.view"
CHANGE_MEMBERS = "members.change"
VIEW_SCORES = "scoring.view"
ENTER_OFFICE_SCORES = "scoring.office_score"
LOCK_MONTHS = "scoring.lock"
MANAGE_SCHEMES = "scoring.scheme"
IMPORT_DATA = "exchange.import"
EXPORT_DATA = "exchange.export"
VIEW_AUDIT = "audit.view"
VIEW_OWN_RECORD = "self.view"
VIEW_REPORTS = "reports.view"  # the report jobs in scope and their files
REQUEST_REPORTS = "reports.request"
RECTIFY = "rectification.enter"  # the measures and evidence of a weak-and-lax ledger entry
CLOSE_RECTIFICATION = "rectification.close"  # 销号
VIEW_COOPERATIVES = "cooperatives.view"  # cooperatives, pairings, projects, contests, activities
CHANGE_COOPERATIVES = "cooperatives.change"  # their branch's records (secretary) or all (office)
MANAGE_FUND = "cooperatives.fund"  # the township fund: subsidies, contests, prizes
EXPORT_ROSTER = "members.roster_export"  # a branch's roster as Excel (national field order)
EXPORT_TOWNSHIP_ROSTER = "members.roster_export_township"  # a whole township's roster

_READ = frozenset(
    {VIEW_ORG, VIEW_MEETINGS, VIEW_MEMBERS, VIEW_SCORES, VIEW_REPORTS, REQUEST_REPORTS}
)

ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.REVIEWER: _READ | {EXPORT_DATA, VIEW_AUDIT},  # the county's audit log, read-only
    Role.OFFICE: _READ
    | {
        CHANGE_ORG,
        CHANGE_MEETINGS,
        CHANGE_MEMBERS,
        ENTER_OFFICE_SCORES,
        LOCK_MONTHS,
        MANAGE_SCHEMES,
        IMPORT_DATA,
        EXPORT_DATA,
        VIEW_AUDIT,
        RECTIFY,
        CLOSE_RECTIFICATION,
    },
    Role.SECRETARY: _READ | {CHANGE_MEETINGS, CHANGE_MEMBERS, RECTIFY},
    Role.LIAISON: _READ,
    Role.MEMBER: frozenset({VIEW_OWN_RECORD}),
}

# Party-building alliances: the office manages them; secretaries of member branches enter joint
# activities and claim micro-wishes for their branch; reviewers and liaisons read.
VIEW_ALLIANCES = "alliances.view"
MANAGE_ALLIANCES = "alliances.manage"
ENTER_ALLIANCE_RECORDS = "alliances.enter"
for _role, _codes in (
    (Role.REVIEWER, {VIEW_ALLIANCES}),
    (Role.OFFICE, {VIEW_ALLIANCES, MANAGE_ALLIANCES, ENTER_ALLIANCE_RECORDS}),
    (Role.SECRETARY, {VIEW_ALLIANCES, ENTER_ALLIANCE_RECORDS}),
    (Role.LIAISON, {VIEW_ALLIANCES}),
):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _codes

ROLE_PERMISSIONS[Role.REVIEWER] |= {EXPORT_ROSTER, EXPORT_TOWNSHIP_ROSTER}
ROLE_PERMISSIONS[Role.OFFICE] |= {EXPORT_ROSTER, EXPORT_TOWNSHIP_ROSTER}
ROLE_PERMISSIONS[Role.SECRETARY] |= {EXPORT_ROSTER}

# Roles that may change records of a month the office has locked.
LOCKED_MONTH_EDITORS = frozenset({Role.OFFICE})


# The cooperatives app (issue 12): the office manages all, secretaries their branch's records,
# reviewers and liaisons read.
_COOPERATIVES = {
    Role.REVIEWER: {VIEW_COOPERATIVES},
    Role.OFFICE: {VIEW_COOPERATIVES, CHANGE_COOPERATIVES, MANAGE_FUND},
    Role.SECRETARY: {VIEW_COOPERATIVES, CHANGE_COOPERATIVES},
    Role.LIAISON: {VIEW_COOPERATIVES},
}
for _role, _codes in _COOPERATIVES.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _codes


def role_can(role: str | None, permission: str) -> bool:
    """True when `role` holds `permission` (within its own scope)."""
    if not role:
        return False
    try:
        return permission in ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        return False


def may_edit_locked_month(role: str | None) -> bool:
    return role in LOCKED_MONTH_EDITORS


# The star rating as a process (星级评定, scoring): the office runs the round; a secretary writes
# the branch's self-assessment and comments on its members' proposals; every role reads the
# notice (公示) of its township; reviewers and liaisons read the round's pages.
VIEW_STARS = "stars.view"
MANAGE_STARS = "stars.manage"
SELF_ASSESS_STARS = "stars.self_assess"
READ_STAR_NOTICE = "stars.notice"
for _role, _codes in {
    Role.REVIEWER: {VIEW_STARS, READ_STAR_NOTICE},
    Role.OFFICE: {VIEW_STARS, MANAGE_STARS, READ_STAR_NOTICE},
    Role.SECRETARY: {VIEW_STARS, SELF_ASSESS_STARS, READ_STAR_NOTICE},
    Role.LIAISON: {VIEW_STARS, READ_STAR_NOTICE},
    Role.MEMBER: {READ_STAR_NOTICE},
}.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _codes
# Organisation management (branches/views_admin.py): the office of the township changes areas,
# branches, groups and accounts (CHANGE_ORG); the county reviewer reads the lists.
VIEW_ORG_ADMIN = "org.admin_view"
ROLE_PERMISSIONS[Role.REVIEWER] |= {VIEW_ORG_ADMIN}
ROLE_PERMISSIONS[Role.OFFICE] |= {VIEW_ORG_ADMIN}
