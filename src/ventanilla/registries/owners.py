"""The agency that owns each base registry: the only one that may change it, and the
provider of its data services on the exchange. Slugs of agencies in the catalogue."""

from __future__ import annotations

from ventanilla.registries.enums import Registry

POPULATION_OWNER = "civil-registry"
BUSINESS_OWNER = "business-registry"
PROPERTY_OWNER = "land-registry"
VEHICLES_OWNER = "transport-agency"

REGISTRY_OWNERS: dict[Registry, str] = {
    Registry.POPULATION: POPULATION_OWNER,
    Registry.BUSINESS: BUSINESS_OWNER,
    Registry.PROPERTY: PROPERTY_OWNER,
    Registry.VEHICLES: VEHICLES_OWNER,
}
