"""Rules that service designers write: CEL, the Common Expression Language.

CEL is not Turing-complete (no loops, no recursion, no side effects), so a rule in a
service definition can only read the data it is given and always finishes. Rules see
``answers`` (the applicant's answers) and ``person`` (what the population registry holds
about the applicant: ``age``, ``municipality``, ...). Eligibility rules return a bool; fee
rules a number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

import celpy
from celpy.adapter import json_to_cel
from celpy.celparser import CELParseError
from celpy.evaluation import CELEvalError

from ventanilla.core.errors import RuleEvaluationError, RuleSyntaxError

_ENVIRONMENT = celpy.Environment()
MAX_LENGTH = 2000


@dataclass(frozen=True)
class Rule:
    expression: str
    _program: Any

    def evaluate(self, data: dict[str, Any]) -> Any:
        """The rule's value on ``data`` (plain JSON-like Python values), as Python."""
        activation = {name: json_to_cel(_jsonable(value)) for name, value in data.items()}
        try:
            result = self._program.evaluate(activation)
        except CELEvalError as exc:
            raise RuleEvaluationError(f"{self.expression}: {exc.args[0]}") from None
        if isinstance(result, CELEvalError):
            raise RuleEvaluationError(f"{self.expression}: {result.args[0]}")
        return _python(result)

    def is_true(self, data: dict[str, Any]) -> bool:
        value = self.evaluate(data)
        if not isinstance(value, bool):
            raise RuleEvaluationError(f"{self.expression}: gave {value!r}, not true or false")
        return value

    def amount(self, data: dict[str, Any]) -> Decimal:
        """The rule's value as money: a number >= 0, rounded to cents."""
        value = self.evaluate(data)
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            raise RuleEvaluationError(f"{self.expression}: gave {value!r}, not an amount")
        try:
            amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        except InvalidOperation:
            raise RuleEvaluationError(f"{self.expression}: gave {value!r}") from None
        if amount < 0:
            raise RuleEvaluationError(f"{self.expression}: gave a negative amount {amount}")
        return amount


def rule_compile(expression: str, *, field: str = "") -> Rule:
    """Parse ``expression``; a syntax error names ``field`` and the place in the rule."""
    if not expression.strip():
        raise RuleSyntaxError("the rule is empty", field=field)
    if len(expression) > MAX_LENGTH:
        raise RuleSyntaxError(f"the rule is longer than {MAX_LENGTH} characters", field=field)
    return _compiled(expression, field)


@lru_cache(maxsize=512)
def _compiled(expression: str, field: str) -> Rule:
    try:
        ast = _ENVIRONMENT.compile(expression)
    except CELParseError as exc:
        where = f" at line {exc.line}, column {exc.column}" if exc.line else ""
        raise RuleSyntaxError(f"the rule does not parse{where}", field=field) from None
    return Rule(expression=expression, _program=_ENVIRONMENT.program(ast))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _python(value: Any) -> Any:
    if isinstance(value, celpy.celtypes.BoolType):
        return bool(value)
    if isinstance(value, celpy.celtypes.IntType | celpy.celtypes.UintType):
        return int(value)
    if isinstance(value, celpy.celtypes.DoubleType):
        return float(value)
    if isinstance(value, celpy.celtypes.StringType):
        return str(value)
    if isinstance(value, celpy.celtypes.ListType):
        return [_python(item) for item in value]
    if isinstance(value, celpy.celtypes.MapType):
        return {_python(key): _python(item) for key, item in value.items()}
    return value
