"""Data reconciliation (mfa.domain.reconciliation): closed forms worked by hand, a textbook example, and random
networks against an independent dense implementation."""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Sequence

import hypothesis.strategies as st
import numpy as np
import polars as pl
import pytest
import scipy.linalg
from hypothesis import assume, given, settings
from polars.testing import assert_frame_equal
from scipy.stats import chi2 as chi2_distribution

from mfa.domain.reconciliation.model import (
    DEFAULT_UNCERTAINTY,
    FLAGS,
    balance_rows,
    default_balanced,
    reconcile,
    stack_rows,
)
from mfa.domain.reconciliation.solver import critical_value

Edge = tuple[str, str, float | None, float | None, str | None]


def flow_frame(edges: Sequence[Edge], period: str = "2024") -> pl.DataFrame:
    """One flow per (source, target, quantity_t or None = unknown, uncertainty, data_quality)."""
    return pl.DataFrame(
        {
            "period": [period] * len(edges),
            "source": [e[0] for e in edges],
            "target": [e[1] for e in edges],
            "material": ["fly_ash"] * len(edges),
            "quantity_t": [e[2] for e in edges],
            "uncertainty": [e[3] for e in edges],
            "data_quality": [e[4] for e in edges],
        },
        schema_overrides={"quantity_t": pl.Float64, "uncertainty": pl.Float64, "data_quality": pl.String},
    )


def column(result: pl.DataFrame, name: str) -> np.ndarray:
    return result[name].fill_null(np.nan).to_numpy()


def incidence(frame: pl.DataFrame, balanced: list[str]) -> np.ndarray:
    a = np.zeros((len(balanced), frame.height))
    for j, (s, t) in enumerate(frame.select("source", "target").iter_rows()):
        if t in balanced:
            a[balanced.index(t), j] += 1.0
        if s in balanced:
            a[balanced.index(s), j] -= 1.0
    return a


def dense_reference(frame: pl.DataFrame, balanced: list[str]) -> dict[str, np.ndarray | float | int]:
    """The textbook closed form, dense and independent of mfa: unknowns projected out with an SVD null space
    (P A_u = 0), then with B = A Σ^½ and Π the orthogonal projector on the row space of B (from an SVD, which
    stays accurate when A Σ Aᵀ is ill-conditioned): x̂ = x - Σ Aᵀ (A Σ Aᵀ)⁺ A x = x - Σ^½ Π Σ^-½ x,
    cov x̂ = Σ^½ (I - Π) Σ^½, V = Σ^½ Π Σ^½, χ² = |Π Σ^-½ x|²; unknowns by least squares, their variances by
    propagation."""
    a_full = incidence(frame, balanced)
    x_all = frame["quantity_t"].fill_null(np.nan).to_numpy()
    unknown = np.isnan(x_all)
    sigma = (frame["uncertainty"].to_numpy() * np.abs(x_all))[~unknown]
    a_u, a_m, x = a_full[:, unknown], a_full[:, ~unknown], x_all[~unknown]
    p = scipy.linalg.null_space(a_u.T).T if unknown.any() else np.eye(len(balanced))
    a = p @ a_m
    a[np.abs(a) < 1e-10] = 0.0  # P has O(1) entries: anything this small is rounding of an exact 0
    b = a * sigma[None, :]
    _, singular, vt = np.linalg.svd(b) if b.size else (None, np.zeros(0), np.zeros((0, x.size)))
    rank = int((singular > 1e-12 * singular.max(initial=0.0)).sum())
    basis = vt[:rank].T
    projector = basis @ basis.T
    scaled = x / sigma
    x_hat = x - sigma * (projector @ scaled)
    v = sigma[:, None] * projector * sigma[None, :]
    cov_hat = np.diag(sigma**2) - v
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(np.diag(projector) > 1e-12, (x_hat - x) / np.sqrt(np.diag(v)), np.nan)
    gain = -np.linalg.pinv(a_u) @ a_m
    null = scipy.linalg.null_space(a_u)
    return {
        "x_hat": x_hat,
        "variance_hat": np.diag(cov_hat),
        "z": z,
        "redundant": np.abs(a).max(axis=0, initial=0.0) > 0,
        "u": gain @ x_hat,
        "variance_u": np.diag(gain @ cov_hat @ gain.T),
        "determinable": np.abs(null).max(axis=1, initial=0.0) < 1e-9,
        "chi2": float(np.sum((basis.T @ scaled) ** 2)),
        "dof": rank,
        "unknown": unknown,
    }


# (1) One node, two measured inputs, one measured output; σ from the data-quality defaults.
def test_single_node_matches_the_closed_form() -> None:
    frame = flow_frame(
        [
            ("src1", "A", 100.0, None, "measured"),  # σ = 0.05 x 100 = 5
            ("src2", "A", 50.0, None, "calculated"),  # σ = 0.10 x 50 = 5
            ("A", "sink", 160.0, None, None),  # σ = 0.25 x 160 = 40
        ]
    )
    result = reconcile(frame, ["A"])
    # One constraint c·x = 0 with c = (1, 1, -1): r = c·x, x̂_i = x_i - σ_i² c_i r / Σσ², worked by hand:
    sigma = np.array([5.0, 5.0, 40.0])
    c = np.array([1.0, 1.0, -1.0])
    r = 100.0 + 50.0 - 160.0
    total = float(np.sum(sigma**2))  # 1650
    expected = np.array([100.0, 50.0, 160.0]) - sigma**2 * c * r / total
    assert column(result.flows, "reconciled") == pytest.approx(expected, rel=1e-12)
    assert column(result.flows, "sigma") == pytest.approx(sigma)
    assert column(result.flows, "reconciled_sigma") == pytest.approx(np.sqrt(sigma**2 - sigma**4 / total))
    # each adjustment has variance σ_i⁴/Σσ², so |z| = |r| / sqrt(Σσ²) for all three
    assert np.abs(column(result.flows, "normalized_residual")) == pytest.approx(np.full(3, 10.0 / math.sqrt(total)))
    assert result.chi2 == pytest.approx(r**2 / total)
    assert result.dof == 1
    assert result.p_value == pytest.approx(chi2_distribution.sf(r**2 / total, 1))
    assert result.flows["flag"].to_list() == ["ok"] * 3
    assert result.warnings == []


# (2) An unmeasured flow between two balanced facilities is determined by the reconciled measurements.
def test_unknown_flow_is_determined() -> None:
    frame = flow_frame([("src", "A", 100.0, 0.05, None), ("A", "B", None, None, None), ("B", "sink", 90.0, 0.05, None)])
    result = reconcile(frame, ["A", "B"])
    # eliminating u leaves x1 - x3 = 0: r = 10, Σσ² = 25 + 20.25
    total = 25.0 + 4.5**2
    x1 = 100.0 - 25.0 * 10.0 / total
    assert column(result.flows, "reconciled") == pytest.approx([x1, x1, x1])
    sigma1 = math.sqrt(25.0 - 25.0**2 / total)
    assert column(result.flows, "reconciled_sigma")[1] == pytest.approx(sigma1)
    assert result.flows["flag"].to_list() == ["ok", "unknown_determined", "ok"]
    assert result.flows["reported"][1] is None and result.flows["sigma"][1] is None
    assert result.dof == 1


# (3) A measurement no constraint reaches once the unknown is eliminated: kept as reported.
def test_non_redundant_measurement_is_unchanged() -> None:
    frame = flow_frame([("src", "A", 100.0, 0.05, None), ("A", "k1", 60.0, 0.05, None), ("A", "k2", None, None, None)])
    result = reconcile(frame, ["A"])
    assert column(result.flows, "reconciled") == pytest.approx([100.0, 60.0, 40.0])
    assert column(result.flows, "reconciled_sigma") == pytest.approx([5.0, 3.0, math.sqrt(25.0 + 9.0)])
    assert result.flows["flag"].to_list() == ["non_redundant", "non_redundant", "unknown_determined"]
    assert result.flows["normalized_residual"].null_count() == 3
    assert (result.chi2, result.dof) == (0.0, 0)
    assert result.to_json()["p_value"] is None


GROSS = [
    ("S", "A", 100.0),
    ("A", "B", 60.0),
    ("A", "C", 400.0),  # true value 40: reported 10 times too large
    ("B", "D", 60.0),
    ("C", "D", 40.0),
    ("D", "K", 100.0),
    ("S", "B", 20.0),
    ("B", "K", 20.0),
    ("S", "C", 10.0),
    ("C", "K", 10.0),
]


# (4) A gross error in a redundant network: the global test rejects, the measurement test points at it.
def test_gross_error_is_flagged_alone() -> None:
    frame = flow_frame([(s, t, q, 0.05, "measured") for s, t, q in GROSS])
    balanced = ["A", "B", "C", "D"]
    result = reconcile(frame, balanced)
    reference = dense_reference(frame, balanced)
    assert result.p_value < 0.05
    assert result.chi2 == pytest.approx(reference["chi2"])
    z_first = np.abs(np.asarray(reference["z"]))
    assert int(np.argmax(z_first)) == 2
    assert np.sort(z_first)[-2] > result.critical_value  # flagging by threshold alone would smear
    flags = result.flows["flag"].to_list()
    assert flags[2] == "gross_error_suspect"
    assert [f for i, f in enumerate(flags) if i != 2] == ["ok"] * 9
    assert result.flows["normalized_residual"][2] == pytest.approx(-z_first[2])
    # removed, its value comes from the others, which are exact: 40 and a balanced network
    assert column(result.flows, "reconciled") == pytest.approx(
        [40.0 if i == 2 else q for i, (*_, q) in enumerate(GROSS)]
    )
    assert result.p_value_after == pytest.approx(1.0)
    assert result.dof_after == result.dof - 1


def test_gross_errors_by_threshold_only_when_elimination_is_off() -> None:
    frame = flow_frame([(s, t, q, 0.05, "measured") for s, t, q in GROSS])
    result = reconcile(frame, ["A", "B", "C", "D"], eliminate_gross_errors=False)
    z = np.abs(column(result.flows, "normalized_residual"))
    flagged = result.flows["flag"].to_numpy() == "gross_error_suspect"
    assert (flagged == (z > result.critical_value)).all()
    assert flagged.sum() > 1 and flagged[2]
    assert result.chi2_after == result.chi2


# (5) Inconsistent or under-determined systems give warnings, never exceptions.
def test_exact_flows_that_cannot_balance_warn() -> None:
    frame = flow_frame([("S", "A", 10.0, 0.0, None), ("A", "K", 5.0, 0.0, None)])
    result = reconcile(frame, ["A"])
    assert any("cannot hold" in w and "A" in w for w in result.warnings)
    assert column(result.flows, "reconciled") == pytest.approx([10.0, 5.0])
    assert math.isnan(result.p_value)
    json.dumps(result.to_json(), allow_nan=False)


def test_unknown_cycle_is_not_determinable() -> None:
    frame = flow_frame(
        [
            ("S", "A", 10.0, 0.05, None),
            ("A", "B", None, None, None),
            ("B", "A", None, None, None),
            ("B", "K", 10.5, 0.05, None),
        ]
    )
    result = reconcile(frame, ["A", "B"])
    assert result.flows["flag"].to_list() == ["ok", "not_determinable", "not_determinable", "ok"]
    assert result.flows["reconciled"][1] is None and result.flows["reconciled_sigma"][2] is None
    assert any("cannot be determined" in w for w in result.warnings)
    x = column(result.flows, "reconciled")
    assert x[0] == pytest.approx(x[3])


def test_closed_loop_drops_the_dependent_balance() -> None:
    frame = flow_frame([("A", "B", 10.0, 0.05, None), ("B", "A", 10.5, 0.05, None)])
    result = reconcile(frame, ["A", "B"])
    assert any("depend on the others" in w for w in result.warnings)
    assert not any("inconsistent" in w for w in result.warnings)
    x = column(result.flows, "reconciled")
    assert x[0] == pytest.approx(x[1])
    assert result.dof == 1


def test_inconsistent_dependent_balances_and_empty_facilities_warn() -> None:
    # A and B form a closed loop whose known stock changes do not add up; C is balanced but has no flows.
    frame = flow_frame([("A", "B", 10.0, 0.05, None), ("B", "A", 12.0, 0.05, None), ("S", "D", None, None, None)])
    result = reconcile(frame, ["A", "B", "C", "D"], stock_change={"A": 5.0, "B": 1.0})
    assert any("inconsistent" in w for w in result.warnings)
    assert any("C has no flows" in w for w in result.warnings)
    assert result.flows["flag"][2] == "unknown_determined"  # D balances only if nothing enters it
    assert result.flows["reconciled"][2] == pytest.approx(0.0)


# (6) Non-negativity: plain WLS would send a flow below zero. A small, uncertain outflow (10 ± 15 t) takes
# most of a 12 t imbalance; the data pass both tests, so only the bound acts.
CLIP: list[Edge] = [("S", "A", 100.0, 0.01, None), ("A", "K1", 102.0, 0.01, None), ("A", "K2", 10.0, 1.5, None)]


def test_negative_measurement_is_clipped_at_zero() -> None:
    frame = flow_frame(CLIP)
    variances = np.array([1.0, 1.02**2, 15.0**2])
    plain = reconcile(frame, ["A"], nonnegative=False)
    assert plain.flows["reconciled"][2] == pytest.approx(10.0 - variances[2] * 12.0 / variances.sum())  # < 0
    assert plain.flows["reconciled"][2] < 0
    result = reconcile(frame, ["A"])
    # K2 fixed at 0; the rest is the closed form of in - out1 = 0 with r = -2
    meet = 100.0 + variances[0] * 2.0 / variances[:2].sum()
    x = column(result.flows, "reconciled")
    assert x == pytest.approx([meet, meet, 0.0])
    assert x[0] - x[1] - x[2] == pytest.approx(0.0, abs=1e-9)
    assert result.flows["flag"].to_list() == ["ok", "ok", "clipped_at_zero"]
    assert result.flows["reconciled_sigma"][2] == 0.0
    assert result.chi2 == pytest.approx(4.0 / variances[:2].sum() + (10.0 / 15.0) ** 2)
    assert result.dof == 2  # the balance and the bound
    assert result.chi2 == pytest.approx(brute_force_nonnegative(frame, ["A"])[1])


def test_negative_unknown_is_clipped_at_zero() -> None:
    frame = flow_frame([*CLIP[:2], ("A", "K2", None, None, None)])
    result = reconcile(frame, ["A"])
    meet = 100.0 + 2.0 / (1.0 + 1.02**2)
    assert column(result.flows, "reconciled") == pytest.approx([meet, meet, 0.0])
    assert result.flows["flag"].to_list() == ["ok", "ok", "clipped_at_zero"]
    assert result.dof == 1


# (7) Narasimhan & Jordache (2000), "Data Reconciliation and Gross Error Detection", Gulf Publishing: the
# heat exchanger with bypass used in their chapters 1 and 3 (splitter -> exchanger | bypass valve -> mixer),
# six flows measured with unit variance. Measurements as transcribed in the dr-ged-benchmarks collection
# (github.com/EDSONCV/dr-ged-benchmarks, GED/2011/scilab/P4/P4.sce, citing the book); reconciled values as
# published (100.22, 64.50, 35.72, 64.50, 35.72, 100.22), which the dense closed form reproduces.
NJ_MEASURED = [101.91, 64.45, 34.65, 64.20, 36.44, 98.88]
NJ_RECONCILED = [100.22, 64.50, 35.72, 64.50, 35.72, 100.22]
NJ_EDGES = [
    ("feed", "splitter"),
    ("splitter", "exchanger"),
    ("splitter", "valve"),
    ("exchanger", "mixer"),
    ("valve", "mixer"),
    ("mixer", "product"),
]
NJ_BALANCED = ["splitter", "exchanger", "valve", "mixer"]


def nj_frame() -> pl.DataFrame:
    return flow_frame([(s, t, x, 1.0 / x, None) for (s, t), x in zip(NJ_EDGES, NJ_MEASURED, strict=True)])


def test_narasimhan_jordache_heat_exchanger_with_bypass() -> None:
    frame = nj_frame()
    result = reconcile(frame, NJ_BALANCED)
    reference = dense_reference(frame, NJ_BALANCED)
    x = column(result.flows, "reconciled")
    assert np.round(x, 2) == pytest.approx(NJ_RECONCILED, abs=1e-9)
    assert x == pytest.approx(reference["x_hat"], rel=1e-10)
    assert column(result.flows, "normalized_residual") == pytest.approx(reference["z"], rel=1e-8)
    assert result.chi2 == pytest.approx(reference["chi2"]) and result.dof == 4
    assert result.p_value > 0.05  # the global test passes: nothing is eliminated
    # at 1.96 the measurement test flags stream 1 (|z| = 2.07); with Šidák's bound for 6 tests it does not
    assert result.flows["flag"].to_list() == ["gross_error_suspect"] + ["ok"] * 5
    sidak = reconcile(frame, NJ_BALANCED, sidak=True)
    assert sidak.critical_value == pytest.approx(critical_value(0.05, 6, sidak=True))
    assert sidak.critical_value > 2.07
    assert sidak.flows["flag"].to_list() == ["ok"] * 6


def test_nj_with_an_unmeasured_bypass() -> None:
    frame = nj_frame().with_columns(
        quantity_t=pl.when(pl.col("target") == "valve").then(None).otherwise(pl.col("quantity_t"))
    )
    result = reconcile(frame, NJ_BALANCED)
    reference = dense_reference(frame, NJ_BALANCED)
    x = column(result.flows, "reconciled")
    unknown = np.asarray(reference["unknown"])
    assert x[~unknown] == pytest.approx(reference["x_hat"], rel=1e-10)
    assert x[unknown] == pytest.approx(reference["u"], rel=1e-10)
    assert column(result.flows, "reconciled_sigma")[unknown] ** 2 == pytest.approx(reference["variance_u"], rel=1e-8)


# (8) Random small networks against the dense closed form.
NODES = ["B0", "B1", "B2", "B3", "S", "K"]


@st.composite
def networks(draw: st.DrawFn, unknown_share: float = 0.3) -> tuple[pl.DataFrame, list[str]]:
    n_edges = draw(st.integers(1, 10))
    edges: list[Edge] = []
    for _ in range(n_edges):
        s, t = draw(st.sampled_from(NODES)), draw(st.sampled_from(NODES))
        q = draw(st.floats(1.0, 1000.0)) if draw(st.floats(0, 1)) >= unknown_share else None
        edges.append((s, t, q, draw(st.floats(0.01, 0.5)), None))
    balanced = draw(st.lists(st.sampled_from(NODES[:4]), min_size=1, max_size=4, unique=True))
    return flow_frame(edges), sorted(balanced)


@settings(max_examples=80, deadline=None)
@given(networks())
def test_random_networks_match_the_dense_closed_form(network: tuple[pl.DataFrame, list[str]]) -> None:
    frame, balanced = network
    result = reconcile(frame, balanced, nonnegative=False, eliminate_gross_errors=False)
    reference = dense_reference(frame, balanced)
    unknown = np.asarray(reference["unknown"])
    x = column(result.flows, "reconciled")
    sigma_hat = column(result.flows, "reconciled_sigma")
    flags = result.flows["flag"].to_numpy()
    scale = float(np.nanmax(np.abs(frame["quantity_t"].to_numpy()), initial=1.0))
    # the loss to rounding grows with the condition of A Σ Aᵀ (σ spans 0.01 to 500 here): variances are
    # compared since σ = sqrt(σ² - V) would amplify it where a flow is fully determined (σ̂ = 0)
    variance_scale = float(np.nanmax(column(result.flows, "sigma") ** 2, initial=1.0))
    assert x[~unknown] == pytest.approx(reference["x_hat"], rel=1e-6, abs=1e-6 * scale)
    assert sigma_hat[~unknown] ** 2 == pytest.approx(reference["variance_hat"], rel=1e-6, abs=1e-6 * variance_scale)
    z = column(result.flows, "normalized_residual")[~unknown]
    assert z == pytest.approx(reference["z"], rel=1e-6, abs=1e-6, nan_ok=True)
    assert ((flags[~unknown] != "non_redundant") == reference["redundant"]).all()
    determinable = np.asarray(reference["determinable"])
    assert ((flags[unknown] == "unknown_determined") == determinable).all()
    assert x[unknown][determinable] == pytest.approx(np.asarray(reference["u"])[determinable], abs=1e-6 * scale)
    assert sigma_hat[unknown][determinable] ** 2 == pytest.approx(
        np.asarray(reference["variance_u"])[determinable], rel=1e-6, abs=1e-6 * variance_scale
    )
    # every balance whose flows are all known holds
    a = incidence(frame, balanced)
    for row in a:
        if not np.isnan(x[row != 0]).any():
            assert abs(row @ np.nan_to_num(x)) <= 1e-6 * scale
    # χ² = rᵀ(AΣAᵀ)⁻¹r equals the weighted sum of squared adjustments
    reported, sigma = column(result.flows, "reported"), column(result.flows, "sigma")
    weighted = np.nansum(((x - reported) / sigma)[~unknown] ** 2)
    assert result.chi2 == pytest.approx(weighted, rel=1e-6, abs=1e-6)
    assert result.chi2 == pytest.approx(reference["chi2"], rel=1e-6, abs=1e-6)
    assert result.dof == reference["dof"]


def brute_force_nonnegative(frame: pl.DataFrame, balanced: list[str]) -> tuple[np.ndarray, float]:
    """The non-negative WLS optimum by trying every set of flows fixed at 0 (dropped from the network) with
    the dense closed form; the feasible set with the least objective wins. Unknowns must be determinable."""
    x = frame["quantity_t"].fill_null(np.nan).to_numpy()
    sigma = frame["uncertainty"].to_numpy() * np.abs(x)
    best: tuple[np.ndarray, float] = (x, math.inf)
    for size in range(x.size + 1):
        for zeros in itertools.combinations(range(x.size), size):
            keep = np.ones(x.size, dtype=bool)
            keep[list(zeros)] = False
            reference = dense_reference(frame.filter(pl.Series(keep)), balanced)
            estimate = np.zeros(x.size)
            kept_unknown = np.asarray(reference["unknown"])
            estimate[np.flatnonzero(keep)[~kept_unknown]] = reference["x_hat"]
            estimate[np.flatnonzero(keep)[kept_unknown]] = reference["u"]
            feasible = (estimate >= -1e-9).all()
            if not feasible or np.abs(incidence(frame, balanced) @ estimate).max(initial=0.0) > 1e-6 * np.nanmax(
                x, initial=1.0
            ):
                continue
            measured = ~np.isnan(x)
            objective = float(np.sum(((estimate - x)[measured] / sigma[measured]) ** 2))
            if objective < best[1] - 1e-9:
                best = (estimate, objective)
    return best


@settings(max_examples=60, deadline=None)
@given(networks(unknown_share=0.2))
def test_nonnegative_solution_is_the_constrained_optimum(network: tuple[pl.DataFrame, list[str]]) -> None:
    frame, balanced = network
    assume(frame.height <= 8)
    assume(np.asarray(dense_reference(frame, balanced)["determinable"]).all())
    result = reconcile(frame, balanced, eliminate_gross_errors=False)
    estimate, objective = brute_force_nonnegative(frame, balanced)
    x = column(result.flows, "reconciled")
    scale = float(np.nanmax(column(frame, "quantity_t"), initial=1.0))
    assert (x >= 0).all()
    assert x == pytest.approx(estimate, abs=1e-6 * scale)
    assert result.chi2 == pytest.approx(objective, rel=1e-6, abs=1e-9)
    clipped = result.flows["flag"].to_numpy() == "clipped_at_zero"
    assert (x[clipped] == 0).all()


# Inputs, defaults and output.
def test_stock_changes_known_and_measured() -> None:
    frame = flow_frame([("S", "A", 100.0, 0.05, None), ("A", "K", 80.0, 0.05, None)])
    known = reconcile(frame, ["A"], stock_change={"A": 20.0})
    assert column(known.flows, "reconciled") == pytest.approx([100.0, 80.0])
    assert known.stock_changes["flag"].to_list() == ["ok"]
    measured = reconcile(
        frame, ["A"], stock_change=pl.DataFrame({"facility": ["A"], "quantity_t": [10.0], "sigma": [3.0]})
    )
    # r = 100 - 80 - 10 = 10 over Σσ² = 25 + 16 + 9
    assert column(measured.flows, "reconciled") == pytest.approx([95.0, 83.2])
    assert measured.stock_changes["reconciled"].to_list() == pytest.approx([11.8])
    assert measured.stock_changes["reconciled_sigma"][0] == pytest.approx(math.sqrt(9.0 - 81.0 / 50.0))


def test_default_uncertainty_by_quality_and_override() -> None:
    assert dict(DEFAULT_UNCERTAINTY) == {"measured": 0.05, "calculated": 0.10, "estimated": 0.25, None: 0.25}
    frame = flow_frame(
        [
            ("S", "A", 100.0, None, "measured"),
            ("S", "A", 100.0, None, "calculated"),
            ("A", "K", 100.0, None, "estimated"),
            ("A", "K", 100.0, 0.02, "estimated"),
            ("A", "K", 100.0, None, None),
        ]
    )
    assert column(reconcile(frame, []).flows, "sigma") == pytest.approx([5.0, 10.0, 25.0, 2.0, 25.0])
    overridden = reconcile(frame, [], default_uncertainty={"estimated": 0.5, None: 0.3})
    assert column(overridden.flows, "sigma") == pytest.approx([5.0, 10.0, 50.0, 2.0, 30.0])


def test_bad_inputs_raise() -> None:
    frame = flow_frame([("S", "A", 1.0, None, "guessed")])
    with pytest.raises(ValueError, match="no default uncertainty for data quality"):
        reconcile(frame, ["A"])
    two = pl.concat([flow_frame([("S", "A", 1.0, None, None)]), flow_frame([("S", "A", 1.0, None, None)], "2025")])
    with pytest.raises(ValueError, match="2 periods"):
        reconcile(two, ["A"])
    with pytest.raises(ValueError, match="lacks column"):
        reconcile(frame.drop("quantity_t"), ["A"])
    with pytest.raises(ValueError, match=">= 0"):
        reconcile(flow_frame([("S", "A", 1.0, -0.1, None)]), ["A"])


def test_result_shape_json_and_input_untouched() -> None:
    frame = nj_frame()
    before = frame.clone()
    result = reconcile(frame, NJ_BALANCED)
    assert_frame_equal(frame, before)
    assert result.flows.columns == [
        "period",
        "source",
        "target",
        "material",
        "reported",
        "sigma",
        "reconciled",
        "reconciled_sigma",
        "normalized_residual",
        "flag",
    ]
    assert set(result.flows["flag"].to_list()) <= set(FLAGS)
    payload = result.to_json()
    assert {"flows", "chi2", "dof", "p_value", "balanced", "warnings"} <= payload.keys()
    assert payload["flows"][0]["source"] == "feed" and payload["balanced"] == sorted(NJ_BALANCED)
    json.dumps(payload, allow_nan=False)
    empty = reconcile(frame.clear(), [])
    assert empty.flows.height == 0 and empty.dof == 0


def test_default_balanced_rule() -> None:
    frame = flow_frame(
        [
            ("src", "col", 1.0, None, None),
            ("col", "rec", 1.0, None, None),
            ("rec", "landfill", None, None, None),
            ("landfill", "out", 1.0, None, None),
            ("out", "rec", 1.0, None, None),
            ("rec", "out", 1.0, None, None),
            ("loop", "loop", 1.0, None, None),
            ("col", "ghost", 1.0, None, None),
            ("ghost", "col", 1.0, None, None),
        ]
    )
    facilities = pl.DataFrame(
        {
            "code": ["src", "col", "rec", "landfill", "out", "loop"],
            "kind": ["source", "collection", "recycling", "disposal", "boundary", "storage"],
        }
    )
    assert default_balanced(frame, facilities) == ["col", "rec"]


def test_constraint_rows_stack() -> None:
    sources, targets = ["S", "A", "B", "A"], ["A", "B", "K", None]  # the last is a stock change of A
    one_by_one = stack_rows(balance_rows(sources, targets, ["A"]), balance_rows(sources, targets, ["B"]))
    together = balance_rows(sources, targets, ["A", "B"])
    assert one_by_one.labels == together.labels == ("A", "B")
    assert (one_by_one.matrix(4).toarray() == together.matrix(4).toarray()).all()
    assert together.matrix(4).toarray().tolist() == [[1, -1, 0, -1], [0, 1, -1, 0]]
