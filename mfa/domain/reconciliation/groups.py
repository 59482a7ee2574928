"""Suspects the balances cannot tell apart: measurements whose columns in the reduced constraint matrix (the balances
once the unknowns are eliminated) are proportional, a_j = c·a_i. They sit in the same balances only (two outputs of
one facility to places nobody balances, an input and an output of it), so the measurement test gives them the same
|normalized residual| and moving either by the right amount (δ_j = δ_i / c) repairs the balances equally well
(docs/reconciliation.md, section 6)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import polars as pl
import scipy.sparse as sp

PARALLEL_RTOL = 1e-9
"""Relative tolerance of proportionality between two columns (the coefficients are ±1 or declared coefficients)."""

GROUP_SCHEMA = pl.Schema(
    {
        "group": pl.Int32,
        "variable": pl.Int64,
        "condemned": pl.Boolean,
        "scale": pl.Float64,
        "alternative": pl.Float64,
        "alternative_sigma": pl.Float64,
    }
)
"""One row per member of a group of indistinguishable suspects: its variable (index over flows, stock changes and
declared coefficients, in that order), whether the test condemned it, c (a_member = c · a_condemned), and the value
it would have if it were the wrong one (`alternative`, with its σ)."""


def parallel_columns(reduced: sp.csr_array, column: int, candidates: np.ndarray) -> list[tuple[int, float]]:
    """The columns i ≠ `column` of `reduced` among `candidates` (a mask) with a_i = c · a_column, and c."""
    csc = sp.csc_array(reduced)
    csc.sort_indices()
    rows = csc.indices[csc.indptr[column] : csc.indptr[column + 1]]
    values = csc.data[csc.indptr[column] : csc.indptr[column + 1]]
    if rows.size == 0:
        return []
    by_row = sp.csr_array(reduced)
    first = by_row.indices[by_row.indptr[rows[0]] : by_row.indptr[rows[0] + 1]]
    found = []
    for i in np.unique(first):
        if i == column or not candidates[i]:
            continue
        other = csc.indices[csc.indptr[i] : csc.indptr[i + 1]]
        if other.size != rows.size or not np.array_equal(other, rows):
            continue
        theirs = csc.data[csc.indptr[i] : csc.indptr[i + 1]]
        c = float(theirs[0] / values[0])
        if np.allclose(theirs, c * values, rtol=PARALLEL_RTOL, atol=0.0):
            found.append((int(i), c))
    return found


def assemble(
    partners: Mapping[int, list[tuple[int, float]]],
    reported: np.ndarray,
    reconciled: np.ndarray,
    reconciled_sigma: np.ndarray,
    critical: float,
    bounded: np.ndarray,
) -> pl.DataFrame:
    """Groups (GROUP_SCHEMA) from each condemned variable's partners, in the order they were condemned; a condemned
    variable already in a group adds none. A flow (`bounded`: it cannot be negative) whose alternative would be
    clearly negative (below −critical · its σ) cannot be the wrong one alone and is left out; a group needs two
    members."""
    rows: list[tuple[int, int, bool, float, float, float]] = []
    grouped: set[int] = set()
    condemned_all = set(partners)
    for head, found in partners.items():
        if head in grouped or not found:
            continue
        delta = reconciled[head] - reported[head]
        sigma_head = float(reconciled_sigma[head]) if np.isfinite(reconciled_sigma[head]) else float("nan")
        members = [(head, True, 1.0, float(reconciled[head]), sigma_head)]
        for i, c in found:
            if i in grouped:
                continue
            alternative = float(reported[i] + delta / c)
            sigma = abs(sigma_head / c)
            if bounded[i] and alternative < -critical * np.nan_to_num(sigma):
                continue
            members.append((i, i in condemned_all, c, alternative, sigma))
        if len(members) > 1:
            number = len({r[0] for r in rows})
            rows += [(number, *m) for m in members]
            grouped |= {m[0] for m in members}
    return pl.DataFrame(rows, schema=GROUP_SCHEMA, orient="row")


def candidates_mask(n: int, excluded: Iterable[int]) -> np.ndarray:
    """All n variables but `excluded`, as a mask."""
    mask = np.ones(n, dtype=bool)
    mask[list(excluded)] = False
    return mask
