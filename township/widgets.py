"""Form widgets rendered in Python, for fields a page renders many times or with many choices.

Django renders a widget through templates: `select.html`, then `select_option.html` and
`attrs.html` once per option. That is a template render per option — the audit page's 117
actions cost more than its 50 rows. These widgets build the same HTML in Python, byte for byte
(`tests/test_widgets.py` compares them with Django's own rendering), and keep everything else of
Django's widget: its context, its value handling, its attributes.
"""

from __future__ import annotations

from django import forms
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

# As the templates' `{{ value }}`: a value already marked safe is kept, any other escaped.
_e = conditional_escape


def _attrs(attrs: dict) -> str:
    """`attrs.html`: ` name="value"`, a bare ` name` for True, nothing for False."""
    out = []
    for key, val in attrs.items():
        if val is True:
            out.append(f" {_e(key)}")
        elif val is not False:
            out.append(f' {_e(key)}="{_e(val)}"')
    return "".join(out)


class PlainNumberInput(forms.NumberInput):
    """A number input without a template render per field (the month sheet's form has a field
    for each of dozens of branches)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        html = [f'<input type="{_e(widget["type"])}" name="{_e(widget["name"])}"']
        if widget["value"] is not None:
            html.append(f' value="{_e(widget["value"])}"')
        html.append(_attrs(widget["attrs"]))
        html.append(">")
        return mark_safe("".join(html))  # noqa: S308 (every value escaped above)


class PlainSelect(forms.Select):
    """A select without a template render per option (`select.html` and `select_option.html`)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        html = [f'<select name="{_e(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                html.append(f'\n  <optgroup label="{_e(localize(group_name))}">')
            for option in options:  # each ends with the option template's last line end
                html.append(
                    f'\n  <option value="{_e(option["value"])}"{_attrs(option["attrs"])}>'
                    f"{_e(localize(option['label']))}</option>\n"
                )
            if group_name:
                html.append("\n  </optgroup>")
        html.append("\n</select>")
        return mark_safe("".join(html))  # noqa: S308 (every value escaped above)


class PlainCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """Checkboxes without a template render per option (`multiple_input.html`, then
    `input_option.html` and `input.html` for each box): a training's attendance offers every
    member of the township."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        box_id, box_class = widget["attrs"].get("id"), widget["attrs"].get("class")
        html = ["<div"]
        if box_id:
            html.append(f' id="{_e(localize(box_id))}"')
        if box_class:
            html.append(f' class="{_e(localize(box_class))}"')
        html.append(">")
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                html.append(f"\n  <div><label>{_e(localize(group_name))}</label>")
            for option in options:
                html.append("<div>\n    ")
                html.append(_input_option(option))
                html.append("</div>")
            if group_name:
                html.append("\n  </div>")
        html.append("\n</div>")
        return mark_safe("".join(html))  # noqa: S308 (every value escaped below)


def _input_option(option: dict) -> str:
    """`input_option.html` (with its include's and its own line ends)."""
    wrap, option_id = option["wrap_label"], option["attrs"].get("id")
    html = []
    if wrap:
        html.append(f'<label for="{_e(localize(option_id))}">' if option_id else "<label>")
    html.append(f'<input type="{_e(localize(option["type"]))}" name="{_e(option["name"])}"')
    if option["value"] is not None:
        html.append(f' value="{_e(str(option["value"]))}"')
    html.append(f"{_attrs(option['attrs'])}>\n")
    if wrap:
        html.append(f" {_e(localize(option['label']))}</label>")
    html.append("\n\n")
    return "".join(html)
