"""Constraint rows: linear equations over the variable vector (flows, stock changes, declared coefficients' deviations)
as coordinate triplets, made by builders and stacked; the solver sees only C y = d."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp


@dataclass(frozen=True)
class Rows:
    """Linear constraint rows: sum over j of coef * y[col] = rhs[row], as coordinate triplets plus one label
    per row (what the row balances, for warnings). Builders return these; `stack_rows` joins them."""

    row: np.ndarray
    col: np.ndarray
    coef: np.ndarray
    rhs: np.ndarray
    labels: tuple[str, ...]

    def matrix(self, n_variables: int) -> sp.csr_array:
        """The rows as a sparse matrix with one column per variable (duplicates summed)."""
        shape = (len(self.labels), n_variables)
        return sp.csr_array((self.coef.astype(float), (self.row, self.col)), shape=shape)


def stack_rows(*parts: Rows) -> Rows:
    """The rows of every part, one below the other."""
    offsets = np.cumsum([0] + [len(p.labels) for p in parts])
    return Rows(
        row=np.concatenate([p.row + o for p, o in zip(parts, offsets, strict=False)] or [np.zeros(0, int)]),
        col=np.concatenate([p.col for p in parts] or [np.zeros(0, int)]),
        coef=np.concatenate([p.coef for p in parts] or [np.zeros(0)]),
        rhs=np.concatenate([p.rhs for p in parts] or [np.zeros(0)]),
        labels=tuple(itertools.chain.from_iterable(p.labels for p in parts)),
    )


def balance_rows(
    sources: Sequence[str | None],
    targets: Sequence[str | None],
    balanced: Sequence[str],
    inflow_scale: Mapping[str, float] | None = None,
) -> Rows:
    """One row per balanced facility: +1 for each variable flowing into it (+k for a facility with a transfer
    coefficient k in `inflow_scale`), -1 for each flowing out, = 0. Variable i runs from sources[i] to targets[i];
    None is outside every balance (a stock change of facility F is a variable from F to None: stock growth leaves
    the flows like an outflow)."""
    position = {code: i for i, code in enumerate(balanced)}
    scale = inflow_scale or {}
    row, col, coef = [], [], []
    for side, sign in ((targets, 1.0), (sources, -1.0)):
        for i, code in enumerate(side):
            if code is None or (r := position.get(code)) is None:
                continue
            row.append(r)
            col.append(i)
            coef.append(sign * scale.get(code, 1.0) if sign > 0 else sign)
    return Rows(
        row=np.array(row, dtype=np.int64),
        col=np.array(col, dtype=np.int64),
        coef=np.array(coef, dtype=float),
        rhs=np.zeros(len(balanced)),
        labels=tuple(balanced),
    )
