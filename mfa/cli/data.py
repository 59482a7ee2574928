"""Commands that create, fill and empty the database: init, demo, import, export, serve."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mfa.cli import (
    DbOption,
    UserError,
    UserOption,
    actor,
    app,
    console,
    language,
    open_engine,
    safe_url,
    say,
    status,
    words,
)

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from mfa.services.writing import ImportReport


@app.command()
def init(db: DbOption = None) -> None:
    """Create the database, or migrate it to this version of mfa (data is kept)."""
    from mfa.services.database import database_url, init_database

    url = database_url(db)
    console().print(f"database {safe_url(url)}: {init_database(url)}")


def _run_import(
    engine: Engine, files: list[Path], *, accept_valid: bool, dry_run: bool, user: str | None = None
) -> ImportReport:
    from mfa.services.writing import import_files

    who = actor(engine, user, "cli")
    err = console(stderr=True)
    with status(err, "importing") as shown:
        return import_files(
            engine, files, accept_valid=accept_valid, dry_run=dry_run, progress=lambda m: shown.update(m), actor=who
        )


def _write_rejected(report: ImportReport, rejected: Path | None, first: Path) -> list[Path]:
    from mfa.export.writers import neutralise

    written = []
    items = list(report.rejected_rows.items())
    for label, frame in items:
        if rejected is not None and len(items) == 1:
            path = rejected
        else:
            base = rejected or first.with_name(first.stem + ".csv")
            stem = "".join(
                ch if ch.isalnum() or ch in "-_" else "_" for ch in Path(label).stem + label[len(Path(label).name) :]
            )
            path = base.with_name(f"{base.stem}.{stem}.rejected.csv" if rejected else f"{stem}.rejected.csv")
        neutralise(frame).write_csv(path)
        written.append(path)
    return written


@app.command("import")
def import_(
    files: Annotated[list[Path], typer.Argument(help="CSV or XLSX files, in any order.", show_default=False)],
    db: DbOption = None,
    accept_valid: Annotated[
        bool, typer.Option("--accept-valid", help="Write the valid rows and save the rejected ones.")
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate only; write nothing.")] = False,
    rejected: Annotated[
        Path | None,
        typer.Option(help="Where to save rejected rows (default: FILE.rejected.csv beside the input)."),
    ] = None,
    errors: Annotated[
        Path | None,
        typer.Option(help="Where to save the error report (default: FILE.errors.csv beside the input)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as one JSON object.")] = False,
    user: UserOption = None,
) -> None:
    """Import parks, facilities, materials, flows, stocks and targets from CSV/XLSX files.

    All files are one transaction. By default nothing is written if any row is bad; the exit status is 0 only
    when every row was accepted.
    """
    for f in files:
        if not f.is_file():
            raise UserError(f"no such file: {f}")
    engine = open_engine(db)
    report = _run_import(engine, files, accept_valid=accept_valid, dry_run=dry_run, user=user)
    saved: list[Path] = []
    errors_path = None
    if not report.ok:
        errors_path = errors or files[0].with_name(files[0].stem + ".errors.csv")
        import polars as pl

        report.errors.with_columns(pl.col("reason").map_elements(say, return_dtype=pl.String)).write_csv(errors_path)
        saved = _write_rejected(report, rejected, files[0])
    if as_json:
        out = report.to_json() | {
            "errors_file": str(errors_path) if errors_path else None,
            "rejected_files": [str(p) for p in saved],
        }
        typer.echo(json.dumps(out, ensure_ascii=False, default=str))
    else:
        _print_report(report, errors_path, saved)
    raise typer.Exit(0 if report.ok else 1)


def _print_understanding(report: ImportReport) -> None:
    """What was understood of each table: header row, unit, period, columns, rows not imported."""
    from rich.markup import escape

    from mfa.services.layouts import describe

    out = console()
    for layout in report.layouts:
        lines = describe(layout, language())
        out.print(f"[bold]{escape(lines[0])}[/]", soft_wrap=True)
        for line in lines[1:]:
            out.print(f"  {escape(line)}", soft_wrap=True)


def _print_report(report: ImportReport, errors_path: Path | None, saved: list[Path]) -> None:
    from rich.markup import escape
    from rich.table import Table

    _print_understanding(report)
    out = console()
    for w in report.warnings:
        out.print(f"[yellow]warning:[/] {escape(say(w))}")
    if report.errors.height:
        heads = [words(f"cli_{c}") for c in ("file", "row", "column", "value", "reason")]
        table = Table(*heads, title=words("cli_problems", n=report.errors.height))
        for *cells, why in report.errors.head(50).iter_rows():
            table.add_row(*(escape("" if v is None else str(v)) for v in (*cells, say(why or ""))))
        out.print(table)
        if report.errors.height > 50:
            out.print(words("cli_more", n=report.errors.height - 50))
        out.print(words("cli_error_report", path=errors_path))
        for p in saved:
            out.print(words("cli_rejected_rows", path=p))
    counts = ", ".join(f"{n} {t}" for t, n in (report.written if report.committed else report.read).items())
    if report.dry_run:
        out.print(words("cli_dry_run", counts=counts))
    elif report.committed:
        rej = sum(report.rejected.values())
        out.print(words("cli_imported", counts=counts) + (words("cli_rejected", n=rej) if rej else ""))
    else:
        out.print(words("cli_nothing_written"))


@app.command()
def export(
    out: Annotated[Path, typer.Option("--out", help="Output file: .csv, .xlsx or .parquet.")],
    db: DbOption = None,
    year: Annotated[int | None, typer.Option(help="Only this year (its months and yearly flows).")] = None,
    city: Annotated[str | None, typer.Option(help="Only flows from or to facilities in this city.")] = None,
    park: Annotated[str | None, typer.Option(help="Only flows from or to facilities in this park.")] = None,
    material: Annotated[str | None, typer.Option(help="Only this material and the materials below it.")] = None,
    agreed: Annotated[
        bool,
        typer.Option("--agreed", help="One row per hand-over with its agreed quantity, for reports (not for import)."),
    ] = False,
    to_read: Annotated[
        bool,
        typer.Option(
            "--to-read",
            help="An .xlsx to read and paste from (names beside codes, a sheet per table, tonnes to 0.1 t); "
            "not for import.",
        ),
    ] = False,
    language: Annotated[str, typer.Option("--language", help="Headers and names of --to-read: en or zh.")] = "en",
) -> None:
    """Export flows in the importer's columns (quantity in tonnes), one row per declaration with its side. XLSX also
    holds parks, facilities, materials, stocks and targets, so it can be imported into an empty database. With
    --agreed: one row per hand-over, the agreed quantity beside the sender's and the receiver's figures. With
    --to-read: a workbook for people (docs/exporting.md)."""
    from mfa.cli.analysis import _scope
    from mfa.domain.flowframe import Selection
    from mfa.export.writers import FORMATS, write_table, write_workbook
    from mfa.services import handovers, tables

    if out.suffix.lower() not in FORMATS:
        raise UserError(f"unsupported export format {out.suffix!r} (use {', '.join(FORMATS)})")
    selection = Selection(year, scope=_scope(city, park), material=material)
    engine = open_engine(db)
    if material is not None and material not in tables.material_parents(engine):
        raise UserError(f"unknown material {material!r}")
    if to_read and (agreed or out.suffix.lower() != ".xlsx" or language not in ("en", "zh")):
        raise UserError("--to-read writes an .xlsx file, in --language en or zh, and not with --agreed")
    err = console(stderr=True)
    with status(err, "reading flows") as shown:
        if to_read:
            from mfa.export import people

            sheets = tables.flows_for_people(engine, selection, "zh" if language == "zh" else "en")
            flows = next(iter(sheets.values()))
            shown.update(f"writing {flows.height:,} flows")
            people.write_workbook(sheets, out)
        elif agreed:
            flows = handovers.agreed_table(engine, selection)
            shown.update(f"writing {flows.height:,} hand-overs")
            if out.suffix.lower() == ".xlsx":
                write_workbook({"hand_overs": flows}, out)
            else:
                write_table(flows, out)
        elif out.suffix.lower() == ".xlsx":
            sheets = tables.workbook(engine, selection)
            flows = sheets["flows"]
            shown.update(f"writing {flows.height:,} flows")
            write_workbook(sheets, out)
        else:
            flows = tables.flows(engine, selection)
            shown.update(f"writing {flows.height:,} flows")
            write_table(flows, out)
    console().print(f"exported {flows.height:,} {'hand-overs' if agreed else 'flows'} to {out}")


@app.command()
def demo(
    db: DbOption = None,
    if_empty: Annotated[bool, typer.Option("--if-empty", help="Only when the database holds no flows yet.")] = False,
) -> None:
    """Load the bundled Hunan sample (parks, facilities, monthly flows 2020-2025, stocks)."""
    from mfa.reference import sample_dir, sample_files

    files = sample_files()
    if not files:
        raise UserError(f"the sample data is missing from {sample_dir()}")
    engine = open_engine(db)
    if if_empty:
        from mfa.services.tables import counts

        if counts(engine)["flows"]:
            console().print("the database already holds flows: sample not loaded")
            _demo_users(engine)
            return
    report = _run_import(engine, files, accept_valid=False, dry_run=False)
    if not report.ok:
        _print_report(report, None, [])
        raise UserError("the bundled sample did not import")
    console().print("loaded the sample: " + ", ".join(f"{n:,} {t}" for t, n in report.written.items()))
    _demo_users(engine)


def _demo_users(engine: Engine) -> None:
    """When the database has no users yet, add one of each role with a new random password, and print them."""
    from mfa.services.users import add_demo_users

    made = add_demo_users(engine)
    if not made:
        return
    out = console()
    out.print("[bold]demo users for the app[/] (change them with mfa user passwd NAME):")
    for user, role, parks_of, password in made:
        out.print(f"  {user:<14} {role + (' of ' + parks_of if parks_of else ''):<28} password: {password}")


@app.command()
def serve(
    db: DbOption = None,
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8501,
    headless: Annotated[bool, typer.Option(help="Do not open a browser.")] = True,
) -> None:
    """Start the Streamlit app on the database."""
    from mfa.intake.readers import upload_limit_bytes
    from mfa.services.database import ENV_VAR, database_url

    url = database_url(db)
    open_engine(url)
    env = dict(os.environ, **{ENV_VAR: url})
    app_py = Path(__file__).resolve().parent.parent / "ui" / "app.py"  # the entry script, inside the package
    cmd = [sys.executable, "-m", "streamlit", "run", str(app_py), "--server.port", str(port)]
    cmd += ["--server.headless", str(headless).lower(), "--browser.gatherUsageStats", "false"]
    cmd += ["--server.maxUploadSize", str(max(1, upload_limit_bytes() // 2**20)), "--client.toolbarMode", "viewer"]
    os.execve(sys.executable, cmd, env)


@app.command()
def snapshot(
    db: DbOption = None,
    year: Annotated[list[int] | None, typer.Option(help="A year to snapshot (repeat for more; default: all).")] = None,
) -> None:
    """Make the Parquet snapshots of the flows now (questions otherwise make them when first needed)."""
    from mfa.services.tables import make_snapshot

    engine = open_engine(db)
    console().print(f"snapshot of {make_snapshot(engine, year or None):,} flows")
