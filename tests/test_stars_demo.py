"""The demo's star rating: last year's round set with one review change and one demotion, this
year's not started."""

from __future__ import annotations

import datetime as dt
import time

from django.test import override_settings

from branches.models import Township
from scoring.models import StarChange, StarRound
from tests.test_seed_demo import FAST_HASHERS, PASSWORD, SHORT_TODAY, _seed
from township.models import AuditLog


@override_settings(PASSWORD_HASHERS=FAST_HASHERS)
def test_the_demo_has_last_years_round_set_with_a_demotion_and_this_years_not_started(db):
    started = time.monotonic()
    _seed(password=PASSWORD, today=SHORT_TODAY)
    print(f"seed_demo {SHORT_TODAY}: {time.monotonic() - started:.1f} s")
    shifan = Township.objects.get(name="示范镇")
    (last,) = StarRound.objects.filter(township=shifan)
    assert (last.year, last.state) == (2025, "set")
    assert (last.notice_start, last.notice_end) == (dt.date(2026, 1, 5), dt.date(2026, 1, 9))
    assert last.set_on == dt.date(2026, 1, 10)
    assert last.proposals.filter(kind="branch").count() >= 20
    assert last.proposals.filter(kind="member").count() >= 500
    (demotion,) = StarChange.objects.filter(proposal__round=last, step="demoted")
    assert demotion.to_stars < demotion.from_stars and demotion.reason
    assert StarChange.objects.filter(proposal__round=last, step="reviewed").count() == 1
    assert not StarRound.objects.filter(year=2026).exists()
    assert AuditLog.objects.filter(action="scoring.stars.demoted").count() == 1
