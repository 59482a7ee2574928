"""The one write path: tables read from files (or forms) are validated against the database and each other,
authorized for the actor, written in one transaction, and recorded as one change in the history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import Connection, Engine

from mfa.domain.roles import Actor, local_operator
from mfa.intake.headings import YEAR_TOTAL, is_month
from mfa.intake.layouts import Layout
from mfa.intake.readers import Choices, RawTable, ReadResult, read_files
from mfa.intake.tables import TABLES
from mfa.intake.validate import ERROR_SCHEMA, VALIDATORS, Checked, validate_flows, validate_stocks
from mfa.services import layouts
from mfa.services.authorize import forbidden
from mfa.services.references import extend_refs, load_refs
from mfa.storage import history, meta, reads, writes
from mfa.storage.engine import write_transaction

Progress = Callable[[str], None]
REJECT_COLUMNS = ("row", "error")
"""Columns added to rejected rows; a fixed rejected file can be imported again as it is."""


@dataclass
class ImportReport:
    """What an import read, wrote and rejected; `errors` has one row per bad cell."""

    files: list[str]
    read: dict[str, int] = field(default_factory=dict)
    written: dict[str, int] = field(default_factory=dict)
    rejected: dict[str, int] = field(default_factory=dict)
    errors: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=ERROR_SCHEMA))
    rejected_rows: dict[str, pl.DataFrame] = field(default_factory=dict)
    """Rejected rows per file (or sheet), in the columns as written, with an `error` column."""
    warnings: list[str] = field(default_factory=list)
    layouts: list[Layout] = field(default_factory=list)
    """What was understood of each table read: header row, unit, period, columns, rows skipped."""
    committed: bool = False
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        """True when every row was accepted."""
        return self.errors.height == 0

    def to_json(self) -> dict[str, Any]:
        """The report as one JSON-ready object for scripts."""
        return {
            "ok": self.ok,
            "committed": self.committed,
            "dry_run": self.dry_run,
            "files": self.files,
            "read": self.read,
            "written": self.written,
            "rejected": self.rejected,
            "rejected_rows": {file: frame["row"].to_list() for file, frame in self.rejected_rows.items()},
            "errors": self.errors.to_dicts(),
            "warnings": self.warnings,
            "layouts": [layout.to_json() for layout in self.layouts],
        }


def _merge(tables: list[RawTable]) -> dict[str, tuple[pl.DataFrame, tuple[str, ...]]]:
    """All files' rows of each table together (a column is present if any file had it)."""
    merged: dict[str, tuple[pl.DataFrame, tuple[str, ...]]] = {}
    for spec in TABLES:
        parts = [t.frame for t in tables if t.spec.name == spec.name]
        if parts:
            merged[spec.name] = (pl.concat(parts, how="diagonal_relaxed"), spec.columns)
    return merged


def _flow_years(frame: pl.DataFrame) -> list[int]:
    from mfa.domain.periods import normalize_period, period_year

    distinct = frame.select(pl.col("period").unique())
    years = distinct.select(period_year(normalize_period(pl.col("period").str.strip_chars()))).to_series()
    return [int(y) for y in years.drop_nulls().unique().to_list()]


def import_tables(
    engine: Engine,
    read: ReadResult,
    *,
    accept_valid: bool = False,
    dry_run: bool = False,
    today: date | None = None,
    progress: Progress | None = None,
    first: Callable[[Connection], object] | None = None,
    actor: Actor | None = None,
    via: str | None = None,
) -> ImportReport:
    """Validate and write tables already read; all or nothing unless `accept_valid`. `first` runs at the start
    of the same transaction (e.g. deleting the flow an edit replaces), so it is undone if nothing is written.
    The write is one change in the history, made by `actor` through `via` (default: import of the files)."""
    say = progress or (lambda _msg: None)
    report = ImportReport(
        files=sorted({t.file for t in read.tables}), dry_run=dry_run, warnings=read.warnings, layouts=read.layouts
    )
    errors = [read.errors]
    checked: list[Checked] = []
    who = actor or local_operator()
    with write_transaction(engine) as conn:
        conn.info[writes.WRITER_KEY] = who.name
        history.begin_change(conn, who.name, f"{who.via} {via or 'import ' + ', '.join(report.files)}")
        if first is not None:
            first(conn)
        merged = _merge(read.tables)
        years = _flow_years(merged["flows"][0]) if "flows" in merged else []
        refs = load_refs(conn, years)
        for name, (frame, _cols) in merged.items():
            say(f"validating {frame.height:,} {name}")
            report.read[name] = frame.height
            if name == "flows":
                own = who.parks if who.role == "park_manager" else None
                result = validate_flows(frame, refs, today=today, own_parks=own)
            elif name == "stocks":
                result = validate_stocks(frame, refs, today=today)
            else:
                result = VALIDATORS[name](frame, refs)
            refs = extend_refs(refs, result)
            checked.append(result)
            errors.append(result.errors)
        if actor is not None:
            checked, refused = _authorize(conn, actor, checked)
            errors.append(refused)
        report.errors = pl.concat(errors).sort(["file", "row"], maintain_order=True)
        for result in checked:
            report.rejected[result.table] = report.read[result.table] - result.valid.height
        report.rejected_rows = _rejected_rows(read.tables, report.errors)
        if dry_run or (not report.ok and not accept_valid) or (read.errors.height and not accept_valid):
            conn.rollback()
            return report
        for result in checked:
            say(f"writing {result.valid.height:,} {result.table}")
            report.written[result.table] = writes.UPSERTS[result.table](conn, result.valid, result.columns)
            if result.table in history.BY_TABLE and report.written[result.table]:
                history.continue_versions(conn, history.BY_TABLE[result.table].name)
        history.finish_change(conn, _summary(report.written))
        meta.bump_data_version(conn)
    report.committed = True
    return report


def _summary(written: dict[str, int]) -> str:
    return "; ".join(f"{n:,} {table} written" for table, n in written.items() if n) or "nothing written"


def _authorize(conn: Connection, actor: Actor, checked: list[Checked]) -> tuple[list[Checked], pl.DataFrame]:
    """Drop the rows `actor` may not write, and say why (the facilities' parks as stored and as imported)."""
    stored = reads.facility_parks(conn)
    imported = dict(stored)
    for result in checked:
        if result.table == "facilities":
            imported |= dict(zip(result.valid["code"].to_list(), result.valid["park"].to_list(), strict=True))
    refused = [forbidden(actor, r, stored if r.table == "facilities" else imported) for r in checked]
    kept = [
        Checked(
            r.table,
            r.valid.join(
                e.select(pl.col("file").alias("_file"), pl.col("row").alias("_row")), on=["_file", "_row"], how="anti"
            ),
            r.errors,
            r.columns,
        )
        for r, e in zip(checked, refused, strict=True)
    ]
    return kept, pl.concat(refused) if refused else pl.DataFrame(schema=ERROR_SCHEMA)


def _rejected_rows(tables: list[RawTable], errors: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """The rows as the user wrote them (or, for a table read through its layout, as read: unit and period filled
    in, one row per month cell), with their reasons, per file or sheet: a file that imports again as it is."""
    out: dict[str, pl.DataFrame] = {}
    if errors.height == 0:
        return out
    reasons = errors.group_by("file", "row", maintain_order=True).agg(
        pl.format("{}: {}", pl.col("column"), pl.col("reason")).str.join("; ").alias("error"),
        pl.col("column").alias("__columns"),
    )
    for table in tables:
        header = table.layout.header_row if table.layout else 1
        mine = reasons.filter((pl.col("file") == table.file) & (pl.col("row") > header))
        if not mine.height:
            continue
        original = table.original.drop([c for c in REJECT_COLUMNS if c in table.original.columns])
        rows = original.join(mine.rename({"file": "_file", "row": "_row"}), on=["_file", "_row"], how="inner")
        layout = table.layout
        if "_col" in rows.columns and layout is not None:  # month cells: those an error names, or all of a bad row
            cells = {h for h, t in zip(layout.headers, layout.mapping, strict=True) if is_month(t) or t == YEAR_TOTAL}
            whole = pl.col("__columns").list.eval(~pl.element().is_in(sorted(cells))).list.any()
            rows = rows.filter(whole | pl.col("__columns").list.contains(pl.col("_col")))
        out[table.file] = rows.drop("_file", "__columns", "_col", strict=False).rename({"_row": "row"})
    return out


def import_files(
    engine: Engine,
    paths: list[Path],
    *,
    accept_valid: bool = False,
    dry_run: bool = False,
    today: date | None = None,
    progress: Progress | None = None,
    actor: Actor | None = None,
    choices: Choices | None = None,
) -> ImportReport:
    """Import CSV/XLSX files as one transaction, in dependency order whatever the order of the files; rows
    `actor` may not write are refused like bad rows. A table whose header has a mapping a user confirmed (for the
    actor's parks, else for everyone) is read with it, unless `choices` names its columns."""
    say = progress or (lambda _msg: None)
    say(f"reading {len(paths)} file(s)")
    read = read_files(paths, choices=choices)
    proposals = {k: v for k, v in layouts.remembered(engine, read, actor).items() if k not in (choices or {})}
    if proposals:
        read = read_files(paths, choices={**layouts.choices_of(proposals), **(choices or {})})
        layouts.mark_remembered(read, proposals)
    report = import_tables(
        engine,
        read,
        accept_valid=accept_valid,
        dry_run=dry_run,
        today=today,
        progress=say,
        actor=actor,
        via="import " + ", ".join(p.name for p in paths),
    )
    report.files = [p.name for p in paths]
    return report
