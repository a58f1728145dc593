"""Form fields that offer members to pick, labelled "name（branch）".

A township's members run to 1,500 in a large one. Django's model choice fields make a model
instance of each to label it (two with the branch), which took longer than rendering the page
around them; these read the labels as values instead. Validation is Django's own: the value
picked is looked up in the same queryset, and the cleaned value is a whole `Member`.
"""

from __future__ import annotations

from django import forms
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue

from township.widgets import PlainCheckboxSelectMultiple, PlainSelect


def member_label(name: str, branch_name: str) -> str:
    return f"{name}（{branch_name}）"


class _MemberChoices(ModelChoiceIterator):
    """(id, "name（branch）") for each member of the field's queryset, in its order."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, name, branch_name in self.queryset.values_list("pk", "name", "branch__name"):
            # No instance to hand a widget: none of ours reads one.
            yield (ModelChoiceIteratorValue(pk, None), member_label(name, branch_name))


class MemberChoiceField(forms.ModelChoiceField):
    iterator = _MemberChoices
    widget = PlainSelect


class MemberMultipleChoiceField(forms.ModelMultipleChoiceField):
    iterator = _MemberChoices
    widget = PlainCheckboxSelectMultiple
