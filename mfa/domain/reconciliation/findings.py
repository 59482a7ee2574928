"""What a reconciliation's verdict is made of: the reports it names, disputed hand-overs, findings and the verdict
itself (mfa.domain.reconciliation.verdict makes them, mfa.domain.reconciliation.wording words them)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from mfa.domain.reconciliation.causes import Cause

STATUSES = ("consistent", "suspects", "inconsistent", "untestable")
"""consistent: the global test passes and nothing is flagged; suspects: reports or hand-overs are flagged;
inconsistent: the global test rejects but no report stands out; untestable: no balance can test any report."""


@dataclass(frozen=True)
class Report:
    """A report the verdict names: a flow of the year (`source`, `target`, `material`), a stock change or a declared
    transfer coefficient (`facility`). `reported` as written (tonnes; for a coefficient the declared share), `figure`
    what the rest of the network gives it (for a member of a group: what it would have to be if it were the wrong
    one; for a coefficient: the share its recorded flows give), the test's normalized residual and flag, and the
    likely cause."""

    what: str
    source: str | None
    target: str | None
    material: str | None
    facility: str | None
    reported: float
    figure: float | None
    figure_sigma: float | None
    normalized_residual: float | None
    flag: str
    cause: Cause | None = None

    @property
    def departure_t(self) -> float | None:
        """reported − figure (tonnes; for a coefficient, the share)."""
        return None if self.figure is None else self.reported - self.figure

    @property
    def ratio(self) -> float | None:
        """reported ÷ figure; None when the figure is 0 or unknown."""
        return None if not self.figure else self.reported / self.figure


@dataclass(frozen=True)
class Dispute:
    """A hand-over whose sender and receiver declare figures the test says cannot both be right: the two figures,
    how far apart in combined standard deviations, and the slip and side when the difference is a unit slip."""

    period: str
    source: str
    target: str
    material: str
    sender_t: float
    receiver_t: float
    normalized_difference: float
    factor: float | None
    side: str | None
    typical_t: float | None = None
    """The link's typical month (the median of its other months' agreed quantities)."""


FINDING_KINDS = ("report", "group", "facility", "dispute")


@dataclass(frozen=True)
class Finding:
    """One thing to check: a `report`; a `group` of reports one of which is probably wrong (`likely`: the one
    member with a recognisable cause, if exactly one has); a `facility` whose reported balance is off and several of
    whose reports were flagged without a recognisable cause (`imbalance_t` = k·inflow − outflow − stock change as
    reported, `inflow_t`: a flow nobody reported is as likely as any of them); or a disputed hand-over."""

    kind: str
    reports: tuple[Report, ...] = ()
    likely: int | None = None
    dispute: Dispute | None = None
    facility: str | None = None
    imbalance_t: float | None = None
    inflow_t: float | None = None
    missing: Cause | None = None
    """A flow nobody reported that would balance the facility the finding sits in and one other (missing_flow),
    when the reports themselves show no cause."""

    @property
    def cause_key(self) -> tuple[str, float | None] | None:
        """The finding's cause as compared across findings: ("unit_slip", 10^|k|) for any slip (a month's or the
        year's, either way, a disputed figure's), else (code, None); None when no cause is recognisable."""
        if self.kind == "dispute":
            factor = self.dispute.factor if self.dispute else None
            return None if factor is None else ("unit_slip", _magnitude(factor))
        if self.kind == "facility" or not self.reports:
            return None
        index = 0 if self.kind == "report" else self.likely
        cause = None if index is None else self.reports[index].cause
        cause = cause or self.missing
        if cause is None:
            return None
        if cause.factor is not None:
            return ("unit_slip", _magnitude(cause.factor))
        return (cause.code, None)


def _magnitude(factor: float) -> float:
    return float(10 ** abs(round(math.log10(factor))))


@dataclass(frozen=True)
class Verdict:
    """What a reconciliation says, in the order people read it: the status, the findings (largest first), the cause
    they share if every one has the same, and the tests."""

    status: str
    findings: tuple[Finding, ...]
    common_cause: tuple[str, float | None] | None
    still_inconsistent: bool
    cleared: int
    """Reports the test flagged that agree with their reconciled figure once the others are set aside (the serial
    elimination took them out beside the real culprit): not named."""
    chi2: float
    dof: int
    p_value: float
    p_value_after: float
    critical_value: float
    alpha: float

    def count(self, kind: str) -> int:
        """How many findings of `kind` (FINDING_KINDS)."""
        return sum(f.kind == kind for f in self.findings)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (NaN → null); reports carry departure_t and ratio."""

        def clean(value: Any) -> Any:
            if isinstance(value, float) and not math.isfinite(value):
                return None
            if isinstance(value, dict):
                return {k: clean(v) for k, v in value.items()}
            if isinstance(value, (list, tuple)):
                return [clean(v) for v in value]
            return value

        findings = []
        for f in self.findings:
            reports = [asdict(r) | {"departure_t": r.departure_t, "ratio": r.ratio} for r in f.reports]
            findings.append(
                {"kind": f.kind, "reports": reports, "likely": f.likely}
                | {"dispute": asdict(f.dispute) if f.dispute else None}
                | {"facility": f.facility, "imbalance_t": f.imbalance_t, "inflow_t": f.inflow_t}
                | {"missing": asdict(f.missing) if f.missing else None}
            )
        return clean(
            {
                "status": self.status,
                "common_cause": list(self.common_cause) if self.common_cause else None,
                "still_inconsistent": self.still_inconsistent,
                "cleared": self.cleared,
                "findings": findings,
                "chi2": self.chi2,
                "dof": self.dof,
                "p_value": self.p_value,
                "p_value_after": self.p_value_after,
                "critical_value": self.critical_value,
                "alpha": self.alpha,
            }
        )
