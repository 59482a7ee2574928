"""Two declarations of one hand-over are two measurements of one flow: reconciling the agreed quantities and adding
each disagreement to the global test equals the weighted least squares over every declaration (closed form)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mfa.domain.handovers import combine
from mfa.domain.reconciliation import reconcile
from mfa.domain.reconciliation.declarations import declaration_tests, with_disagreement


def declarations(rows: list[tuple[str, str, str, float, float]]) -> pl.DataFrame:
    """(source, target, side, tonnes, relative uncertainty) of one material in one period."""
    return pl.DataFrame(
        [
            {"period": "2024", "source": s, "target": t, "material": "fly_ash", "side": side}
            | {"quantity_t": q, "uncertainty": u, "data_quality": None}
            for s, t, side, q, u in rows
        ],
        schema_overrides={"data_quality": pl.String},
    )


def closed_form(x: np.ndarray, sigma: np.ndarray, design: np.ndarray, constraints: np.ndarray) -> tuple:
    """min (x − A y)ᵀ W (x − A y) subject to C y = 0, solved with its Lagrange system; (y, χ²)."""
    w = np.diag(1 / sigma**2)
    n, m = design.shape[1], constraints.shape[0]
    system = np.block([[design.T @ w @ design, constraints.T], [constraints, np.zeros((m, m))]])
    y = np.linalg.solve(system, np.concatenate([design.T @ w @ x, np.zeros(m)]))[:n]
    r = x - design @ y
    return y, float(r @ w @ r)


def test_a_disputed_hand_over_is_redundancy_the_global_test_sees() -> None:
    # S -> A declared by both (100 t and 92 t), A -> B by the sender only (95 t); A balances
    rows = [("S", "A", "sender", 100.0, 0.05), ("S", "A", "receiver", 92.0, 0.05), ("A", "B", "sender", 95.0, 0.05)]
    hand_overs = combine(declarations(rows)).collect()
    result = with_disagreement(reconcile(hand_overs, ["A"]), hand_overs)
    x, sigma = np.array([100.0, 92.0, 95.0]), np.array([5.0, 4.6, 4.75])
    y, chi2 = closed_form(x, sigma, np.array([[1, 0], [1, 0], [0, 1]]), np.array([[1, -1]]))
    assert result.flows["reconciled"].to_list() == pytest.approx(list(y), rel=1e-9)
    assert (result.chi2, result.dof) == (pytest.approx(chi2, rel=1e-9), 2)
    alone = reconcile(combine(declarations([rows[0], rows[2]])).collect(), ["A"])
    assert result.chi2 > alone.chi2  # the receiver's 92 t is one more measurement, and it disagrees
    tests = declaration_tests(hand_overs, result.critical_value)
    assert tests["normalized_difference"][0] == pytest.approx(-8 / np.hypot(5, 4.6), rel=1e-12)
    assert tests["disputed"].to_list() == [False]


@settings(max_examples=60, deadline=None)
@given(
    figures=st.lists(st.floats(10.0, 1000.0), min_size=5, max_size=5),
    uncertainty=st.lists(st.floats(0.01, 0.3), min_size=5, max_size=5),
)
def test_equal_to_the_closed_form_on_a_chain_with_two_disputed_hand_overs(
    figures: list[float], uncertainty: list[float]
) -> None:
    # S -> A (two declarations), A -> B (two), B -> C (one); A and B balance
    ends = [("S", "A", "sender"), ("S", "A", "receiver"), ("A", "B", "sender"), ("A", "B", "receiver")]
    ends.append(("B", "C", "sender"))
    rows = [(s, t, side, q, u) for (s, t, side), q, u in zip(ends, figures, uncertainty, strict=True)]
    hand_overs = combine(declarations(rows)).collect()
    plain = reconcile(hand_overs, ["A", "B"], nonnegative=False, eliminate_gross_errors=False)
    result = with_disagreement(plain, hand_overs)
    x = np.array(figures)
    sigma = x * np.array(uncertainty)
    design = np.array([[1, 0, 0], [1, 0, 0], [0, 1, 0], [0, 1, 0], [0, 0, 1]])
    y, chi2 = closed_form(x, sigma, design, np.array([[1, -1, 0], [0, 1, -1]]))
    got = dict(zip(result.flows["target"].to_list(), result.flows["reconciled"].to_list(), strict=True))
    assert [got["A"], got["B"], got["C"]] == pytest.approx(list(y), rel=1e-7)
    assert result.chi2 == pytest.approx(chi2, rel=1e-7) and result.dof == 4
