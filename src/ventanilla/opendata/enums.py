from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ResourceKind(models.TextChoices):
    """A table is queried through ``datastore_search``; a file or a link is downloaded."""

    TABLE = "table", _("Table")
    FILE = "file", _("File")
    LINK = "link", _("Link")


class ColumnType(models.TextChoices):
    """The column types of CKAN's DataStore that tables here use."""

    TEXT = "text", _("Text")
    INT = "int", _("Whole number")
    NUMERIC = "numeric", _("Number")
    DATE = "date", _("Date")
    TIMESTAMP = "timestamp", _("Date and time")
    BOOL = "bool", _("Yes or no")
