"""The score grids' cells rendered in Python show exactly what the per-cell templates showed.

Each helper is compared with the template fragment it replaced, rendered by Django itself, so a
band boundary, a missing index, an item that does not apply or an escaped title cannot drift.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template import engines
from django.utils import translation
from django.utils.safestring import mark_safe

from scoring.forms import OfficeScoresForm
from scoring.templatetags.scoring_tags import index_cells

# Exactly each band's limit and one cent below it, a missing index, an off-roster month.
VALUES = [
    Decimal("100.00"),
    Decimal("90.00"),
    Decimal("89.99"),
    Decimal("80.00"),
    Decimal("79.99"),
    Decimal("60.00"),
    Decimal("59.99"),
    Decimal("0.00"),
    None,
    "",
]


def render(source: str, **context) -> str:
    return engines["django"].from_string("{% load scoring_tags %}" + source).render(context)


def test_index_cells_are_the_index_cell_tag_in_a_cell_each():
    per_cell = render(
        '{% for v in values %}<td class="num">{% index_cell v %}</td>{% endfor %}', values=VALUES
    )
    assert index_cells(VALUES) == per_cell
    assert 'class="score ok">90.00<' in per_cell and 'class="score mid">89.99<' in per_cell
    assert 'class="score warn">60.00<' in per_cell and 'class="score bad">59.99<' in per_cell


@pytest.mark.parametrize("language", ["zh-hans", "en"])  # the English title has a quote
def test_index_cells_show_a_titled_dot_for_a_month_off_the_roster(language):
    per_cell = (
        '{% load i18n %}{% for v in values %}<td class="num">{% if v == "" %}<span class="muted"'
        " title=\"{% translate '不在本支部名册' %}\">·</span>"
        "{% else %}{% index_cell v %}{% endif %}</td>{% endfor %}"
    )
    row = (
        "{% load i18n %}{% translate '不在本支部名册' as off_roster %}"
        "{% index_cells values off_roster %}"
    )
    with translation.override(language):
        expected = render(per_cell, values=VALUES)
        assert render(row, values=VALUES) == expected
    assert 'title="Not on this branch\'s roll"' in expected or language == "zh-hans"
    # A title given as plain text is escaped.
    assert 'title="&lt;b&gt;"' in index_cells(["", None], "<b>")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_item_cells_are_the_month_sheets_cells(language):
    codes = ["F1", "F2", "F3", "F4"]
    # Rows of one page: 1E+1 is shown as 10 (the template localizes a number; str() would give
    # 1E+1), and 8.0 and 8.00 are equal numbers that a page shows as written.
    rows = [
        {"F1": Decimal("8.00"), "F2": Decimal("0.00"), "F3": Decimal("1E+1")},
        {"F1": Decimal("8.0"), "F2": Decimal("0.00"), "F3": Decimal("10")},
        {},
        None,
    ]
    per_cell = (
        '{% load i18n %}{% for items in rows %}{% for c in codes %}<td class="num">'
        '{% with v=items|get:c %}{% if v is None %}<span class="muted" title="'
        "{% translate '不适用' %}\">—</span>{% else %}{{ v }}{% endif %}{% endwith %}</td>"
        "{% endfor %}|{% endfor %}"
    )
    by_row = (
        "{% load i18n %}{% translate '不适用' as na %}{% for items in rows %}"
        "{% item_cells items codes na %}|{% endfor %}"
    )
    with translation.override(language):
        expected = render(per_cell, codes=codes, rows=rows)
        assert render(by_row, codes=codes, rows=rows) == expected
    assert '<td class="num">10</td>' in expected and '<td class="num">8.0</td>' in expected


def test_the_office_form_renders_its_fields_with_the_plain_input(cast):
    form = OfficeScoresForm(branches=[cast.b1], initial_points={cast.b1.pk: Decimal("6.00")})
    html = str(form[f"b{cast.b1.pk}"])
    assert html == (
        f'<input type="number" name="b{cast.b1.pk}" value="6.00" min="0" max="10" step="0.01"'
        f' id="id_b{cast.b1.pk}">'
    )
    bound = OfficeScoresForm({f"b{cast.b1.pk}": "11"}, branches=[cast.b1], initial_points={})
    assert not bound.is_valid()
    assert 'value="11"' in str(bound[f"b{cast.b1.pk}"])
    assert 'aria-invalid="true"' in str(bound[f"b{cast.b1.pk}"])


def test_badge_items_are_the_gap_lists_items():
    labels = ["F1 主题党日", 'F2 “4+X”固定动作 <&>"', mark_safe("<b>F9</b>")]
    per_item = (
        '{% for label in labels %}<li><span class="badge warn">{{ label }}</span></li>{% endfor %}'
    )
    expected = render(per_item, labels=labels)
    assert render('{% badge_items labels "warn" %}', labels=labels) == expected
    assert "&lt;&amp;&gt;&quot;" in expected and "<b>F9</b>" in expected
    assert render('{% badge_items labels "warn" %}', labels=[]) == ""


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_gap_badges_are_the_branch_years_gap_items(language):
    gaps = [
        ("F1", "主题党日", Decimal("0.00"), Decimal("10")),
        ("F7", 'Attendance <"&>', Decimal("11.87"), Decimal("1.5E+1")),
        ("F10", "党建办评价", Decimal("6.0"), Decimal("10")),
    ]
    per_gap = (
        "{% for code, label, earned, points in gaps %}"
        '<li><span class="badge warn" title="{{ code }}">{{ label }} {{ earned }} / {{ points }}'
        "</span></li>{% endfor %}"
    )
    with translation.override(language):
        expected = render(per_gap, gaps=gaps)
        assert render("{% gap_badges gaps %}", gaps=gaps) == expected
    assert (
        "11.87 / 15<" in expected and "6.0 / 10<" in expected and "&lt;&quot;&amp;&gt;" in expected
    )


MISSING_ROW = (
    "{% load i18n %}"
    '{% translate "党支部" as l_branch %}{% translate "月份" as l_month %}'
    '{% translate "待补项目" as l_codes %}{% translate "距截止" as l_left %}'
    '{% translate "今天截止" as l_today %}'
    "{% for row, url in rows %}"
    '<tr><td data-label="{{ l_branch }}"><a href="{{ url }}">{{ row.branch.name }}</a></td>'
    '<td data-label="{{ l_month }}">{{ row.month.month|month_short }}</td>'
    '<td data-label="{{ l_codes }}"><ul class="gap-list">{% for label in row.labels %}<li>'
    '<span class="badge warn">{{ label }}</span></li>{% endfor %}</ul></td>'
    '<td class="num" data-label="{{ l_left }}" title="{{ row.close_on|date:\'Y-m-d\' }}">'
    '{% if row.days_left == 0 %}<span class="badge bad">{{ l_today }}</span>'
    '{% elif row.days_left <= 5 %}<span class="badge bad">{% blocktranslate count '
    "n=row.days_left %}{{ n }} 天{% plural %}{{ n }} 天{% endblocktranslate %}</span>"
    "{% else %}{% blocktranslate count n=row.days_left %}{{ n }} 天{% plural %}{{ n }} 天"
    "{% endblocktranslate %}{% endif %}</td></tr>{% endfor %}"
)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_missing_records_row_is_the_rows_template(cast, language):
    import datetime as dt

    from scoring.dashboards import MissingRecords

    cast.b1.name = '第1党支部 <"&>'
    close = dt.date(2026, 4, 25)
    rows = [
        (MissingRecords(cast.b1, dt.date(2026, 3, 1), codes, close, days), f"/b/{days}/?a&b")
        for codes, days in ((["F1", "F9"], 0), (["F2"], 1), (["F1"], 5), (["F5", "F6"], 6))
    ]
    by_row = (
        "{% load i18n %}"
        '{% translate "党支部" as l_branch %}{% translate "月份" as l_month %}'
        '{% translate "待补项目" as l_codes %}{% translate "距截止" as l_left %}'
        '{% translate "今天截止" as l_today %}'
        "{% for row, url in rows %}"
        "{% missing_records_row row url l_branch l_month l_codes l_left l_today %}{% endfor %}"
    )
    with translation.override(language):
        expected = render(MISSING_ROW, rows=rows)
        assert render(by_row, rows=rows) == expected
    assert expected.count('<span class="badge bad">') == 3 and "&lt;&quot;&amp;&gt;" in expected


MEMBER_ROW = (
    "{% load i18n %}{% translate '不在本支部名册' as off_roster %}"
    '{% translate "不参评" as l_exempt %}{% for r in members %}'
    '<tr><td>{{ r.member.name }}</td>{% for v in r.months %}<td class="num">'
    '{% if v == "" %}<span class="muted" title="{% translate \'不在本支部名册\' %}">·</span>'
    "{% else %}{% index_cell v %}{% endif %}</td>{% endfor %}"
    '{% for v in r.quarters %}<td class="num">{% index_cell v %}</td>{% endfor %}'
    '<td class="num">{% index_cell r.annual %}</td>'
    '<td class="stars">{% if r.member.rating_exempt %}<span class="badge">{{ l_exempt }}</span>'
    "{% else %}{{ r.stars|stars }}{% endif %}</td></tr>{% endfor %}"
)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_member_board_row_is_the_rows_template(language):
    from members.models import Member
    from scoring.selectors import MemberBoardRow

    months = [Decimal("95.00"), "", None, Decimal("59.99")] + [""] * 8
    quarters = [Decimal("90.00"), None, Decimal("80.00"), Decimal("60.00")]
    members = [
        MemberBoardRow(Member(name='张三 <"&>'), months, quarters, Decimal("88.10"), 2),
        MemberBoardRow(Member(name="李四", rating_exempt=True), months, quarters, None, None),
        MemberBoardRow(Member(name="王五"), [""] * 12, [None] * 4, None, None),
    ]
    by_row = (
        "{% load i18n %}{% translate '不在本支部名册' as off_roster %}"
        '{% translate "不参评" as l_exempt %}{% for r in members %}'
        "{% member_board_row r off_roster l_exempt %}{% endfor %}"
    )
    with translation.override(language):
        expected = render(MEMBER_ROW, members=members)
        assert render(by_row, members=members) == expected
    assert "★★☆" in expected and "&lt;&quot;&amp;&gt;" in expected


RANKING_ROW = (
    "{% for r in rows %}"
    '<tr{% if r.quarter.bottom %} class="flag"{% endif %}>'
    '<td class="num" data-label="{{ l_rank }}">{{ r.quarter.rank|default_if_none:"—" }}</td>'
    '<td data-label="{{ l_branch }}"><a href="{{ r.url }}">{{ r.branch.name }}</a></td>'
    '<td class="num" data-label="{{ l_score }}">{% index_cell r.quarter.score %}</td>'
    '<td data-label="{{ l_note }}">{% if r.quarter.bottom %}<span class="badge bad">'
    '{{ l_bottom }}</span>{% endif %}{% if not r.branch.ranked %}<span class="badge">'
    "{{ l_unranked }}</span>{% endif %}</td></tr>{% endfor %}"
)
GRID_ROW = (
    '{% for r in rows %}<tr><td><a href="{{ r.url }}">{{ r.branch.name }}</a></td>'
    '{% for v in r.indices %}<td class="num">{% index_cell v %}</td>{% endfor %}'
    '<td class="stars">{% if final_stars %}{{ final_stars|get:r.branch.pk|stars }}{% else %}'
    "{{ r.annual.stars|stars }}{% endif %}{% if r.annual.weak_and_lax %} "
    '<span class="badge bad">{{ l_weak }}</span>{% endif %}</td></tr>{% endfor %}'
)
LABELS = (
    '{% load i18n %}{% translate "名次" as l_rank %}{% translate "党支部" as l_branch %}'
    '{% translate "季度得分" as l_score %}{% translate "备注" as l_note %}'
    '{% translate "约谈名单" as l_bottom %}{% translate "不参加排名" as l_unranked %}'
    '{% translate "软弱涣散" as l_weak %}'
)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_township_years_rows_are_the_rows_templates(language):
    from branches.models import Branch
    from scoring.engine import BranchQuarterResult, BranchYearResult

    def row(pk, name, ranked, rank, score, bottom, stars, weak):
        quarter = BranchQuarterResult(score=score, rank=rank, bottom=bottom)
        annual = BranchYearResult({4: quarter}, score, score, stars, weak)
        indices = [Decimal("91.00"), None, Decimal("59.99"), score, score]
        branch = Branch(pk=pk, name=name, ranked=ranked)
        return {"branch": branch, "url": f"/b/{pk}/?x&y", "quarter": quarter, "annual": annual,
                "indices": indices}  # fmt: skip

    rows = [
        row(1, '第1党支部 <"&>', True, 1, Decimal("95.50"), False, 3, False),
        row(2, "第2党支部", True, 1234, Decimal("55.00"), True, None, True),
        row(3, "流动党员党支部", False, None, None, False, None, False),
    ]
    by_row = (
        "{% for r in rows %}{% quarter_ranking_row r l_rank l_branch l_score l_note l_bottom "
        "l_unranked %}{% endfor %}|{% for r in rows %}{% year_grid_row r final_stars l_weak %}"
        "{% endfor %}"
    )
    with translation.override(language):
        for final_stars in ({}, {1: 2, 3: 1}):
            expected = render(
                LABELS + RANKING_ROW + "|" + GRID_ROW, rows=rows, final_stars=final_stars
            )
            assert render(LABELS + by_row, rows=rows, final_stars=final_stars) == expected
    assert 'class="flag"' in expected and ">1234<" in expected and "★★☆" in expected


# The county comparison's row as the dashboard template wrote it before `comparison_row`.
COMPARISON_ROW_TEMPLATE = """{% load i18n scoring_tags %}
      <tr>
        <td><a href="{{ links.ranking }}"><strong>{{ r.township.name }}</strong></a>
          <a class="small" href="{{ links.sheet }}">{% blocktranslate with month=r.sheet_month|month_short %}{{ month }}考核表{% endblocktranslate %}</a></td>
        <td class="num">{{ r.township.branch_count }}</td>
        <td class="num">{{ r.township.member_count }}</td>
        <td class="num">{% index_cell r.mean %}</td>
        <td class="num">{% if r.values %}<a href="{{ lowest_url }}" title="{{ r.values.0.name }}">{% index_cell r.minimum %}</a>{% else %}{% index_cell None %}{% endif %}</td>
        <td class="num">{% index_cell r.median %}</td>
        <td class="num">{% if r.values %}{% with top=r.values|last %}<a href="{{ highest_url }}" title="{{ top.name }}">{% index_cell r.maximum %}</a>{% endwith %}{% else %}{% index_cell None %}{% endif %}</td>
        {% if period.kind == "quarter" %}<td class="num">{{ r.bottom }}</td>{% endif %}
        {% if period.kind == "year" %}<td class="num">{{ r.weak_and_lax }}</td><td class="num">{{ r.stars|get:3 }}</td><td class="num">{{ r.stars|get:2 }}</td><td class="num">{{ r.stars|get:1 }}</td>{% endif %}
        <td class="num" title="{% blocktranslate with met=r.items_met n=r.items_applicable %}{{ met }} / {{ n }} 项达标{% endblocktranslate %}">{% if r.completeness is not None %}{{ r.completeness }}%{% else %}<span class="muted">—</span>{% endif %}</td>
        <td class="num">{% if r.silent %}<span class="badge bad">{{ r.silent }}</span>{% else %}0{% endif %}</td>
      </tr>"""  # noqa: E501 (the template as it was)


def _comparison_row(values, *, completeness, silent):
    v = SimpleNamespace
    return v(
        township=v(name='东<乡>&"', branch_count=35, member_count=1575),
        values=[v(name=f"支部<{x}>", value=x) for x in values],
        mean=values[len(values) // 2] if values else None,
        minimum=values[0] if values else None,
        median=values[len(values) // 2] if values else None,
        maximum=values[-1] if values else None,
        bottom=2,
        weak_and_lax=1,
        stars={3: 4, 2: 0, 1: 7},
        items_met=123,
        items_applicable=140 if completeness is not None else 0,
        completeness=completeness,
        silent=silent,
        sheet_month=dt.date(2026, 11, 1),
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("kind", ["month", "quarter", "year"])
@pytest.mark.parametrize(
    "row",
    [
        _comparison_row(VALUES[:8][::-1], completeness=Decimal("87.86"), silent=3),
        _comparison_row([Decimal("59.99")], completeness=Decimal("100.0"), silent=0),
        _comparison_row([], completeness=None, silent=0),
    ],
)
def test_the_comparison_row_is_the_row_the_template_wrote(language, kind, row):
    links = SimpleNamespace(ranking="/scoring/t/1/2026/?q=4&x=<", sheet="/scoring/t/1/m/2026-11/")
    context = {
        "r": row,
        "links": links,
        "lowest_url": "/scoring/branch/1/2026/?a=1&b=2",
        "highest_url": "/scoring/branch/2/2026/",
        "period": SimpleNamespace(kind=kind),
    }
    tag = "{% comparison_row r links lowest_url highest_url period.kind %}"

    def cells(html: str) -> str:  # the whitespace between cells and rows is not shown
        html = re.sub(r"\s+", " ", html).strip()
        return re.sub(r" ?(</?t[dr][^>]*>) ?", r"\1", html)

    with translation.override(language):
        expected = engines["django"].from_string(COMPARISON_ROW_TEMPLATE).render(context)
        shown = render(tag, **context)
        assert cells(shown) == cells(expected)
    assert "<strong>东&lt;乡&gt;&amp;&quot;</strong></a> <a class=" in shown  # a space apart
