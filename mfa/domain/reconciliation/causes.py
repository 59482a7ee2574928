"""The likely cause of a report that reconciliation flags, where one is recognisable (docs/reconciliation.md,
section 7): a unit slip in one month or in the whole year, a month booked in the neighbouring year, a month not
reported, a hand-over declared the wrong way round.

Each cause is a correction of the report. It is recognised when the corrected report agrees with the figure the
rest of the network gives it (the reconciled figure, or for a member of a group of indistinguishable suspects the
figure it would need): |corrected − figure| ≤ z · √((u · corrected)² + σ_figure²), u the report's relative
uncertainty, z the two-sided normal bound at the reconciliation's level α (1.96 at 5 %, not Šidák-adjusted: one
hypothesis is tested per flagged report, not every report screened). A unit slip must moreover be a power of ten
within a factor SLIP_BAND: the report ÷ the figure (whole year), or the month ÷ the median of the link's other months
(one month); for the whole year, whose power only the figure gives, it must be the only power of ten whose correction
agrees (a figure known too roughly to tell ×10 from ×100 recognises neither).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

SLIP_POWERS = (1, 2, 3, 4)
"""Unit slips recognised: ×10 (a decimal point), ×100, ×1000 (kg ↔ t, t ↔ kt), ×10 000 (吨 ↔ 万吨), either way."""
SLIP_BAND = 2.0
"""A ratio is a slip by 10^k when it lies between 10^k / SLIP_BAND and 10^k × SLIP_BAND (so the power is unique)."""
DOUBLE_RANGE = (1.5, 3.0)
"""A month holds two months' worth when it is between 1.5 and 3 times the link's typical month."""
MIN_OTHER_MONTHS = 2
"""Months besides the one judged that a typical month (their median) needs."""
CAUSES = ("month_unit_slip", "unit_slip", "month_shift", "month_missing", "swapped_direction", "missing_flow")
"""In the order they are tried; the first that agrees is the likely cause (a flow nobody reported is looked for at
a facility's balance, when no cause of the report itself is found)."""
MONTH_CAUSES = ("month_unit_slip", "month_shift", "month_missing")
"""Causes the link's months show: evidence beyond the balances, so they can single out one of a group of reports
the balances cannot tell apart."""


@dataclass(frozen=True)
class Cause:
    """What probably went wrong with a report: `code` (CAUSES), the slip `factor` (1000 = written 1000 times too
    large, 0.001 = 1000 times too small), the `period` concerned (the month of a slip or shift, the missing month) and
    the report's yearly figure once corrected."""

    code: str
    factor: float | None
    period: str | None
    corrected_t: float
    month_t: float | None = None
    """The month concerned as reported (a slipped or doubled month)."""
    typical_t: float | None = None
    """The link's typical month (the median of its other months)."""
    source: str | None = None
    target: str | None = None
    """The ends of a flow nobody reported (missing_flow)."""


@dataclass(frozen=True)
class End:
    """A balanced end of a flagged hand-over, as reported: k·inflow − outflow − stock change (`imbalance`), its σ,
    its transfer coefficient k (1 when it passes on everything) and whether the hand-over leaves it (`sends`)."""

    facility: str
    sends: bool
    imbalance: float
    sigma: float
    coefficient: float = 1.0
    receives: frozenset[str] = frozenset()
    passes: frozenset[str] = frozenset()
    """The materials it receives and sends (for a flow nobody reported: one of them must fit)."""


@dataclass(frozen=True)
class Evidence:
    """A flagged yearly report: its figure and σ, the figure the network gives it and σ, the link's months (period
    → tonnes: the year's and the neighbouring December and January, where reported), the year, the test's bound."""

    reported: float
    sigma: float
    figure: float | None
    figure_sigma: float
    months: Mapping[str, float]
    year: int
    critical: float


def slip_factor(ratio: float) -> float | None:
    """10^k or 10^-k (k in SLIP_POWERS) when `ratio` lies within a factor SLIP_BAND of it, else None."""
    if not (ratio > 0 and math.isfinite(ratio)):
        return None
    k = round(math.log10(ratio))
    off = ratio / 10.0**k
    if abs(k) not in SLIP_POWERS or not (1 - 1e-12) / SLIP_BAND <= off <= SLIP_BAND * (1 + 1e-12):
        return None
    return float(10.0**k)


def agrees(evidence: Evidence, corrected: float) -> bool:
    """The corrected report passes the measurement test against the network's figure."""
    if evidence.figure is None or not math.isfinite(evidence.figure) or corrected < 0:
        return False
    u = evidence.sigma / evidence.reported if evidence.reported > 0 else 0.0
    spread = math.hypot(u * corrected, evidence.figure_sigma if math.isfinite(evidence.figure_sigma) else 0.0)
    return abs(corrected - evidence.figure) <= evidence.critical * spread


def _only_power(evidence: Evidence, correct: Callable[[float], float], factor: float) -> bool:
    """`factor` is the one power of ten (SLIP_POWERS, either way) whose correction agrees."""
    powers = [10.0**k for p in SLIP_POWERS for k in (p, -p)]
    fitting = [f for f in powers if agrees(evidence, correct(f))]
    return fitting == [factor]


def typical(months: Mapping[str, float], leave_out: Sequence[str] = ()) -> float | None:
    """The median of the link's months other than `leave_out` (None with fewer than MIN_OTHER_MONTHS)."""
    others = [q for p, q in months.items() if p not in leave_out and q > 0]
    return statistics.median(others) if len(others) >= MIN_OTHER_MONTHS else None


def _month(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def month_unit_slip(evidence: Evidence) -> Cause | None:
    """One month of the year is 10^k its link's typical month and dividing it by 10^k makes the year agree (the
    month furthest off first)."""
    this_year = {p: q for p, q in evidence.months.items() if p.startswith(f"{evidence.year:04d}-")}
    found = []
    for period, quantity in this_year.items():
        usual = typical(evidence.months, [period])
        factor = slip_factor(quantity / usual) if usual else None
        if factor is not None and usual is not None:
            found.append((abs(math.log10(factor)), period, factor, quantity, usual))
    for _size, period, factor, quantity, usual in sorted(found, reverse=True):
        corrected = evidence.reported - quantity + quantity / factor
        if agrees(evidence, corrected):
            return Cause("month_unit_slip", factor, period, corrected, quantity, usual)
    return None


def unit_slip(evidence: Evidence) -> Cause | None:
    """The whole year's figure is 10^k the network's and dividing it by 10^k makes it agree."""
    if evidence.figure is None or evidence.figure <= 0:
        return None
    factor = slip_factor(evidence.reported / evidence.figure)
    if factor is None or not _only_power(evidence, lambda f: evidence.reported / f, factor):
        return None
    return Cause("unit_slip", factor, None, evidence.reported / factor)


def month_shift(evidence: Evidence) -> Cause | None:
    """A month booked in the neighbouring year: January holds two months (1.5–3 × typical) while the December
    before is not reported, or December holds two while the January after is not (one month too many: the year less
    the surplus agrees); or January is not reported while the December before holds two, or December is not while
    the January after holds two (one month short: the year plus a typical month agrees)."""
    y, months = evidence.year, evidence.months
    usual = typical({p: q for p, q in months.items() if p.startswith(f"{y:04d}-")}, [_month(y, 1), _month(y, 12)])
    if usual is None:
        return None
    pairs = ((_month(y, 1), _month(y - 1, 12)), (_month(y, 12), _month(y + 1, 1)))
    low, high = DOUBLE_RANGE
    for inside, outside in pairs:
        if inside in months and outside not in months and low <= months[inside] / usual <= high:
            corrected = evidence.reported - (months[inside] - usual)
            if agrees(evidence, corrected):
                return Cause("month_shift", None, inside, corrected, months[inside], usual)
        if inside not in months and outside in months and low <= months[outside] / usual <= high:
            corrected = evidence.reported + usual
            if agrees(evidence, corrected):
                return Cause("month_shift", None, outside, corrected, months[outside], usual)
    return None


def month_missing(evidence: Evidence) -> Cause | None:
    """Eleven of the year's twelve months are reported and adding a typical month makes the year agree."""
    y = evidence.year
    missing = [_month(y, m) for m in range(1, 13) if _month(y, m) not in evidence.months]
    usual = typical({p: q for p, q in evidence.months.items() if p.startswith(f"{y:04d}-")})
    if len(missing) != 1 or usual is None or not agrees(evidence, evidence.reported + usual):
        return None
    return Cause("month_missing", None, missing[0], evidence.reported + usual, None, usual)


def swapped_direction(evidence: Evidence, ends: Sequence[End]) -> Cause | None:
    """Declared the wrong way round: both ends are balanced, the hand-over turned round balances both within the test
    (its sender gains (1 + k)·X, its receiver loses (1 + k)·X), and at least one does not balance as reported. One
    balanced end alone is not enough: any inflow of about half a facility's surplus would pass."""
    if len(ends) != 2:
        return None
    x = evidence.reported
    turned = [e.imbalance + (x * (1 + e.coefficient) if e.sends else -x * (1 + e.coefficient)) for e in ends]
    fits = all(abs(b) <= evidence.critical * e.sigma for b, e in zip(turned, ends, strict=True))
    off = any(abs(e.imbalance) > evidence.critical * e.sigma for e in ends)
    return Cause("swapped_direction", None, None, x) if fits and off else None


def missing_flow(ends: Sequence[End], others: Sequence[End], critical: float) -> Cause | None:
    """A flow nobody reported between an end of the flagged report and another balanced facility: the end F is off
    beyond the test (a surplus: its output is missing; a shortfall: its input), and exactly one other balanced
    facility G is off the other way by the same tonnes, so that one flow F → G (or G → F) of x balances both within
    the test, and the sender already sends a material the receiver already receives. x = F's surplus for a missing
    output (G then short of k_G·x), or F's shortfall ÷ k_F for a missing input (G then over by x)."""
    for end in ends:
        if abs(end.imbalance) <= critical * end.sigma:
            continue
        fits = []
        for other in others:
            if other.facility == end.facility or abs(other.imbalance) <= critical * other.sigma:
                continue
            sender, receiver = (end, other) if end.imbalance > 0 else (other, end)
            if not sender.passes & receiver.receives:
                continue
            if end.imbalance > 0:  # F keeps more than it passes on: a missing output F -> G
                x = end.imbalance
                off = other.imbalance + other.coefficient * x
                spread = math.hypot(other.sigma, other.coefficient * end.sigma)
                pair = (end.facility, other.facility)
            else:  # F passes on more than it receives: a missing input G -> F
                x = -end.imbalance / end.coefficient
                off = other.imbalance - x
                spread = math.hypot(other.sigma, end.sigma / end.coefficient)
                pair = (other.facility, end.facility)
            if abs(off) <= critical * spread:
                fits.append((pair, x))
        if len(fits) == 1:
            (source, target), x = fits[0]
            return Cause("missing_flow", None, None, x, source=source, target=target)
    return None


def likely_cause(evidence: Evidence, ends: Sequence[End] = ()) -> Cause | None:
    """The first cause of the report itself (CAUSES but missing_flow) that explains it, or None. `ends`: the
    report's balanced ends."""
    for test in (month_unit_slip, unit_slip, month_shift, month_missing):
        found = test(evidence)
        if found is not None:
            return found
    return swapped_direction(evidence, ends)


def dispute_cause(
    sender_t: float, receiver_t: float, months: Mapping[str, float], period: str
) -> tuple[float | None, str | None]:
    """A two-sided hand-over whose two figures differ by a power of ten (within SLIP_BAND): (the slip, the side that
    slipped). The side is the one whose figure is that power off the link's typical month (the median of its other
    months) while the other's is within a factor SLIP_BAND of it; the slip is then that side's figure ÷ the other's.
    When the months cannot tell, the side is None and the slip is the sender's figure ÷ the receiver's."""
    if receiver_t <= 0 or sender_t <= 0:
        return None, None
    factor = slip_factor(sender_t / receiver_t)
    if factor is None:
        return None, None
    usual = typical(months, [period])
    if usual is None:
        return factor, None
    near = 1 / SLIP_BAND
    if slip_factor(sender_t / usual) is not None and near <= receiver_t / usual <= SLIP_BAND:
        return factor, "sender"
    if slip_factor(receiver_t / usual) is not None and near <= sender_t / usual <= SLIP_BAND:
        return 1 / factor, "receiver"
    return factor, None
