"""The numerical core of data reconciliation (method: docs/reconciliation.md).

Pure numpy/scipy over a variable vector y: sparse constraint rows C y = d (built by mfa.domain.reconciliation.model),
measured values with standard deviations, unknowns. `eliminate` removes the unknowns by sparse Gaussian
elimination, `solve_linear` is the weighted least squares solution with error propagation,
`solve_nonnegative` adds the bounds y >= 0 by an active set; `p_value` and `critical_value` are the tests.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp
from scipy.linalg import lapack
from scipy.optimize import linprog
from scipy.sparse.linalg import splu
from scipy.stats import chi2 as chi2_distribution
from scipy.stats import norm

CANCEL_TOL = 1e-12
"""A coefficient smaller than this times the terms it came from is an exact cancellation (set to 0)."""
RANK_TOL = 1e-10
"""Pivot below which a constraint of the unit-diagonal scaled A Σ Aᵀ counts as dependent on the others."""
DETERMINABLE_TOL = 1e-8
"""Largest dependence of an unknown on the free unknowns that still counts as none."""
BLOCK = 2_000_000
"""Elements per dense block when gathering diagonals (keeps memory near 16 MB per block)."""


@dataclass(frozen=True)
class Elimination:
    """The unknowns eliminated from the rows. `pivots` are unknown columns (local to the unknown part) in
    elimination order, each solved from one pivot row; `free` could not be pivoted (no row left holding them).
    Each pivot or reduced row is a combination of the original rows (`*_combos`, rows x original rows);
    `pivot_unknown` holds the unknowns' coefficients of the pivot rows: upper triangular in pivot order."""

    pivots: np.ndarray
    free: np.ndarray
    pivot_combos: sp.csr_array
    pivot_unknown: sp.csr_array
    reduced_combos: sp.csr_array


def _csr(rows: Sequence[dict[int, float]], n_cols: int) -> sp.csr_array:
    indptr = np.cumsum([0] + [len(r) for r in rows])
    indices = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64, count=int(indptr[-1]))
    data = np.fromiter(itertools.chain.from_iterable(r.values() for r in rows), dtype=float, count=int(indptr[-1]))
    return sp.csr_array((data, indices, indptr), shape=(len(rows), n_cols))


def _axpy(target: dict[int, float], factor: float, source: dict[int, float]) -> list[tuple[int, bool]]:
    """target -= factor * source in place, dropping exact cancellations; returns (key, now present) changes."""
    changes = []
    for key, value in source.items():
        term = factor * value
        new = target.get(key, 0.0) - term
        if abs(new) <= CANCEL_TOL * abs(term):
            if target.pop(key, None) is not None:
                changes.append((key, False))
        else:
            if key not in target:
                changes.append((key, True))
            target[key] = new
    return changes


def eliminate(unknown_part: sp.csr_array | sp.csc_array) -> Elimination:
    """Sparse Gaussian elimination of every unknown column (rows x unknowns), fewest-rows column first and
    the shortest acceptable pivot row (threshold partial pivoting). For balance rows, whose unknown columns
    hold one +1 and one -1, this merges the two facilities an unknown flow joins (the node merging of the
    graph method) and the cost stays near linear."""
    n_rows, n_unknown = unknown_part.shape
    coo = sp.coo_array(unknown_part)
    rows: list[dict[int, float]] = [{} for _ in range(n_rows)]
    for r, c, v in zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True):
        rows[r][c] = rows[r].get(c, 0.0) + v
    holders: list[set[int]] = [set() for _ in range(n_unknown)]
    for r, row in enumerate(rows):
        for c in [c for c, v in row.items() if v == 0.0]:
            del row[c]
        for c in row:
            holders[c].add(r)
    combos: list[dict[int, float]] = [{r: 1.0} for r in range(n_rows)]
    heap = [(len(h), c) for c, h in enumerate(holders)]
    heapq.heapify(heap)
    done = [False] * n_unknown
    pivots: list[int] = []
    pivot_rows: list[int] = []
    free: list[int] = []
    while heap:
        count, c = heapq.heappop(heap)
        if done[c]:
            continue
        if count != len(holders[c]):
            heapq.heappush(heap, (len(holders[c]), c))
            continue
        done[c] = True
        if not holders[c]:
            free.append(c)
            continue
        largest = max(abs(rows[r][c]) for r in holders[c])
        p = min(
            (r for r in holders[c] if abs(rows[r][c]) >= 0.1 * largest),
            key=lambda r: (len(rows[r]) + len(combos[r]), r),
        )
        prow = rows[p]
        for k in prow:
            holders[k].discard(p)
        for q in list(holders[c]):
            factor = rows[q][c] / prow[c]
            for k, present in _axpy(rows[q], factor, prow):
                (holders[k].add if present else holders[k].discard)(q)
            rows[q].pop(c, None)
            holders[c].discard(q)
            _axpy(combos[q], factor, combos[p])
        for k in prow:
            if not done[k]:
                heapq.heappush(heap, (len(holders[k]), k))
        pivots.append(c)
        pivot_rows.append(p)
    reduced = sorted(set(range(n_rows)) - set(pivot_rows))
    return Elimination(
        pivots=np.array(pivots, dtype=np.int64),
        free=np.array(free, dtype=np.int64),
        pivot_combos=_csr([combos[p] for p in pivot_rows], n_rows),
        pivot_unknown=_csr([rows[p] for p in pivot_rows], n_unknown),
        reduced_combos=_csr([combos[r] for r in reduced], n_rows),
    )


@dataclass(frozen=True)
class LinearSolution:
    """The weighted least squares estimate of every variable under the rows (NaN where not determinable).

    `redundant`: measured variables the rows still constrain once the unknowns are eliminated.
    `determinable`: unknowns fixed by the rows. `normalized_residual`: (estimate - value) / sd of that
    adjustment, for adjustable redundant measurements. `chi2` = rᵀ (A Σ Aᵀ)⁻¹ r over the `rank` independent
    reduced rows. `gradient` = Aᵀ λ per non-unknown variable (for the bound multipliers of the active set).
    `reduced`: the reduced rows A over all variables (measured ones; the unknowns are eliminated).
    `pinning`: the reduced rows without adjustable variables (only known ones): their multipliers are free."""

    estimate: np.ndarray
    estimate_sigma: np.ndarray
    normalized_residual: np.ndarray
    redundant: np.ndarray
    determinable: np.ndarray
    chi2: float
    rank: int
    gradient: np.ndarray
    reduced: sp.csr_array
    pinning: sp.csr_array
    warnings: tuple[str, ...]


def _describe(combo: sp.csr_array, labels: Sequence[str], limit: int = 4) -> str:
    names = [labels[i] for i in combo.indices[: limit + 1]]
    more = f" and {combo.nnz - limit} more" if combo.nnz > limit else ""
    return ", ".join(names[:limit]) + more


def _pivoted_inverse(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(independent rows, inverse of m on them) for a symmetric positive semi-definite m, by LAPACK's pivoted
    Cholesky (dpstrf) on the unit-diagonal scaling of m; rows past the numerical rank are dependent."""
    if m.shape[0] == 0:
        return np.zeros(0, dtype=np.int64), np.zeros((0, 0))
    scale = 1.0 / np.sqrt(np.diag(m))
    m *= scale[:, None]
    m *= scale[None, :]
    factor, piv, rank, _ = lapack.dpstrf(m, tol=RANK_TOL, lower=0, overwrite_a=1)
    order = piv[:rank] - 1
    # dpotri reads and writes only the upper triangle
    inverse, info = lapack.dpotri(factor[:rank, :rank], lower=0, overwrite_c=1)
    if info != 0:  # pragma: no cover - dpstrf leaves a nonsingular leading factor
        raise np.linalg.LinAlgError(f"dpotri failed ({info})")
    np.copyto(inverse, inverse.T, where=np.tri(rank, rank, -1, dtype=bool))
    inverse *= scale[order, None]
    inverse *= scale[None, order]
    return order, np.ascontiguousarray(inverse)  # LAPACK's is Fortran-ordered; sparse @ dense wants C


def _quadratic_diagonal(a: sp.csr_array, inverse: np.ndarray) -> np.ndarray:
    """diag(aᵀ inverse a) for sparse a (k x n) and dense symmetric inverse (k x k), in column blocks."""
    at = sp.csr_array(a.T)
    out = np.empty(at.shape[0])
    step = max(1, BLOCK // max(1, inverse.shape[0]))
    for start in range(0, at.shape[0], step):
        block = at[start : start + step]
        out[start : start + step] = np.asarray(block.multiply(block @ inverse).sum(axis=1)).ravel()
    return out


def _global(rows: sp.csr_array, columns: np.ndarray, n: int) -> sp.csr_array:
    """`rows` over a subset of the variables, re-indexed to all n variables."""
    return sp.csr_array((rows.data, columns[rows.indices], rows.indptr), shape=(rows.shape[0], n))


def solve_linear(
    matrix: sp.csr_array,
    rhs: np.ndarray,
    value: np.ndarray,
    sigma: np.ndarray,
    unknown: np.ndarray,
    labels: Sequence[str],
    elimination: Elimination | None = None,
) -> LinearSolution:
    """Weighted least squares under `matrix` y = `rhs`: measured variables (`value`, `sigma`; sigma 0 = a
    known constant) are adjusted, `unknown` ones estimated. Never raises on an inconsistent or
    under-determined system: such rows and unknowns are reported in `warnings` and by NaN."""
    n = matrix.shape[1]
    csc = sp.csc_array(matrix)
    unknown_idx = np.flatnonzero(unknown)
    measured_idx = np.flatnonzero(~unknown)
    elim = elimination if elimination is not None else eliminate(csc[:, unknown_idx])
    cm = csc[:, measured_idx]
    x = value[measured_idx]
    s = sigma[measured_idx]
    warnings: list[str] = []
    scale = max(1.0, float(np.max(np.abs(x), initial=0.0)), float(np.max(np.abs(rhs), initial=0.0)))

    a_all = sp.csr_array(elim.reduced_combos @ cm)
    a_all.data[np.abs(a_all.data) <= CANCEL_TOL] = 0.0
    a_all.eliminate_zeros()
    adjustable = s > 0
    b_all = elim.reduced_combos @ rhs - a_all[:, ~adjustable] @ x[~adjustable]
    a = sp.csr_array(a_all[:, adjustable])
    empty = np.diff(a.indptr) == 0
    for r in np.flatnonzero(empty & (np.abs(b_all) > 1e-9 * scale)):
        combo = elim.reduced_combos[[r]]
        warnings.append(
            f"the balance of {_describe(combo, labels)} cannot hold: all its flows are known or fixed and it is "
            f"off by {-b_all[r]:.6g} t"
        )
    a_empty = sp.csr_array(a_all[empty])
    a, b_all, a_kept = a[~empty], b_all[~empty], a_all[~empty]
    var = s[adjustable] ** 2
    weighted = a @ sp.diags_array(var)
    order, m_inv = _pivoted_inverse((weighted @ a.T).toarray())
    dependent = np.setdiff1d(np.arange(a.shape[0]), order)
    a_ind, b_ind = a[order], b_all[order]
    xa = x[adjustable]
    resid = a_ind @ xa - b_ind
    lam = m_inv @ resid
    for _ in range(2):  # iterative refinement: M λ = r to working precision, so the balances hold
        lam += m_inv @ (resid - a_ind @ (var * (a_ind.T @ lam)))
    xa_hat = xa - var * (a_ind.T @ lam)
    if dependent.size:
        off = np.abs(a[dependent] @ xa_hat - b_all[dependent])
        worst = f"; they are inconsistent (off by up to {off.max():.6g} t)" if off.max() > 1e-6 * scale else ""
        warnings.append(
            f"{dependent.size} balance equation(s) depend on the others (a closed loop of balanced facilities) "
            f"and were dropped{worst}"
        )
    v = var**2 * _quadratic_diagonal(a_ind, m_inv)
    testable = v > 1e-14 * var
    z = np.full(xa.size, np.nan)
    z[testable] = (xa_hat - xa)[testable] / np.sqrt(v[testable])

    estimate = np.full(n, np.nan)
    estimate_sigma = np.full(n, np.nan)
    normalized = np.full(n, np.nan)
    x_hat = x.copy()
    x_hat[adjustable] = xa_hat
    s_hat = np.zeros(x.size)
    s_hat[adjustable] = np.sqrt(np.clip(var - v, 0.0, None))
    estimate[measured_idx] = x_hat
    estimate_sigma[measured_idx] = s_hat
    normalized[measured_idx[adjustable]] = z
    redundant = np.zeros(n, dtype=bool)
    redundant[measured_idx] = np.diff(sp.csc_array(a_all).indptr) > 0
    gradient = np.zeros(n)
    gradient[measured_idx] = a_kept[order].T @ lam

    determinable = np.zeros(n, dtype=bool)
    if elim.pivots.size:
        lu = splu(sp.csc_array(elim.pivot_unknown[:, elim.pivots]), permc_spec="NATURAL", diag_pivot_thresh=0.0)
        amp = sp.csr_array(elim.pivot_combos @ cm)
        u = lu.solve(elim.pivot_combos @ rhs - amp @ x_hat)
        h = lu.solve(elim.pivot_unknown[:, elim.free].toarray()) if elim.free.size else np.zeros((u.size, 0))
        known = ~(np.abs(h) > DETERMINABLE_TOL).any(axis=1)
        amp_a = amp[:, adjustable]
        e = amp_a @ sp.diags_array(var) @ a_ind.T
        cov_rhs = (amp_a @ sp.diags_array(var) @ amp_a.T).toarray() - e @ (e @ m_inv).T
        half = lu.solve(cov_rhs)
        u_var = np.diag(lu.solve(np.ascontiguousarray(half.T)))
        idx = unknown_idx[elim.pivots[known]]
        estimate[idx] = u[known]
        estimate_sigma[idx] = np.sqrt(np.clip(u_var[known], 0.0, None))
        determinable[idx] = True
    undetermined = int(unknown.sum() - determinable.sum())
    if undetermined:
        warnings.append(f"{undetermined} unknown flow(s) cannot be determined from the balances")
    return LinearSolution(
        estimate=estimate,
        estimate_sigma=estimate_sigma,
        normalized_residual=normalized,
        redundant=redundant,
        determinable=determinable,
        chi2=float(resid @ lam),
        rank=int(order.size),
        gradient=gradient,
        reduced=_global(a_kept, measured_idx, n),
        pinning=_global(a_empty, measured_idx, n),
        warnings=tuple(warnings),
    )


@dataclass(frozen=True)
class BoundedSolution:
    """A `LinearSolution` with the bounds y >= 0 on `bounded` variables: `clipped` ones were fixed at 0.
    `chi2` adds each clipped measurement's (value / sigma)² to the linear χ², `dof` counts each clipped
    measurement as one more constraint."""

    linear: LinearSolution
    clipped: np.ndarray
    chi2: float
    dof: int
    warnings: tuple[str, ...]

    @property
    def p_value(self) -> float:
        """The global test: P(χ²(dof) >= chi2), NaN without degrees of freedom."""
        return p_value(self.chi2, self.dof)


def _bound_multipliers(multiplier: np.ndarray, fixed: np.ndarray, pinning: sp.csr_array) -> np.ndarray:
    """The bound multipliers of the fixed variables, closest to all >= 0. A reduced row holding only known
    variables adds its own free multiplier ν to theirs: choose ν by the linear program
    min Σ s  subject to  multiplier + Eᵀ ν + s >= 0, s >= 0 (E: those rows, over the fixed variables)."""
    e = sp.csc_array(pinning)[:, np.flatnonzero(fixed)]
    touched = np.flatnonzero(np.diff(e.indptr) > 0)
    if touched.size == 0:
        return multiplier
    e = sp.csc_array(e[:, touched])
    rows = np.flatnonzero(np.diff(sp.csr_array(e).indptr) > 0)
    e = sp.csc_array(e[rows])
    k, m = e.shape
    # variables [ν (free), s (>= 0)]; -Eᵀ ν - s <= multiplier
    constraint = sp.hstack([-e.T, -sp.eye_array(m)], format="csr")
    index = np.flatnonzero(fixed)[touched]
    lp = linprog(
        np.concatenate([np.zeros(k), np.ones(m)]),
        A_ub=constraint,
        b_ub=multiplier[index],
        bounds=[(None, None)] * k + [(0, None)] * m,
        method="highs",
    )
    if lp.status != 0:  # pragma: no cover - the program is always feasible and bounded below by 0
        return multiplier
    out = multiplier.copy()
    out[index] += e.T @ lp.x[:k]
    return out


def solve_nonnegative(
    matrix: sp.csr_array,
    rhs: np.ndarray,
    value: np.ndarray,
    sigma: np.ndarray,
    unknown: np.ndarray,
    labels: Sequence[str],
    bounded: np.ndarray,
    *,
    start: np.ndarray | None = None,
    max_rounds: int | None = None,
) -> BoundedSolution:
    """`solve_linear` with estimate >= 0 for `bounded` variables, by a primal-dual active set (Hintermüller,
    Ito & Kunisch 2002): fix every negative estimate at 0 (a known constant) and free every fixed variable
    whose bound multiplier is negative (the objective would fall if it rose), solve again, until neither
    happens. Should a set of fixed variables come back, it goes on cautiously: fix the negatives, else free
    only the most negative multiplier, and stops at a feasible set it already tried to leave. `start`:
    variables to fix at first (a warm start).
    Unknowns that are not determinable are not bounded."""
    fixed = np.zeros(value.size, dtype=bool) if start is None else start & bounded
    weight = np.zeros(value.size)
    measured = ~unknown & (sigma > 0)
    weight[measured] = 1.0 / sigma[measured] ** 2
    pull = np.where(measured, -np.nan_to_num(value) * weight, 0.0)
    rounds = max_rounds if max_rounds is not None else 2 * int(bounded.sum()) + 10
    cache: dict[bytes, Elimination] = {}
    seen: set[bytes] = set()
    released: set[bytes] = set()
    cautious = False
    warnings: list[str] = []
    tol = 1e-9 * max(1.0, float(np.nanmax(np.abs(value), initial=0.0)))
    for _ in range(rounds):
        free_unknown = unknown & ~fixed
        key = np.packbits(free_unknown).tobytes()
        if key not in cache:
            cache.clear()
            cache[key] = eliminate(sp.csc_array(matrix)[:, np.flatnonzero(free_unknown)])
        sol = solve_linear(
            matrix, rhs, np.where(fixed, 0.0, value), np.where(fixed, 0.0, sigma), free_unknown, labels, cache[key]
        )
        negative = bounded & ~fixed & (np.nan_to_num(sol.estimate, nan=0.0) < -tol)
        multiplier = _bound_multipliers(pull + sol.gradient, fixed, sol.pinning)
        wrong = fixed & (multiplier < -1e-9 * (np.abs(sol.gradient) + np.abs(pull) + 1e-300))
        if not (negative.any() or wrong.any()):
            break
        if not negative.any():
            state = np.packbits(fixed).tobytes()
            if state in released:
                break  # freeing any of them only comes back here: keep this feasible point
            released.add(state)
        if not cautious:
            fixed = (fixed & ~wrong) | negative
            state = np.packbits(fixed).tobytes()
            cautious = state in seen
            seen.add(state)
        elif negative.any():
            fixed |= negative
        else:
            fixed[np.argmin(np.where(wrong, multiplier, np.inf))] = False
    else:
        warnings.append(f"the non-negativity active set did not settle in {rounds} rounds; last solution kept")
    estimate = sol.estimate.copy()
    estimate[bounded & (estimate < 0)] = 0.0
    clipped_terms = float(np.sum((np.nan_to_num(value[fixed & measured]) ** 2) * weight[fixed & measured]))
    return BoundedSolution(
        linear=replace(sol, estimate=estimate),
        clipped=fixed,
        chi2=sol.chi2 + clipped_terms,
        dof=sol.rank + int((fixed & measured).sum()),
        warnings=tuple(warnings) + sol.warnings,
    )


def p_value(chi2: float, dof: int) -> float:
    """P(χ²(dof) >= chi2); NaN when dof is 0."""
    return float(chi2_distribution.sf(chi2, dof)) if dof > 0 else float("nan")


def critical_value(alpha: float, tests: int, *, sidak: bool = False) -> float:
    """Two-sided critical value of the standard normal for the measurement test at level `alpha`; with
    `sidak`, at the Šidák level 1 - (1 - alpha)^(1/tests) that keeps the chance of any false alarm among
    `tests` independent tests at alpha."""
    level = 1.0 - (1.0 - alpha) ** (1.0 / tests) if sidak and tests > 1 else alpha
    return float(norm.isf(level / 2.0))
