from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from scoring.labels import item_label, month_label

register = template.Library()


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


@register.simple_tag
def index_cell(value):
    """A published index with a colour band (≥ 90, ≥ 80, ≥ 60, below)."""
    if value is None or value == "":
        return mark_safe('<span class="muted">—</span>')
    band = "ok" if value >= 90 else "mid" if value >= 80 else "warn" if value >= 60 else "bad"
    return format_html('<span class="score {}">{}</span>', band, value)
