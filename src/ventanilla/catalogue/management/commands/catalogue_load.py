from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ventanilla.catalogue.services import catalogue_load
from ventanilla.core.errors import CatalogueLoadError


class Command(BaseCommand):
    help = (
        "Load the catalogue (agencies, evidence, life and business events, services) from a "
        "folder of YAML files. All or nothing: a broken file changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "directory",
            nargs="?",
            type=Path,
            default=None,
            help="folder with agencies.yaml, evidence.yaml, events.yaml and services/ "
            "(default: VENTANILLA_CATALOGUE_DIR, else the Demoland catalogue)",
        )

    def handle(self, *args: Any, directory: Path | None, **options: Any) -> None:
        folder = directory or settings.VENTANILLA_CATALOGUE_DIR
        try:
            report = catalogue_load(directory=folder)
        except CatalogueLoadError as exc:
            raise CommandError(f"Nothing was changed. {exc.message}") from None
        self.stdout.write(
            f"Loaded {report.agencies} agencies, {report.evidence} evidence types, "
            f"{report.events} events and {report.services} services "
            f"({len(report.services_created)} new, {len(report.services_updated)} updated, "
            f"{len(report.services_unchanged)} unchanged, "
            f"{len(report.services_retired)} retired)."
        )
