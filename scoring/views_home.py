"""The landing pages: every role's dashboard and a member's own record (我的积分).

They live on the scoring floor because scoring is the highest floor whose selectors feed them
(the organisation's counts and checklists come from branches, the points from scoring).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import selectors as branch_selectors
from branches.models import Branch
from members import selectors as member_selectors
from members.models import Member
from scoring import charts, dashboards, selectors_stars
from scoring import selectors as scoring_selectors
from township.decorators import scope_permission_required
from township.models import ReportJob
from township.permissions import CHANGE_MEETINGS, CHANGE_MEMBERS, VIEW_OWN_RECORD
from township.templatetags.township_nav import scope_level


def dashboard(request):
    """Every role lands here; what it shows depends on the level of the user's scope."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    scope, today = request.scope, timezone.localdate()
    level = scope_level(scope)
    # A button shown is a button that works: the liaison reads the branch but records nothing.
    context = {"level": level, "today": today, "can_record": scope.can(CHANGE_MEETINGS)}
    if level in {"county", "township"}:
        context["report_jobs"] = list(
            ReportJob.objects.within(scope).select_related("requested_by")[:5]
        )
    if level == "county":
        comparison = dashboards.county_comparison(
            scope=scope,
            period=_period(request, today),
            today=today,
            silent_days=settings.SILENT_BRANCH_DAYS,
        )
        links = charts.comparison_links(comparison)
        context |= {
            "comparison": comparison,
            "comparison_rows": _comparison_rows(comparison, links),
            "periods": dashboards.period_choices(today=today),
            "charts": charts.county_charts(comparison, links),
            "silent_days": settings.SILENT_BRANCH_DAYS,
        }
    elif level == "township":
        board = dashboards.office_dashboard(scope=scope, today=today)
        context |= {
            "board": board,
            "charts": charts.office_charts(board),
            **_office_rows(board, today),
        }
        context["summary"] = branch_selectors.township_summary(scope=scope, today=today)
        context["silent"] = branch_selectors.silent_branches(
            scope=scope, today=today, days=settings.SILENT_BRANCH_DAYS
        )
        context["silent_days"] = settings.SILENT_BRANCH_DAYS
    elif level == "branch":
        branch = get_object_or_404(Branch.objects.within(scope), pk=scope.branch_id)
        context |= {
            "branch": branch,
            "member_count": branch_selectors.branch_active_member_count(branch=branch, today=today),
            "checklist": branch_selectors.month_checklist(branch=branch, month=today),
            "meetings": branch_selectors.branch_recent_meetings(branch=branch, limit=5),
            "can_dues": scope.can(CHANGE_MEMBERS),  # the month's dues grid
        }
        context["month_total"] = sum(row["count"] for row in context["checklist"])
    elif level == "member":
        context["member"] = get_object_or_404(Member.objects.within(scope), pk=scope.member_id)
    return render(request, "scoring/dashboard.html", context)


def _comparison_rows(comparison: dashboards.CountyComparison, links: dict) -> list[tuple]:
    """Each township's row with its links and those of its lowest and highest branch."""
    ends = [v.branch_id for row in comparison.townships for v in row.values[:1] + row.values[-1:]]
    urls = charts.branch_year_urls(ends, comparison.period.year)
    return [
        (
            row,
            links[row.township.pk],
            urls[row.values[0].branch_id] if row.values else None,
            urls[row.values[-1].branch_id] if row.values else None,
        )
        for row in comparison.townships
    ]


def _office_rows(board: dashboards.OfficeDashboard, today: dt.date) -> dict:
    """The office board's rows with their branch's year page and its months with their sheet
    (one `reverse` per kind of link and year shown)."""
    ids = [trend.branch.pk for trend in board.branches]
    years = {row.month.year for row in board.missing} | {today.year}
    urls = {year: charts.branch_year_urls(ids, year) for year in years}
    return {
        "missing_rows": [(row, urls[row.month.year][row.branch.pk]) for row in board.missing],
        "trend_rows": [(row, urls[today.year][row.branch.pk]) for row in board.branches],
        "month_heads": charts.township_month_urls(board.township.pk, board.months),
    }


def _period(request, today: dt.date) -> dashboards.Period:
    """The period asked for (`?period=2026-03`, `2026-Q1`, `2026`); the current quarter else."""
    value = request.GET.get("period", "")
    period = dashboards.period_from_query(value) if value else None
    if value and period is None:
        messages.warning(request, _("无法识别所选期间，已显示本季度。"))
    return period or dashboards.period_default(today=today)


@scope_permission_required(VIEW_OWN_RECORD)
def me(request):
    member = get_object_or_404(
        member_selectors.member_queryset(scope=request.scope), pk=request.scope.member_id
    )
    today = timezone.localdate()
    board = scoring_selectors.member_board(
        scope=request.scope, branch=member.branch, year=today.year, until=today
    )
    context = {
        "member": member,
        "year": today.year,
        "points": next((row for row in board if row.member.pk == member.pk), None),
        "star_notices": selectors_stars.notices_open(scope=request.scope),
        "star_changes": selectors_stars.member_star_history(scope=request.scope, member=member),
        **member_selectors.member_record(member=member),
    }
    return render(request, "scoring/me.html", context)
