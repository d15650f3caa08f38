"""Economic activities: the classes of NACE Rev. 2 (the EU's statistical classification)
that Demoland's business registry uses, by code, with their official names."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTIVITIES: dict[str, str | Promise] = {
    "01.11": _("Growing of cereals (except rice), leguminous crops and oil seeds"),
    "01.41": _("Raising of dairy cattle"),
    "03.11": _("Marine fishing"),
    "10.20": _("Processing and preserving of fish, crustaceans and molluscs"),
    "10.71": _("Manufacture of bread; manufacture of fresh pastry goods and cakes"),
    "41.20": _("Construction of residential and non-residential buildings"),
    "43.21": _("Electrical installation"),
    "43.22": _("Plumbing, heat and air-conditioning installation"),
    "45.20": _("Maintenance and repair of motor vehicles"),
    "47.11": _(
        "Retail sale in non-specialised stores with food, beverages or tobacco predominating"
    ),
    "47.71": _("Retail sale of clothing in specialised stores"),
    "49.32": _("Taxi operation"),
    "49.41": _("Freight transport by road"),
    "52.24": _("Cargo handling"),
    "55.10": _("Hotels and similar accommodation"),
    "56.10": _("Restaurants and mobile food service activities"),
    "62.01": _("Computer programming activities"),
    "68.20": _("Renting and operating of own or leased real estate"),
    "69.10": _("Legal activities"),
    "69.20": _("Accounting, bookkeeping and auditing activities; tax consultancy"),
    "71.11": _("Architectural activities"),
    "85.59": _("Other education not elsewhere classified"),
    "86.23": _("Dental practice activities"),
    "96.02": _("Hairdressing and other beauty treatment"),
}
