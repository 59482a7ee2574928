"""A verdict in words, English or Chinese, for the Reconciliation page and `mfa reconcile` alike: a headline, then one
block per finding (a title and its lines). Codes are turned into names by the functions the caller passes (the app
shows "name · code", the CLI codes); tonnes are written as the app writes them (mfa.domain.labels.format_tonnes)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from mfa.domain.labels import Language, format_tonnes, text
from mfa.domain.reconciliation.causes import Cause
from mfa.domain.reconciliation.findings import Dispute, Finding, Report, Verdict

Namer = Callable[[str], str]


@dataclass(frozen=True)
class Block:
    """One finding in words: a title and the lines under it."""

    title: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Wording:
    """The verdict in words: `tone` (success, info, warning, error) for how to show the headline, the headline,
    notes after it, and a block per finding."""

    tone: str
    headline: str
    notes: tuple[str, ...]
    blocks: tuple[Block, ...]


def _plain(code: str) -> str:
    return code


def ratio_text(ratio: float | None, language: Language) -> str:
    """A ratio for people: "980×", "0.25×" (three significant figures), "—" when unknown."""
    if ratio is None or not math.isfinite(ratio):
        return "—"
    if ratio >= 100:
        return f"{ratio:,.0f}×"
    return f"{ratio:.1f}×" if ratio >= 10 else f"{ratio:.2f}×" if ratio >= 1 else f"{ratio:.2g}×"


def share_text(share: float) -> str:
    """A share as a percentage: "24 %", "0.5 %"."""
    percent = 100 * share
    return f"{percent:.0f} %" if abs(percent) >= 10 else f"{percent:.1f} %"


def slip_text(factor: float, language: Language) -> str:
    """What a slip by `factor` (10^k) probably was: a decimal point, kilograms as tonnes, ..."""
    power = round(math.log10(factor))
    return text(f"slip_{'up' if power > 0 else 'down'}_{abs(power)}", language)


def cause_name(key: tuple[str, float | None], language: Language) -> str:
    """A cause shared by findings (Finding.cause_key), as a short phrase: "a unit slip (×1000: ...)"."""
    code, factor = key
    if code == "unit_slip" and factor is not None:
        return text(f"slip_any_{round(math.log10(factor))}", language)
    return text(f"cause_any_{code}", language)


class _Writer:
    def __init__(self, language: Language, facility: Namer, material: Namer) -> None:
        self.language, self.facility, self.material = language, facility, material

    def t(self, key: str, **values: object) -> str:
        return text(key, self.language, **values)

    def tonnes(self, value: float | None) -> str:
        return "—" if value is None else format_tonnes(value, self.language)

    def link(self, source: str | None, target: str | None, material: str | None) -> str:
        return self.t(
            "verdict_link",
            source=self.facility(source or ""),
            target=self.facility(target or ""),
            material=self.material(material or ""),
        )

    def name(self, report: Report) -> str:
        if report.what == "flow":
            return self.link(report.source, report.target, report.material)
        key = "stock_change_of" if report.what == "stock_change" else "coefficient_of"
        return self.t(key, facility=self.facility(report.facility or ""))

    def cause(self, report: Report, cause: Cause) -> str:
        corrected = self.tonnes(cause.corrected_t)
        if cause.code == "month_unit_slip" and cause.factor is not None:
            return self.t(
                "cause_month_unit_slip",
                period=cause.period,
                month=self.tonnes(cause.month_t),
                ratio=ratio_text((cause.month_t or 0) / cause.typical_t if cause.typical_t else None, self.language),
                usual=self.tonnes(cause.typical_t),
                slip=slip_text(cause.factor, self.language),
                corrected=corrected,
            )
        if cause.code == "unit_slip" and cause.factor is not None:
            return self.t("cause_unit_slip", slip=slip_text(cause.factor, self.language), corrected=corrected)
        if cause.code == "month_shift":
            month, usual = self.tonnes(cause.month_t), self.tonnes(cause.typical_t)
            return self.t("cause_month_shift", period=cause.period, month=month, usual=usual, corrected=corrected)
        if cause.code == "month_missing":
            return self.t(
                "cause_month_missing", period=cause.period, usual=self.tonnes(cause.typical_t), corrected=corrected
            )
        if cause.code == "missing_flow":
            return self.t(
                "cause_missing_flow",
                source=self.facility(cause.source or ""),
                target=self.facility(cause.target or ""),
                tonnes=corrected,
            )
        return self.t(
            "cause_swapped_direction",
            source=self.facility(report.source or ""),
            target=self.facility(report.target or ""),
        )

    def report_lines(self, report: Report) -> list[str]:
        if report.what == "coefficient":
            observed = "—" if report.figure is None else share_text(report.figure)
            return [
                self.t(
                    "verdict_coefficient_line",
                    facility=self.facility(report.facility or ""),
                    declared=share_text(report.reported),
                    observed=observed,
                )
            ]
        if report.what == "stock_change":
            line = self.t(
                "verdict_stock_line",
                facility=self.facility(report.facility or ""),
                reported=self.tonnes(report.reported),
                figure=self.tonnes(report.figure),
            )
            return [line]
        if not report.figure:
            lines = [self.t("verdict_report_zero", link=self.name(report), reported=self.tonnes(report.reported))]
        else:
            departure = report.departure_t or 0.0
            lines = [
                self.t(
                    "verdict_report_line",
                    link=self.name(report),
                    reported=self.tonnes(report.reported),
                    figure=self.tonnes(report.figure),
                    ratio=ratio_text(report.ratio, self.language),
                    departure=self.tonnes(abs(departure)),
                    direction=self.t("verdict_high" if departure > 0 else "verdict_low"),
                )
            ]
        if report.cause is not None:
            lines.append(self.cause(report, report.cause))
        return lines

    def member(self, report: Report) -> list[str]:
        if report.what == "coefficient":
            observed = "—" if report.figure is None else share_text(report.figure)
            facility = self.facility(report.facility or "")
            declared = share_text(report.reported)
            return [self.t("verdict_group_member_coefficient", facility=facility, declared=declared, observed=observed)]
        line = self.t(
            "verdict_group_member",
            link=self.name(report),
            reported=self.tonnes(report.reported),
            figure=self.tonnes(report.figure),
        )
        return [line] + ([self.cause(report, report.cause)] if report.cause is not None else [])

    def block(self, finding: Finding, balanced: set[str]) -> Block:
        if finding.kind == "dispute" and finding.dispute is not None:
            return self.dispute(finding.dispute)
        if finding.kind == "report":
            report = finding.reports[0]
            lines = self.report_lines(report)
            alone = _ends(report) & balanced
            if finding.missing is not None:
                lines.append(self.cause(report, finding.missing))
            elif report.cause is None and len(alone) == 1:
                lines.append(self.t("verdict_group_or_missing", facility=self.facility(alone.pop())))
            return Block(lines[0], tuple(lines[1:]))
        if finding.kind == "group":
            lines = [line for report in finding.reports for line in self.member(report)]
            if finding.likely is not None:
                lines.append(self.t("verdict_group_likely", link=self.name(finding.reports[finding.likely])))
            shared = set.intersection(*(_ends(r) & balanced for r in finding.reports))
            if finding.missing is not None:
                lines.append(self.cause(finding.reports[0], finding.missing))
            elif len(shared) == 1 and finding.likely is None:
                lines.append(self.t("verdict_group_or_missing", facility=self.facility(shared.pop())))
            return Block(self.t("verdict_group_title", n=len(finding.reports)), tuple(lines))
        imbalance, inflow = finding.imbalance_t or 0.0, finding.inflow_t or 0.0
        key = "verdict_facility_more" if imbalance > 0 else "verdict_facility_less"
        share = share_text(abs(imbalance) / inflow) if inflow > 0 else "—"
        first = self.t(key, imbalance=self.tonnes(abs(imbalance)), share=share, n=len(finding.reports))
        lines = [first] + [line for report in finding.reports for line in self.report_lines(report)]
        return Block(self.t("verdict_facility_title", facility=self.facility(finding.facility or "")), tuple(lines))

    def dispute(self, d: Dispute) -> Block:
        title = self.t(
            "verdict_dispute_title",
            period=d.period,
            link=self.link(d.source, d.target, d.material),
            sender=self.tonnes(d.sender_t),
            receiver=self.tonnes(d.receiver_t),
        )
        if d.factor is None:
            share = share_text(abs(d.sender_t - d.receiver_t) / max(d.sender_t, d.receiver_t, 1e-300))
            return Block(title, (self.t("verdict_dispute_plain", share=share),))
        if d.side is None:
            return Block(
                title, (self.t("verdict_dispute_either", slip=cause_name(("unit_slip", d.factor), self.language)),)
            )
        line = self.t(
            "verdict_dispute_side",
            side=self.t(f"verdict_side_{d.side}"),
            ratio=ratio_text(d.factor, self.language),
            usual=self.tonnes(d.typical_t),
            slip=slip_text(d.factor, self.language),
        )
        return Block(title, (line,))


def _ends(report: Report) -> set[str]:
    return {c for c in (report.source, report.target, report.facility) if c}


def _p(value: float) -> str:
    return "< 0.001" if value < 0.001 else f"= {value:.3f}"


def headline(verdict: Verdict, year: int | str, language: Language) -> str:
    """The verdict in one sentence."""
    if verdict.status != "suspects":
        return text(f"verdict_{verdict.status}", language, year=year)
    counts = {kind: verdict.count(kind) for kind in ("report", "group", "facility", "dispute")}
    only_reports = counts["report"] == len(verdict.findings)
    common = verdict.common_cause
    key = "verdict_likely" if only_reports else "verdict_likely_list"
    cause = text(key, language, cause=cause_name(common, language)) if common else ""
    if only_reports:
        n = counts["report"]
        return text("verdict_reports_one" if n == 1 else "verdict_reports", language, n=n, year=year, cause=cause)
    parts = [
        text(f"verdict_part_{name}_one" if n == 1 else f"verdict_part_{name}", language, n=n)
        for kind, name in (
            ("report", "reports"),
            ("group", "groups"),
            ("facility", "facilities"),
            ("dispute", "disputes"),
        )
        if (n := counts[kind])
    ]
    joined = ("；" if language == "zh" else "; ").join(parts)
    if len(verdict.findings) == 1:
        return text("verdict_mixed_one", language, year=year, cause=cause, parts=joined)
    return text("verdict_mixed", language, total=len(verdict.findings), year=year, cause=cause, parts=joined)


def describe(
    verdict: Verdict,
    year: int | str,
    language: Language,
    *,
    balanced: set[str] | None = None,
    facility: Namer = _plain,
    material: Namer = _plain,
) -> Wording:
    """The verdict in `language`: headline, notes (more errors likely; reports flagged but cleared) and blocks.
    `balanced`: the facilities the reconciliation balanced (a group sitting in one of them alone may also be a flow
    nobody reported there)."""
    writer = _Writer(language, facility, material)
    tone = {"consistent": "success", "untestable": "info", "inconsistent": "warning"}.get(verdict.status, "error")
    notes = []
    if verdict.status == "suspects" and verdict.still_inconsistent:
        notes.append(text("verdict_still", language, p=_p(verdict.p_value_after)))
    if verdict.cleared:
        notes.append(text("verdict_cleared", language, n=verdict.cleared))
    blocks = tuple(writer.block(f, balanced or set()) for f in verdict.findings)
    return Wording(tone, headline(verdict, year, language), tuple(notes), blocks)
