"""The ``transaction`` section of a service definition: what makes a service executable.

A service that can be applied for online declares, in its YAML file:

- ``form``: a JSON Schema 2020-12 of the answers, with UI hints per field (label, hint,
  choice labels per language) and the pages it is asked on;
- ``prefill``: which fields are filled in from registry data, fetched through the
  mediator when the application starts (``{address: population/person.address}``);
- ``eligibility``: CEL rules over ``answers`` and ``person`` (the applicant's record in
  the population registry, fetched through the mediator), each with the reason shown
  when it fails;
- ``fee``: a fixed amount or a CEL rule, and whether it is refunded on rejection;
- ``uploads``: evidence files with their accepted types and size limit;
- ``workflow``: states (deadline in working days, final, waiting for the resident),
  actions (from which states, to which, which role may take them);
- ``document``: what is issued on approval.

``transaction_problems`` finds every problem at once, each with its path, for
``ventanilla services check``; ``transaction_spec`` turns a checked section into the
typed form the applications and casework apps use.
"""

from __future__ import annotations

import datetime as dt
import heapq
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

import jsonschema
from django.utils import formats
from django.utils.translation import gettext

from ventanilla.catalogue.schemas import error_path
from ventanilla.core.errors import RuleSyntaxError
from ventanilla.core.i18n import localized
from ventanilla.core.rules import Rule, rule_compile
from ventanilla.identity.enums import Role
from ventanilla.registries.schemas import PERSON_SERVICES, SCHEMAS, SERVICE_SCHEMAS

SLUG = {"type": "string", "pattern": "^[a-z0-9]+(?:-[a-z0-9]+)*$", "maxLength": 80}
FIELD_NAME = {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,39}$"}
# Page addresses the application pages use for themselves.
RESERVED_PAGE_SLUGS = frozenset({"check", "pay", "files", "delete", "details"})
UPLOAD_TYPES = ("application/pdf", "image/jpeg", "image/png")
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# The first spelling of a pre-fill, as a field's UI hint (``prefill: person.address``):
# still read, as the population registry's ``population/person`` data service.
PREFILL_SOURCES = (
    "person.given_name",
    "person.family_name",
    "person.full_name",
    "person.birth_date",
    "person.address",
    "person.postcode",
    "person.municipality",
)
PERSON_SERVICE = "population/person"
# ``transaction.prefill``: {field: "data-service/code.field"}, the mediator's data service
# and the field of its answer that fills the form field in (once-only: never re-typed).
PREFILL = {
    "type": "string",
    "pattern": "^[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*)+\\.[a-z][a-z0-9_]*$",
}
# A rule that reads ``person`` makes the application fetch the applicant's record from
# the population registry, through the mediator.
_READS_PERSON = re.compile(r"\bperson\b")


def _text(languages: list[str], max_length: int = 2000) -> dict[str, Any]:
    return {
        "type": "object",
        "required": languages,
        "propertyNames": {"pattern": "^[a-z]{2}$"},
        "additionalProperties": {"type": "string", "minLength": 1, "maxLength": max_length},
    }


def transaction_schema(languages: list[str]) -> dict[str, Any]:
    """The shape of the ``transaction`` section (the meaning is checked afterwards)."""
    text = _text(languages)
    label = _text(languages, 300)
    return {
        "type": "object",
        "required": ["form", "workflow"],
        "additionalProperties": False,
        "properties": {
            "form": {
                "type": "object",
                "required": ["schema", "pages"],
                "additionalProperties": False,
                "properties": {
                    "schema": {"type": "object"},
                    "pages": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "required": ["slug", "title", "fields"],
                            "additionalProperties": False,
                            "properties": {
                                "slug": SLUG,
                                "title": label,
                                "hint": text,
                                "fields": {
                                    "type": "array",
                                    "minItems": 1,
                                    "uniqueItems": True,
                                    "items": FIELD_NAME,
                                },
                            },
                        },
                    },
                    "ui": {
                        "type": "object",
                        "propertyNames": FIELD_NAME,
                        "additionalProperties": {
                            "type": "object",
                            "required": ["label"],
                            "additionalProperties": False,
                            "properties": {
                                "label": label,
                                "hint": text,
                                "choices": {"type": "object", "additionalProperties": label},
                                "prefill": {"enum": list(PREFILL_SOURCES)},
                                "autocomplete": {"type": "string", "maxLength": 40},
                            },
                        },
                    },
                },
            },
            "prefill": {
                "type": "object",
                "propertyNames": FIELD_NAME,
                "additionalProperties": PREFILL,
            },
            "eligibility": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["rule", "reason"],
                    "additionalProperties": False,
                    "properties": {"rule": {"type": "string"}, "reason": text},
                },
            },
            "fee": {
                "type": "object",
                "required": ["currency"],
                "additionalProperties": False,
                "properties": {
                    "amount": {"type": "string", "pattern": r"^\d{1,7}(\.\d{1,2})?$"},
                    "rule": {"type": "string"},
                    "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
                    "refund_on_rejection": {"type": "boolean"},
                },
                "oneOf": [{"required": ["amount"]}, {"required": ["rule"]}],
            },
            "uploads": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["slug", "label", "types", "max_bytes"],
                    "additionalProperties": False,
                    "properties": {
                        "slug": SLUG,
                        "label": label,
                        "hint": text,
                        "required": {"type": "boolean"},
                        "types": {
                            "type": "array",
                            "minItems": 1,
                            "uniqueItems": True,
                            "items": {"enum": list(UPLOAD_TYPES)},
                        },
                        "max_bytes": {
                            "type": "integer",
                            "minimum": 1,
                            "maximum": MAX_UPLOAD_BYTES,
                        },
                    },
                },
            },
            "workflow": {
                "type": "object",
                "required": ["initial", "states", "actions"],
                "additionalProperties": False,
                "properties": {
                    "initial": SLUG,
                    "states": {
                        "type": "object",
                        "minProperties": 2,
                        "propertyNames": SLUG,
                        "additionalProperties": {
                            "type": "object",
                            "required": ["label"],
                            "additionalProperties": False,
                            "properties": {
                                "label": label,
                                "deadline_days": {"type": "integer", "minimum": 0, "maximum": 365},
                                "final": {"type": "boolean"},
                                "outcome": {"enum": ["approved", "rejected", "withdrawn"]},
                                "waits_for_resident": {"type": "boolean"},
                            },
                        },
                    },
                    "actions": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "required": ["slug", "label", "from", "to", "role"],
                            "additionalProperties": False,
                            "properties": {
                                "slug": SLUG,
                                "label": label,
                                "from": {
                                    "type": "array",
                                    "minItems": 1,
                                    "uniqueItems": True,
                                    "items": SLUG,
                                },
                                "to": SLUG,
                                "role": {"enum": list(Role.values)},
                                "needs_reason": {"type": "boolean"},
                            },
                        },
                    },
                },
            },
            "document": {
                "type": "object",
                "required": ["title"],
                "additionalProperties": False,
                "properties": {"title": label, "body": text},
            },
        },
    }


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a definition: where (a dotted path) and why."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


# Field kinds the portal can render as a server-side form (GOV.UK patterns).
_TEXT, _DATE, _EMAIL, _INTEGER, _NUMBER, _YES_NO, _CHOICE, _CHOICES = (
    "text",
    "date",
    "email",
    "integer",
    "number",
    "yes_no",
    "choice",
    "choices",
)


def _field_kind(schema: dict[str, Any]) -> str | None:
    kind = schema.get("type")
    if kind == "string":
        if "enum" in schema:
            return _CHOICE
        return {"date": _DATE, "email": _EMAIL}.get(schema.get("format", ""), _TEXT)
    if kind == "integer":
        return _INTEGER
    if kind == "number":
        return _NUMBER
    if kind == "boolean":
        return _YES_NO
    if kind == "array" and schema.get("items", {}).get("enum"):
        return _CHOICES
    return None


def _choices(schema: dict[str, Any]) -> list[str]:
    values = schema.get("enum") or schema.get("items", {}).get("enum") or []
    return [str(value) for value in values]


def transaction_problems(section: dict[str, Any], languages: list[str]) -> list[Problem]:
    """Every problem with a ``transaction`` section; [] when it is sound.

    Shape first (JSON Schema); then the meaning of each part whose shape is right: the
    form (a valid schema, every field labelled and on one page), the rules (they parse),
    the workflow (every state reachable, every unfinished state has a way out, an approval
    can be reached).
    """
    validator = jsonschema.Draft202012Validator(transaction_schema(languages))
    shape = sorted(
        validator.iter_errors(section), key=lambda error: [str(p) for p in error.absolute_path]
    )
    problems = [
        Problem(error_path(error, "transaction"), _reason(error.message)) for error in shape
    ]
    broken = {str(error.absolute_path[0]) for error in shape if error.absolute_path}
    if any(not error.absolute_path for error in shape):
        return problems
    if "form" not in broken:
        problems += _form_problems(section["form"], languages)
        if "prefill" not in broken:
            problems += _prefill_problems(section)
    if not broken & {"eligibility", "fee", "uploads"}:
        problems += _rule_problems(section)
    if "workflow" not in broken:
        problems += _workflow_problems(section["workflow"])
    return problems


def _reason(message: str) -> str:
    if message.endswith(" is a required property"):
        return "is missing"
    if "were unexpected" in message or "was unexpected" in message:
        return "is not a field of this section"
    return message


def _form_problems(form: dict[str, Any], languages: list[str]) -> list[Problem]:
    problems: list[Problem] = []
    schema = form["schema"]
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as exc:
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in exc.path)
        return [Problem(f"transaction.form.schema{where}", exc.message)]
    if schema.get("type") != "object" or not isinstance(schema.get("properties"), dict):
        return [Problem("transaction.form.schema", "must be an object schema with properties")]
    properties: dict[str, Any] = schema["properties"]
    ui: dict[str, Any] = form.get("ui", {})
    for name, prop in properties.items():
        where = f"transaction.form.schema.properties.{name}"
        if not isinstance(prop, dict) or _field_kind(prop) is None:
            problems.append(
                Problem(
                    where,
                    "the portal cannot ask this: use a string (text, date, email or one of "
                    "an enum), an integer, a number, a boolean or an array of an enum",
                )
            )
            continue
        if name not in ui:
            problems.append(Problem(f"transaction.form.ui.{name}", "a label is needed"))
            continue
        choices = _choices(prop)
        labels = ui[name].get("choices", {})
        for value in choices:
            if value not in labels:
                problems.append(
                    Problem(f"transaction.form.ui.{name}.choices", f"no label for '{value}'")
                )
            else:
                missing = [code for code in languages if code not in labels[value]]
                if missing:
                    problems.append(
                        Problem(
                            f"transaction.form.ui.{name}.choices.{value}",
                            f"no text in {', '.join(missing)}",
                        )
                    )
        problems.extend(
            Problem(f"transaction.form.ui.{name}.choices.{value}", "is not a choice")
            for value in labels
            if value not in choices
        )
    problems.extend(
        Problem(f"transaction.form.ui.{name}", "is not in the schema")
        for name in ui
        if name not in properties
    )
    problems.extend(
        Problem("transaction.form.schema.required", f"'{name}' is not a property")
        for name in schema.get("required", [])
        if name not in properties
    )
    asked: dict[str, str] = {}
    page_slugs: set[str] = set()
    for i, page in enumerate(form["pages"]):
        if page["slug"] in RESERVED_PAGE_SLUGS:
            problems.append(
                Problem(f"transaction.form.pages[{i}].slug", f"'{page['slug']}' is reserved")
            )
        if page["slug"] in page_slugs:
            problems.append(
                Problem(f"transaction.form.pages[{i}].slug", f"'{page['slug']}' is used twice")
            )
        page_slugs.add(page["slug"])
        for j, name in enumerate(page["fields"]):
            where = f"transaction.form.pages[{i}].fields[{j}]"
            if name not in properties:
                problems.append(Problem(where, f"'{name}' is not in the schema"))
            elif name in asked:
                problems.append(Problem(where, f"'{name}' is already asked on {asked[name]}"))
            else:
                asked[name] = f"page '{page['slug']}'"
    problems.extend(
        Problem(f"transaction.form.schema.properties.{name}", "is asked on no page")
        for name in properties
        if name not in asked
    )
    return problems


def prefill_source(source: str) -> tuple[str, str]:
    """``(data service, field)`` of a pre-fill, in either spelling: ``population/person.
    address``, or a UI hint's ``person.address``."""
    if source in PREFILL_SOURCES:
        return PERSON_SERVICE, source.removeprefix("person.")
    service, _, name = source.rpartition(".")
    return service, name


def _prefill_problems(section: dict[str, Any]) -> list[Problem]:
    """Each pre-filled field is a field of the form, pre-filled once, from one value of a
    data service the registries answer about a person."""
    problems: list[Problem] = []
    form = section["form"]
    properties = form["schema"].get("properties", {})
    hinted = {name for name, hints in form.get("ui", {}).items() if "prefill" in hints}
    for name, source in section.get("prefill", {}).items():
        where = f"transaction.prefill.{name}"
        if name not in properties:
            problems.append(Problem(where, "is not in the schema"))
            continue
        if name in hinted:
            problems.append(Problem(where, f"is pre-filled in transaction.form.ui.{name} too"))
        service, field_name = prefill_source(source)
        if service not in PERSON_SERVICES:
            known = ", ".join(sorted(PERSON_SERVICES))
            problems.append(
                Problem(where, f"no data service '{service}' answers about a person ({known})")
            )
            continue
        answer = SCHEMAS[SERVICE_SCHEMAS[service]]["properties"]
        if field_name not in answer:
            fields = ", ".join(answer)
            problems.append(Problem(where, f"{service} has no field '{field_name}' ({fields})"))
        elif answer[field_name].get("type") in ("array", "object"):
            problems.append(
                Problem(where, f"{service}'s '{field_name}' is a list, not one value to fill in")
            )
    return problems


def _rule_problems(section: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    rules = [
        (f"transaction.eligibility[{i}].rule", item["rule"])
        for i, item in enumerate(section.get("eligibility", []))
    ]
    if "rule" in section.get("fee", {}):
        rules.append(("transaction.fee.rule", section["fee"]["rule"]))
    for where, expression in rules:
        try:
            rule_compile(expression, field=where)
        except RuleSyntaxError as exc:
            problems.append(Problem(where, exc.message))
    slugs = [upload["slug"] for upload in section.get("uploads", [])]
    for i, slug in enumerate(slugs):
        if slugs.index(slug) != i:
            problems.append(Problem(f"transaction.uploads[{i}].slug", f"'{slug}' is used twice"))
    return problems


def _workflow_problems(workflow: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    states: dict[str, Any] = workflow["states"]
    base = "transaction.workflow"
    if workflow["initial"] not in states:
        problems.append(Problem(f"{base}.initial", f"no state '{workflow['initial']}'"))
    for name, state in states.items():
        where = f"{base}.states.{name}"
        if state.get("final") and "outcome" not in state:
            problems.append(Problem(where, "a final state needs an outcome"))
        if not state.get("final") and "outcome" in state:
            problems.append(Problem(where, "only a final state has an outcome"))
        if state.get("final") and state.get("waits_for_resident"):
            problems.append(Problem(where, "a final state cannot wait for the resident"))
    if not any(state.get("final") for state in states.values()):
        problems.append(Problem(f"{base}.states", "no state is final"))
    slugs: set[str] = set()
    leaving: set[str] = set()
    reached = {workflow["initial"]}
    for i, action in enumerate(workflow["actions"]):
        where = f"{base}.actions[{i}]"
        if action["slug"] in slugs:
            problems.append(Problem(f"{where}.slug", f"'{action['slug']}' is used twice"))
        slugs.add(action["slug"])
        for j, state in enumerate(action["from"]):
            if state not in states:
                problems.append(Problem(f"{where}.from[{j}]", f"no state '{state}'"))
            elif states[state].get("final"):
                problems.append(
                    Problem(f"{where}.from[{j}]", f"'{state}' is final: nothing leaves it")
                )
            leaving.add(state)
        if action["to"] not in states:
            problems.append(Problem(f"{where}.to", f"no state '{action['to']}'"))
        reached.add(action["to"])
    for name, state in states.items():
        if not state.get("final") and name not in leaving:
            problems.append(Problem(f"{base}.states.{name}", "no action leaves this state"))
        if name not in reached:
            problems.append(Problem(f"{base}.states.{name}", "no action leads to this state"))
    if any(state.get("final") and "outcome" not in state for state in states.values()):
        return problems  # which states approve is not known yet
    approved = {
        name
        for name, state in states.items()
        if state.get("final") and state.get("outcome") == "approved"
    }
    if not approved:
        if any(state.get("final") for state in states.values()):
            problems.append(Problem(f"{base}.states", "no final state has the outcome approved"))
    elif (
        workflow["initial"] in states
        and _shortest_path_to(
            workflow["initial"],
            approved,
            edges=[(source, a["to"]) for a in workflow["actions"] for source in a["from"]],
            days={},
            avoiding=set(),
        )
        is None
    ):
        problems.append(
            Problem(
                f"{base}.actions",
                f"no way leads from '{workflow['initial']}' to an approved final state "
                f"({', '.join(repr(name) for name in sorted(approved))})",
            )
        )
    return problems


def _shortest_path_to(
    initial: str,
    targets: Collection[str],
    *,
    edges: Iterable[tuple[str, str]],
    days: Mapping[str, int],
    avoiding: Collection[str],
) -> tuple[int, int] | None:
    """``(transitions, days)`` of the way from ``initial`` to one of ``targets`` with the
    fewest transitions, then the fewest days (the sum of ``days`` of every state left on
    the way), never entering a state in ``avoiding``; None when there is no way."""
    following: dict[str, list[str]] = {}
    for source, target in edges:
        following.setdefault(source, []).append(target)
    if initial in avoiding:
        return None
    # Dijkstra on (transitions, days): both only grow, so the first target taken off the
    # heap is the nearest, and of the nearest, the quickest.
    queue = [(0, 0, initial)]
    done: set[str] = set()
    while queue:
        transitions, total, state = heapq.heappop(queue)
        if state in targets:
            return transitions, total
        if state in done:
            continue
        done.add(state)
        for target in following.get(state, ()):
            if target not in done and target not in avoiding:
                heapq.heappush(queue, (transitions + 1, total + days.get(state, 0), target))
    return None


@dataclass(frozen=True)
class FormField:
    name: str
    kind: str
    required: bool
    label: dict[str, str]
    hint: dict[str, str]
    choices: tuple[tuple[str, dict[str, str]], ...]
    prefill: str  # "population/person.address": fetched through the mediator; "" if not
    autocomplete: str
    schema: dict[str, Any]

    @property
    def prefill_from(self) -> tuple[str, str]:
        """``(data service, field of its answer)`` this field is filled in from."""
        service, _, name = self.prefill.rpartition(".")
        return service, name


@dataclass(frozen=True)
class FormPage:
    slug: str
    title: dict[str, str]
    hint: dict[str, str]
    fields: tuple[FormField, ...]


@dataclass(frozen=True)
class Eligibility:
    rule: Rule
    reason: dict[str, str]


@dataclass(frozen=True)
class Fee:
    currency: str
    amount: Decimal | None = None
    rule: Rule | None = None
    refund_on_rejection: bool = False

    def for_answers(self, data: dict[str, Any]) -> Decimal:
        if self.rule is not None:
            return self.rule.amount(data)
        return self.amount or Decimal("0.00")


@dataclass(frozen=True)
class Upload:
    slug: str
    label: dict[str, str]
    hint: dict[str, str]
    required: bool
    types: tuple[str, ...]
    max_bytes: int


@dataclass(frozen=True)
class State:
    slug: str
    label: dict[str, str]
    deadline_days: int | None
    final: bool
    outcome: str
    waits_for_resident: bool


@dataclass(frozen=True)
class Action:
    slug: str
    label: dict[str, str]
    sources: tuple[str, ...]
    target: str
    role: str
    needs_reason: bool


@dataclass(frozen=True)
class Workflow:
    initial: str
    states: dict[str, State]
    actions: tuple[Action, ...]


def workflow_days_to_decision(workflow: Workflow) -> int | None:
    """Working days from receipt to approval if every step takes its deadline: the sum of
    ``deadline_days`` on the way from the initial state to the nearest approved final
    state (fewest transitions, then fewest days), not counting a way through a state
    that waits for the resident, whose time is not the agency's.

    None when the workflow declares no deadline, or when no approval can be reached
    without waiting for the resident: the caller then falls back to the catalogue's
    ``processing_days``.
    """
    if all(state.deadline_days is None for state in workflow.states.values()):
        return None
    found = _shortest_path_to(
        workflow.initial,
        {name for name, s in workflow.states.items() if s.final and s.outcome == "approved"},
        edges=[(source, a.target) for a in workflow.actions for source in a.sources],
        days={name: s.deadline_days or 0 for name, s in workflow.states.items()},
        avoiding={name for name, s in workflow.states.items() if s.waits_for_resident},
    )
    return None if found is None else found[1]


@dataclass(frozen=True)
class TransactionSpec:
    pages: tuple[FormPage, ...]
    schema: dict[str, Any]
    eligibility: tuple[Eligibility, ...]
    fee: Fee | None
    uploads: tuple[Upload, ...]
    workflow: Workflow
    document: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def validator(self) -> jsonschema.Draft202012Validator:
        """The answers' validator, built once (the schema was checked when loaded)."""
        return jsonschema.Draft202012Validator(
            self.schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        )

    @property
    def fields(self) -> tuple[FormField, ...]:
        return tuple(f for page in self.pages for f in page.fields)

    def page(self, slug: str) -> FormPage | None:
        return next((page for page in self.pages if page.slug == slug), None)

    @property
    def prefilled(self) -> tuple[FormField, ...]:
        return tuple(f for f in self.fields if f.prefill)

    @cached_property
    def reads_person(self) -> bool:
        """Whether a rule (eligibility or fee) reads ``person``."""
        rules = [e.rule for e in self.eligibility]
        if self.fee and self.fee.rule:
            rules.append(self.fee.rule)
        return any(_READS_PERSON.search(rule.expression) for rule in rules)

    @cached_property
    def evidence(self) -> tuple[str, ...]:
        """The data services an application fetches about its applicant when it starts:
        those its fields are pre-filled from, and the population registry's person
        record when a rule reads ``person``."""
        services = dict.fromkeys(f.prefill_from[0] for f in self.prefilled)
        if self.reads_person:
            services.setdefault(PERSON_SERVICE)
        return tuple(services)


def transaction_spec(section: dict[str, Any]) -> TransactionSpec:
    """The typed form of a section that ``transaction_problems`` found sound."""
    form = section["form"]
    schema = form["schema"]
    required = set(schema.get("required", []))
    ui = form.get("ui", {})
    prefills = {
        name: "{}.{}".format(*prefill_source(hints["prefill"]))
        for name, hints in ui.items()
        if "prefill" in hints
    }
    prefills.update(section.get("prefill", {}))

    def form_field(name: str) -> FormField:
        prop, hints = schema["properties"][name], ui[name]
        labels = hints.get("choices", {})
        return FormField(
            name=name,
            kind=_field_kind(prop) or _TEXT,
            required=name in required,
            label=hints["label"],
            hint=hints.get("hint", {}),
            choices=tuple((value, labels.get(value, {})) for value in _choices(prop)),
            prefill=prefills.get(name, ""),
            autocomplete=hints.get("autocomplete", ""),
            schema=prop,
        )

    fee = section.get("fee")
    workflow = section["workflow"]
    return TransactionSpec(
        pages=tuple(
            FormPage(
                slug=page["slug"],
                title=page["title"],
                hint=page.get("hint", {}),
                fields=tuple(form_field(name) for name in page["fields"]),
            )
            for page in form["pages"]
        ),
        schema=schema,
        eligibility=tuple(
            Eligibility(rule=rule_compile(item["rule"]), reason=item["reason"])
            for item in section.get("eligibility", [])
        ),
        fee=Fee(
            currency=fee["currency"],
            amount=Decimal(fee["amount"]) if "amount" in fee else None,
            rule=rule_compile(fee["rule"]) if "rule" in fee else None,
            refund_on_rejection=fee.get("refund_on_rejection", False),
        )
        if fee
        else None,
        uploads=tuple(
            Upload(
                slug=item["slug"],
                label=item["label"],
                hint=item.get("hint", {}),
                required=item.get("required", True),
                types=tuple(item["types"]),
                max_bytes=item["max_bytes"],
            )
            for item in section.get("uploads", [])
        ),
        workflow=Workflow(
            initial=workflow["initial"],
            states={
                name: State(
                    slug=name,
                    label=state["label"],
                    deadline_days=state.get("deadline_days"),
                    final=state.get("final", False),
                    outcome=state.get("outcome", ""),
                    waits_for_resident=state.get("waits_for_resident", False),
                )
                for name, state in workflow["states"].items()
            },
            actions=tuple(
                Action(
                    slug=action["slug"],
                    label=action["label"],
                    sources=tuple(action["from"]),
                    target=action["to"],
                    role=action["role"],
                    needs_reason=action.get("needs_reason", False),
                )
                for action in workflow["actions"]
            ),
        ),
        document=section.get("document", {}),
    )


def service_transaction_problems(service: dict[str, Any], languages: list[str]) -> list[Problem]:
    """Problems of a service's ``transaction`` section, and of how it fits the rest."""
    section = service.get("transaction")
    if section is None:
        return []
    if not isinstance(section, dict):
        return [Problem("transaction", "must be a mapping")]
    problems = transaction_problems(section, languages)
    cost = service.get("cost", {})
    fee = section.get("fee")
    if fee is None and Decimal(cost.get("amount", "0")) > 0:
        problems.append(Problem("transaction.fee", f"the service costs {cost['amount']}: say how"))
    if fee and "amount" in fee and Decimal(fee["amount"]) != Decimal(cost.get("amount", "0")):
        problems.append(
            Problem("transaction.fee.amount", f"differs from cost.amount ({cost.get('amount')})")
        )
    if fee and fee.get("currency") != cost.get("currency"):
        problems.append(
            Problem("transaction.fee.currency", f"differs from cost.currency ({cost['currency']})")
        )
    if not problems and isinstance(service.get("processing_days"), int):
        # What the service page promises and the date each application gets must agree.
        days = workflow_days_to_decision(transaction_spec(section).workflow)
        if days is not None and days != service["processing_days"]:
            problems.append(
                Problem(
                    "processing_days",
                    f"is {service['processing_days']}, but the workflow's deadlines add up "
                    f"to {days} working days to approval",
                )
            )
    return problems


def answer_text(field: FormField, value: Any) -> str:
    """An answer as people read it, in the active language: choices by their label, yes
    or no, dates written out (for check-your-answers pages and issued documents)."""
    if value in (None, "", []):
        return ""
    if field.kind in ("choice", "choices"):
        labels = {choice: localized(text) for choice, text in field.choices}
        values = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(str(item), str(item)) for item in values)
    if field.kind == "yes_no":
        return str(gettext("Yes") if value else gettext("No"))
    if field.kind == "date":
        try:
            return str(formats.date_format(dt.date.fromisoformat(str(value)), "DATE_FORMAT"))
        except ValueError:
            return str(value)
    return str(value)
