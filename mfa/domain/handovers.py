"""Hand-overs declared by two parties: the sender's and the receiver's declaration of one flow, kept apart,
compared and combined into the agreed quantity that every computation uses (docs/indicators.md, "Hand-overs").

A hand-over is a (period, source, target, material); each party declares it at most once. With one declaration
the agreed quantity is that one; with two, their inverse-variance weighted mean, σᵢ = uᵢ × qᵢ with uᵢ the
declaration's relative uncertainty or, without one, the default of its data quality (as in reconciliation).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

import polars as pl

from mfa.domain.flowframe import require_columns

Side = Literal["sender", "receiver"]
SIDES: tuple[Side, ...] = ("sender", "receiver")
STATUSES = ("agreed", "disputed", "sender_only", "receiver_only")
"""agreed: both declared and within the tolerance; disputed: both declared, beyond it; otherwise one side only."""
KEY = ("period", "source", "target", "material")
DEFAULT_TOLERANCE = 0.10
"""Two declarations agree when |receiver − sender| ≤ 10 % of the larger (the US e-Manifest's significant
discrepancy for bulk weight, 40 CFR 264.72)."""

DEFAULT_UNCERTAINTY: Mapping[str | None, float] = MappingProxyType(
    {"measured": 0.05, "calculated": 0.10, "estimated": 0.25, None: 0.25}
)
"""Relative standard uncertainty of a flow without its own, by data quality (None: quality not given); the same
defaults weigh two declarations and the reconciliation's measurements."""

DECLARATION_COLUMNS = (*KEY, "side", "quantity_t", "uncertainty", "data_quality")
HANDOVER_SCHEMA = pl.Schema(
    {
        "period": pl.String,
        "source": pl.String,
        "target": pl.String,
        "material": pl.String,
        "sender_t": pl.Float64,
        "receiver_t": pl.Float64,
        "quantity_t": pl.Float64,
        "uncertainty": pl.Float64,
        "data_quality": pl.String,
        "difference_t": pl.Float64,
        "relative_difference": pl.Float64,
        "status": pl.String,
        "disagreement_chi2": pl.Float64,
    }
)
"""One row per hand-over: both declared quantities, the agreed quantity with its relative uncertainty and the data
quality of the declaration that weighs most, the difference (receiver − sender), its share of the sender's, the
status, and the disagreement's χ² term (q_s − q_r)² / (σ_s² + σ_r²) when both quantities are known."""


def relative_uncertainty(defaults: Mapping[str | None, float] = DEFAULT_UNCERTAINTY) -> pl.Expr:
    """A declaration's relative uncertainty: its own, else the default of its data quality, else the default for
    none."""
    named = {k: float(v) for k, v in defaults.items() if k is not None}
    quality = pl.col("data_quality").replace_strict(named, default=None, return_dtype=pl.Float64)
    return pl.coalesce(pl.col("uncertainty").cast(pl.Float64), quality, pl.lit(float(defaults[None])))


def default_side(
    facility_park: Mapping[str, str | None],
    own_parks: frozenset[str] | None,
    *,
    source: str = "source",
    target: str = "target",
    source_kind: str = "source_kind",
) -> pl.Expr:
    """The side a declaration without one is written for. A park manager (`own_parks`) declares the side of their
    own park: sender when the source lies in one of their parks, receiver when only the target does (null when
    neither: a flow they may not write). An admin or the local operator (None) declares the sender's side, except
    for flows from a boundary facility (outside the province), which are the receiver's. Reads the columns named
    `source`, `target` (facility codes) and `source_kind`."""
    if own_parks is None:
        return pl.when(pl.col(source_kind) == "boundary").then(pl.lit("receiver")).otherwise(pl.lit("sender"))
    parks = dict(facility_park)
    own = sorted(own_parks)
    source_park = pl.col(source).replace_strict(parks, default=None, return_dtype=pl.String)
    target_park = pl.col(target).replace_strict(parks, default=None, return_dtype=pl.String)
    return (
        pl.when(source_park.is_in(own).fill_null(False))
        .then(pl.lit("sender"))
        .when(target_park.is_in(own).fill_null(False))
        .then(pl.lit("receiver"))
        .otherwise(pl.lit(None, dtype=pl.String))
    )


def combine(
    declarations: pl.DataFrame | pl.LazyFrame,
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    defaults: Mapping[str | None, float] = DEFAULT_UNCERTAINTY,
) -> pl.LazyFrame:
    """Declarations (period, source, target, material, side, quantity_t, uncertainty, data_quality; at most one
    per side and hand-over) -> one row per hand-over in HANDOVER_SCHEMA, in key order."""
    if not tolerance >= 0:
        raise ValueError(f"the tolerance is a share of the larger quantity, at least 0; got {tolerance}")
    require_columns(declarations, DECLARATION_COLUMNS, "declarations")
    rows = declarations.lazy().select(
        *KEY,
        "side",
        pl.col("quantity_t").cast(pl.Float64),
        (relative_uncertainty(defaults) * pl.col("quantity_t").cast(pl.Float64).abs()).alias("sigma"),
        pl.col("uncertainty").cast(pl.Float64),
        pl.col("data_quality").cast(pl.String),
    )

    def of(side: Side, column: str) -> pl.Expr:
        return pl.col(column).filter(pl.col("side") == side).first()

    sides = rows.group_by(KEY).agg(
        *(of(side, "quantity_t").alias(f"{side}_t") for side in SIDES),
        *(of(side, "sigma").alias(f"{side}_sigma") for side in SIDES),
        *(of(side, "uncertainty").alias(f"{side}_u") for side in SIDES),
        *(of(side, "data_quality").alias(f"{side}_quality") for side in SIDES),
        *((pl.col("side") == side).any().alias(f"has_{side}") for side in SIDES),
    )
    s, r = pl.col("sender_t"), pl.col("receiver_t")
    ss, sr = pl.col("sender_sigma"), pl.col("receiver_sigma")
    both = s.is_not_null() & r.is_not_null()
    weighted = (s / ss.pow(2) + r / sr.pow(2)) / (1 / ss.pow(2) + 1 / sr.pow(2))
    exact = pl.when((ss == 0) & (sr == 0)).then((s + r) / 2).when(ss == 0).then(s).when(sr == 0).then(r)
    agreed = pl.when(both).then(exact.otherwise(weighted)).otherwise(pl.coalesce(s, r))
    agreed_sigma = (
        pl.when(both)
        .then(pl.when((ss == 0) | (sr == 0)).then(0.0).otherwise((1 / (1 / ss.pow(2) + 1 / sr.pow(2))).sqrt()))
        .otherwise(None)
    )
    one_sided_u = pl.when(s.is_not_null()).then(pl.col("sender_u")).otherwise(pl.col("receiver_u"))
    one_sided_q = pl.when(s.is_not_null()).then(pl.col("sender_quality")).otherwise(pl.col("receiver_quality"))
    weightier = pl.when(ss <= sr).then(pl.col("sender_quality")).otherwise(pl.col("receiver_quality"))
    difference = pl.when(both).then(r - s)
    sender_known = pl.col("has_sender") & s.is_not_null()
    receiver_known = pl.col("has_receiver") & r.is_not_null()
    status = (
        pl.when(both)
        .then(
            pl.when(difference.abs() <= tolerance * pl.max_horizontal(s, r))
            .then(pl.lit("agreed"))
            .otherwise(pl.lit("disputed"))
        )
        .when(sender_known)
        .then(pl.lit("sender_only"))
        .when(receiver_known)
        .then(pl.lit("receiver_only"))
        .when(pl.col("has_sender") & pl.col("has_receiver"))
        .then(pl.lit("agreed"))  # both declared a flow of unknown quantity: nothing to compare
        .when(pl.col("has_sender"))
        .then(pl.lit("sender_only"))
        .otherwise(pl.lit("receiver_only"))
    )
    return (
        sides.with_columns(agreed.alias("quantity_t"), agreed_sigma.alias("agreed_sigma"))
        .with_columns(
            pl.when(both)
            .then(pl.when(pl.col("quantity_t") > 0).then(pl.col("agreed_sigma") / pl.col("quantity_t")))
            .otherwise(one_sided_u)
            .alias("uncertainty"),
            pl.when(both).then(weightier).otherwise(one_sided_q).alias("data_quality"),
            difference.alias("difference_t"),
            pl.when(both & (s != 0)).then(difference / s).alias("relative_difference"),
            status.alias("status"),
            pl.when(both & ((ss.pow(2) + sr.pow(2)) > 0))
            .then((s - r).pow(2) / (ss.pow(2) + sr.pow(2)))
            .alias("disagreement_chi2"),
        )
        .select(list(HANDOVER_SCHEMA))
        .cast({c: t for c, t in HANDOVER_SCHEMA.items() if c not in KEY})  # the key keeps its type (codes or ids)
        .sort(KEY)
    )
