"""`mfa handovers`: hand-overs with the sender's and the receiver's figures side by side, the agreed quantity and
whether they agree. Thin over mfa.services.handovers."""

from __future__ import annotations

from typing import Annotated

import typer

from mfa.cli import DbOption, UserError, app, console, open_engine
from mfa.cli.analysis import JsonOption, _emit_json, _scope, _table, _year


@app.command()
def handovers(
    year: Annotated[int, typer.Option("--year", help="The year (its months plus hand-overs declared for the year).")],
    db: DbOption = None,
    month: Annotated[int | None, typer.Option(min=1, max=12, help="Only this month.")] = None,
    park: Annotated[str | None, typer.Option(help="Hand-overs from or to this park.")] = None,
    city: Annotated[str | None, typer.Option(help="Hand-overs from or to this city.")] = None,
    status: Annotated[
        str | None, typer.Option(help="Only agreed, disputed, sender_only or receiver_only hand-overs.")
    ] = None,
    tolerance: Annotated[
        float, typer.Option(min=0.0, help="Two figures agree within this share of the larger (default 10 %).")
    ] = 0.10,
    as_json: JsonOption = False,
) -> None:
    """Hand-overs with both declarations: sender_t, receiver_t, the agreed quantity, the difference (receiver −
    sender) and the status: agreed within the tolerance, disputed beyond it, or declared by one side only."""
    from mfa.domain.flowframe import Selection
    from mfa.domain.handovers import STATUSES
    from mfa.services import handovers as service

    if status is not None and status not in STATUSES:
        raise UserError(f"unknown status {status!r} (one of {', '.join(STATUSES)})")
    engine = open_engine(db)
    _year(engine, year)
    frame = service.hand_overs(engine, Selection(year, month, _scope(city, park)), tolerance=tolerance)
    shown = frame if status is None else frame.filter(frame["status"] == status)
    listed = shown.select(service.COLUMNS)
    if as_json:
        _emit_json({"hand_overs": listed.to_dicts(), "counts": service.counts(frame), "tolerance": tolerance})
        return
    _table(listed.head(200), f"hand-overs {year}" + (f"-{month:02d}" if month else ""), rates={"relative_difference"})
    if listed.height > 200:
        console().print(f"... and {listed.height - 200:,} more (use --json for all)")
    console().print(", ".join(f"{n:,} {s}" for s, n in service.counts(frame).items()) + f" (tolerance {tolerance:.0%})")
