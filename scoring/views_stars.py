"""Pages of the star rating (星级评定): the office's round, a proposal, the branch's
self-assessment and the notice (公示) read by the township's members."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from branches.models import Township
from scoring import rules_stars
from scoring import selectors_stars as selectors
from scoring import services_stars as services
from scoring.forms_stars import BranchNoteForm, StarDemotionForm, StarReviewForm
from scoring.models_stars import StarProposal, StarRound
from township.decorators import scope_permission_required
from township.errors import ApplicationError
from township.pagination import paginate
from township.permissions import (
    MANAGE_STARS,
    READ_STAR_NOTICE,
    SELF_ASSESS_STARS,
    VIEW_STARS,
)

PAGE_SIZE = 100


def _year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise Http404
    return year


def _township(request, township_id: int) -> Township:
    return get_object_or_404(Township.objects.within(request.scope), pk=township_id)


def _kind(request) -> str:
    kind = request.GET.get("kind", "")
    return kind if kind in selectors.KINDS else ""


def _round(request, pk: int) -> StarRound:
    return get_object_or_404(
        StarRound.objects.within(request.scope).select_related("township").distinct(), pk=pk
    )


def _proposal(request, pk: int) -> StarProposal:
    queryset = StarProposal.objects.within(request.scope).select_related(
        "round__township", "branch", "member"
    )
    return get_object_or_404(queryset, pk=pk)


@require_GET
@scope_permission_required(VIEW_STARS)
def stars_round(request, township_id: int, year: int):
    """The round of a township and year: its state, the steps, the proposals in scope."""
    year = _year(year)
    township = _township(request, township_id)
    star_round = selectors.star_round(scope=request.scope, township_id=township.pk, year=year)
    kind = _kind(request)
    page = None
    if star_round is not None:
        rows = selectors.round_proposals(scope=request.scope, star_round=star_round, kind=kind)
        page = paginate(request, rows, per_page=PAGE_SIZE)
    context = {
        "township": township,
        "year": year,
        "round": star_round,
        "page": page,
        "kind": kind,
        "can_manage": request.scope.can(MANAGE_STARS),
        "can_self_assess": request.scope.can(SELF_ASSESS_STARS),
        "next_action": _next_action(star_round),
        "today": timezone.localdate(),
    }
    return render(request, "scoring/stars/round.html", context)


_ACTION_BUTTONS = {
    rules_stars.PROPOSED: ("stars_review", "review"),
    rules_stars.REVIEW: ("stars_notice_start", "notice"),
    rules_stars.NOTICE: ("stars_set", "set"),
}


def _next_action(star_round: StarRound | None) -> str | None:
    if star_round is None or star_round.state not in _ACTION_BUTTONS:
        return None
    return _ACTION_BUTTONS[star_round.state][0]


@require_POST
@scope_permission_required(MANAGE_STARS)
def stars_open(request, township_id: int, year: int):
    year = _year(year)
    township = _township(request, township_id)
    try:
        services.star_round_open(actor=request.user, township=township, year=year)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(y)d 年星级评定已启动，建议星级已生成。") % {"y": year})
    return redirect("scoring:stars_round", township_id=township.pk, year=year)


_DONE = {
    "review": lambda: _("自评已结束，进入审核。"),
    "notice": lambda: _("已开始公示。"),
    "set": lambda: _("星级已确定。"),
}


def _advance(request, pk: int, action: str):
    star_round = _round(request, pk)
    try:
        services.star_round_advance(actor=request.user, star_round=star_round, action=action)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _DONE[action]())
    return redirect("scoring:stars_round", township_id=star_round.township_id, year=star_round.year)


@require_POST
@scope_permission_required(MANAGE_STARS)
def stars_review(request, pk: int):
    return _advance(request, pk, "review")


@require_POST
@scope_permission_required(MANAGE_STARS)
def stars_notice_start(request, pk: int):
    return _advance(request, pk, "notice")


@require_POST
@scope_permission_required(MANAGE_STARS)
def stars_set(request, pk: int):
    return _advance(request, pk, "set")


def _proposal_page(request, proposal: StarProposal, *, status: int = 200, **forms):
    state = proposal.round.state
    scope = request.scope
    if "review_form" not in forms and scope.can(MANAGE_STARS) and state == rules_stars.REVIEW:
        forms["review_form"] = StarReviewForm(initial={"stars": proposal.stars})
    if (
        "demote_form" not in forms
        and scope.can(MANAGE_STARS)
        and state == rules_stars.SET
        and proposal.final  # a star of 0 has nothing left to lower
    ):
        forms["demote_form"] = StarDemotionForm()
    if "note_form" not in forms and scope.can(SELF_ASSESS_STARS) and state == rules_stars.PROPOSED:
        forms["note_form"] = BranchNoteForm(initial={"text": proposal.branch_note})
    context = {
        "proposal": proposal,
        "round": proposal.round,
        "changes": selectors.proposal_changes(proposal=proposal),
        **forms,
    }
    return render(request, "scoring/stars/proposal.html", context, status=status)


@require_GET
@scope_permission_required(VIEW_STARS)
def stars_proposal(request, pk: int):
    return _proposal_page(request, _proposal(request, pk))


@require_POST
@scope_permission_required(MANAGE_STARS)
def stars_proposal_review(request, pk: int):
    proposal = _proposal(request, pk)
    form = StarReviewForm(request.POST)
    if form.is_valid():
        try:
            services.star_proposal_review(
                actor=request.user,
                proposal=proposal,
                stars=form.cleaned_data["stars"],
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as exc:
            exc.add_to(form)
        else:
            messages.success(request, _("建议星级已调整。"))
            return redirect("scoring:stars_proposal", pk=proposal.pk)
    return _proposal_page(request, proposal, review_form=form)


@require_POST
@scope_permission_required(MANAGE_STARS)
def stars_proposal_demote(request, pk: int):
    proposal = _proposal(request, pk)
    form = StarDemotionForm(request.POST)
    if form.is_valid():
        try:
            services.star_demote(actor=request.user, proposal=proposal, **form.cleaned_data)
        except ApplicationError as exc:
            exc.add_to(form)
        else:
            messages.success(request, _("星级已降低，理由已记录。"))
            return redirect("scoring:stars_proposal", pk=proposal.pk)
    return _proposal_page(request, proposal, demote_form=form)


@require_POST
@scope_permission_required(SELF_ASSESS_STARS)
def stars_proposal_note(request, pk: int):
    proposal = _proposal(request, pk)
    form = BranchNoteForm(request.POST)
    if form.is_valid():
        try:
            services.star_branch_note(
                actor=request.user, proposal=proposal, text=form.cleaned_data["text"]
            )
        except ApplicationError as exc:
            exc.add_to(form)
        else:
            messages.success(request, _("支部自评/意见已保存。"))
            if proposal.kind == StarProposal.BRANCH:
                return redirect("scoring:stars_self_assessment", pk=proposal.round_id)
            return redirect("scoring:stars_proposal", pk=proposal.pk)
    return _proposal_page(request, proposal, note_form=form)


@require_GET
@scope_permission_required(SELF_ASSESS_STARS)
def stars_self_assessment(request, pk: int):
    """The secretary's page: the branch's self-assessment and its members' proposals."""
    star_round = _round(request, pk)
    rows = selectors.round_proposals(scope=request.scope, star_round=star_round)
    branch_proposal = next((p for p in rows if p.kind == StarProposal.BRANCH), None)
    form = None
    if branch_proposal is not None and star_round.state == rules_stars.PROPOSED:
        form = BranchNoteForm(initial={"text": branch_proposal.branch_note})
    context = {
        "round": star_round,
        "branch_proposal": branch_proposal,
        "members": [p for p in rows if p.kind == StarProposal.MEMBER],
        "note_form": form,
    }
    return render(request, "scoring/stars/self_assessment.html", context)


@require_GET
@scope_permission_required(READ_STAR_NOTICE)
def stars_notice(request, township_id: int, year: int):
    """The public notice (公示) of the township's stars, read-only: shown from the start of
    the notice on, with its dates; the final stars once set."""
    year = _year(year)
    township = _township(request, township_id)
    star_round = selectors.star_round(scope=request.scope, township_id=township.pk, year=year)
    shown = star_round is not None and star_round.state in (rules_stars.NOTICE, rules_stars.SET)
    kind = _kind(request)
    page = None
    if shown:
        rows = selectors.notice_proposals(star_round=star_round, kind=kind)
        page = paginate(request, rows, per_page=PAGE_SIZE)
    context = {
        "township": township,
        "year": year,
        "round": star_round if shown else None,
        "page": page,
        "kind": kind,
    }
    return render(request, "scoring/stars/notice.html", context)
