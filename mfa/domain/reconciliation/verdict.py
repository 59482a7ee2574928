"""The reconciliation in plain words: which reports are probably wrong, by how much, and why where that is
recognisable, before the statistics (docs/reconciliation.md, section 7).

`diagnose` turns a `Reconciliation` into a `Verdict`: one finding per flagged report (a gross-error suspect, or a
report the non-negativity bound set to 0), one per group of suspects the balances cannot tell apart (named together,
never one of them alone), and one per two-sided hand-over whose two figures disagree beyond the test. Each report
carries the figure the rest of the network gives it and its likely cause (mfa.domain.reconciliation.causes).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import polars as pl

from mfa.domain.reconciliation.causes import (
    MONTH_CAUSES,
    Cause,
    End,
    Evidence,
    dispute_cause,
    likely_cause,
    missing_flow,
    typical,
)
from mfa.domain.reconciliation.findings import Dispute, Finding, Report, Verdict
from mfa.domain.reconciliation.model import TOLERANCE_Z, Reconciliation
from mfa.domain.reconciliation.solver import critical_value, p_value

FLAGGED = ("gross_error_suspect", "clipped_at_zero")
KEY = ["source", "target", "material"]


def _months_by_link(months: pl.DataFrame | None) -> dict[tuple[str, str, str], dict[str, float]]:
    """(source, target, material) -> {month: tonnes} over the monthly rows given (yearly rows left out)."""
    if months is None or months.height == 0:
        return {}
    rows = months.filter(pl.col("period").str.len_chars() == 7, pl.col("quantity_t").is_not_null())
    grouped = rows.group_by([*KEY, "period"]).agg(pl.col("quantity_t").sum())
    out: dict[tuple[str, str, str], dict[str, float]] = {}
    for source, target, material, period, quantity in grouped.iter_rows():
        out.setdefault((source, target, material), {})[period] = float(quantity)
    return out


class _Network:
    """The reported balances of the balanced facilities (k·inflow − outflow − stock change, with σ, and the inflow),
    for the swapped-direction test and the facility findings; a facility with an unknown flow has none (NaN)."""

    def __init__(self, result: Reconciliation) -> None:
        coefficients = result.coefficients
        self.coefficient = dict(zip(coefficients["facility"], coefficients["declared"], strict=True))
        tolerance = dict(zip(coefficients["facility"], coefficients["tolerance"], strict=True))
        self.balanced = set(result.balanced)
        imbalance = dict.fromkeys(self.balanced, 0.0)
        variance = dict.fromkeys(self.balanced, 0.0)
        inflow = dict.fromkeys(self.balanced, 0.0)
        receives: dict[str, set[str]] = {}
        passes: dict[str, set[str]] = {}
        for source, target, material in result.flows.select("source", "target", "material").iter_rows():
            passes.setdefault(source, set()).add(material)
            receives.setdefault(target, set()).add(material)
        self.receives = {f: frozenset(m) for f, m in receives.items()}
        self.passes = {f: frozenset(m) for f, m in passes.items()}
        for source, target, reported, sigma in result.flows.select("source", "target", "reported", "sigma").iter_rows():
            value = math.nan if reported is None else reported
            s = 0.0 if sigma is None else sigma
            if target in self.balanced:
                k = self.coefficient.get(target, 1.0)
                imbalance[target] += k * value
                variance[target] += (k * s) ** 2
                inflow[target] += value
            if source in self.balanced:
                imbalance[source] -= value
                variance[source] += s**2
        for facility, reported, sigma in result.stock_changes.select("facility", "reported", "sigma").iter_rows():
            if facility in self.balanced:
                imbalance[facility] -= reported
                variance[facility] += (sigma or 0.0) ** 2
        for facility, k_tol in tolerance.items():
            if facility in self.balanced:
                variance[facility] += (k_tol / TOLERANCE_Z * inflow[facility]) ** 2
        self.imbalance, self.inflow = imbalance, inflow
        self.sigma = {f: math.sqrt(v) for f, v in variance.items()}
        self.others = self.all_ends()

    def ends(self, source: str, target: str) -> list[End]:
        """The balanced ends of a hand-over whose reported balance is known."""
        out = []
        for facility, sends in ((source, True), (target, False)):
            if facility in self.balanced and math.isfinite(self.imbalance[facility]):
                out.append(self.end(facility, sends))
        return out

    def all_ends(self) -> list[End]:
        """Every balanced facility whose reported balance is known, as an End (`sends` unused)."""
        known = sorted(f for f in self.balanced if math.isfinite(self.imbalance[f]))
        return [self.end(f, True) for f in known]

    def end(self, facility: str, sends: bool) -> End:
        """A balanced facility as an End of a hand-over."""
        return End(
            facility,
            sends,
            self.imbalance[facility],
            self.sigma[facility],
            self.coefficient.get(facility, 1.0),
            self.receives.get(facility, frozenset()),
            self.passes.get(facility, frozenset()),
        )

    def relative(self, facility: str) -> float:
        """|imbalance| ÷ inflow (infinite without inflow, 0 when unknown)."""
        imbalance = self.imbalance[facility]
        if not math.isfinite(imbalance):
            return 0.0
        return abs(imbalance) / self.inflow[facility] if self.inflow[facility] > 0 else math.inf

    def touched(self, report: Report) -> set[str]:
        """The balanced facilities a report sits in."""
        ends = {report.source, report.target} if report.what == "flow" else {report.facility}
        return {f for f in ends if f in self.balanced}


def _report(
    result: Reconciliation,
    variable: int,
    figure: float | None,
    figure_sigma: float | None,
    year: int,
    months: Mapping[tuple[str, str, str], dict[str, float]],
    network: _Network,
    in_group: bool = False,
) -> Report:
    """Variable `variable` of the result (flows, then stock changes, then coefficients) as a Report with its cause
    (for a member of a group, only a cause its months show)."""
    n_flows, n_stocks = result.flows.height, result.stock_changes.height
    if variable < n_flows:
        row = result.flows.row(variable, named=True)
        reported = float(row["reported"])
        cause = None
        if figure is not None and reported > 0:
            evidence = Evidence(
                reported,
                float(row["sigma"] or 0.0),
                figure,
                float(figure_sigma) if figure_sigma is not None else math.nan,
                months.get((row["source"], row["target"], row["material"]), {}),
                year,
                critical_value(result.alpha, 1),
            )
            cause = likely_cause(evidence, network.ends(row["source"], row["target"]))
            if in_group and cause is not None and cause.code not in MONTH_CAUSES:
                cause = None  # the balances cannot tell the group apart: only the months can single one out
        return Report(
            "flow", row["source"], row["target"], row["material"], None, reported, figure, figure_sigma,
            row["normalized_residual"], str(row["flag"]), cause,
        )  # fmt: skip
    if variable < n_flows + n_stocks:
        row = result.stock_changes.row(variable - n_flows, named=True)
        return Report(
            "stock_change", None, None, None, row["facility"], float(row["reported"]), figure, figure_sigma,
            row["normalized_residual"], str(row["flag"]),
        )  # fmt: skip
    row = result.coefficients.row(variable - n_flows - n_stocks, named=True)
    shown = row["reconciled"] if row["flag"] == "gross_error_suspect" else row["observed"]
    return Report(
        "coefficient", None, None, None, row["facility"], float(row["declared"]), shown, None,
        row["normalized_residual"], str(row["flag"]),
    )  # fmt: skip


def _disputes(
    declarations: pl.DataFrame | None, months: Mapping[tuple[str, str, str], dict[str, float]]
) -> list[Finding]:
    if declarations is None or declarations.height == 0:
        return []
    found = []
    for row in declarations.filter(pl.col("disputed")).iter_rows(named=True):
        link = months.get((row["source"], row["target"], row["material"]), {})
        factor, side = dispute_cause(row["sender_t"], row["receiver_t"], link, row["period"])
        dispute = Dispute(
            row["period"], row["source"], row["target"], row["material"], row["sender_t"], row["receiver_t"],
            row["normalized_difference"], factor, side, typical(link, [row["period"]]),
        )  # fmt: skip
        found.append(Finding("dispute", dispute=dispute))
    return found


def _departs(report: Report, sigma: float | None, critical: float) -> bool:
    """The report disagrees with its reconciled figure: |reported − figure| > critical · √(σ² + σ_figure²)."""
    if report.figure is None or report.what == "coefficient":
        return True
    spread = math.hypot(sigma or 0.0, report.figure_sigma if report.figure_sigma is not None else 0.0)
    return abs(report.reported - report.figure) > critical * spread


def _by_facility(findings: list[tuple[float, Finding]], network: _Network) -> list[tuple[float, Finding]]:
    """Findings without a recognisable cause that sit in the balance of one facility (for a group, every member
    does), two or more, become one finding of that facility (the one of their common facilities whose reported
    balance is relatively furthest off)."""
    home: dict[int, str] = {}
    for i, (_size, finding) in enumerate(findings):
        if finding.cause_key is not None or finding.kind not in ("report", "group"):
            continue
        common = set.intersection(*(network.touched(r) for r in finding.reports))
        if common:
            home[i] = max(sorted(common), key=network.relative)
    counts: dict[str, list[int]] = {}
    for i, facility in home.items():
        counts.setdefault(facility, []).append(i)
    merged = {i for members in counts.values() if len(members) > 1 for i in members}
    out = [item for i, item in enumerate(findings) if i not in merged]
    for facility, members in counts.items():
        if len(members) < 2:
            continue
        reports = tuple(r for i in members for r in findings[i][1].reports)
        size = max(findings[i][0] for i in members)
        imbalance = network.imbalance[facility]
        finding = Finding(
            "facility",
            reports,
            facility=facility,
            imbalance_t=imbalance if math.isfinite(imbalance) else None,
            inflow_t=network.inflow[facility],
        )
        out.append((size, finding))
    return out


def _p_after_disputes(result: Reconciliation, declarations: pl.DataFrame | None) -> float:
    """The global test once the suspects are removed and the disputed hand-overs too: p of χ²_after less each
    disputed hand-over's disagreement (its normalized difference squared), one degree of freedom fewer each."""
    if declarations is None or declarations.height == 0:
        return result.p_value_after
    disputed = declarations.filter(pl.col("disputed"))["normalized_difference"]
    return p_value(result.chi2_after - float((disputed**2).sum()), result.dof_after - disputed.len())


def diagnose(
    result: Reconciliation,
    year: int,
    months: pl.DataFrame | None = None,
    declarations: pl.DataFrame | None = None,
) -> Verdict:
    """The verdict of a year's reconciliation. `months`: the monthly (agreed) tonnes of the links, period, source,
    target, material, quantity_t, for the year and where available the December before and the January after (the
    causes that look at months need them). `declarations`: the tests of two-sided hand-overs
    (mfa.domain.reconciliation.declarations.declaration_tests)."""
    by_link = _months_by_link(months)
    network = _Network(result)
    frames = (result.flows, result.stock_changes, result.coefficients)
    flags = [f for frame in frames for f in frame["flag"].cast(pl.String)]
    residual = np.concatenate([frame["normalized_residual"].fill_null(np.nan).to_numpy() for frame in frames])
    reported = [*result.flows["reported"], *result.stock_changes["reported"], *result.coefficients["declared"]]
    sigma = [*result.flows["sigma"], *result.stock_changes["sigma"], *([None] * result.coefficients.height)]
    figures = [*result.flows["reconciled"], *result.stock_changes["reconciled"], *([None] * result.coefficients.height)]
    spreads = [*result.flows["reconciled_sigma"], *result.stock_changes["reconciled_sigma"]]
    spreads += [None] * result.coefficients.height

    def report(i: int, figure: float | None, figure_sigma: float | None, grouped: bool = False) -> Report:
        return _report(result, i, figure, figure_sigma, year, by_link, network, grouped)

    plain_z = critical_value(result.alpha, 1)

    def missing(reports: Sequence[Report]) -> Cause | None:
        if any(r.cause is not None for r in reports):
            return None
        shared = set.intersection(*(network.touched(r) for r in reports))
        ends = [network.end(f, True) for f in sorted(shared) if math.isfinite(network.imbalance[f])]
        return missing_flow(ends, network.others, plain_z)

    findings: list[tuple[float, Finding]] = []
    in_group: set[int] = set()
    cleared = 0
    for _number, members in result.groups.group_by("group", maintain_order=True):
        rows = sorted(members.select("variable", "alternative", "alternative_sigma", "condemned").iter_rows())
        in_group |= {row[0] for row in rows}
        head = next(row[0] for row in rows if row[3])
        if not _departs(report(head, figures[head], spreads[head]), sigma[head], result.critical_value):
            cleared += sum(flags[row[0]] in FLAGGED for row in rows)
            continue
        reports = [
            report(v, None if a is None or not math.isfinite(a) else max(a, 0.0), a_sigma, True)
            for v, a, a_sigma, _c in rows
        ]
        with_cause = [i for i, r in enumerate(reports) if r.cause is not None]
        size = float(np.nanmax(np.abs(residual[[row[0] for row in rows]]), initial=0.0))
        likely = with_cause[0] if len(with_cause) == 1 else None
        findings.append((size, Finding("group", tuple(reports), likely, missing=missing(reports))))
    for i, flag in enumerate(flags):
        if flag not in FLAGGED or i in in_group or reported[i] is None:
            continue
        one = report(i, figures[i], spreads[i])
        if not _departs(one, sigma[i], result.critical_value):
            cleared += 1
            continue
        size = abs(float(np.nan_to_num(residual[i], nan=math.inf)))
        findings.append((size, Finding("report", (one,), missing=missing([one]))))
    ordered = [f for _size, f in sorted(_by_facility(findings, network), key=lambda item: -item[0])]
    ordered += sorted(
        _disputes(declarations, by_link), key=lambda f: -abs(f.dispute.normalized_difference if f.dispute else 0.0)
    )
    after = _p_after_disputes(result, declarations)
    keys = [f.cause_key for f in ordered]
    common = keys[0] if keys and keys[0] is not None and all(k == keys[0] for k in keys) else None
    rejected = math.isfinite(result.p_value) and result.p_value < result.alpha
    if ordered:
        status = "suspects"
    elif result.dof == 0:
        status = "untestable"
    else:
        status = "inconsistent" if rejected else "consistent"
    return Verdict(
        status=status,
        findings=tuple(ordered),
        common_cause=common,
        still_inconsistent=math.isfinite(after) and after < result.alpha,
        cleared=cleared,
        chi2=result.chi2,
        dof=result.dof,
        p_value=result.p_value,
        p_value_after=result.p_value_after,
        critical_value=result.critical_value,
        alpha=result.alpha,
    )
