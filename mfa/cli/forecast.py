"""`mfa forecast`: retirements of products in use (a dynamic stock model), beside the recorded ones, against the
capacity that can take them, with the metals in retired batteries; `mfa forecast calibrate` fits lifetimes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from mfa.cli import DbOption, UserError, UserOption, actor, app, console, open_engine
from mfa.cli.analysis import JsonOption, _clean, _emit_json, _fmt

if TYPE_CHECKING:
    from mfa.domain.outlook import Outlook

forecast_app = typer.Typer(
    help="Retirements of products in use: a dynamic stock model (flodym) from inflows and lifetimes, beside the "
    "recorded retirements, against recycling capacity.",
    invoke_without_command=True,
    no_args_is_help=False,
)
app.add_typer(forecast_app, name="forecast")

ScopeOption = Annotated[
    str | None,
    typer.Option("--scope", help="province or a city (English or Chinese name); default: every city and the province."),
]
UntilOption = Annotated[int, typer.Option("--until", help="The last year forecast.")]
ConventionOption = Annotated[
    str,
    typer.Option(
        "--convention",
        help="When a year's inflow enters use: middle (flodym's default), start, or end (the older ODYM convention).",
    ),
]
FIGURES = (".html", ".svg", ".png", ".pdf")
TABLES = (".csv", ".xlsx", ".parquet")


def _table(frame: Any, title: str, rates: set[str] | None = None) -> None:
    """A table at least 150 characters wide (forecasts have many columns), numbers as `mfa indicators` prints them."""
    from rich.table import Table

    table = Table(*frame.columns, title=title)
    for row in frame.iter_rows():
        table.add_row(*(_fmt(v, c in (rates or set())) for c, v in zip(frame.columns, row, strict=True)))
    out = console()
    out.width = max(out.width, 150)
    out.print(table)


def _run(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Call a forecasting service, turning its refusals into one-line errors."""
    from mfa.services.forecasting import NotAllowed, OutlookError

    try:
        return fn(*args, **kwargs)
    except (OutlookError, NotAllowed) as exc:
        raise UserError(str(exc)) from exc


@forecast_app.callback()
def forecast(
    ctx: typer.Context,
    product: Annotated[
        str | None, typer.Option("--product", help="A product or group (power_battery, power_battery_lfp, elv ...).")
    ] = None,
    scope: ScopeOption = None,
    until: UntilOption = 2035,
    convention: ConventionOption = "middle",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Also write the forecast: .csv, .xlsx (every table), .parquet, or the chart as "
            ".html, .svg, .png, .pdf.",
        ),
    ] = None,
    language: Annotated[str, typer.Option("--language", help="Labels of a chart written by --out: en or zh.")] = "en",
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Forecast in-use stock and retirements of a product and every product below it, per year to --until, for every
    city with inflows and the province (or --scope), with recorded retirements, capacity and metals."""
    if ctx.invoked_subcommand is not None:
        return
    if product is None:
        raise UserError("give --product (e.g. power_battery); see mfa forecast --help")
    if language not in ("en", "zh"):
        raise UserError(f"unknown language {language!r} (en or zh)")
    if out is not None and out.suffix.lower() not in (*FIGURES, *TABLES):
        raise UserError(f"unsupported format {out.suffix!r} (use {', '.join((*TABLES, *FIGURES))})")
    from mfa.services import forecasting

    engine = open_engine(db)
    result = _run(forecasting.forecast, engine, product, scope=scope, until=until, inflow_at=convention)
    if out is not None:
        _write(
            result,
            out,
            forecasting.parse_scope(scope) or "province",
            forecasting.material_names(engine, language),
            language,
        )
    if as_json:
        _emit_json(_clean(result.to_json()))
        return
    _print(result)
    if out is not None:
        console().print(f"wrote {out}")


def _write(result: Outlook, out: Path, scope: str, names: dict[str, str], language: str) -> None:
    """Write the forecast's tables or its chart (of `scope`) to `out`."""
    from mfa.export.writers import write_table, write_workbook

    suffix = out.suffix.lower()
    if suffix == ".xlsx":
        write_workbook(result.tables(), out)
    elif suffix in TABLES:
        write_table(result.rows, out)
    else:
        from mfa.export.outlook_figure import outlook_figure
        from mfa.export.sankey_files import export_figure

        figure = outlook_figure(
            result.rows,
            result.capacity,
            result.stacked,
            result.product,
            scope,
            names=names,
            language=language,  # type: ignore[arg-type]
        )
        try:
            export_figure(figure, out)
        except RuntimeError as exc:
            raise UserError(str(exc)) from exc


def _print(result: Outlook) -> None:
    """The province's rows of the product, each scope's first year of shortfall, metals in a few years."""
    import polars as pl

    from mfa.domain.outlook import METALS

    rows = result.rows.filter(pl.col("product") == result.product)
    scopes = rows["scope"].unique(maintain_order=True).to_list()
    first = scopes[0]
    table = rows.filter(pl.col("scope") == first).join(
        result.capacity.select("year", "scope", "capacity_t", "shortfall_t"), on=["year", "scope"], how="left"
    )
    columns = ["year", "inflow_t", "stock_t", "outflow_t"]
    columns += [c for c in ("outflow_low_t", "outflow_high_t") if c in table.columns]
    columns += ["recorded_t", "ratio", "capacity_t", "shortfall_t"]
    _table(table.select(columns), f"{result.product} · {first} (tonnes; ratio = recorded ÷ modelled)", {"ratio"})
    ends = result.runs_out
    _table(ends, "first year retirements exceed capacity (central, low and high lifetimes)")
    if result.metals.height:
        years = sorted({y for y in (result.until, 2030, 2025) if y in rows["year"].to_list()})
        metals = (
            result.metals.filter(
                pl.col("scope") == first, pl.col("product") == result.product, pl.col("year").is_in(years)
            )
            .pivot(on="metal", index="year", values="recoverable_t")
            .sort("year")
        )
        metals = metals.select("year", *[m for m in METALS if m in metals.columns])
        _table(metals, f"recoverable metals in {first}'s retirements of {result.product} (t)")
    console().print(f"time convention: {result.convention()['formula']}")
    from mfa.domain.outlook.forecast import note_text

    for note in result.notes:
        console().print(f"[yellow]note:[/] {note_text(note)}")


@forecast_app.command("calibrate")
def calibrate(
    product: Annotated[str, typer.Option("--product", help="The product or group whose lifetime is fitted.")],
    scope: Annotated[
        str | None, typer.Option("--scope", help="Fit to this scope's recorded retirements (default: province).")
    ] = None,
    until: UntilOption = 2035,
    convention: ConventionOption = "middle",
    save: Annotated[bool, typer.Option("--save", help="Write the fitted lifetimes (admins).")] = False,
    as_json: JsonOption = False,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Fit the lifetime's scale (Weibull, for its shape) or mean (for its std) to the recorded retirements by least
    squares; print the fitted parameters and residuals, and save them only with --save."""
    from mfa.services import forecasting

    engine = open_engine(db)
    who = actor(engine, user, "cli")
    report = _run(
        forecasting.calibrate, engine, product, scope=scope, until=until, inflow_at=convention, save=save, actor=who
    )
    if as_json:
        _emit_json(_clean(report.to_json()))
        return
    result = report.result
    _table(result.fitted, f"{product}: fitted lifetime (factor {result.factor:.4f} on every row)")
    _table(result.residuals, f"residuals in {report.scope} (recorded − modelled, t); RMSE {result.rmse_t:,.1f} t")
    for note in report.notes:
        console().print(f"[yellow]note:[/] {note}")
    if report.saved:
        console().print(f"saved the fitted lifetime of {', '.join(report.saved)}")
    else:
        console().print("not saved (use --save to write the fitted lifetime)")
