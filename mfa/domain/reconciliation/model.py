"""Data reconciliation of one period's flows (STAN-style Gaussian weighted least squares; method and
formulas: docs/reconciliation.md).

Reported flows carry a standard deviation; the balanced facilities must satisfy
sum(inflows) - sum(outflows) - stock_change = 0 over all materials together. `reconcile` adjusts the
measured flows as little as their uncertainties allow, estimates the unknown (null) flows, keeps every flow
non-negative, tests the data for gross errors and returns a `Reconciliation`. A balanced facility with a declared
transfer coefficient k ± tolerance balances as k·sum(inflows) - sum(outflows) - stock_change = e, e a measured 0 whose
σ stands for the tolerance. The constraints are rows made by builders (`balance_rows`) and solved by
`mfa.domain.reconciliation.solver`; `groups` finds the suspects the balances cannot tell apart.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
import polars as pl
import scipy.sparse as sp

from mfa.domain.flowframe import require_columns
from mfa.domain.handovers import DEFAULT_UNCERTAINTY
from mfa.domain.reconciliation.groups import GROUP_SCHEMA, assemble, parallel_columns
from mfa.domain.reconciliation.inputs import FLOW_COLUMNS, flow_frame, sigma_of, stock_frame  # noqa: F401
from mfa.domain.reconciliation.rows import Rows, balance_rows, stack_rows  # noqa: F401  (the builders, as before)
from mfa.domain.reconciliation.solver import BoundedSolution, critical_value, solve_nonnegative

NOT_BALANCED_KINDS = frozenset({"source", "boundary", "disposal", "energy_recovery"})
"""Facility kinds `default_balanced` never balances: matter enters or leaves the system there (energy recovery
turns most of its input into heat and flue gas, which are not recorded as flows)."""

FLAGS = ("ok", "gross_error_suspect", "non_redundant", "unknown_determined", "not_determinable", "clipped_at_zero")
"""What the reconciliation says of each flow (docs/reconciliation.md, section 'Flags')."""
Flag = pl.Enum(FLAGS)

TOLERANCE_Z = 1.959963984540054
"""A declared tolerance is the half-width of a 95 % range: σ of the coefficient = tolerance / TOLERANCE_Z, so a
facility at the end of its declared range with exactly known flows sits at |z| = 1.96, the measurement test's bound
at α = 0.05, as the mass-balance check puts it on the edge of its range."""

MAX_ELIMINATIONS = 50
"""Most measurements the serial elimination of gross errors removes before it stops with a warning."""

RESULT_SCHEMA = pl.Schema(
    [
        *((name, pl.Float64()) for name in ("reported", "sigma", "reconciled", "reconciled_sigma")),
        ("normalized_residual", pl.Float64()),
        ("flag", Flag),
    ]
)
COEFFICIENT_RESULT_SCHEMA = pl.Schema(
    {
        "facility": pl.String(),
        "declared": pl.Float64(),
        "tolerance": pl.Float64(),
        "observed": pl.Float64(),
        "reconciled": pl.Float64(),
        "normalized_residual": pl.Float64(),
        "flag": Flag,
    }
)
"""One row per balanced facility with a declared transfer coefficient: the coefficient and tolerance declared, the
ratio (outflow + stock change) ÷ inflow of the reported and of the reconciled values, and the test of the
declaration (the normalized residual and flag of its deviation e)."""


@dataclass(frozen=True)
class Reconciliation:
    """The reconciled flows of one period and the tests of the data.

    `flows`: period, source, target, material, reported, sigma, reconciled, reconciled_sigma,
    normalized_residual, flag (one row per input flow, in input order; tonnes). `stock_changes`: facility
    and the same columns for each stock change given. `chi2`, `dof`, `p_value`: the global test of the data as
    reported; `*_after`: the same once the gross error suspects are removed. `critical_value`: the bound on
    |normalized_residual| of the measurement test at level `alpha`."""

    flows: pl.DataFrame
    stock_changes: pl.DataFrame
    chi2: float
    dof: int
    p_value: float
    critical_value: float
    alpha: float
    chi2_after: float
    dof_after: int
    p_value_after: float
    balanced: list[str]
    warnings: list[str]
    coefficients: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=COEFFICIENT_RESULT_SCHEMA))
    groups: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=GROUP_SCHEMA))
    """Suspects the balances cannot tell apart (mfa.domain.reconciliation.groups.GROUP_SCHEMA); `variable` counts
    the rows of `flows`, then of `stock_changes`, then of `coefficients`."""

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict of the whole result; NaN and infinite numbers become null."""
        return {
            "flows": _records(self.flows),
            "stock_changes": _records(self.stock_changes),
            "chi2": _number(self.chi2),
            "dof": self.dof,
            "p_value": _number(self.p_value),
            "critical_value": _number(self.critical_value),
            "alpha": _number(self.alpha),
            "chi2_after": _number(self.chi2_after),
            "dof_after": self.dof_after,
            "p_value_after": _number(self.p_value_after),
            "balanced": list(self.balanced),
            "warnings": list(self.warnings),
            "coefficients": _records(self.coefficients),
            "groups": _records(self.groups),
        }


def _number(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def _records(frame: pl.DataFrame) -> list[dict[str, Any]]:
    return [{k: _number(v) if isinstance(v, float) else v for k, v in row.items()} for row in frame.to_dicts()]


def default_balanced(
    flows: pl.DataFrame | pl.LazyFrame, facilities: pl.DataFrame, declared: Iterable[str] = ()
) -> list[str]:
    """Facilities with at least one recorded inflow and one recorded outflow (self-loops aside; a null
    quantity counts as recorded) whose kind is not in NOT_BALANCED_KINDS, and those with a declared transfer
    coefficient (`declared`) and at least one recorded inflow, unless they are sources or boundary facilities.
    Facilities missing from `facilities` are not balanced: their kind is not known."""
    require_columns(flows, ["source", "target"], "flows")
    require_columns(facilities, ["code", "kind"], "facilities")
    links = flows.lazy().filter(pl.col("source") != pl.col("target"))
    inflows = links.select(code=pl.col("target")).unique()
    outflows = links.select(code=pl.col("source")).unique()
    kinds = facilities.lazy().select("code", "kind")
    both = inflows.join(outflows, on="code").join(kinds, on="code")
    codes = both.filter(~pl.col("kind").is_in(sorted(NOT_BALANCED_KINDS))).select("code").collect()
    with_coefficient = (
        inflows.join(kinds, on="code")
        .filter(pl.col("code").is_in(sorted(set(declared))), ~pl.col("kind").is_in(["source", "boundary"]))
        .select("code")
        .collect()
    )
    return sorted(set(codes["code"].to_list()) | set(with_coefficient["code"].to_list()))


def _strong_suspects(z: np.ndarray, strong: float, reduced: sp.csr_array) -> list[int]:
    """Measurements with |z| above `strong`, each the largest |z| of every balance it is in, taking them by
    decreasing |z| and skipping any that shares a balance with one taken."""
    taken: list[int] = []
    blocked = np.zeros(reduced.shape[0], dtype=bool)
    by_column = sp.csc_array(reduced)
    row_max = np.zeros(reduced.shape[0])
    filled = np.diff(reduced.indptr) > 0
    row_max[filled] = np.maximum.reduceat(z[reduced.indices], reduced.indptr[:-1][filled])
    for c in np.argsort(-z, kind="stable"):
        if z[c] <= strong:
            break
        rows = by_column.indices[by_column.indptr[c] : by_column.indptr[c + 1]]
        if rows.size and not blocked[rows].any() and z[c] >= row_max[rows].max():
            taken.append(int(c))
            blocked[rows] = True
    return taken


def _serial_elimination(
    solve: Callable[[np.ndarray, np.ndarray], BoundedSolution],
    first: BoundedSolution,
    unknown: np.ndarray,
    critical: tuple[float, float],
    alpha: float,
    names: Sequence[str],
    candidates: np.ndarray,
) -> tuple[BoundedSolution, dict[int, float], dict[int, list[tuple[int, float]]], list[str]]:
    """While the global test rejects, treat the measurement with the largest |normalized residual| above
    critical[0] as unknown and solve again; in one round, every measurement above the Šidák bound critical[1]
    that is the largest in its balances goes at once. Returns the last solution, {variable: its normalized
    residual when removed}, {variable: the `candidates` it could not be told apart from in the round that removed
    it (groups.parallel_columns)} and warnings."""
    current = first
    suspects: dict[int, float] = {}
    partners: dict[int, list[tuple[int, float]]] = {}
    warnings: list[str] = []
    while current.p_value < alpha:
        z = np.abs(np.nan_to_num(current.linear.normalized_residual, nan=0.0))
        if not (z > critical[0]).any():
            break
        if len(suspects) >= MAX_ELIMINATIONS:
            warnings.append(f"gross error elimination stopped after {MAX_ELIMINATIONS} suspects")
            break
        batch = _strong_suspects(z, critical[1], current.linear.reduced)[: MAX_ELIMINATIONS - len(suspects)]
        for attempt in ([*batch], [int(np.argmax(z))]):
            if not attempt:
                continue
            trial_unknown = unknown.copy()
            trial_unknown[[*suspects, *attempt]] = True
            trial = solve(trial_unknown, current.clipped)
            kept = trial.linear.determinable | trial.clipped
            if not (current.linear.determinable & ~kept).any() and kept[attempt].all():
                break
        else:
            warnings.append(
                f"gross error elimination stopped: without the value of {names[attempt[0]]} other flows could not "
                "be determined"
            )
            break
        suspects.update({c: float(current.linear.normalized_residual[c]) for c in attempt})
        partners.update({c: parallel_columns(current.linear.reduced, c, candidates) for c in attempt})
        current = trial
    return current, suspects, partners, warnings


def reconcile(
    flows: pl.DataFrame,
    balanced: Iterable[str],
    *,
    stock_change: Mapping[str, float] | pl.DataFrame | None = None,
    coefficients: Mapping[str, tuple[float, float]] | None = None,
    default_uncertainty: Mapping[str | None, float] | None = None,
    alpha: float = 0.05,
    nonnegative: bool = True,
    sidak: bool = False,
    eliminate_gross_errors: bool = True,
) -> Reconciliation:
    """Reconcile one period's flows so that every facility in `balanced` balances.

    `flows`: period, source, target, material, quantity_t (null = unknown) and optionally uncertainty
    (relative, e.g. 0.05) and data_quality (measured, calculated, estimated; default uncertainties in
    DEFAULT_UNCERTAINTY, overridden key by key by `default_uncertainty`). `stock_change`: facility -> tonnes
    (positive = stock grew), known exactly, or a frame facility, quantity_t, sigma (tonnes; null or 0 =
    exact). `coefficients`: facility -> (transfer coefficient k, tolerance) for balanced facilities that pass on
    only k of their input: their balance is k·inflow - outflow - stock change = e, e measured as 0 with
    σ = tolerance / TOLERANCE_Z × their reported inflow (a first-order linearisation at the reported inflows).
    `alpha`: level of the global chi-square test and of the measurement test (two-sided; `sidak`
    adjusts it for the number of measurements tested). `nonnegative`: keep every flow >= 0.
    `eliminate_gross_errors`: serial elimination of gross error suspects while the global test rejects.
    Inconsistent or under-determined data never raise: see `warnings` and the flags."""
    frame = flow_frame(flows)
    defaults = {**DEFAULT_UNCERTAINTY, **(default_uncertainty or {})}
    stocks = stock_frame(stock_change)
    codes = sorted(set(balanced))
    declared = {f: (float(k), float(tol)) for f, (k, tol) in (coefficients or {}).items() if f in set(codes)}
    if any(k < 0 or tol < 0 for k, tol in declared.values()):
        raise ValueError("transfer coefficients and their tolerances must be >= 0")
    with_k = sorted(declared)
    n_flows, n_stocks = frame.height, stocks.height
    sources = [*frame["source"].to_list(), *stocks["facility"].to_list(), *with_k]
    targets = [*frame["target"].to_list(), *([None] * (stocks.height + len(with_k)))]
    rows = balance_rows(sources, targets, codes, {f: k for f, (k, _tol) in declared.items()})
    matrix = rows.matrix(len(sources))
    reported_in = frame.group_by("target").agg(pl.col("quantity_t").sum())
    inflow_of = dict(zip(reported_in["target"].to_list(), reported_in["quantity_t"].to_list(), strict=True))
    deviation_sigma = [declared[f][1] / TOLERANCE_Z * float(inflow_of.get(f) or 0.0) for f in with_k]
    value = np.concatenate(
        [frame["quantity_t"].to_numpy().astype(float), stocks["quantity_t"].to_numpy(), np.zeros(len(with_k))]
    )
    sigma = np.concatenate(
        [sigma_of(frame, defaults).to_numpy().astype(float), stocks["sigma"].to_numpy(), np.array(deviation_sigma)]
    )
    unknown = np.isnan(value)
    bounded = np.zeros(value.size, dtype=bool)
    bounded[:n_flows] = nonnegative
    period = frame["period"][0] if n_flows else None
    names = [f"{s} -> {t} ({m})" for s, t, m in frame.select("source", "target", "material").iter_rows()]
    names += [f"stock change of {f}" for f in stocks["facility"]]
    names += [f"transfer coefficient of {f}" for f in with_k]

    empty = [code for code, count in zip(codes, np.diff(matrix.indptr), strict=True) if count == 0]
    warnings = [f"balanced facility {code} has no flows in period {period}" for code in empty]
    solve = partial(solve_nonnegative, matrix, rows.rhs, value, sigma, labels=rows.labels, bounded=bounded)
    first = solve(unknown=unknown)
    tested = first.linear.redundant & (sigma > 0) & ~unknown & ~first.clipped
    critical = critical_value(alpha, int(tested.sum()), sidak=sidak)
    strong = critical_value(alpha, int(tested.sum()), sidak=True)
    final = first
    suspects: dict[int, float] = {}
    partners: dict[int, list[tuple[int, float]]] = {}
    elimination_warnings: list[str] = []
    candidates = ~unknown & (sigma > 0)
    if eliminate_gross_errors:
        final, suspects, partners, elimination_warnings = _serial_elimination(
            lambda u, fixed: solve(unknown=u, start=fixed),
            first,
            unknown,
            (critical, strong),
            alpha,
            names,
            candidates,
        )
    warnings += [*first.warnings, *(w for w in final.warnings if w not in first.warnings), *elimination_warnings]

    solution = final.linear
    residual = solution.normalized_residual.copy()
    flag = np.full(value.size, "ok", dtype=object)
    flag[~unknown & ~solution.redundant] = "non_redundant"
    flag[~unknown & (np.abs(np.nan_to_num(residual)) > critical)] = "gross_error_suspect"
    flag[unknown] = np.where(solution.determinable[unknown], "unknown_determined", "not_determinable")
    flag[final.clipped] = "clipped_at_zero"
    for index, z in suspects.items():
        flag[index] = "gross_error_suspect"
        residual[index] = z
    for flagged in np.flatnonzero(np.isin(flag, ("gross_error_suspect", "clipped_at_zero"))).tolist():
        if flagged not in partners:
            partners[flagged] = parallel_columns(solution.reduced, flagged, candidates)
    groups = assemble(
        dict(sorted(partners.items(), key=lambda item: -abs(np.nan_to_num(residual[item[0]])))),
        value,
        solution.estimate,
        solution.estimate_sigma,
        critical_value(alpha, 1),
        bounded,
    )
    result = pl.DataFrame(
        {
            "reported": value,
            "sigma": np.where(unknown, np.nan, sigma),
            "reconciled": solution.estimate,
            "reconciled_sigma": solution.estimate_sigma,
            "normalized_residual": residual,
            "flag": flag.tolist(),
        },
        schema=RESULT_SCHEMA,
    ).with_columns(pl.col(pl.Float64).fill_nan(None))
    return Reconciliation(
        flows=pl.concat([frame.select("period", "source", "target", "material"), result[:n_flows]], how="horizontal"),
        stock_changes=pl.concat([stocks.select("facility"), result[n_flows : n_flows + n_stocks]], how="horizontal"),
        chi2=first.chi2,
        dof=first.dof,
        p_value=first.p_value,
        critical_value=critical,
        alpha=alpha,
        chi2_after=final.chi2,
        dof_after=final.dof,
        p_value_after=final.p_value,
        balanced=codes,
        warnings=warnings,
        coefficients=_coefficient_frame(
            with_k, declared, sources, targets, value, solution.estimate, result[n_flows + n_stocks :]
        ),
        groups=groups,
    )


def _coefficient_frame(
    facilities: Sequence[str],
    declared: Mapping[str, tuple[float, float]],
    sources: Sequence[str | None],
    targets: Sequence[str | None],
    reported: np.ndarray,
    reconciled: np.ndarray,
    deviations: pl.DataFrame,
) -> pl.DataFrame:
    """COEFFICIENT_RESULT_SCHEMA: per facility, (outflow + stock change) ÷ inflow of the reported values (null if one
    is unknown) and of the reconciled ones, beside the declaration and the test of its deviation."""
    n = len(sources) - len(facilities)
    out, into = np.array(sources[:n], dtype=object), np.array(targets[:n], dtype=object)

    def ratio(values: np.ndarray, facility: str) -> float | None:
        inflow, outflow = values[:n][into == facility].sum(), values[:n][out == facility].sum()
        return None if not np.isfinite(inflow + outflow) or inflow <= 0 else float(outflow / inflow)

    return pl.DataFrame(
        {
            "facility": list(facilities),
            "declared": [declared[f][0] for f in facilities],
            "tolerance": [declared[f][1] for f in facilities],
            "observed": [ratio(reported, f) for f in facilities],
            "reconciled": [ratio(reconciled, f) for f in facilities],
            "normalized_residual": deviations["normalized_residual"],
            "flag": deviations["flag"],
        },
        schema=COEFFICIENT_RESULT_SCHEMA,
    )
