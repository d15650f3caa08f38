"""Who answers a data service: in-process providers (this node's own registries, through
their selectors), each a function from the subject's identifier to the answer. Remote
providers (another node, or an X-Road security server) are reached through
``adapters.remote_fetch`` instead."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ventanilla.core.errors import ExchangeSubjectUnknownError, NotFoundError, ValidationError
from ventanilla.registries import selectors
from ventanilla.registries.schemas import SCHEMAS, SERVICE_SCHEMAS

Provider = Callable[[str], dict[str, Any]]

PERSON_SCHEMA: dict[str, Any] = dict(SCHEMAS["population_person"])


def _registry(selector: Callable[..., Mapping[str, Any]], argument: str) -> Provider:
    def provide(subject: str) -> dict[str, Any]:
        try:
            return dict(selector(**{argument: subject}))
        except (NotFoundError, ValidationError) as error:
            raise ExchangeSubjectUnknownError(error.message) from None

    return provide


# Data service code -> the function that answers it on this node, and its schema's name.
LOCAL: dict[str, Provider] = {
    "population/person": _registry(selectors.population_person, "national_id"),
    "population/children": _registry(selectors.population_children, "national_id"),
    "population/parents": _registry(selectors.population_parents, "national_id"),
    "business/company": _registry(selectors.business_company, "code"),
    "business/companies-of-person": _registry(
        selectors.business_companies_of_person, "national_id"
    ),
    "property/parcels-of-owner": _registry(selectors.property_parcels_of_owner, "owner"),
    "vehicles/of-keeper": _registry(selectors.vehicles_of_keeper, "keeper"),
}
SCHEMA_OF = SERVICE_SCHEMAS
