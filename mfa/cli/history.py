"""History commands: `mfa history` (latest changes, or every version of one record), `mfa restore-version` and
`mfa delete`. Thin over mfa.services.history and mfa.services.editing."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from mfa.cli import DbOption, UserError, UserOption, actor, app, console, open_engine

if TYPE_CHECKING:
    from collections.abc import Callable

    import polars as pl

    from mfa.domain.labels import Language
    from mfa.services.writing import ImportReport

FacilityOption = Annotated[str | None, typer.Option("--facility", help="A facility, by code.", show_default=False)]
ParkOption = Annotated[str | None, typer.Option("--park", help="A park, by code.", show_default=False)]
PeriodOption = Annotated[str | None, typer.Option("--period", help="A flow's period (2024 or 2024-03).")]
SourceOption = Annotated[str | None, typer.Option("--source", help="A flow's source facility.")]
TargetOption = Annotated[str | None, typer.Option("--target", help="A flow's target facility.")]
MaterialOption = Annotated[str | None, typer.Option("--material", help="A flow's material code.")]
AliasOption = Annotated[str | None, typer.Option("--alias", help="A material alias (another name of a material).")]


def _record(
    facility: str | None, park: str | None, period: str | None, source: str | None, target: str | None,
    material: str | None, alias: str | None = None,
) -> tuple[str, dict[str, object]] | None:  # fmt: skip
    """The record the options name: a facility, a park, a material alias or a flow (all four key options), or
    None for none."""
    flow = {"period": period, "source": source, "target": target, "material": material}
    given = [name for name, v in (("--facility", facility), ("--park", park), ("--alias", alias)) if v] + (
        ["flow"] if any(flow.values()) else []
    )
    if len(given) > 1:
        raise UserError(f"name one record: {' and '.join(given)} given")
    if alias:
        return "material_alias", {"alias": alias}
    if facility:
        return "facility", {"code": facility}
    if park:
        return "park", {"code": park}
    if any(flow.values()):
        missing = [f"--{k}" for k, v in flow.items() if not v]
        if missing:
            raise UserError(f"a flow is named by --period --source --target --material: {' '.join(missing)} missing")
        return "flow", dict(flow)
    return None


def _print_frame(frame: pl.DataFrame, title: str, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(frame.to_dicts(), ensure_ascii=False))
        return
    from rich.markup import escape
    from rich.table import Table

    table = Table(*frame.columns, title=title)
    for row in frame.iter_rows():
        table.add_row(*(escape("" if v is None else str(v)) for v in row))
    console().print(table)


@app.command("history")
def history_(
    db: DbOption = None,
    limit: Annotated[int, typer.Option("--limit", help="How many of the latest changes.")] = 20,
    change: Annotated[int | None, typer.Option("--change", help="The records one change wrote or deleted.")] = None,
    facility: FacilityOption = None,
    park: ParkOption = None,
    period: PeriodOption = None,
    source: SourceOption = None,
    target: TargetOption = None,
    material: MaterialOption = None,
    alias: AliasOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts (codes, as stored).")] = False,
    language: Annotated[str, typer.Option("--language", help="The table in en or zh (not --json).")] = "en",
) -> None:
    """The latest changes, newest first; or every version of one record (a facility, a park, a material alias or
    a flow), oldest first, with who changed what, when, and through which path. The table says it in words, as
    the app's History page does (records by name, their codes beside); --json gives the stored codes."""
    from mfa.services import history

    if language not in ("en", "zh"):
        raise UserError(f"unknown language {language!r} (en or zh)")
    lang: Language = "zh" if language == "zh" else "en"
    named = _record(facility, park, period, source, target, material, alias)
    engine = open_engine(db)
    if named is not None:
        record, key = named
        versions = history.record_history(engine, record, key)
        if versions.height == 0:
            raise UserError(f"no {record} {history.key_text(record, key)} in the database or its history")
        shown = versions if as_json else history.record_history_for(engine, record, key, lang)
        _print_frame(shown, f"history of {record} {history.key_text(record, key)}", as_json)
    elif change is not None:
        records = history.change_records(engine, change, limit)
        shown = records if as_json else history.change_records_for(engine, change, lang, limit).drop("kind")
        _print_frame(shown, f"records of change {change}", as_json)
    else:
        latest = history.latest_changes(engine, limit) if as_json else history.latest_changes_for(engine, lang, limit)
        _print_frame(latest, f"latest {limit} changes", as_json)


def _required(named: tuple[str, dict[str, object]] | None) -> tuple[str, dict[str, object]]:
    if named is None:
        raise UserError(
            "name the record: --facility, --park, --alias, or a flow's --period --source --target --material"
        )
    return named


def _outcome(write: Callable[[], ImportReport], done: str) -> None:
    """Carry out a delete or restore; its refusal or error becomes one line."""
    try:
        report = write()
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    if not report.committed:
        reasons = "; ".join(dict.fromkeys(str(r) for r in report.errors["reason"].to_list()))
        raise UserError(reasons or "nothing written")
    console().print(done)


@app.command("restore-version")
def restore_version(
    version: Annotated[int, typer.Argument(help="The version to bring back (see mfa history).")],
    db: DbOption = None,
    facility: FacilityOption = None,
    park: ParkOption = None,
    period: PeriodOption = None,
    source: SourceOption = None,
    target: TargetOption = None,
    material: MaterialOption = None,
    alias: AliasOption = None,
    user: UserOption = None,
) -> None:
    """Bring an earlier version of a record back as its newest version (re-creating it if it was deleted)."""
    from mfa.services import editing, history

    record, key = _required(_record(facility, park, period, source, target, material, alias))
    engine = open_engine(db)
    _outcome(
        lambda: editing.restore_version(engine, record, key, version, actor=actor(engine, user, "cli")),
        f"restored version {version} of {record} {history.key_text(record, key)}",
    )


@app.command("delete")
def delete(
    db: DbOption = None,
    facility: FacilityOption = None,
    park: ParkOption = None,
    period: PeriodOption = None,
    source: SourceOption = None,
    target: TargetOption = None,
    material: MaterialOption = None,
    alias: AliasOption = None,
    user: UserOption = None,
) -> None:
    """Delete a facility, a park, a material alias or a flow; its last version stays in the history (mfa
    restore-version)."""
    from mfa.services import editing, history

    record, key = _required(_record(facility, park, period, source, target, material, alias))
    engine = open_engine(db)
    _outcome(
        lambda: editing.delete_record(engine, record, key, actor=actor(engine, user, "cli")),
        f"deleted {record} {history.key_text(record, key)} (kept in the history)",
    )
