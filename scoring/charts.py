"""What the dashboard's charts draw, as JSON-ready dicts for Django's `json_script`.

`static/js/charts.js` turns each payload into an ECharts option; the kinds are `strip` (values
by category), `lines`, `heatmap` and `bars`. Labels are translated here, links reversed here, so
the script holds no text and no URL scheme of its own. Every chart has a table beside it on the
page: the charts add nothing the tables do not say.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from scoring.dashboards import CountyComparison, OfficeDashboard
from scoring.labels import month_label


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _month_labels(months: list[dt.date]) -> list[str]:
    return [month_label(m) for m in months]


# One `reverse` for many links (a county has hundreds of branches, and a reverse costs tens of
# microseconds): the URL is reversed once with markers no object has, then each link puts its
# own values in their place.
_ID = 2_147_483_647  # an id no row has
_MONTH = "0000-00"  # no month is spelled so


def _fill(url: str, marker, value) -> str:
    """`url` with the path segment `marker` replaced by `value`."""
    return url.replace(f"/{marker}/", f"/{value}/", 1)


def branch_year_urls(branch_ids, year: int | None) -> dict[int, str]:
    """Each branch's year page, with one `reverse` for all."""
    if year is None:
        return {}
    url = reverse("scoring:branch_year", args=[_ID, year])
    return {bid: _fill(url, _ID, int(bid)) for bid in branch_ids}


def township_month_urls(township_id: int, months: list[dt.date]) -> list[tuple[dt.date, str]]:
    """Each month with its sheet's page, with one `reverse` for all."""
    url = reverse("scoring:township_month", args=[township_id, _MONTH])
    return [(m, _fill(url, _MONTH, f"{m:%Y-%m}")) for m in months]


@dataclass(frozen=True)
class TownshipLinks:
    year: str  # the township's year page
    ranking: str  # the same on the period's quarter tab (the year page for other periods)
    sheet: str  # the month sheet of its row (`TownshipComparison.sheet_month`)


def comparison_links(comparison: CountyComparison) -> dict[int, TownshipLinks]:
    """Each township's links on the comparison, with one `reverse` per kind of page for all."""
    period = comparison.period
    year = reverse("scoring:township_year", args=[_ID, period.year])
    sheet = reverse("scoring:township_month", args=[_ID, _MONTH])
    query = f"?q={period.quarter}" if period.quarter else ""
    links = {}
    for row in comparison.townships:
        pk = int(row.township.pk)
        year_url = _fill(year, _ID, pk)
        links[row.township.pk] = TownshipLinks(
            year=year_url,
            ranking=year_url + query,
            sheet=_fill(_fill(sheet, _ID, pk), _MONTH, f"{row.sheet_month:%Y-%m}"),
        )
    return links


def county_charts(comparison: CountyComparison, links: dict[int, TownshipLinks]) -> dict:
    year = comparison.period.year
    rows = comparison.townships
    urls = branch_year_urls((v.branch_id for row in rows for v in row.values), year)
    points = [
        {"value": [_number(v.value), i], "name": v.name, "url": urls[v.branch_id]}
        for i, row in enumerate(rows)
        for v in row.values
    ]
    strip = {
        "categories": [row.township.name for row in rows],
        "urls": [links[row.township.pk].ranking for row in rows],
        "points": points,
        "means": [[_number(row.mean), i] for i, row in enumerate(rows) if row.mean is not None],
        "labels": {"points": _("支部"), "means": _("平均")},
    }
    trend = {
        "x": _month_labels(comparison.trend_months),
        "series": [
            {
                "name": row.township.name,
                "data": [_number(v) for v in row.trend],
                "url": links[row.township.pk].ranking,
            }
            for row in rows
        ],
    }
    return {"strip": strip, "trend": trend}


def office_charts(board: OfficeDashboard) -> dict:
    year = board.months[0].year if board.months else None
    x = _month_labels(board.months)
    urls = branch_year_urls((b.branch.pk for b in board.branches), year)
    branch_urls = [urls.get(b.branch.pk, "") for b in board.branches]
    trend = {
        "x": x,
        "series": [
            {"name": b.branch.name, "data": [_number(v) for v in b.indices], "url": url}
            for b, url in zip(board.branches, branch_urls, strict=True)
        ]
        + [{"name": _("镇平均"), "data": [_number(v) for v in board.mean], "bold": True}],
    }
    heatmap = {
        "x": x,
        "y": [b.branch.name for b in board.branches],
        "urls": branch_urls,
        "cells": [
            [xi, yi, _number(v)]
            for yi, b in enumerate(board.branches)
            for xi, v in enumerate(b.indices)
            if v is not None
        ],
    }
    bars = {
        "categories": [f"{item.code} {item.label}" for item in board.items],
        "values": [_number(item.share) for item in board.items],
        "unit": "%",
    }
    return {"trend": trend, "heatmap": heatmap, "bars": bars}
