"""Commands that answer questions: indicators, targets, balance, trace, sankey, reconcile. Thin over mfa.services."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from mfa.cli import DbOption, UserError, UserOption, actor, app, console, open_engine

if TYPE_CHECKING:
    import polars as pl

JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object for scripts.")]
ReconciledOption = Annotated[
    bool, typer.Option("--reconciled", help="Use the saved reconciled values (mfa reconcile --save) where there are.")
]
YearOption = Annotated[int, typer.Option("--year", help="The year (its months plus flows entered for the year).")]
DefaultYearOption = Annotated[
    int | None,
    typer.Option(
        "--year",
        help="The year (its months plus flows entered for the year); default: the latest complete year "
        "(docs/indicators.md, section 1).",
    ),
]


def _emit_json(obj: Any) -> None:
    typer.echo(json.dumps(obj, ensure_ascii=False, default=_json_default))


def _json_default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")


def _clean(value: Any) -> Any:
    """NaN and infinities are not JSON: they become null."""
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _fmt(value: Any, rate: bool = False) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if rate:
            return f"{value:.1%}"
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
    return str(value)


def _table(frame: pl.DataFrame, title: str, rates: set[str] | None = None) -> None:
    from rich.table import Table

    table = Table(*frame.columns, title=title)
    for row in frame.iter_rows():
        table.add_row(*(_fmt(v, c in (rates or set())) for c, v in zip(frame.columns, row, strict=True)))
    console().print(table)


def _scope(city: str | None, park: str | None) -> Any:
    from mfa.domain.flowframe import PROVINCE, Scope
    from mfa.domain.vocabulary import city_name

    if city and park:
        raise UserError("give --city or --park, not both")
    if city:
        name = city_name(city)
        if name is None:
            raise UserError(f"{city!r} is not one of Hunan's 14 prefecture-level cities")
        return Scope("city", name)
    return Scope("park", park) if park else PROVINCE


def _year(engine: Any, year: int) -> None:
    from mfa.services.tables import years as year_span

    known = year_span(engine)
    if year not in known:
        span = f"{known[0]}–{known[-1]}" if known else "none"
        raise UserError(f"no flows in {year} (years with flows: {span})")


def _default_year(engine: Any, year: int | None) -> int:
    """`year`, else the latest complete year (mfa.services.progress.default_year); UserError without flows."""
    from mfa.services import progress

    year = year if year is not None else progress.default_year(engine)
    if year is None:
        raise UserError("the database holds no flows yet (try `mfa demo`)")
    return year


@app.command()
def indicators(
    year: DefaultYearOption = None,
    db: DbOption = None,
    month: Annotated[int | None, typer.Option(min=1, max=12, help="Only this month.")] = None,
    city: Annotated[str | None, typer.Option(help="A city (English or Chinese name).")] = None,
    park: Annotated[str | None, typer.Option(help="A park code.")] = None,
    reconciled: ReconciledOption = False,
    as_json: JsonOption = False,
) -> None:
    """The indicators of a year (or month) for the province, a city or a park, with their targets."""
    from mfa.domain.indicators import RATE_INDICATORS
    from mfa.services import loading, progress

    scope = _scope(city, park)
    engine = open_engine(db)
    year = _default_year(engine, year)
    _year(engine, year)
    data = loading.load_period(engine, year, month, reconciled=reconciled)
    report = progress.indicator_report(engine, data, year=year, month=month, scope=scope)
    report["quantities"] = "reconciled where saved" if reconciled else "reported"
    if as_json:
        _emit_json(_clean(report))
        return
    import polars as pl

    values = pl.DataFrame(
        {"indicator": list(report["indicators"]), "value": list(report["indicators"].values())},
        schema={"indicator": pl.String, "value": pl.Float64},
    )
    _table(values.with_columns(pl.col("value").round(3)), f"{report['period']} · {scope.level} {scope.code or ''}")
    console().print(f"units: tonnes (t); {', '.join(RATE_INDICATORS)} is a fraction")
    if report["targets"]:
        cols = ["indicator", "target_year", "target_value", "actual", "path_value", "progress", "on_track"]
        _table(pl.DataFrame(report["targets"]).select(cols), "targets")


@app.command()
def targets(
    db: DbOption = None,
    year: DefaultYearOption = None,
    as_json: JsonOption = False,
) -> None:
    """Every target with actual, path, progress, on-track, projection, and who explains the gap."""
    from mfa.services import loading, progress
    from mfa.services.tables import years as year_span

    engine = open_engine(db)
    known = year_span(engine)
    year = _default_year(engine, year)
    data = loading.load(engine, [y for y in known if y <= year])
    report = progress.target_report(engine, data, year=year)
    gaps = {
        i: progress.gap_report(data, row, year=year)
        for i, row in enumerate(report.iter_rows(named=True))
        if row["on_track"] is False
    }
    if as_json:
        rows = report.to_dicts()
        for i, parts in gaps.items():
            rows[i]["gap"] = {level: frame.head(10).to_dicts() for level, frame in parts.items()}
        _emit_json(_clean({"year": year, "targets": rows}))
        return
    cols = ["indicator", "scope", "target_year", "target_value", "actual", "path_value", "progress", "on_track"]
    cols += ["projected_year_reached", "reported"]
    _table(report.select(cols), f"targets, {year}")
    for i, parts in gaps.items():
        for level, frame in parts.items():
            _table(frame.head(5), f"behind the path: {report['indicator'][i]} by {level}")


@app.command()
def balance(
    year: YearOption,
    db: DbOption = None,
    month: Annotated[int | None, typer.Option(min=1, max=12, help="Only this month.")] = None,
    tolerance: Annotated[float, typer.Option(help="Relative imbalance flagged (0.05 = 5 %).")] = 0.05,
    all_: Annotated[bool, typer.Option("--all", help="List balanced facilities too.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Mass balance of each facility: inflow − outflow − stock change, flagged beyond the tolerance; a facility with
    a declared transfer coefficient (output ÷ input) is checked against coefficient ± its tolerance instead."""
    from mfa.domain.balance import WARNING_STATUSES
    from mfa.services import loading, network

    engine = open_engine(db)
    _year(engine, year)
    data = loading.load(engine, [year])
    frame = network.balance_report(engine, data, year=year, month=month, tolerance=tolerance)
    if as_json:
        _emit_json(_clean(frame.to_dicts()))
        return
    import polars as pl

    shown = frame if all_ else frame.filter(pl.col("status").is_in(WARNING_STATUSES))
    k, tol = pl.col("declared_coefficient"), pl.col("declared_tolerance")
    declared = pl.format(
        "{}–{} %",
        ((k - tol).clip(lower_bound=0) * 100).round(0).cast(pl.Int64),
        ((k + tol) * 100).round(0).cast(pl.Int64),
    )
    columns = ["facility", "kind", "inflow_t", "outflow_t", "stock_change_t", "imbalance_t", "relative_imbalance"]
    _table(
        shown.select(*columns, pl.col("observed_coefficient").alias("passed_on"), declared.alias("declared"), "status"),
        f"mass balance {year}{f'-{month:02d}' if month else ''}",
        rates={"relative_imbalance", "passed_on"},
    )
    counts = frame.group_by("status").len().sort("status")
    console().print(", ".join(f"{s}: {n}" for s, n in counts.iter_rows()))


@app.command()
def trace(
    year: YearOption,
    db: DbOption = None,
    facility: Annotated[str | None, typer.Option(help="Trace from this facility.")] = None,
    park: Annotated[str | None, typer.Option(help="Trace from this park's facilities.")] = None,
    material: Annotated[str | None, typer.Option(help="Trace this material (and those below it).")] = None,
    backward: Annotated[bool, typer.Option("--backward", help="Where the input came from instead.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Where material ends: shares of the traced tonnes by terminal facility and by facility kind."""
    from mfa.services import loading, network

    if sum(x is not None for x in (facility, park, material)) != 1:
        raise UserError("give exactly one of --facility, --park, --material")
    engine = open_engine(db)
    _year(engine, year)
    data = loading.load(engine, [year])
    if material is not None and material not in data.parents:
        raise UserError(f"unknown material {material!r}")
    try:
        fate, by_kind = network.trace_report(
            data, year=year, facility=facility, park=park, material=material, forward=not backward
        )
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    if as_json:
        _emit_json(_clean({"year": year, "by_facility": fate.to_dicts(), "by_kind": by_kind.to_dicts()}))
        return
    _table(by_kind, "by kind", rates={"share"})
    _table(fate.head(20), "by facility", rates={"share"})


@app.command()
def sankey(
    year: YearOption,
    out: Annotated[Path, typer.Option("--out", help="Output file: .html, .svg, .png, .pdf or .json.")],
    db: DbOption = None,
    month: Annotated[int | None, typer.Option(min=1, max=12, help="Only this month.")] = None,
    city: Annotated[str | None, typer.Option(help="Flows from or to this city.")] = None,
    park: Annotated[str | None, typer.Option(help="Flows from or to this park.")] = None,
    material: Annotated[str | None, typer.Option(help="This material and those below it.")] = None,
    kind: Annotated[str | None, typer.Option(help="Flows from or to facilities of this kind.")] = None,
    level: Annotated[str, typer.Option(help="Nodes: facility, park, city or kind.")] = "kind",
    view: Annotated[
        str,
        typer.Option(
            help="auto (stages at kind and facility level, origin-destination at city and park level), stages, od "
            "(origin-destination) or network."
        ),
    ] = "auto",
    order: Annotated[
        str,
        typer.Option(
            help="Node order in a column: auto, tonnes, name, or node codes/labels to put first, comma-separated."
        ),
    ] = "auto",
    min_share: Annotated[float, typer.Option(help="Merge nodes below this share of the tonnes into 'other'.")] = 0.0,
    scale: Annotated[float | None, typer.Option(help="Fix the scale to this many tonnes (compare years).")] = None,
    language: Annotated[str, typer.Option(help="Labels in en or zh.")] = "en",
    title: Annotated[str | None, typer.Option(help="Title (default: scope, period and level).")] = None,
    width: Annotated[int | None, typer.Option(min=400, max=4000, help="Width in px (default: fit the labels).")] = None,
    height: Annotated[
        int | None, typer.Option(min=300, max=4000, help="Height in px (default: fit the labels).")
    ] = None,
    reconciled: ReconciledOption = False,
) -> None:
    """Draw the Sankey diagram of the selected flows and write it to a file (HTML, SVG, PNG, PDF or JSON)."""
    from mfa.domain.flowframe import Selection
    from mfa.domain.labels import Language
    from mfa.domain.sankey import SankeyOptions, parse_order
    from mfa.domain.vocabulary import FACILITY_KINDS
    from mfa.export.sankey_files import export_figure, sankey_json
    from mfa.services import loading
    from mfa.services.sankey import sankey_figure_for

    if language not in ("en", "zh"):
        raise UserError(f"unknown language {language!r} (en or zh)")
    if kind is not None and kind not in FACILITY_KINDS:
        raise UserError(f"unknown kind {kind!r} ({', '.join(FACILITY_KINDS)})")
    if out.suffix.lower() not in (".html", ".svg", ".png", ".pdf", ".json"):
        raise UserError(f"unsupported format {out.suffix!r} (use .html, .svg, .png, .pdf or .json)")
    try:
        options = SankeyOptions(level, view, parse_order(order), min_share, scale)  # type: ignore[arg-type]
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    scope = _scope(city, park)
    engine = open_engine(db)
    _year(engine, year)
    data = loading.load(engine, [year], reconciled=reconciled)
    if material is not None and material not in data.parents:
        raise UserError(f"unknown material {material!r}")
    selection = Selection(year, month, scope, material, (kind,) if kind else (), reconciled)
    lang: Language = "zh" if language == "zh" else "en"
    made = sankey_figure_for(engine, data, selection, options, language=lang, title=title, width=width, height=height)
    diagram = made.data
    if diagram.links.is_empty():
        console().print(f"[yellow]no flows to draw for {selection.period} {scope} at {level} level[/]")
    if not made.fits:
        console().print(f"[yellow]the scale {scale:,.0f} t does not fit; drawn at the largest scale that fits[/]")
    if out.suffix.lower() == ".json":
        out.write_text(json.dumps(sankey_json(diagram), ensure_ascii=False, indent=1), encoding="utf-8")
    else:
        try:
            export_figure(made.figure, out, data=diagram)
        except RuntimeError as exc:
            raise UserError(str(exc)) from exc
    loops = int(diagram.links["loop"].sum())
    console().print(
        f"wrote {out} ({diagram.links.height} links, {loops} drawn as returns, {diagram.nodes.height} nodes, "
        f"{diagram.view} view)"
    )


@app.command("reconcile")
def reconcile_(
    year: YearOption,
    db: DbOption = None,
    park: Annotated[str | None, typer.Option(help="Only flows from or to this park; balance its facilities.")] = None,
    alpha: Annotated[float, typer.Option(help="Level of the chi-square and measurement tests.")] = 0.05,
    sidak: Annotated[bool, typer.Option(help="Adjust the measurement test for the number of flows tested.")] = True,
    save: Annotated[
        bool, typer.Option("--save", help="Store the reconciled values beside the reported ones (admins).")
    ] = False,
    language: Annotated[str, typer.Option("--language", help="The verdict in en or zh.")] = "en",
    as_json: JsonOption = False,
    user: UserOption = None,
) -> None:
    """Reconcile a year's flows (weighted least squares under the mass balances): first the verdict in plain words
    (which reports are probably wrong, by how much, the likely cause), then the flagged flows and the tests."""
    from mfa.services import reconciling

    if language not in ("en", "zh"):
        raise UserError(f"unknown language {language!r} (en or zh)")
    engine = open_engine(db)
    _year(engine, year)
    done = reconciling.reconcile_year(engine, year=year, park=park, alpha=alpha, sidak=sidak)
    from mfa.domain.roles import NotAllowed

    try:
        saved = reconciling.save(engine, done, actor(engine, user, "cli")) if save else 0
    except NotAllowed as exc:
        raise UserError(str(exc)) from exc
    if as_json:
        _emit_json(_clean(done.to_json() | {"saved": saved}))
        return
    import polars as pl
    from rich.markup import escape

    from mfa.domain.reconciliation.wording import describe

    words = describe(done.verdict, year, language, balanced=set(done.result.balanced))  # type: ignore[arg-type]
    out = console()
    colour = {"success": "green", "info": "cyan", "warning": "yellow"}.get(words.tone, "red")
    out.print(f"[bold {colour}]{escape(words.headline)}[/]", soft_wrap=True)
    for note in words.notes:
        out.print(escape(note), soft_wrap=True)
    for number, block in enumerate(words.blocks, 1):
        out.print(f"{number}. {escape(block.title)}", soft_wrap=True)
        for line in block.lines:
            out.print(f"   {escape(line)}", soft_wrap=True)
    result = done.result
    flagged = result.flows.filter(pl.col("flag").cast(pl.String).is_in(["gross_error_suspect", "clipped_at_zero"]))
    cols = ["source", "target", "material", "reported", "reconciled", "normalized_residual", "flag"]
    _table(flagged.sort(pl.col("normalized_residual").abs(), descending=True).select(cols), f"flagged flows {year}")
    out.print(
        f"{result.flows.height} links, {len(result.balanced)} balanced facilities; chi2 {result.chi2:,.1f} with "
        f"{result.dof} dof, p = {result.p_value:.3g} (after removing suspects: p = {result.p_value_after:.3g})"
    )
    for warning in result.warnings[:10]:
        out.print(f"[yellow]warning:[/] {warning}")
    if save:
        out.print(f"saved reconciled values for {saved:,} flows (use --reconciled on indicators and sankey)")
