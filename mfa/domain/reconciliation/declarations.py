"""Two declarations of one hand-over are two measurements of one flow. The weighted least squares over every
declaration splits exactly into (a) the reconciliation of each hand-over's agreed quantity, σ̄² = 1 / Σ 1/σᵢ², and
(b) for each two-sided hand-over, its disagreement (q_s − q_r)² / (σ_s² + σ_r²), one more degree of freedom: the
minimum of Σᵢ (xᵢ − y)²/σᵢ² over the declarations equals (x̄ − y)²/σ̄² plus that term (docs/reconciliation.md).
So the reconciled values are those of the agreed quantities, and the global test adds the disagreements."""

from __future__ import annotations

import dataclasses

import numpy as np
import polars as pl

from mfa.domain.handovers import KEY
from mfa.domain.reconciliation.model import Reconciliation
from mfa.domain.reconciliation.solver import p_value

DECLARATION_TEST_SCHEMA = pl.Schema(
    {
        "period": pl.String,
        "source": pl.String,
        "target": pl.String,
        "material": pl.String,
        "sender_t": pl.Float64,
        "receiver_t": pl.Float64,
        "agreed_t": pl.Float64,
        "normalized_difference": pl.Float64,
        "disputed": pl.Boolean,
    }
)
"""One row per two-sided hand-over: both figures, the agreed quantity, (q_r − q_s) / √(σ_s² + σ_r²), and whether
that exceeds the measurement test's critical value (the two parties' figures cannot both be right)."""


def with_disagreement(result: Reconciliation, hand_overs: pl.DataFrame | pl.LazyFrame) -> Reconciliation:
    """`result` (the reconciliation of agreed quantities) with the disagreement of every two-sided hand-over in
    `hand_overs` (mfa.domain.handovers.combine: disagreement_chi2) added to the global tests, before and after the
    elimination of gross errors: chi2 + Σ terms, dof + their number, p recomputed."""
    terms = hand_overs.lazy().select(pl.col("disagreement_chi2").drop_nulls()).collect().to_series()
    if terms.len() == 0:
        return result
    extra, count = float(terms.sum()), int(terms.len())
    chi2, chi2_after = result.chi2 + extra, result.chi2_after + extra
    dof, dof_after = result.dof + count, result.dof_after + count
    return dataclasses.replace(
        result,
        chi2=chi2,
        dof=dof,
        p_value=p_value(chi2, dof),
        chi2_after=chi2_after,
        dof_after=dof_after,
        p_value_after=p_value(chi2_after, dof_after),
    )


def declaration_tests(hand_overs: pl.DataFrame | pl.LazyFrame, critical: float) -> pl.DataFrame:
    """For each two-sided hand-over (from combine), how far apart the two figures are in units of their combined
    standard deviation, and whether beyond `critical` (DECLARATION_TEST_SCHEMA), largest first."""
    both = hand_overs.lazy().filter(pl.col("disagreement_chi2").is_not_null()).collect()
    sign = np.sign((both["receiver_t"] - both["sender_t"]).to_numpy())
    z = pl.Series(sign * np.sqrt(both["disagreement_chi2"].to_numpy()), dtype=pl.Float64)
    return (
        both.select(*KEY, "sender_t", "receiver_t", pl.col("quantity_t").alias("agreed_t"))
        .with_columns(normalized_difference=z)
        .with_columns(disputed=pl.col("normalized_difference").abs() > critical)
        .sort(pl.col("normalized_difference").abs(), descending=True)
        .cast(dict(DECLARATION_TEST_SCHEMA))  # type: ignore[arg-type]
    )
