"""The navigation bar, chosen from the permission table and the level of the user's scope."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from township import permissions as p

register = template.Library()


@dataclass(frozen=True)
class NavItem:
    label: object
    url_name: str
    permission: str
    level: str  # "county", "township", "branch", "member": the scope level it is offered at
    kwargs_from_scope: str | None = None  # a Scope attribute passed as `pk`


# Order is the order on screen. The same permission may appear at several levels with a
# different label (a secretary's 本支部 is the office's 支部 list narrowed to one branch).
NAVIGATION: tuple[NavItem, ...] = (
    NavItem(_("乡镇对比"), "dashboard", p.VIEW_ORG, "county"),
    NavItem(_("排名"), "scoring:index", p.VIEW_SCORES, "county"),
    NavItem(_("组织建设"), "branches:cadre_roster", p.VIEW_ORG, "county"),
    # The life-cycle lists, one township at a time (`township_narrowed`); each links the rest.
    NavItem(_("发展党员"), "members:pipeline_list", p.VIEW_MEMBERS, "county"),
    NavItem(_("党员教育"), "members:training_list", p.VIEW_MEMBERS, "county"),
    NavItem(_("整改台账"), "scoring:rectification_list", p.VIEW_SCORES, "county"),
    NavItem(_("合作社与项目"), "cooperatives:list", p.VIEW_COOPERATIVES, "county"),
    NavItem(_("报表"), "reports:list", p.VIEW_REPORTS, "county"),
    NavItem(_("党建联盟"), "alliances:alliance_tree", p.VIEW_ALLIANCES, "county"),
    NavItem(_("操作日志"), "audit_list", p.VIEW_AUDIT, "county"),
    NavItem(_("党员名册"), "members:roster", p.EXPORT_ROSTER, "county"),
    NavItem(_("支部"), "branches:branch_list", p.VIEW_ORG, "township"),
    NavItem(_("党员"), "members:member_list", p.VIEW_MEMBERS, "township"),
    NavItem(_("名册导入导出"), "members:roster", p.EXPORT_ROSTER, "township"),
    NavItem(_("三会一课"), "branches:meeting_list", p.VIEW_MEETINGS, "township"),
    NavItem(_("发展党员"), "members:pipeline_list", p.VIEW_MEMBERS, "township"),
    NavItem(_("党员教育"), "members:training_list", p.VIEW_MEMBERS, "township"),
    NavItem(_("考核"), "scoring:index", p.VIEW_SCORES, "township"),
    NavItem(_("组织建设"), "branches:cadre_roster", p.VIEW_ORG, "township"),
    NavItem(_("组织管理"), "branches:manage_branches", p.CHANGE_ORG, "township"),
    NavItem(_("整改台账"), "scoring:rectification_list", p.VIEW_SCORES, "township"),
    NavItem(_("合作社与项目"), "cooperatives:list", p.VIEW_COOPERATIVES, "township"),
    NavItem(_("报表"), "reports:list", p.VIEW_REPORTS, "township"),
    NavItem(_("党建联盟"), "alliances:alliance_tree", p.VIEW_ALLIANCES, "township"),
    NavItem(_("数据导入导出"), "exchange", p.IMPORT_DATA, "township"),
    NavItem(_("操作日志"), "audit_list", p.VIEW_AUDIT, "township"),
    NavItem(_("本支部"), "branches:branch_detail", p.CHANGE_MEETINGS, "branch", "branch_id"),
    NavItem(_("联系支部"), "branches:branch_detail", p.VIEW_ORG, "branch", "branch_id"),
    NavItem(_("会议"), "branches:meeting_list", p.CHANGE_MEETINGS, "branch"),
    NavItem(_("党员"), "members:member_list", p.CHANGE_MEMBERS, "branch"),
    NavItem(_("党费"), "members:dues_grid", p.CHANGE_MEMBERS, "branch", "branch_id"),
    NavItem(_("发展党员"), "members:pipeline_list", p.VIEW_MEMBERS, "branch"),
    NavItem(_("名册导入导出"), "members:roster", p.EXPORT_ROSTER, "branch"),
    NavItem(_("考核"), "scoring:index", p.VIEW_SCORES, "branch"),
    NavItem(_("整改台账"), "scoring:rectification_list", p.VIEW_SCORES, "branch"),
    NavItem(_("合作社与项目"), "cooperatives:list", p.VIEW_COOPERATIVES, "branch"),
    NavItem(_("报表"), "reports:list", p.VIEW_REPORTS, "branch"),
    NavItem(_("党建联盟"), "alliances:alliance_tree", p.VIEW_ALLIANCES, "branch"),
    NavItem(_("我的积分"), "me", p.VIEW_OWN_RECORD, "member"),
)


def scope_level(scope) -> str | None:
    if scope is None or scope.is_empty:
        return None
    if scope.member_id:
        return "member"
    if scope.branch_id:
        return "branch"
    if scope.township_id:
        return "township"
    return "county"


def navigation(scope, current_path: str = "") -> list[dict]:
    level = scope_level(scope)
    items, seen = [], set()
    dashboard = reverse("dashboard")
    for item in NAVIGATION:
        if item.level != level or not scope.can(item.permission):
            continue
        kwargs = {"pk": getattr(scope, item.kwargs_from_scope)} if item.kwargs_from_scope else {}
        try:
            url = reverse(item.url_name, kwargs=kwargs)
        except NoReverseMatch:  # a page another app has not built yet
            continue
        if url in seen:  # one entry per page: 本支部 wins over 联系支部 for a secretary
            continue
        seen.add(url)
        home = url == dashboard
        active = current_path == url if home else current_path.startswith(url)
        items.append({"label": item.label, "url": url, "active": active})
    # Only the longest matching entry is active (组织建设 /branches/org/ within 支部 /branches/).
    longest = max((len(i["url"]) for i in items if i["active"]), default=0)
    for i in items:
        i["active"] = i["active"] and len(i["url"]) == longest
    return items


@register.inclusion_tag("includes/nav.html", takes_context=True)
def main_navigation(context):
    request = context.get("request")
    scope = getattr(request, "scope", None)
    items = navigation(scope, request.path if request else "") if scope else []
    return {"items": items}


@register.inclusion_tag("reports/_request_buttons.html", takes_context=True)
def report_buttons(context, kind: str, level: str, ident, period: str):
    """PDF and Excel buttons that ask for a report of this page's data, shown only to those
    whose role may ask for that kind."""
    from township.reports import kinds

    request = context.get("request")
    scope = getattr(request, "scope", None)
    found = next((k for k in kinds() if k.name == kind), None)
    shown = bool(
        scope is not None
        and found is not None
        and scope.can(p.REQUEST_REPORTS)
        and scope.role in found.audience
    )
    return {
        "shown": shown,
        "kind": kind,
        "label": found.label if found else "",
        "formats": found.formats if found else (),
        "target": f"{level}:{ident}",
        "period": period,
        "csrf_token": context.get("csrf_token"),
    }
