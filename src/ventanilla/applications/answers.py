"""Answers against a service's form: checked with its JSON Schema, errors in plain words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from typing import Any

import jsonschema
from django.utils import timezone
from django.utils.translation import gettext as _

from ventanilla.catalogue.transactions import FormField, TransactionSpec
from ventanilla.core.i18n import localized


def rule_data(record: Mapping[str, Any] | None, answers: dict[str, Any]) -> dict[str, Any]:
    """What eligibility and fee rules see: the answers, and the applicant's population
    registry record (``population/person``) as the mediator fetched it for the
    application; ``person`` is empty when it could not be fetched."""
    registry: dict[str, Any] = {}
    if record:
        today = timezone.localdate()
        born = dt.date.fromisoformat(record["birth_date"])
        registry = {
            "given_name": record["given_name"],
            "family_name": record["family_name"],
            "full_name": record["full_name"],
            "birth_date": born.isoformat(),
            "age": today.year - born.year - ((today.month, today.day) < (born.month, born.day)),
            "address": record["address"],
            "postcode": record["postcode"],
            "municipality": record["municipality"],
        }
    return {"person": registry, "answers": answers}


def answers_errors(
    spec: TransactionSpec, answers: dict[str, Any], *, only: Collection[str] | None = None
) -> dict[str, str]:
    """{field: message} for each wrong or missing answer (of ``only`` these fields)."""
    fields = {f.name: f for f in spec.fields}
    errors: dict[str, str] = {}
    for error in spec.validator.iter_errors(answers):
        if error.validator == "required":
            name = str(error.message).split("'")[1]
        elif error.absolute_path:
            name = str(error.absolute_path[0])
        else:
            continue
        if name in errors or name not in fields or (only is not None and name not in only):
            continue
        errors[name] = _message(fields[name], error)
    ordered = [f.name for f in spec.fields if f.name in errors]
    return {name: errors[name] for name in ordered}


def _message(field: FormField, error: jsonschema.ValidationError) -> str:
    label = localized(field.label)
    schema = field.schema
    match error.validator:
        case "required":
            if field.kind in ("choice", "choices", "yes_no"):
                return _("Select an answer for “%(label)s”.") % {"label": label}
            return _("Enter “%(label)s”.") % {"label": label}
        case "enum" | "type" if field.kind in ("choice", "choices", "yes_no"):
            return _("Select one of the options for “%(label)s”.") % {"label": label}
        case "format" if field.kind == "date":
            return _("“%(label)s” must be a real date, like 2026-03-27.") % {"label": label}
        case "format" if field.kind == "email":
            return _("“%(label)s” must be an email address, like name@example.com.") % {
                "label": label
            }
        case "maxLength":
            return _("“%(label)s” must be %(count)s characters or fewer.") % {
                "label": label,
                "count": schema["maxLength"],
            }
        case "minLength":
            return _("“%(label)s” must be at least %(count)s characters.") % {
                "label": label,
                "count": schema["minLength"],
            }
        case "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum":
            return _("“%(label)s” must be between %(low)s and %(high)s.") % {
                "label": label,
                "low": schema.get("minimum", schema.get("exclusiveMinimum", "…")),
                "high": schema.get("maximum", schema.get("exclusiveMaximum", "…")),
            }
        case "pattern":
            hint = localized(field.hint)
            return (_("“%(label)s” is not in the right format.") % {"label": label}) + (
                f" {hint}" if hint else ""
            )
        case "type" if field.kind in ("integer", "number"):
            return _("“%(label)s” must be a number.") % {"label": label}
    return _("Check “%(label)s”.") % {"label": label}


def answer_from_form(field: FormField, value: Any) -> Any:
    """A form's cleaned value as the JSON the schema checks (dates as 2026-03-27)."""
    if value in (None, "", []):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if field.kind == "number":
        return float(value)
    return value
