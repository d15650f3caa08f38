"""The base registries: population, businesses, property and vehicles.

Every table here changes only through ``registries.services``, which writes each change
and its ``RegistryEvent`` in one transaction. Link tables keep their history: a row that
stops being true gets an end date instead of being deleted.
"""

from __future__ import annotations

from fractions import Fraction

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ventanilla.core.models import TimeStampedModel
from ventanilla.registries.enums import (
    BoardRole,
    CivilStatus,
    LandUse,
    LegalForm,
    ParentKind,
    RegistryEventKind,
)

# --- population (owner: registries.owners.POPULATION_OWNER) ---


class Person(TimeStampedModel):
    """A resident as the population registry knows them. Every field is personal data."""

    national_id = models.CharField(
        _("national id number"),
        max_length=10,
        unique=True,
        help_text=_("Personal data. Ten digits, the last a check digit."),
    )
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    birth_date = models.DateField(_("date of birth"))
    birth_place = models.CharField(_("place of birth"), max_length=100, blank=True)
    address = models.CharField(
        _("address"),
        max_length=200,
        help_text=_(
            "Personal data. The registered address, which decides the municipality a person "
            "belongs to; it changes only by registering a move."
        ),
    )
    postcode = models.CharField(_("postcode"), max_length=12)
    municipality = models.CharField(_("municipality"), max_length=100)
    civil_status = models.CharField(
        _("civil status"),
        max_length=10,
        choices=CivilStatus.choices,
        default=CivilStatus.SINGLE,
        help_text=_(
            "Personal data with legal effect (marriage impediments, survivors' rights); "
            "changes only by registering a marriage or a spouse's death."
        ),
    )
    death_date = models.DateField(
        _("date of death"),
        null=True,
        blank=True,
        help_text=_(
            "Personal data with legal effect: empty while the person is alive; set only by "
            "registering the death."
        ),
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def alive(self) -> bool:
        return self.death_date is None


class Marriage(models.Model):
    """Two people married to each other from ``married_on``; ``ended_on`` is set when the
    marriage ends (today only by a spouse's death)."""

    first = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    second = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    married_on = models.DateField(
        _("date of marriage"), help_text=_("Legal effect: the day the marriage took effect.")
    )
    ended_on = models.DateField(
        _("date the marriage ended"),
        null=True,
        blank=True,
        help_text=_("Legal effect: empty while the marriage lasts."),
    )

    class Meta:
        verbose_name = _("marriage")
        verbose_name_plural = _("marriages")
        constraints = [
            models.CheckConstraint(
                condition=~Q(first=F("second")), name="registries_marriage_two_people"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} + {self.second_id} ({self.married_on})"


class Parentage(models.Model):
    """``parent`` is a legal parent of ``child`` from ``since`` (the birth, or an adoption)."""

    parent = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="children_links")
    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="parent_links")
    kind = models.CharField(_("kind"), max_length=10, choices=ParentKind.choices)
    since = models.DateField(
        _("since"),
        help_text=_(
            "Legal effect: the day the parentage took effect (the birth, or an adoption's date)."
        ),
    )

    class Meta:
        verbose_name = _("parentage")
        verbose_name_plural = _("parentages")
        constraints = [
            models.UniqueConstraint(fields=["parent", "child"], name="registries_parent_once"),
            models.CheckConstraint(
                condition=~Q(parent=F("child")), name="registries_parentage_two_people"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parent_id} {self.kind} of {self.child_id}"


# --- businesses (owner: registries.owners.BUSINESS_OWNER) ---


class Company(TimeStampedModel):
    """A company or sole trader as the business registry knows it. Public data."""

    code = models.CharField(
        _("registry code"),
        max_length=8,
        unique=True,
        help_text=_("Public. Eight digits, the last a check digit."),
    )
    name = models.CharField(_("name"), max_length=200)
    legal_form = models.CharField(_("legal form"), max_length=30, choices=LegalForm.choices)
    founded_on = models.DateField(
        _("founded on"), help_text=_("Legal effect: the day the company came into existence.")
    )
    dissolved_on = models.DateField(
        _("dissolved on"),
        null=True,
        blank=True,
        help_text=_("Legal effect: empty while the company exists."),
    )
    address = models.CharField(_("registered address"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=12)
    municipality = models.CharField(_("municipality"), max_length=100)
    activities = models.JSONField(
        _("activities"),
        default=list,
        help_text=_("NACE Rev. 2 class codes (registries.activities), the main activity first."),
    )

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class BoardMember(models.Model):
    """A person's seat on a company's board, from ``since`` to ``until`` (empty while they
    sit). Who represents a company in law: personal data of the person."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="board_seats")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="board_seats")
    role = models.CharField(_("role"), max_length=20, choices=BoardRole.choices)
    since = models.DateField(_("since"), help_text=_("Legal effect: the day the seat began."))
    until = models.DateField(
        _("until"),
        null=True,
        blank=True,
        help_text=_("Legal effect: empty while the person sits on the board."),
    )

    class Meta:
        verbose_name = _("board member")
        verbose_name_plural = _("board members")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "person"],
                condition=Q(until=None),
                name="registries_one_seat_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.role} of {self.company_id}"


# --- who holds property and vehicles: a person or a company ---


class HeldByParty(models.Model):
    """A row held by one party, a person or a company, from ``since`` to ``until``."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    since = models.DateField(_("since"), help_text=_("Legal effect: the day the holding began."))
    until = models.DateField(
        _("until"),
        null=True,
        blank=True,
        help_text=_("Legal effect: empty while the holding lasts."),
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, company__isnull=True)
                | Q(person__isnull=True, company__isnull=False),
                name="%(app_label)s_%(class)s_one_party",
            ),
        ]


# --- property (owner: registries.owners.PROPERTY_OWNER) ---


class Parcel(TimeStampedModel):
    """A piece of land in the cadastre."""

    cadastral_number = models.CharField(
        _("cadastral number"),
        max_length=14,
        unique=True,
        help_text=_("Public. Municipality, block and parcel: 10001:004:0123."),
    )
    municipality = models.CharField(_("municipality"), max_length=100)
    area_m2 = models.PositiveIntegerField(_("area (m²)"))
    land_use = models.CharField(_("land use"), max_length=20, choices=LandUse.choices)

    class Meta:
        verbose_name = _("parcel")
        verbose_name_plural = _("parcels")

    def __str__(self) -> str:
        return self.cadastral_number


class Ownership(HeldByParty):
    """An owner's undivided share of a parcel. Personal data when the owner is a person."""

    parcel = models.ForeignKey(Parcel, on_delete=models.PROTECT, related_name="ownerships")
    share_numerator = models.PositiveIntegerField(_("share numerator"))
    share_denominator = models.PositiveIntegerField(
        _("share denominator"),
        help_text=_(
            "Legal effect: with the numerator, the owner's share of the parcel; the shares of "
            "a parcel's current owners add up to one."
        ),
    )

    class Meta(HeldByParty.Meta):
        verbose_name = _("ownership")
        verbose_name_plural = _("ownerships")
        constraints = [
            *HeldByParty.Meta.constraints,
            models.CheckConstraint(
                condition=Q(share_numerator__gte=1, share_numerator__lte=F("share_denominator")),
                name="registries_ownership_share_of_one",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.share} of {self.parcel_id}"

    @property
    def share(self) -> Fraction:
        return Fraction(self.share_numerator, self.share_denominator)


# --- vehicles (owner: registries.owners.VEHICLES_OWNER) ---


class Vehicle(TimeStampedModel):
    plate = models.CharField(
        _("registration plate"), max_length=8, unique=True, help_text=_("Like 1234 BCD.")
    )
    vin = models.CharField(
        _("vehicle identification number"),
        max_length=17,
        unique=True,
        help_text=_("ISO 3779: 17 letters and digits."),
    )
    make = models.CharField(_("make"), max_length=50)
    model = models.CharField(_("model"), max_length=50)
    first_registered_on = models.DateField(_("first registered on"))

    class Meta:
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")

    def __str__(self) -> str:
        return self.plate


class VehicleKeeper(HeldByParty):
    """Who keeps a vehicle: answers for it in law (fines, insurance, tax). Personal data
    when the keeper is a person."""

    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="keepers")

    class Meta(HeldByParty.Meta):
        verbose_name = _("vehicle keeper")
        verbose_name_plural = _("vehicle keepers")
        constraints = [
            *HeldByParty.Meta.constraints,
            models.UniqueConstraint(
                fields=["vehicle"], condition=Q(until=None), name="registries_one_keeper"
            ),
        ]

    def __str__(self) -> str:
        return f"keeper of {self.vehicle_id}"


# --- what changed ---


class RegistryEvent(models.Model):
    """A change to a base registry, written in the same transaction as the change, for
    the consumers that act on it (proactive services). Not the transparency ledger: that
    records who looked data up."""

    kind = models.CharField(
        _("kind"),
        max_length=60,
        choices=RegistryEventKind.choices,
        help_text=_("A registered kind: <registry>.<thing>.<happened>."),
    )
    subject = models.CharField(
        _("subject"),
        max_length=10,
        help_text=_(
            "Personal data when a person's: the national id number of the person, or the "
            "registry code of the company, the event is about."
        ),
    )
    occurred_at = models.DateTimeField(
        _("occurred at"),
        help_text=_(
            "When the fact took legal effect; for facts registered by date (a birth, a move), "
            "the start of that day."
        ),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    payload = models.JSONField(
        _("payload"),
        default=dict,
        help_text=_(
            "Privacy: only the identifiers and codes a consumer needs besides the subject; "
            "never names, addresses or dates of birth."
        ),
    )
    processed_at = models.DateTimeField(
        _("processed at"),
        null=True,
        blank=True,
        help_text=_("When the proactive-services consumer handled the event; empty until then."),
    )

    class Meta:
        verbose_name = _("registry event")
        verbose_name_plural = _("registry events")
        indexes = [
            models.Index(fields=["subject", "occurred_at"], name="registries_event_subject"),
            models.Index(
                fields=["recorded_at"],
                condition=Q(processed_at=None),
                name="registries_event_waiting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject}"
