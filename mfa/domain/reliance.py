"""How far a figure can be trusted: how much of each indicator rests on flows of a kind that deserves doubt (a flow
the year's reconciliation flags, a disputed hand-over, one declared by one side while the other side is expected
to declare too, an estimate, a figure of unstated quality), as a share of the indicator, computed from the same
flow frame with the same definitions as the indicator itself; and which flows those are."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from mfa.domain.flowframe import PROVINCE, Scope, period_predicates
from mfa.domain.indicators import INDICATORS, RATE_BASIS, RATE_INDICATORS, compute_indicators, counts_toward

CONCERNS: dict[str, pl.Expr] = {
    "flagged": pl.col("flagged"),
    "disputed": pl.col("status") == "disputed",
    "one_sided": pl.col("status").is_in(["sender_only", "receiver_only"])
    & pl.col("source_park").is_not_null()
    & pl.col("target_park").is_not_null()
    & (pl.col("source_park") != pl.col("target_park")),
    "estimated": pl.col("data_quality") == "estimated",
    "unknown_quality": pl.col("data_quality").is_null(),
}
"""The flows each concern is about: links the reconciliation flags (column `flagged`, see with_flags); disputed
hand-overs; hand-overs between two parks declared by one side only; estimated figures; figures whose quality is not
stated."""
SUSPECT_FLAGS = ("gross_error_suspect", "clipped_at_zero")
"""The reconciliation flags that make a flow suspect (mfa.domain.reconciliation.model)."""


def with_flags(flows: pl.DataFrame | pl.LazyFrame, flagged: pl.DataFrame | None) -> pl.LazyFrame:
    """The flow frame with `flagged`: true for the flows of the links (source, target, material) in `flagged`
    (the links a reconciliation of the year flags), false for every flow without one."""
    lazy = flows.lazy()
    if flagged is None or flagged.is_empty():
        return lazy.with_columns(pl.lit(False).alias("flagged"))
    links = flagged.select("source", "target", "material").unique().with_columns(pl.lit(True).alias("flagged"))
    return lazy.join(links.lazy(), on=["source", "target", "material"], how="left").with_columns(
        pl.col("flagged").fill_null(False)
    )


def _ready(flows: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    """The frame with the columns the concerns read: a missing status or quality is unknown, `flagged` false."""
    lazy = flows.lazy()
    names = lazy.collect_schema().names()
    missing = [pl.lit(None, dtype=pl.String).alias(c) for c in ("status", "data_quality") if c not in names]
    lazy = lazy.with_columns(missing) if missing else lazy
    return lazy if "flagged" in names else with_flags(lazy, None)


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
    concern (`{concern}_t`, `{concern}_share`; null when the indicator is 0); a rate rests on what its numerator
    and denominator rest on, the largest of their shares. Needs the flow frame's status, quality and park
    columns (the snapshot has them); `flagged` is false where with_flags did not add it."""
    lazy = _ready(flows)
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


def concerned_flows(
    flows: pl.DataFrame | pl.LazyFrame,
    parents: Mapping[str, str | None],
    indicator: str,
    *,
    year: int,
    month: int | None = None,
    scope: Scope = PROVINCE,
    concerns: Mapping[str, pl.Expr] = CONCERNS,
) -> pl.DataFrame:
    """The flows of the period that count toward `indicator` in `scope` and are of at least one concern, largest
    first: period, source, target, material, quantity_t, and `concerns` (the names of theirs, in CONCERNS order)."""
    if indicator not in INDICATORS:
        raise ValueError(f"unknown indicator {indicator!r}")
    marked = (
        _ready(flows)
        .filter(*period_predicates(year, month), counts_toward(parents, indicator, scope))
        .with_columns(**{f"__{name}": rule.fill_null(False) for name, rule in concerns.items()})
    )
    names = pl.concat_list(*(pl.when(pl.col(f"__{n}")).then(pl.lit(n)) for n in concerns)).list.drop_nulls()
    return (
        marked.with_columns(names.alias("concerns"))
        .filter(pl.col("concerns").list.len() > 0)
        .select("period", "source", "target", "material", "quantity_t", "concerns")
        .sort("quantity_t", descending=True, nulls_last=True)
        .collect()
    )


def _share(part: float | None, whole: float | None) -> float | None:
    return None if part is None or not whole else part / whole
