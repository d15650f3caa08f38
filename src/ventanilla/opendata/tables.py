"""Tables of the open-data catalogue: columns, typed values, and CSV read in as a table."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any, cast

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from ventanilla.core.errors import DatasetInvalidError
from ventanilla.opendata.enums import ColumnType

COLUMN_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_ ]{0,62}$")
RESERVED = {"_id", "_full_text"}


@dataclass
class Table:
    """Columns (``[{"id": ..., "type": ...}]``) and rows (dicts keyed by column id)."""

    fields: list[dict[str, str]]
    rows: Iterable[dict[str, Any]] = field(default_factory=list)


def fields_check(fields: list[dict[str, str]]) -> None:
    """Raise ``DatasetInvalidError`` on ``fields`` if a column is unnamed, reserved,
    repeated or of an unknown type."""
    if not fields:
        raise DatasetInvalidError({"fields": [_("A table needs at least one column.")]})
    seen: set[str] = set()
    for column in fields:
        name = str(column.get("id", ""))
        if not COLUMN_ID.match(name) or name in RESERVED:
            raise DatasetInvalidError(
                {"fields": [_("“%(name)s” is not a usable column name.") % {"name": name}]}
            )
        if name in seen:
            raise DatasetInvalidError(
                {"fields": [_("The column “%(name)s” is there twice.") % {"name": name}]}
            )
        seen.add(name)
        if column.get("type", ColumnType.TEXT) not in ColumnType.values:
            raise DatasetInvalidError(
                {"fields": [_("“%(type)s” is not a column type.") % {"type": column.get("type")}]}
            )


def value_for(kind: str, raw: Any, *, column: str, row: int) -> Any:
    """``raw`` as the JSON value a column of type ``kind`` holds (None when empty)."""
    if raw is None or raw == "":
        return None
    try:
        match kind:
            case ColumnType.INT:
                if isinstance(raw, bool):
                    raise ValueError
                return int(raw)
            case ColumnType.NUMERIC:
                number = Decimal(str(raw))
                if not number.is_finite():
                    raise ValueError
                return int(number) if number == number.to_integral_value() else float(number)
            case ColumnType.DATE:
                return dt.date.fromisoformat(str(raw)).isoformat()
            case ColumnType.TIMESTAMP:
                return dt.datetime.fromisoformat(str(raw)).isoformat()
            case ColumnType.BOOL:
                text = str(raw).lower()
                if text not in {"true", "false", "1", "0"}:
                    raise ValueError
                return text in {"true", "1"}
            case _:
                return str(raw)
    except (ValueError, InvalidOperation):
        raise DatasetInvalidError(
            {
                "records": [
                    _("Row %(row)s: “%(value)s” is not a valid %(type)s for “%(column)s”.")
                    % {"row": row, "value": raw, "type": ColumnType(kind).label, "column": column}
                ]
            }
        ) from None


def rows_typed(
    fields: list[dict[str, str]], rows: Iterable[dict[str, Any]]
) -> Iterator[dict[str, Any]]:
    """Each row with exactly the table's columns, typed; an unknown column is refused."""
    kinds = {c["id"]: c.get("type", ColumnType.TEXT) for c in fields}
    for number, row in enumerate(rows, start=1):
        unknown = set(row) - set(kinds)
        if unknown:
            raise DatasetInvalidError(
                {
                    "records": [
                        _("Row %(row)s has a column the table does not: “%(column)s”.")
                        % {"row": number, "column": sorted(unknown)[0]}
                    ]
                }
            )
        yield {
            name: value_for(kind, row.get(name), column=name, row=number)
            for name, kind in kinds.items()
        }


def _guess(values: list[str]) -> str:
    present = [v for v in values if v != ""]
    if not present:
        return ColumnType.TEXT
    for kind in (ColumnType.INT, ColumnType.NUMERIC, ColumnType.DATE):
        try:
            for v in present:
                if kind == ColumnType.INT:
                    int(v)
                elif kind == ColumnType.NUMERIC:
                    if not Decimal(v).is_finite():
                        raise ValueError
                else:
                    dt.date.fromisoformat(v)
        except (ValueError, InvalidOperation):
            continue
        return kind
    return ColumnType.TEXT


def table_from_csv(stream: IO[bytes] | UploadedFile, *, sample: int = 1000) -> Table:
    """A table from CSV bytes (UTF-8, header row first); column types are guessed from
    the first ``sample`` rows (whole numbers, numbers, dates, else text)."""
    try:
        text = io.TextIOWrapper(cast(IO[bytes], stream), encoding="utf-8-sig", newline="")
        reader = csv.reader(text)
        header = next(reader, None)
        if not header:
            raise DatasetInvalidError({"upload": [_("The CSV file is empty.")]})
        body = list(reader)
    except UnicodeDecodeError:
        raise DatasetInvalidError({"upload": [_("The CSV file is not UTF-8 text.")]}) from None
    except csv.Error as error:
        raise DatasetInvalidError(
            {"upload": [_("The CSV file could not be read: %(error)s") % {"error": error}]}
        ) from None
    names = [h.strip() for h in header]
    for number, line in enumerate(body, start=2):
        if len(line) != len(names):
            raise DatasetInvalidError(
                {
                    "upload": [
                        _("Line %(line)s has %(count)s values; the header has %(columns)s.")
                        % {"line": number, "count": len(line), "columns": len(names)}
                    ]
                }
            )
    fields = [
        {"id": name, "type": _guess([line[i] for line in body[:sample]])}
        for i, name in enumerate(names)
    ]
    fields_check(fields)
    return Table(fields=fields, rows=[dict(zip(names, line, strict=True)) for line in body])
