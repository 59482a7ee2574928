"""The reconciliation in plain words (mfa.domain.reconciliation.verdict and wording): exact verdicts on networks
built by hand, declared transfer coefficients in the balances, and groups of reports the balances cannot tell apart."""

from __future__ import annotations

import polars as pl
import pytest

from mfa.domain.reconciliation import default_balanced, reconcile
from mfa.domain.reconciliation.causes import Cause
from mfa.domain.reconciliation.declarations import DECLARATION_TEST_SCHEMA
from mfa.domain.reconciliation.model import TOLERANCE_Z
from mfa.domain.reconciliation.verdict import Dispute, Finding, Report, diagnose
from mfa.domain.reconciliation.wording import describe

Link = tuple[str, str, str, float]


def links(*edges: Link, uncertainty: float = 0.01) -> pl.DataFrame:
    """One yearly link per (source, target, material, tonnes), all with the same relative uncertainty."""
    return pl.DataFrame(
        {
            "period": ["2024"] * len(edges),
            "source": [e[0] for e in edges],
            "target": [e[1] for e in edges],
            "material": [e[2] for e in edges],
            "quantity_t": [float(e[3]) for e in edges],
            "uncertainty": [uncertainty] * len(edges),
        }
    )


def kinds(**kind: str) -> pl.DataFrame:
    return pl.DataFrame({"code": list(kind), "kind": list(kind.values())})


def monthly(source: str, target: str, material: str, values: dict[str, float]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "period": list(values),
            "source": [source] * len(values),
            "target": [target] * len(values),
            "material": [material] * len(values),
            "quantity_t": list(values.values()),
        }
    )


CHAIN = kinds(S="source", C="collection", R="recycling", O="boundary")


def test_a_month_written_in_kilograms_is_named_with_its_cause_in_both_languages() -> None:
    months = {f"2024-{m:02d}": 100.0 for m in range(1, 13)} | {"2024-03": 100_000.0}
    flows = links(("S", "C", "scrap", 1_200), ("C", "R", "scrap", 101_100), ("R", "O", "steel", 1_200))
    result = reconcile(flows, default_balanced(flows, CHAIN))
    verdict = diagnose(result, 2024, monthly("C", "R", "scrap", months))
    assert (verdict.status, verdict.common_cause, verdict.cleared, verdict.still_inconsistent) == (
        "suspects",
        ("unit_slip", 1000.0),
        0,
        False,
    )
    [finding] = verdict.findings
    [report] = finding.reports
    assert (finding.kind, report.source, report.target, report.reported) == ("report", "C", "R", 101_100.0)
    assert report.figure == pytest.approx(1_200.0)
    assert report.cause == Cause("month_unit_slip", 1000.0, "2024-03", pytest.approx(1_200.0), 100_000.0, 100.0)
    en = describe(verdict, 2024, "en")
    assert (
        en.headline == "1 report of 2024 is probably wrong: likely a unit slip (×1000: kilograms and tonnes). Check it."
    )
    assert en.blocks[0].title == (
        "C → R, scrap: reported 101.1 kt, reconciled 1.20 kt: 84.2× the reconciled figure, 99.9 kt too high."
    )
    assert en.blocks[0].lines == (
        "Likely cause: 2024-03 reads 100.0 kt, 1,000× the link's usual month (100 t): kilograms written as tonnes "
        "(×1000). Corrected, the year reads 1.20 kt, as reconciled.",
    )
    zh = describe(verdict, 2024, "zh")
    assert zh.headline == "2024 年有 1 条报告可能有误，可能原因：单位错误（相差 1000 倍：千克与吨）。请核查。"
    assert zh.blocks[0].lines[0].startswith("可能原因：2024-03 填报 10 万吨，为该流向通常月份（100 吨）的 1,000×")
    assert zh.tone == en.tone == "error"


TWO_OUTPUTS = kinds(S="source", P="collection", F="recycling", A="boundary", B="boundary")


def test_two_outputs_of_one_facility_are_named_together_not_one_of_them() -> None:
    flows = links(("S", "P", "m", 1_000), ("P", "F", "m", 1_000), ("F", "A", "m", 800), ("F", "B", "m", 450))
    result = reconcile(flows, default_balanced(flows, TWO_OUTPUTS))
    assert sorted(result.groups["variable"]) == [2, 3] and result.groups["scale"].to_list() == [1.0, 1.0]
    assert result.groups["condemned"].sum() == 1  # the test condemned one, as it must, but cannot tell which
    verdict = diagnose(result, 2024)
    [finding] = verdict.findings
    assert finding.kind == "group" and finding.likely is None
    assert [(r.source, r.target, r.reported) for r in finding.reports] == [("F", "A", 800.0), ("F", "B", 450.0)]
    assert [r.figure for r in finding.reports] == pytest.approx([550.0, 200.0])  # 250 t too much, either of them
    words = describe(verdict, 2024, "en", balanced=set(result.balanced))
    assert words.headline == "1 thing to check in 2024: 1 group of reports the balances cannot tell apart."
    assert words.blocks[0].title == "One of these 2 reports is probably wrong; the balances cannot tell which"
    assert words.blocks[0].lines == (
        "F → A, m: reported 800 t; if this is the wrong one, it should be about 550 t.",
        "F → B, m: reported 450 t; if this is the wrong one, it should be about 200 t.",
        "Or a flow of F that nobody reported.",
    )


def test_the_months_single_out_one_of_a_group() -> None:
    slipped = {f"2024-{m:02d}": 25.0 for m in range(1, 13)} | {"2024-06": 250.0}  # 525 t written, 300 t true
    flows = links(("S", "P", "m", 750), ("P", "F", "m", 750), ("F", "A", "m", 525), ("F", "B", "m", 450))
    result = reconcile(flows, default_balanced(flows, TWO_OUTPUTS))
    months = pl.concat([monthly("F", "A", "m", slipped), monthly("F", "B", "m", {"2024-01": 450.0})])
    [finding] = diagnose(result, 2024, months).findings
    assert finding.kind == "group" and finding.likely == 0
    assert finding.reports[0].cause == Cause("month_unit_slip", 10.0, "2024-06", pytest.approx(300.0), 250.0, 25.0)
    assert finding.reports[1].cause is None and finding.cause_key == ("unit_slip", 10.0)
    lines = describe(diagnose(result, 2024, months), 2024, "en", balanced=set(result.balanced)).blocks[0].lines
    assert lines[-1] == "Its months point to F → A, m."


def test_a_flow_nobody_reported_between_a_recycler_and_an_incinerator_with_a_declared_coefficient() -> None:
    world = kinds(S="source", S2="source", F="recycling", G="energy_recovery", O="boundary", L="disposal")
    flows = links(
        ("S", "F", "plastic", 100), ("F", "O", "plastic", 70), ("S2", "G", "plastic", 50), ("G", "L", "slag", 16)
    )
    coefficients = {"G": (0.2, 0.01)}
    result = reconcile(flows, default_balanced(flows, world, coefficients), coefficients=coefficients)
    assert result.balanced == ["F", "G"]
    assert result.coefficients.select("facility", "declared", "tolerance", "observed").row(0) == ("G", 0.2, 0.01, 0.32)
    verdict = diagnose(result, 2024)
    assert [f.kind for f in verdict.findings] == ["group", "group"] and verdict.common_cause == ("missing_flow", None)
    missing = Cause("missing_flow", None, None, pytest.approx(30.0), source="F", target="G")
    assert all(f.missing == missing for f in verdict.findings)
    incinerator = verdict.findings[1]
    assert [(r.what, r.facility or r.source) for r in incinerator.reports] == [
        ("flow", "S2"),
        ("flow", "G"),
        ("coefficient", "G"),
    ]
    assert [r.figure for r in incinerator.reports] == pytest.approx([80.0, 10.0, 0.32])
    words = describe(verdict, 2024, "en", balanced=set(result.balanced))
    assert words.headline == (
        "2 things to check in 2024: 2 groups of reports the balances cannot tell apart; likely flows nobody reported."
    )
    assert words.blocks[1].lines[-2:] == (
        "Declared transfer coefficient of G: 20 %; if this is the wrong one, it is about 32 %.",
        "Likely cause: a flow from F to G of about 30.0 t that nobody reported: it would balance both.",
    )


def test_a_declared_coefficient_balances_in_closed_form() -> None:
    world = kinds(S="source", F="energy_recovery", L="disposal")
    flows = links(("S", "F", "waste", 100), ("F", "L", "ash", 22), uncertainty=0.05)
    result = reconcile(flows, default_balanced(flows, world, ["F"]), coefficients={"F": (0.2, 0.05)})
    sigma_in, sigma_out, sigma_e = 5.0, 1.1, 0.05 / TOLERANCE_Z * 100
    m = 0.2**2 * sigma_in**2 + sigma_out**2 + sigma_e**2
    lam = (0.2 * 100 - 22) / m
    assert result.chi2 == pytest.approx((0.2 * 100 - 22) ** 2 / m) and result.dof == 1
    assert result.flows["reconciled"].to_list() == pytest.approx(
        [100 - sigma_in**2 * 0.2 * lam, 22 + sigma_out**2 * lam]
    )
    row = result.coefficients.row(0, named=True)
    assert (row["facility"], row["observed"], str(row["flag"])) == ("F", 0.22, "ok")
    assert row["reconciled"] == pytest.approx(result.flows["reconciled"][1] / result.flows["reconciled"][0])
    assert default_balanced(flows, world) == []  # undeclared, an incinerator is not balanced


def test_disputed_hand_overs_and_the_side_that_slipped() -> None:
    flows = links(("S", "C", "scrap", 1_200), ("C", "R", "scrap", 1_200), ("R", "O", "steel", 1_200))
    result = reconcile(flows, default_balanced(flows, CHAIN))
    months = monthly("C", "R", "scrap", {f"2024-{m:02d}": 100.0 for m in range(1, 13)})
    declarations = pl.DataFrame(
        [
            ("2024-05", "C", "R", "scrap", 100_000.0, 100.0, 100.0, -35.0, True),
            ("2024-07", "C", "R", "scrap", 100.0, 85.0, 92.0, -6.0, True),
            ("2024-08", "C", "R", "scrap", 100.0, 101.0, 100.5, 0.5, False),
        ],
        schema=DECLARATION_TEST_SCHEMA,
        orient="row",
    )
    verdict = diagnose(result, 2024, months, declarations)
    assert verdict.status == "suspects" and verdict.common_cause is None
    assert [f.dispute for f in verdict.findings] == [
        Dispute("2024-05", "C", "R", "scrap", 100_000.0, 100.0, -35.0, 1000.0, "sender", 100.0),
        Dispute("2024-07", "C", "R", "scrap", 100.0, 85.0, -6.0, None, None, 100.0),
    ]
    words = describe(verdict, 2024, "en")
    assert words.headline == "2 things to check in 2024: 2 hand-overs whose sender and receiver disagree."
    assert words.blocks[0].lines == (
        "Likely cause: the sender's figure is 1,000× the other's and the link's usual month (100 t): kilograms "
        "written as tonnes (×1000).",
    )
    assert words.blocks[1].lines == ("The two figures differ by 15 %; no unit slip explains it.",)


def test_consistent_inconsistent_and_untestable_years() -> None:
    clean = links(("S", "C", "scrap", 1_200), ("C", "R", "scrap", 1_190), ("R", "O", "steel", 1_205))
    verdict = diagnose(reconcile(clean, default_balanced(clean, CHAIN)), 2024)
    assert (verdict.status, verdict.findings) == ("consistent", ())
    assert describe(verdict, 2024, "en").headline == "The reports of 2024 add up: no report stands out."
    assert describe(verdict, 2024, "zh").tone == "success"
    lone = links(("S", "R", "scrap", 10))
    untestable = diagnose(reconcile(lone, default_balanced(lone, CHAIN)), 2024)
    assert untestable.status == "untestable" and describe(untestable, 2024, "en").tone == "info"


def test_a_hand_over_declared_the_wrong_way_round() -> None:
    world = kinds(S="source", A="collection", B="collection", C="recycling", O="boundary")
    flows = links(
        ("S", "A", "m", 100), ("B", "A", "m", 40), ("A", "C", "m", 60),  # A -> B declared as B -> A
        ("S", "B", "m", 10), ("B", "O", "m", 50), ("C", "O", "m", 60),
    )  # fmt: skip
    verdict = diagnose(reconcile(flows, default_balanced(flows, world), sidak=False), 2024)
    first = verdict.findings[0]
    assert first.reports[0] == Report(
        "flow", "B", "A", "m", None, 40.0, 0.0, 0.0, pytest.approx(-130.979, abs=1e-3), "gross_error_suspect",
        Cause("swapped_direction", None, None, 40.0),
    )  # fmt: skip
    assert describe(verdict, 2024, "en").blocks[0].lines[0] == (
        "Likely cause: declared the wrong way round: turned round, both B and A balance."
    )


def test_the_verdict_is_json_ready() -> None:
    months = {f"2024-{m:02d}": 100.0 for m in range(1, 13)} | {"2024-03": 100_000.0}
    flows = links(("S", "C", "scrap", 1_200), ("C", "R", "scrap", 101_100), ("R", "O", "steel", 1_200))
    got = diagnose(reconcile(flows, default_balanced(flows, CHAIN)), 2024, monthly("C", "R", "scrap", months)).to_json()
    assert got["status"] == "suspects" and got["common_cause"] == ["unit_slip", 1000.0]
    report = got["findings"][0]["reports"][0]
    assert report["cause"]["code"] == "month_unit_slip" and report["ratio"] == pytest.approx(101_100 / 1_200)
    assert Finding("report").cause_key is None
