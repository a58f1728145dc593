"""The dues grid: a branch's whole roster for one month in one form (党费收缴)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from branches.models import Branch
from members import selectors_dues, services_dues
from members.forms_dues import dues_forms, dues_lines, dues_posted_lines
from township import plausible
from township.decorators import scope_permission_required
from township.errors import ApplicationError
from township.inputs import query_month
from township.months import month_lock
from township.permissions import CHANGE_MEMBERS


def _grid_url(branch: Branch, month) -> str:
    return f"{reverse('members:dues_grid', args=[branch.pk])}?month={month:%Y-%m}"


@scope_permission_required(CHANGE_MEMBERS)
@require_http_methods(["GET", "POST"])
def dues_grid(request, pk: int):
    branch = get_object_or_404(Branch.objects.within(request.scope), pk=pk)
    today = timezone.localdate()
    month = query_month(request) or today.replace(day=1)
    lock = month_lock(township_id=branch.township_id, day=month, role=request.scope.role)
    read_only = lock is not None and not lock.may_edit
    lines = selectors_dues.dues_month_grid(branch=branch, month=month)
    problems: list = []
    if request.method == "POST" and read_only:
        messages.error(request, _("该月已锁定，党费记录只读，未保存。"))
        return redirect(_grid_url(branch, month))
    if request.method == "POST":
        pairs = dues_forms(lines, request.POST)
        if all(form.is_valid() for _line, form in pairs):
            entries = [
                services_dues.DuesEntry(member=line.member, **_entry_fields(form))
                for line, form in pairs
            ]
            try:
                counts = services_dues.dues_month_save(
                    actor=request.user, branch=branch, month=month, entries=entries
                )
            except services_dues.DuesGridError as exc:
                forms = {line.member.pk: form for line, form in pairs}
                for p in exc.problems:  # shown at the row, like the form's own errors
                    form = forms[p.member.pk]
                    form.add_error(p.field if p.field in form.fields else None, p.message)
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request,
                    _(
                        "党费已保存：新登记 %(recorded)d 笔，"
                        "更正 %(changed)d 笔，删除 %(deleted)d 笔。"
                    )
                    % counts,
                )
                return redirect(_grid_url(branch, month))
        rows = dues_posted_lines(lines, pairs, month=month)
        problems = _summary(rows)
        context_forms = pairs  # (line, form) pairs that refused the post
    else:
        rows = dues_lines(lines, month=month, today=today)
        context_forms = []
    context = {
        "branch": branch,
        "month": month,
        "month_value": f"{month:%Y-%m}",
        "previous": plausible.add_months(month, -1),
        "next": plausible.add_months(month, 1),
        "rows": rows,
        "problems": problems,
        "row_forms": context_forms,
        "lock": lock,
        "read_only": read_only,
        "liable": sum(1 for r in rows if r["liable"]),
        "paid_count": sum(1 for line in lines if line.payment is not None and line.liable),
    }
    return render(request, "members/dues_grid.html", context)


def _entry_fields(form) -> dict:
    data = form.cleaned_data
    return {"paid": data["paid"], "amount": data["amount"], "paid_on": data["paid_on"]}


def _summary(rows: list[dict]) -> list[dict]:
    """One line per wrong field for the summary above the grid, linked to its row."""
    labels = {"amount": _("金额"), "paid_on": _("交纳日期"), "month": _("所属月份")}
    return [
        {
            "anchor": f"dues-{row['prefix']}",
            "text": _("%(name)s：%(field)s：%(message)s")
            % {"name": row["member"].name, "field": labels.get(field, _("本行")), "message": m},
        }
        for row in rows
        for field, messages_ in row["errors"].items()
        for m in messages_
    ]
