"""One output convention for every tabular command: --json, --nl, --csv, --tsv or a table."""

from __future__ import annotations

import csv
import functools
import itertools
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

import click

from scraper.core.sanitise import printable

# rich and the exporters load only when output is written: `status` and `run` share the CLI
# module that applies format_options, and an hourly cron `run` should not pay for them.
if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

F = TypeVar("F", bound=Callable[..., Any])

# The machine-readable formats (sqlite-utils' flags), and the terminal's default.
FORMATS = ("json", "nl", "csv", "tsv")
TABLE = "table"
_HELP = {
    "json": "Print JSON.",
    "nl": "Print newline-delimited JSON: one object per line.",
    "csv": "Print CSV with a header row.",
    "tsv": "Print tab-separated values with a header row.",
    TABLE: "Print a table (the default).",
}
# A table drawn on a terminal holds at most this many rows (it is laid out whole); the other
# formats, and a table piped elsewhere, hold them all.
TABLE_ROWS = 1000
# A piped table is laid out this wide at most, so no cell is cut or wrapped to fit a width no
# reader has (rich sizes columns to their content below it).
_PIPED_WIDTH = 100_000


def format_options(json_help: str | None = None) -> Callable[[F], F]:
    """Add --json/--nl/--csv/--tsv/--table to a command, which then gets `fmt` (one of FORMATS
    or "table"); two of them at once is a usage error (exit 2)."""

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            chosen = [name for name in (*FORMATS, TABLE) if kwargs.pop(f"fmt_{name}")]
            if len(chosen) > 1:
                flags = " and ".join(f"--{name}" for name in chosen)
                raise click.UsageError(f"{flags} cannot be used together: choose one format")
            return func(*args, fmt=chosen[0] if chosen else TABLE, **kwargs)

        command: Any = wrapper
        for name in reversed((*FORMATS, TABLE)):
            text = json_help if name == "json" and json_help else _HELP[name]
            command = click.option(f"--{name}", f"fmt_{name}", is_flag=True, help=text)(command)
        return command  # type: ignore[no-any-return]

    return decorate


def is_terminal(out: TextIO | None = None) -> bool:
    return (out or sys.stdout).isatty()


def console() -> Console:
    """A console for tables: the terminal's width on a terminal, else wide enough that no
    cell is cut short or wrapped (a pipe or a file gets every character)."""
    from rich.console import Console

    if is_terminal():
        return Console(highlight=False, soft_wrap=False)
    return Console(highlight=False, soft_wrap=False, width=_PIPED_WIDTH)


def plain(value: object) -> object:
    """A cell for JSON: bytes as hex (a BLOB), everything else as it is."""
    return value.hex() if isinstance(value, bytes) else value


def _cell_text(value: object) -> str:
    """A cell for CSV, TSV and tables: lists and objects as JSON text."""
    value = plain(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


def write_records(
    fmt: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], out: TextIO | None = None
) -> int:
    """Stream rows as JSON (an array of objects), NL (an object a line), CSV or TSV; returns
    how many rows were written. CSV and TSV cells are spreadsheet-safe."""
    from archive.export import spreadsheet_safe

    out = out or sys.stdout
    count = 0
    if fmt in {"json", "nl"}:
        if fmt == "json":
            out.write("[")
        for count, row in enumerate(rows, 1):
            record = dict(zip(columns, (plain(value) for value in row), strict=True))
            line = json.dumps(record, ensure_ascii=False)
            out.write(f"{',' if count > 1 else ''}\n{line}" if fmt == "json" else f"{line}\n")
        if fmt == "json":
            out.write("\n]\n")
        return count
    if fmt not in {"csv", "tsv"}:
        raise ValueError(f"not a record format: {fmt}")
    writer = csv.writer(out, dialect="excel" if fmt == "csv" else "excel-tab")
    writer.writerow([spreadsheet_safe(column) for column in columns])
    for row in rows:
        writer.writerow([spreadsheet_safe(_cell_text(value)) for value in row])
        count += 1
    return count


def write_dicts(fmt: str, records: Sequence[dict[str, Any]], out: TextIO | None = None) -> int:
    """`write_records` for dicts: the columns are every key, in the order first seen."""
    if not records and fmt in {"csv", "tsv"}:
        return 0  # no record names a column: an empty file rather than an empty header line
    columns = list(dict.fromkeys(key for record in records for key in record))
    rows = ([record.get(column) for column in columns] for record in records)
    return write_records(fmt, columns, rows, out)


def print_table(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Rows as a table. On a terminal: the first TABLE_ROWS, and one block per row (column:
    value) when the columns cannot fit side by side; piped: every row, every character."""
    terminal = is_terminal()
    remaining = iter(rows)  # one iterator: a cursor cannot be read twice
    shown = list(itertools.islice(remaining, TABLE_ROWS) if terminal else remaining)
    out = console()
    table = rows_table(columns, shown)
    if terminal and _too_wide(out, table):
        out.print(vertical(columns, shown))
    else:
        out.print(table)
    if terminal and next(remaining, None) is not None:
        click.echo(
            f"(the first {TABLE_ROWS} rows; --json, --nl, --csv or --tsv, or a pipe, give them"
            " all)",
            err=True,
        )


def _too_wide(out: Console, table: Table) -> bool:
    """True when even the narrowest layout of `table` (each column as wide as its longest
    word) would not fit: rich would then cut words into pieces or columns to '…'."""
    from rich.measure import Measurement

    # Measured as if unbounded: rich clamps a measurement to the width it is given.
    unbounded = out.options.update_width(_PIPED_WIDTH)
    return Measurement.get(out, unbounded, table).minimum > out.width


def _cell(value: object) -> Text:
    # Text cells: a plain string cell would be read as rich markup.
    from rich.text import Text

    if value is None:
        return Text("NULL", style="dim")
    return Text(printable(_cell_text(value)))


def rows_table(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Table:
    from rich.table import Table

    table = Table(*(printable(column) for column in columns))
    for row in rows:
        table.add_row(*(_cell(value) for value in row))
    return table


def vertical(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Table:
    """One block per row, a line per column (psql's expanded display): a wide `select *`
    stays readable on a narrow terminal, long values wrapping in the value column."""
    from rich.table import Table
    from rich.text import Text

    table = Table(show_header=False, box=None, padding=(0, 1))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for number, row in enumerate(rows, 1):
        if number > 1:
            table.add_row("", "")
        table.add_row(Text(f"row {number}", style="cyan"), "")
        for column, value in zip(columns, row, strict=True):
            table.add_row(Text(printable(column)), _cell(value))
    return table
