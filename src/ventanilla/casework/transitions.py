"""The workflow as data: which action may be taken from which state, by which role.

Pure Python over a service's ``Workflow``; no database. The services call ``transition``
and act on its answer.
"""

from __future__ import annotations

from collections.abc import Collection

from django.utils.translation import gettext as _

from ventanilla.catalogue.transactions import Action, Workflow
from ventanilla.core.errors import CaseTransitionError
from ventanilla.identity.enums import Role


def actions_available(workflow: Workflow, *, state: str, roles: Collection[str]) -> list[Action]:
    """The actions someone with ``roles`` may take on a case in ``state``."""
    return [a for a in workflow.actions if state in a.sources and a.role in roles]


def transition(
    workflow: Workflow, *, state: str, action_slug: str, roles: Collection[str], reason: str
) -> Action:
    """The action to take, or ``CaseTransitionError`` saying why it may not be taken."""
    current = workflow.states.get(state)
    if current is not None and current.final:
        raise CaseTransitionError(_("This case is closed: nothing more can be done to it."))
    action = next((a for a in workflow.actions if a.slug == action_slug), None)
    if action is None:
        raise CaseTransitionError(
            _("There is no action “%(action)s” for this service.") % {"action": action_slug}
        )
    if state not in action.sources:
        raise CaseTransitionError(
            _("“%(action)s” cannot be done while the case is “%(state)s”.")
            % {"action": action_slug, "state": state}
        )
    if action.role not in roles:
        raise CaseTransitionError(
            _("Only an official with the role “%(role)s” may do this.")
            % {"role": Role(action.role).label}
        )
    if action.needs_reason and not reason.strip():
        raise CaseTransitionError(_("Give a reason: the resident will read it."))
    return action
