"""How far a figure can be trusted: how much of each indicator rests on flows of a kind that deserves doubt (a
disputed hand-over, one declared by one side while the other side is expected to declare too, ...), as a share of
the indicator, computed from the same flow frame with the same definitions as the indicator itself."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from mfa.domain.flowframe import PROVINCE, Scope
from mfa.domain.indicators import INDICATORS, RATE_INDICATORS, compute_indicators

CONCERNS: dict[str, pl.Expr] = {
    "disputed": pl.col("status") == "disputed",
    "one_sided": pl.col("status").is_in(["sender_only", "receiver_only"])
    & pl.col("source_park").is_not_null()
    & pl.col("target_park").is_not_null()
    & (pl.col("source_park") != pl.col("target_park")),
}
"""The flows each concern is about: disputed hand-overs; hand-overs between two parks declared by one side only."""
RATE_BASIS = ("bulk_waste_utilized_t", "bulk_waste_generated_t", "bulk_waste_utilized_from_stock_t")
"""A rate rests on what its numerator and denominator rest on: the largest of their shares."""


def reliance(
    flows: pl.DataFrame | pl.LazyFrame,
    parents: Mapping[str, str | None],
    *,
    year: int,
    month: int | None = None,
    scope: Scope = PROVINCE,
    concerns: Mapping[str, pl.Expr] = CONCERNS,
) -> pl.DataFrame:
    """For each indicator: its value, and per concern the tonnes and the share of it that rest on flows of that
    concern (`{concern}_t`, `{concern}_share`; null when the indicator is 0). Needs the flow frame's status and
    park columns (the snapshot has them)."""
    lazy = flows.lazy()
    total = compute_indicators(lazy, parents, year=year, month=month, scope=scope)
    parts = {
        name: compute_indicators(lazy.filter(rule.fill_null(False)), parents, year=year, month=month, scope=scope)
        for name, rule in concerns.items()
    }
    rows = []
    for indicator in INDICATORS:
        row: dict[str, object] = {"indicator": indicator, "value": total[indicator]}
        for name, found in parts.items():
            if indicator in RATE_INDICATORS:
                shares = [_share(found[b], total[b]) for b in RATE_BASIS]
                known = [s for s in shares if s is not None]
                row[f"{name}_t"] = found["bulk_waste_utilized_t"]
                row[f"{name}_share"] = max(known) if known else None
            else:
                row[f"{name}_t"] = found[indicator]
                row[f"{name}_share"] = _share(found[indicator], total[indicator])
        rows.append(row)
    schema = {"indicator": pl.String, "value": pl.Float64}
    schema |= {f"{n}_{x}": pl.Float64 for n in concerns for x in ("t", "share")}
    return pl.DataFrame(rows, schema=schema, orient="row")


def _share(part: float | None, whole: float | None) -> float | None:
    return None if part is None or not whole else part / whole
