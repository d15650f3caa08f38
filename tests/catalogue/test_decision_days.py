"""How many working days a decision is expected to take, read from the workflow's deadlines:
pure, no database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ventanilla.catalogue.transactions import (
    Action,
    State,
    Workflow,
    transaction_problems,
    transaction_spec,
    workflow_days_to_decision,
)

DEMO_SERVICES = Path(__file__).parents[2] / "src" / "ventanilla" / "demo" / "catalogue" / "services"


def _workflow(states: dict[str, dict[str, Any]], actions: list[tuple[str, str]]) -> Workflow:
    """States by name ({"deadline_days": 5}, {"final": "approved"}, {"waits": True}) and
    actions as (from, to)."""
    return Workflow(
        initial=next(iter(states)),
        states={
            name: State(
                slug=name,
                label={"en": name},
                deadline_days=spec.get("deadline_days"),
                final="final" in spec,
                outcome=spec.get("final", ""),
                waits_for_resident=spec.get("waits", False),
            )
            for name, spec in states.items()
        },
        actions=tuple(
            Action(
                slug=f"{source}-to-{target}",
                label={"en": "go"},
                sources=(source,),
                target=target,
                role="caseworker",
                needs_reason=False,
            )
            for source, target in actions
        ),
    )


def _demo(slug: str) -> dict[str, Any]:
    section: dict[str, Any] = yaml.safe_load((DEMO_SERVICES / f"{slug}.yaml").read_text())[
        "transaction"
    ]
    return section


def test_a_building_permit_takes_the_review_and_both_approvals() -> None:
    workflow = transaction_spec(_demo("building-permit")).workflow

    # received 5, technical review 20, final approval 10; asking the applicant for more
    # information is a detour, and refusing is not a decision to expect
    assert workflow_days_to_decision(workflow) == 35


def test_the_way_with_fewest_steps_wins_even_when_slower() -> None:
    workflow = _workflow(
        {
            "received": {"deadline_days": 1},
            "quick-a": {"deadline_days": 1},
            "quick-b": {"deadline_days": 1},
            "slow": {"deadline_days": 30},
            "approved": {"final": "approved"},
        },
        [
            ("received", "quick-a"),
            ("quick-a", "quick-b"),
            ("quick-b", "approved"),
            ("received", "slow"),
            ("slow", "approved"),
        ],
    )
    assert workflow_days_to_decision(workflow) == 31


def test_of_two_ways_with_as_many_steps_the_quicker_counts() -> None:
    workflow = _workflow(
        {
            "received": {"deadline_days": 2},
            "by-hand": {"deadline_days": 10},
            "automatic": {"deadline_days": 3},
            "approved": {"final": "approved"},
        },
        [
            ("received", "by-hand"),
            ("received", "automatic"),
            ("by-hand", "approved"),
            ("automatic", "approved"),
        ],
    )
    assert workflow_days_to_decision(workflow) == 5


def test_a_way_through_waiting_for_the_resident_is_not_expected() -> None:
    workflow = _workflow(
        {
            "received": {"deadline_days": 2},
            "ask-resident": {"waits": True},
            "review": {"deadline_days": 4},
            "check": {"deadline_days": 6},
            "approved": {"final": "approved"},
        },
        [
            ("received", "ask-resident"),
            ("ask-resident", "approved"),
            ("received", "review"),
            ("review", "check"),
            ("check", "approved"),
        ],
    )
    assert workflow_days_to_decision(workflow) == 12


def test_a_nearer_rejection_is_not_the_decision_expected() -> None:
    workflow = _workflow(
        {
            "received": {"deadline_days": 3},
            "review": {"deadline_days": 7},
            "rejected": {"final": "rejected"},
            "approved": {"final": "approved"},
        },
        [("received", "rejected"), ("received", "review"), ("review", "approved")],
    )
    assert workflow_days_to_decision(workflow) == 10


def test_states_without_a_deadline_count_zero_days() -> None:
    workflow = _workflow(
        {
            "received": {},
            "review": {"deadline_days": 4},
            "approved": {"final": "approved"},
        },
        [("received", "review"), ("review", "approved")],
    )
    assert workflow_days_to_decision(workflow) == 4


def test_without_deadlines_or_without_a_reachable_approval_there_is_no_answer() -> None:
    no_deadlines = _workflow(
        {"received": {}, "approved": {"final": "approved"}}, [("received", "approved")]
    )
    only_through_the_resident = _workflow(
        {
            "received": {"deadline_days": 2},
            "ask-resident": {"waits": True},
            "approved": {"final": "approved"},
        },
        [("received", "ask-resident"), ("ask-resident", "approved")],
    )
    assert workflow_days_to_decision(no_deadlines) is None
    assert workflow_days_to_decision(only_through_the_resident) is None


def test_a_workflow_whose_approval_cannot_be_reached_is_a_problem() -> None:
    section = _demo("building-permit")
    # A slip: the technical approval now starts from the final approval instead of the
    # technical review. Every state still has a way in and a way out.
    [action] = [a for a in section["workflow"]["actions"] if a["slug"] == "technical-approve"]
    action["from"] = ["final-approval"]

    assert [str(p) for p in transaction_problems(section, ["en", "es"])] == [
        "transaction.workflow.actions: no way leads from 'received' to an approved final "
        "state ('approved')"
    ]


def test_a_workflow_that_never_approves_is_a_problem() -> None:
    section = _demo("building-permit")
    section["workflow"]["states"]["approved"]["outcome"] = "withdrawn"

    assert [str(p) for p in transaction_problems(section, ["en", "es"])] == [
        "transaction.workflow.states: no final state has the outcome approved"
    ]
