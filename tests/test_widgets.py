"""The widgets rendered in Python (`township.widgets`) write exactly what Django's templates
write, so that swapping one in changes a page's speed and nothing else."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from township.forms import AuditFilterForm
from township.widgets import PlainCheckboxSelectMultiple, PlainNumberInput, PlainSelect

CHOICES = [
    ("", "全部"),
    ("a", "甲 & 乙"),
    (3, 'say "hi" <b>'),
    ("grouped", [("g1", "组一"), ("g<2>", gettext_lazy("操作"))]),
    ("safe", mark_safe("<em>kept</em>")),
    (Decimal("2.50"), 2026),
]


@pytest.mark.parametrize("value", [None, "", "a", 3, "3", "g<2>", ["a", "g1"], Decimal("2.50")])
@pytest.mark.parametrize(
    "attrs",
    [
        {},
        {"id": "id_x", "class": 'c"1', "required": True, "disabled": False, "data-n": 7},
    ],
)
@pytest.mark.parametrize("multiple", [False, True])
def test_the_plain_select_renders_what_djangos_templates_render(value, attrs, multiple):
    class PlainMultiple(PlainSelect):
        allow_multiple_selected = True

    django_cls = forms.SelectMultiple if multiple else forms.Select
    plain_cls = PlainMultiple if multiple else PlainSelect
    for language in ("zh-hans", "en"):
        with translation.override(language):
            expected = django_cls(choices=CHOICES).render("x<y", value, attrs=dict(attrs))
            assert plain_cls(choices=CHOICES).render("x<y", value, attrs=dict(attrs)) == expected


def test_the_compared_renderings_show_selection_groups_and_escaping():
    html = PlainSelect(choices=CHOICES).render("x", "g<2>", attrs={"id": "id_x"})
    assert '<option value="g&lt;2&gt;" selected>' in html
    assert '<optgroup label="grouped">' in html and "</optgroup>" in html
    assert "甲 &amp; 乙" in html and "<em>kept</em>" in html
    assert '<option value="2.50">2026</option>' in html


def test_the_plain_number_input_renders_what_djangos_template_renders():
    attrs = {"id": "id_b1", "min": "0", "max": "10", "step": "0.01", "required": True}
    for value in (None, "", Decimal("6.00"), '1"<2', 7, mark_safe("<i>")):
        for extra in ({}, {"disabled": True, "readonly": False, "aria-invalid": "true"}):
            plain = PlainNumberInput().render("b1", value, attrs={**attrs, **extra})
            django = forms.NumberInput().render("b1", value, attrs={**attrs, **extra})
            assert plain == django


def test_the_audit_filter_keeps_the_chosen_action_selected():
    form = AuditFilterForm({"action": "branches.meeting.created"})
    html = str(form["action"])
    assert html.startswith('<select name="action" id="id_action">')
    assert '<option value="branches.meeting.created" selected>' in html
    assert html.count("<option") == len(form.fields["action"].choices)


@pytest.mark.parametrize("value", [None, [], ["a"], [3, "g<2>"], ["3"], [Decimal("2.50"), "safe"]])
@pytest.mark.parametrize(
    "attrs",
    [
        {},
        {"id": "id_x", "class": 'c"1', "required": True, "disabled": False, "data-n": 7},
        {"class": "boxes"},
    ],
)
def test_the_plain_checkboxes_render_what_djangos_templates_render(value, attrs):
    for language in ("zh-hans", "en"):
        with translation.override(language):
            expected = forms.CheckboxSelectMultiple(choices=CHOICES).render(
                "x<y", value, attrs=dict(attrs)
            )
            plain = PlainCheckboxSelectMultiple(choices=CHOICES).render(
                "x<y", value, attrs=dict(attrs)
            )
            assert plain == expected


def test_the_compared_checkboxes_show_ticks_groups_labels_and_escaping():
    html = PlainCheckboxSelectMultiple(choices=CHOICES).render(
        "x", ["g<2>", "a"], attrs={"id": "id_x"}
    )
    assert '<input type="checkbox" name="x" value="g&lt;2&gt;" id="id_x_3_1" checked>' in html
    assert '<label for="id_x_1"><input type="checkbox" name="x" value="a" id="id_x_1" checked>' in (
        html
    )
    assert "<div><label>grouped</label>" in html
    assert " 甲 &amp; 乙</label>" in html and "<em>kept</em>" in html
    assert 'value="2.50"' in html and " 2026</label>" in html
