from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Registry(models.TextChoices):
    """The base registries, each owned by one agency (``registries.owners``)."""

    POPULATION = "population", _("Population registry")
    BUSINESS = "business", _("Business registry")
    PROPERTY = "property", _("Property registry")
    VEHICLES = "vehicles", _("Vehicle registry")


class CivilStatus(models.TextChoices):
    SINGLE = "single", _("Single")
    MARRIED = "married", _("Married")
    DIVORCED = "divorced", _("Divorced")
    WIDOWED = "widowed", _("Widowed")


class ParentKind(models.TextChoices):
    MOTHER = "mother", _("Mother")
    FATHER = "father", _("Father")
    PARENT = "parent", _("Parent")


class LegalForm(models.TextChoices):
    SOLE_TRADER = "sole-trader", _("Sole trader")
    LIMITED_COMPANY = "limited-company", _("Private limited company")
    PUBLIC_LIMITED_COMPANY = "public-limited-company", _("Public limited company")
    PARTNERSHIP = "partnership", _("Partnership")
    COOPERATIVE = "cooperative", _("Cooperative")


class BoardRole(models.TextChoices):
    PROPRIETOR = "proprietor", _("Proprietor")
    CHAIR = "chair", _("Chair of the board")
    DIRECTOR = "director", _("Director")
    MEMBER = "member", _("Board member")


class LandUse(models.TextChoices):
    RESIDENTIAL = "residential", _("Residential")
    COMMERCIAL = "commercial", _("Commercial")
    INDUSTRIAL = "industrial", _("Industrial")
    AGRICULTURAL = "agricultural", _("Agricultural")
    FOREST = "forest", _("Forest")


class RegistryEventKind(models.TextChoices):
    """What a registry event says happened: ``<registry>.<thing>.<happened>``.

    The registered kinds: a registry event of any other kind is refused. The label is the
    sentence saying what an event of the kind means.
    """

    BIRTH_REGISTERED = "population.birth.registered", _("A birth was registered.")
    ADDRESS_CHANGED = "population.address.changed", _("A person's address changed.")
    DEATH_REGISTERED = "population.death.registered", _("A death was registered.")
    MARRIAGE_REGISTERED = "population.marriage.registered", _("A marriage was registered.")
    COMPANY_FOUNDED = "business.company.founded", _("A company was founded.")
    BOARD_CHANGED = "business.board.changed", _("A person joined or left a company's board.")
    PARCEL_REGISTERED = (
        "property.parcel.registered",
        _("A parcel was entered in the property registry with its first owners."),
    )
    OWNERSHIP_TRANSFERRED = (
        "property.ownership.transferred",
        _("A share of a parcel passed from one owner to another."),
    )
    VEHICLE_REGISTERED = (
        "vehicles.vehicle.registered",
        _("A vehicle was registered for the first time, with its keeper."),
    )
    KEEPER_CHANGED = "vehicles.keeper.changed", _("A vehicle's keeper changed.")

    @property
    def registry(self) -> Registry:
        return Registry(self.value.split(".", 1)[0])
