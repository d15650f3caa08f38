from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from ventanilla.core.errors import VentanillaError
from ventanilla.demo.services import MAX_RESIDENTS, demo_load
from ventanilla.opendata.publishing import publications_refresh
from ventanilla.registries.models import Person


class Command(BaseCommand):
    help = "Load the demo government Demoland: catalogue, synthetic residents, demo sign-ins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--residents",
            type=int,
            default=1000,
            help=f"synthetic residents to create in an empty registry (1 to {MAX_RESIDENTS:,})",
        )

    def handle(self, *args: Any, residents: int, **options: Any) -> None:
        registry_empty = not Person.objects.exists()
        with tqdm(
            total=residents if registry_empty else 0,
            desc="Residents",
            unit=" people",
            disable=not registry_empty,
            file=sys.stderr,
        ) as bar:
            try:
                report = demo_load(residents=residents, progress=bar.update, say=lambda text: None)
            except VentanillaError as exc:
                raise CommandError(exc.message) from None
        published = publications_refresh()
        self.stdout.write(
            f"Demoland: {report.agencies} agencies, {report.services} services, "
            f"{report.events} life and business events, "
            + (
                f"{report.residents_created:,} residents created, with "
                f"{report.companies_created:,} companies, {report.parcels_created:,} parcels "
                f"and {report.vehicles_created:,} vehicles."
                if report.residents_created
                else "the population registry already had its residents."
            )
            + f" Open data: {published} dataset(s) published anew."
        )
