"""Writes of the scoring app: computing, storing and locking scores."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction


@transaction.atomic
def scores_invalidate(*, township_id: int, months: Iterable[dt.date]) -> None:
    """Forget stored results of the given months (unless locked) so they are recomputed.

    Called by every service that changes records a score is computed from. Quarter and year
    results of the affected years are derived and dropped too.
    """
    from scoring.locks import locked_months
    from scoring.models import (
        BranchMonthScore,
        BranchQuarterScore,
        BranchYearScore,
        MemberMonthScore,
        MemberYearScore,
    )

    firsts = {m.replace(day=1) for m in months} - locked_months(township_id=township_id)
    if not firsts:
        return
    years = {m.year for m in firsts}
    BranchMonthScore.objects.filter(branch__township_id=township_id, month__in=firsts).delete()
    MemberMonthScore.objects.filter(branch__township_id=township_id, month__in=firsts).delete()
    BranchQuarterScore.objects.filter(branch__township_id=township_id, year__in=years).delete()
    BranchYearScore.objects.filter(branch__township_id=township_id, year__in=years).delete()
    MemberYearScore.objects.filter(branch__township_id=township_id, year__in=years).delete()
