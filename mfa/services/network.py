"""The questions about the flow network that the CLI and the app ask: mass balance per facility, where material
ends (or comes from), and the loops carrying the most tonnes (mfa.domain.balance, fate, network)."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import polars as pl
from sqlalchemy import Engine

from mfa.domain.balance import mass_balance
from mfa.domain.flowframe import Selection, select_flows, selected
from mfa.domain.network import GraphLevel
from mfa.services.loading import Data
from mfa.storage import reads

LOOP_LIMIT = 15
LOOP_MAX_CYCLES = 20_000
"""find_loops looks at no more cycles than this, so a dense province graph answers in well under a second."""
LOOP_MAX_LENGTH = 5


def _stocks(engine: Engine) -> pl.DataFrame:
    with engine.connect() as conn:
        return reads.stock_table(conn)


def coefficients(engine: Engine) -> pl.DataFrame:
    """The declared transfer coefficients: scope_level, scope, coefficient, tolerance, source."""
    with engine.connect() as conn:
        return reads.coefficient_table(conn)


def balance_report(engine: Engine, data: Data, *, year: int, month: int | None, tolerance: float) -> pl.DataFrame:
    """Mass balance of every facility for the period, each facility with a declared transfer coefficient checked
    against it (mfa.domain.balance)."""
    return mass_balance(
        data.flows,
        _stocks(engine),
        data.facilities,
        year=year,
        month=month,
        tolerance=tolerance,
        coefficients=coefficients(engine),
    )


def trace_report(
    data: Data, *, year: int, facility: str | None, park: str | None, material: str | None, forward: bool = True
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Where the material of a facility, a park or a material ends (or, backward, comes from)."""
    from mfa.domain import (
        fate,
        network,  # networkx and scipy: imported only for the questions that need them
    )

    if material is not None:
        shares = fate.trace_material(data.flows, data.facilities, data.parents, material, year=year)
        return shares, fate.fate_by_kind(shares)
    flows = select_flows(data.flows, data.parents, year=year)
    g = network.build_graph(flows, data.facilities)
    if facility is not None:
        if facility not in g:
            raise ValueError(f"facility {facility!r} has no flows in {year}")
        origins: list[Hashable] = [facility]
    else:
        origins = fate.park_origins(g, str(park))
        if not origins:
            raise ValueError(f"park {park!r} has no flows in {year}")
    shares = fate.trace_fate(g, origins, forward=forward)
    return shares, fate.fate_by_kind(shares)


def loop_report(
    data: Data,
    selection: Selection,
    *,
    level: GraphLevel,
    limit: int = LOOP_LIMIT,
    max_length: int = LOOP_MAX_LENGTH,
    max_cycles: int = LOOP_MAX_CYCLES,
) -> list[dict[str, Any]]:
    """The loops carrying the most tonnes in the selected flows at `level`: dicts of nodes, length and tonnes
    (mfa.domain.network.find_loops). Above the facility level a self-loop is material moving inside one node, not
    a loop, and is left out."""
    from mfa.domain.network import build_graph, find_loops  # networkx: only for the questions that need it

    graph = build_graph(selected(data.flows, data.parents, selection), data.facilities, level=level)
    found = find_loops(graph, limit=limit, max_length=max_length, max_cycles=max_cycles)
    return [loop for loop in found if level == "facility" or loop["length"] > 1]
