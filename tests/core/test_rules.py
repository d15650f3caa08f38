from __future__ import annotations

from decimal import Decimal

import pytest

from ventanilla.core.errors import RuleEvaluationError, RuleSyntaxError
from ventanilla.core.rules import rule_compile


def test_an_eligibility_rule_reads_answers_and_registry_data() -> None:
    rule = rule_compile('person.age >= 18 && answers.kind == "company"')
    assert rule.is_true({"person": {"age": 30}, "answers": {"kind": "company"}}) is True
    assert rule.is_true({"person": {"age": 17}, "answers": {"kind": "company"}}) is False


def test_a_fee_rule_gives_money_rounded_to_cents() -> None:
    assert rule_compile("answers.copies * 5").amount({"answers": {"copies": 3}}) == Decimal("15.00")
    assert rule_compile("double(answers.m2) * 0.125").amount({"answers": {"m2": 101}}) == (
        Decimal("12.63")
    )


def test_a_rule_that_does_not_parse_says_where() -> None:
    with pytest.raises(RuleSyntaxError) as raised:
        rule_compile("person.age >=", field="transaction.eligibility[0].rule")
    assert raised.value.message == "the rule does not parse at line 1, column 12"
    assert raised.value.field == "transaction.eligibility[0].rule"


def test_a_rule_over_missing_data_fails_with_the_reason() -> None:
    with pytest.raises(RuleEvaluationError) as raised:
        rule_compile("answers.copies > 1").is_true({"answers": {}})
    assert raised.value.message == "answers.copies > 1: no such member in mapping: 'copies'"


def test_a_rule_must_give_the_kind_of_value_asked_for() -> None:
    with pytest.raises(RuleEvaluationError, match="not true or false"):
        rule_compile("1 + 1").is_true({})
    with pytest.raises(RuleEvaluationError, match="negative amount"):
        rule_compile("0 - 5").amount({})
    with pytest.raises(RuleEvaluationError, match="not an amount"):
        rule_compile('"ten"').amount({})


def test_rules_cannot_loop_or_reach_python() -> None:
    with pytest.raises(RuleSyntaxError):
        rule_compile("while true {}")
    with pytest.raises(RuleEvaluationError):
        rule_compile("__import__('os')").evaluate({})
    with pytest.raises(RuleSyntaxError, match="empty"):
        rule_compile("  ")
