from decimal import Decimal
from html import escape

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from scoring.labels import item_label, month_label

register = template.Library()

# Year grids show hundreds of figures: the cells below are rendered in plain Python, a row at a
# time, instead of a template tag per cell (each costs tens of microseconds of template work).
_NO_INDEX = '<span class="muted">—</span>'


@register.filter
def stars(value) -> str:
    """Three-star display: ★★☆ for 2; empty for None."""
    if value is None or value == "":
        return ""
    return "★" * int(value) + "☆" * (3 - int(value))


@register.filter
def month_short(value) -> str:
    """A month's short name in the reader's language (`scoring.labels.month_label`)."""
    return month_label(value)


@register.filter
def item_name(item) -> str:
    """A scheme item's name in the reader's language (`scoring.labels.item_label`)."""
    return item_label(item.code, item.label)


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


def _index_html(value) -> str:
    if value is None or value == "":
        return _NO_INDEX
    band = "ok" if value >= 90 else "mid" if value >= 80 else "warn" if value >= 60 else "bad"
    # A decimal's text is digits, a sign, a point or an exponent: nothing to escape.
    text = str(value) if type(value) is Decimal else escape(str(value))
    return f'<span class="score {band}">{text}</span>'


@register.simple_tag
def index_cell(value):
    """A published index with a colour band (≥ 90, ≥ 80, ≥ 60, below)."""
    return mark_safe(_index_html(value))  # noqa: S308 (the value is escaped)


@register.simple_tag
def index_cells(values, off_roster: str = ""):
    """A `<td class="num">` with an `index_cell` for each value; with `off_roster` (a title),
    a value of "" is a member not on the branch's roster that month (a dot), not a missing
    index."""
    if off_roster:
        dot = f'<span class="muted" title="{conditional_escape(off_roster)}">·</span>'
        cells = (dot if v == "" else _index_html(v) for v in values)
    else:
        cells = (_index_html(v) for v in values)
    return mark_safe("".join(f'<td class="num">{c}</td>' for c in cells))  # noqa: S308 (escaped)


@register.simple_tag(takes_context=True)
def item_cells(context, items, codes, not_applicable: str):
    """A month sheet's row of item points, one `<td class="num">` per code; an item that does
    not apply this month is a dash titled `not_applicable`.

    The same few points recur on every row: each is localized once per page render (keyed by
    its exact text, so 8.0 and 8.00 stay apart).
    """
    dash = f'<span class="muted" title="{conditional_escape(not_applicable)}">—</span>'
    items = items or {}
    cells = (dash if v is None else _shown(context, v) for v in map(items.get, codes))
    return mark_safe("".join(f'<td class="num">{c}</td>' for c in cells))  # noqa: S308 (escaped)


def _shown(context, value) -> str:
    """`{{ value }}` of a number: localized and escaped, once per page render for each exact
    text (8.0 and 8.00 are equal numbers shown differently)."""
    shown = context.render_context.setdefault("scoring_tags.shown", {})
    key = (type(value), str(value))
    text = shown.get(key)
    if text is None:
        text = shown[key] = escape(str(localize(value)))
    return text


@register.simple_tag(takes_context=True)
def gap_badges(context, gaps):
    """The branch year's gap list items: for each (code, label, earned, possible) a badge
    "label earned / possible" titled with the code."""
    return mark_safe(  # noqa: S308 (escaped)
        "".join(
            f'<li><span class="badge warn" title="{conditional_escape(code)}">'
            f"{conditional_escape(label)} {_shown(context, earned)} / {_shown(context, points)}"
            "</span></li>"
            for code, label, earned, points in gaps
        )
    )


@register.simple_tag
def badge_items(labels, kind: str):
    """`<li><span class="badge {kind}">label</span></li>` for each label (a gap list's items)."""
    kind = conditional_escape(kind)
    return mark_safe(  # noqa: S308 (escaped)
        "".join(
            f'<li><span class="badge {kind}">{conditional_escape(x)}</span></li>' for x in labels
        )
    )


@register.simple_tag
def missing_records_row(row, url, l_branch, l_month, l_codes, l_left, l_today):
    """A row of the office board's missing records (`dashboards.MissingRecords`) with its
    cells' labels: the branch and its year page, the month, the items to complete as badges,
    and the days left (a red badge from 5 days; "today" on the close day)."""
    e = conditional_escape
    if row.days_left == 0:
        left = f'<span class="badge bad">{e(l_today)}</span>'
    elif row.days_left <= 5:
        left = f'<span class="badge bad">{e(row.days_left_label)}</span>'
    else:
        left = e(row.days_left_label)
    return mark_safe(  # noqa: S308 (escaped)
        f'<tr><td data-label="{e(l_branch)}"><a href="{e(url)}">{e(row.branch.name)}</a></td>'
        f'<td data-label="{e(l_month)}">{e(month_label(row.month.month))}</td>'
        f'<td data-label="{e(l_codes)}"><ul class="gap-list">{badge_items(row.labels, "warn")}'
        f'</ul></td><td class="num" data-label="{e(l_left)}" title="{e(row.close_on.isoformat())}">'
        f"{left}</td></tr>"
    )


@register.simple_tag
def member_board_row(row, off_roster, l_exempt):
    """A member's row of the branch notice board (`selectors.MemberBoardRow`): the name, the
    months' indices (a dot when off the roster), the quarters', the year's and the stars."""
    rated = (
        f'<span class="badge">{conditional_escape(l_exempt)}</span>'
        if row.member.rating_exempt
        else conditional_escape(stars(row.stars))
    )
    return mark_safe(  # noqa: S308 (escaped)
        f"<tr><td>{conditional_escape(row.member.name)}</td>"
        f"{index_cells(row.months, off_roster)}{index_cells(row.quarters)}"
        f'<td class="num">{_index_html(row.annual)}</td><td class="stars">{rated}</td></tr>'
    )


@register.simple_tag
def quarter_ranking_row(r, l_rank, l_branch, l_score, l_note, l_bottom, l_unranked):
    """A branch's row of the township's quarter ranking (a row of `views.township_year`): its
    rank (a dash when unranked), its year page, its score, and the interview list (约谈) and
    unranked badges."""
    e = conditional_escape
    quarter, branch = r["quarter"], r["branch"]
    rank = "—" if quarter.rank is None else e(localize(quarter.rank))
    badges = (f'<span class="badge bad">{e(l_bottom)}</span>' if quarter.bottom else "") + (
        "" if branch.ranked else f'<span class="badge">{e(l_unranked)}</span>'
    )
    flag = ' class="flag"' if quarter.bottom else ""
    return mark_safe(  # noqa: S308 (escaped)
        f"<tr{flag}>"
        f'<td class="num" data-label="{e(l_rank)}">{rank}</td>'
        f'<td data-label="{e(l_branch)}"><a href="{e(r["url"])}">{e(branch.name)}</a></td>'
        f'<td class="num" data-label="{e(l_score)}">{_index_html(quarter.score)}</td>'
        f'<td data-label="{e(l_note)}">{badges}</td></tr>'
    )


@register.simple_tag
def year_grid_row(r, final_stars, l_weak):
    """A branch's row of the township's year grid: the months' indices, the mean and the
    annual score, and the stars (those set by the star round when it has set them)."""
    annual = r["annual"]
    shown = stars(final_stars.get(r["branch"].pk) if final_stars else annual.stars)
    weak = (
        f' <span class="badge bad">{conditional_escape(l_weak)}</span>'
        if annual.weak_and_lax
        else ""
    )
    return mark_safe(  # noqa: S308 (escaped)
        f'<tr><td><a href="{conditional_escape(r["url"])}">{conditional_escape(r["branch"].name)}'
        f"</a></td>{index_cells(r['indices'])}"
        f'<td class="stars">{conditional_escape(shown)}{weak}</td></tr>'
    )


@register.simple_tag
def comparison_row(r, links, lowest_url, highest_url, kind):
    """A township's row of the county comparison (`dashboards.TownshipComparison`): its ranking
    and month sheet, its counts, the mean, lowest (linked to that branch's year), median and
    highest scores, the quarter's interview list or the year's weak branches and stars, the
    record completeness and the silent branches."""
    e = conditional_escape
    township = r.township
    sheet = gettext("%(month)s考核表") % {"month": e(month_label(r.sheet_month))}
    cells = [
        f'<td><a href="{e(links.ranking)}"><strong>{e(township.name)}</strong></a> '
        f'<a class="small" href="{e(links.sheet)}">{sheet}</a></td>',
        f'<td class="num">{e(localize(township.branch_count))}</td>',
        f'<td class="num">{e(localize(township.member_count))}</td>',
        f'<td class="num">{_index_html(r.mean)}</td>',
    ]
    lowest = highest = f'<td class="num">{_NO_INDEX}</td>'
    if r.values:  # the lowest and highest link to their branch's year, titled with its name
        first, last = r.values[0], r.values[-1]
        lowest = (
            f'<td class="num"><a href="{e(lowest_url)}" title="{e(first.name)}">'
            f"{_index_html(r.minimum)}</a></td>"
        )
        highest = (
            f'<td class="num"><a href="{e(highest_url)}" title="{e(last.name)}">'
            f"{_index_html(r.maximum)}</a></td>"
        )
    cells += [lowest, f'<td class="num">{_index_html(r.median)}</td>', highest]
    if kind == "quarter":
        cells.append(f'<td class="num">{e(localize(r.bottom))}</td>')
    if kind == "year":
        cells.append(f'<td class="num">{e(localize(r.weak_and_lax))}</td>')
        cells += [f'<td class="num">{e(localize(get(r.stars, s)))}</td>' for s in (3, 2, 1)]
    met = gettext("%(met)s / %(n)s 项达标") % {
        "met": e(localize(r.items_met)),
        "n": e(localize(r.items_applicable)),
    }
    completeness = f"{e(localize(r.completeness))}%" if r.completeness is not None else _NO_INDEX
    cells.append(f'<td class="num" title="{met}">{completeness}</td>')
    silent = f'<span class="badge bad">{e(localize(r.silent))}</span>' if r.silent else "0"
    cells.append(f'<td class="num">{silent}</td>')
    return mark_safe("<tr>" + "".join(cells) + "</tr>")  # noqa: S308 (escaped)
