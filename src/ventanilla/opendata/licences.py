"""The licences datasets may be published under (CKAN's ``license_list``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Licence:
    id: str
    title: str
    url: str
    od_conformance: str = "approved"  # Open Definition conformance, as CKAN reports it


LICENCES: dict[str, Licence] = {
    licence.id: licence
    for licence in (
        Licence("CC-BY-4.0", "Creative Commons Attribution 4.0", "https://creativecommons.org/licenses/by/4.0/"),
        Licence("CC-BY-SA-4.0", "Creative Commons Attribution Share-Alike 4.0", "https://creativecommons.org/licenses/by-sa/4.0/"),
        Licence("CC0-1.0", "Creative Commons CCZero", "https://creativecommons.org/publicdomain/zero/1.0/"),
        Licence("ODC-BY-1.0", "Open Data Commons Attribution License", "https://opendatacommons.org/licenses/by/1-0/"),
        Licence("ODbL-1.0", "Open Data Commons Open Database License (ODbL)", "https://opendatacommons.org/licenses/odbl/1-0/"),
        Licence("PDDL-1.0", "Open Data Commons Public Domain Dedication and License (PDDL)", "https://opendatacommons.org/licenses/pddl/1-0/"),
    )
}  # fmt: skip
DEFAULT_LICENCE = "CC-BY-4.0"
