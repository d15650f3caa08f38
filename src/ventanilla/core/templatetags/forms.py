"""Template helpers for forms that follow the GOV.UK Design System."""

from __future__ import annotations

from django import template
from django.forms import BoundField

register = template.Library()


@register.filter
def without_placeholder(field: BoundField) -> BoundField:
    """Drop the widget's placeholder: labels and hints say what to type, and placeholder
    text vanishes as people type and is often too faint to read."""
    field.field.widget.attrs.pop("placeholder", None)
    return field
