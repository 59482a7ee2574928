"""Hand-overs on both databases: the sender's and the receiver's declarations are kept apart, compared and combined;
each party writes only its own side; the CLI lists them; confirming writes one's side with history; export and
reconciliation see both declarations."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine, text

from mfa.domain.flowframe import Selection
from mfa.domain.roles import Actor
from mfa.services import handovers, loading, reconciling, tables
from mfa.services.editing import delete_record, import_records
from mfa.services.writing import import_files
from mfa.storage import history
from tests.factories import flow, flows_file, mfa, world

MILUO = Actor("max", "park_manager", frozenset({"MILUO"}))  # COL-1, SRC-1 and YARD-1 lie in Miluo
NINGXIANG = Actor("nina", "park_manager", frozenset({"NINGXIANG"}))  # REC-1 lies in Ningxiang
ADMIN = Actor("ann", "admin")
HAND_OVER = {"period": "2024-03", "source": "COL-1", "target": "REC-1", "material": "fly_ash"}


@pytest.fixture
def loaded(engine: Engine, tmp_path: Path) -> Engine:
    assert import_files(engine, world(tmp_path)).ok
    return engine


def declare(engine: Engine, tmp_path: Path, actor: Actor, rows: list[list[object]], name: str = "f.csv"):  # type: ignore[no-untyped-def]
    return import_files(engine, [flows_file(tmp_path, rows, name=name)], actor=actor)


def stored(engine: Engine) -> list[tuple[str, str, float, str]]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT period, side, quantity_t, updated_by FROM flow ORDER BY period, side"))
        return [tuple(r) for r in rows]


def test_both_declarations_are_kept_and_combined(loaded: Engine, tmp_path: Path) -> None:
    assert declare(loaded, tmp_path, MILUO, [flow("2024-03", "COL-1", "REC-1", "fly_ash", "100")], "a.csv").ok
    assert declare(loaded, tmp_path, NINGXIANG, [flow("2024-03", "COL-1", "REC-1", "fly_ash", "92")], "b.csv").ok
    assert stored(loaded) == [("2024-03", "receiver", 92.0, "nina"), ("2024-03", "sender", 100.0, "max")]
    listed = handovers.hand_overs(loaded, Selection(2024)).row(0, named=True)
    σs, σr = 0.25 * 100, 0.25 * 92  # no uncertainty, no data quality: the default 25 %
    agreed = (100 / σs**2 + 92 / σr**2) / (1 / σs**2 + 1 / σr**2)
    assert listed["sender_t"] == 100.0 and listed["receiver_t"] == 92.0
    assert listed["agreed_t"] == pytest.approx(agreed, rel=1e-12)
    assert (listed["difference_t"], listed["relative_difference"], listed["status"]) == (-8.0, -0.08, "agreed")
    assert listed["counterpart_expected"] is True
    data = loading.load(loaded, [2024])  # what indicators, balances, fate and the Sankey read
    frame = data.flows.collect()
    assert frame.height == 1 and frame["quantity_t"][0] == pytest.approx(agreed, rel=1e-12)
    assert frame["status"][0] == "agreed"
    summed = loading.load_period(loaded, 2024).flows.collect()  # the database's own link totals agree
    assert summed["quantity_t"][0] == pytest.approx(agreed, rel=1e-12)
    assert tables.flows(loaded, Selection(2024))["side"].to_list() == ["receiver", "sender"]  # one row each


def test_statuses_by_hand_and_the_tolerance(loaded: Engine, tmp_path: Path) -> None:
    rows = [
        flow("2024-01", "COL-1", "REC-1", "fly_ash", "100", side="sender"),
        flow("2024-01", "COL-1", "REC-1", "fly_ash", "85", side="receiver"),  # 15 % apart: disputed
        flow("2024-02", "COL-1", "REC-1", "fly_ash", "100", side="sender"),
        flow("2024-02", "COL-1", "REC-1", "fly_ash", "91", side="receiver"),  # 9 %: agreed
        flow("2024-03", "COL-1", "REC-1", "fly_ash", "7", side="sender"),
        flow("2024-04", "COL-1", "REC-1", "fly_ash", "7", side="receiver"),
    ]
    assert declare(loaded, tmp_path, ADMIN, rows).ok
    frame = handovers.hand_overs(loaded, Selection(2024))
    assert frame["status"].to_list() == ["disputed", "agreed", "sender_only", "receiver_only"]
    assert handovers.counts(frame) == {"agreed": 1, "disputed": 1, "sender_only": 1, "receiver_only": 1}
    strict = handovers.hand_overs(loaded, Selection(2024), tolerance=0.05)
    assert strict["status"].to_list()[:2] == ["disputed", "disputed"]
    assert handovers.hand_overs(loaded, Selection(2024), status="disputed").height == 1
    with pytest.raises(ValueError, match="unknown status 'argued'"):
        handovers.hand_overs(loaded, Selection(2024), status="argued")


def test_the_side_written_without_one(loaded: Engine, tmp_path: Path) -> None:
    rows = [flow("2024-01", "COL-1", "REC-1", "fly_ash", "1"), flow("2024-01", "OUT", "REC-1", "fly_ash", "2")]
    assert declare(loaded, tmp_path, ADMIN, rows, "admin.csv").ok  # sender; from outside: the receiver's
    assert declare(loaded, tmp_path, MILUO, [flow("2024-02", "COL-1", "REC-1", "fly_ash", "3")], "m.csv").ok
    assert declare(loaded, tmp_path, NINGXIANG, [flow("2024-03", "COL-1", "REC-1", "fly_ash", "4")], "n.csv").ok
    assert declare(loaded, tmp_path, MILUO, [flow("2024-04", "REC-1", "COL-1", "fly_ash", "5")], "m2.csv").ok
    assert [(p, s) for p, s, _q, _by in stored(loaded)] == [
        ("2024-01", "receiver"),
        ("2024-01", "sender"),
        ("2024-02", "sender"),
        ("2024-03", "receiver"),
        ("2024-04", "receiver"),  # Miluo receives from Ningxiang: Max declares the receiver's side
    ]


def test_a_park_manager_writes_only_their_own_side(loaded: Engine, tmp_path: Path) -> None:
    theirs = [flow(*HAND_OVER.values(), "100", side="receiver")]  # REC-1's side belongs to Ningxiang
    refused = declare(loaded, tmp_path, MILUO, theirs)
    assert not refused.committed and stored(loaded) == []
    assert refused.errors.select("row", "column", "value").rows() == [(2, "side", "receiver")]
    assert refused.errors["reason"][0] == (
        "the receiver's declaration (target REC-1 in park NINGXIANG): max declares only the side of their own parks"
    )
    assert declare(loaded, tmp_path, MILUO, [flow(*HAND_OVER.values(), "100", side="移出方")]).ok
    assert declare(loaded, tmp_path, NINGXIANG, [flow(*HAND_OVER.values(), "92", side="接收方")]).ok
    # neither edits, deletes or restores the other's declaration
    edit = import_records(loaded, "flows", [HAND_OVER | {"quantity": "1", "side": "sender"}], actor=NINGXIANG)
    assert not edit.committed and "the sender's declaration (source COL-1 in park MILUO)" in edit.errors["reason"][0]
    delete = delete_record(loaded, "flow", HAND_OVER | {"side": "receiver"}, actor=MILUO)
    assert not delete.committed and "the receiver's declaration" in delete.errors["reason"][0]
    assert stored(loaded) == [("2024-03", "receiver", 92.0, "nina"), ("2024-03", "sender", 100.0, "max")]
    # both may read the counterpart's figure; each edits their own; an admin writes either side
    seen = handovers.from_parks(handovers.hand_overs(loaded, Selection(2024)), MILUO.parks).row(0, named=True)
    assert (seen["own_side"], seen["own_t"], seen["counterpart_t"], seen["task"]) == ("sender", 100.0, 92.0, "done")
    assert import_records(loaded, "flows", [HAND_OVER | {"quantity": "95", "side": "sender"}], actor=MILUO).ok
    assert import_records(loaded, "flows", [HAND_OVER | {"quantity": "93", "side": "receiver"}], actor=ADMIN).ok
    assert delete_record(loaded, "flow", HAND_OVER | {"side": "receiver"}, actor=NINGXIANG).committed
    assert stored(loaded) == [("2024-03", "sender", 95.0, "max")]


def test_bad_sides_are_refused_by_row_and_field(loaded: Engine, tmp_path: Path) -> None:
    rows = [
        flow(*HAND_OVER.values(), "1", side="sender"),
        flow(*HAND_OVER.values(), "2", side="buyer"),
        flow(*HAND_OVER.values(), "3", side="移出方"),  # the sender's again
    ]
    report = declare(loaded, tmp_path, ADMIN, rows)
    assert not report.committed and stored(loaded) == []
    errors = report.errors.select("row", "column", "reason").rows()
    assert errors == [
        (3, "side", "side must be sender (移出方) or receiver (接收方): whose declaration the row is"),
        (4, "side", "the same flow and side as f.csv row 2: each side declares a flow once"),
    ]


def test_confirming_the_counterparts_figure_writes_ones_own_side_with_history(loaded: Engine, tmp_path: Path) -> None:
    assert declare(loaded, tmp_path, MILUO, [flow(*HAND_OVER.values(), "100", unit="t", data_quality="measured")]).ok
    task = handovers.from_parks(handovers.hand_overs(loaded, Selection(2024)), NINGXIANG.parks)
    assert task.select("own_side", "own_t", "counterpart_t", "task").row(0) == ("receiver", None, 100.0, "confirm")
    awaiting = handovers.from_parks(handovers.hand_overs(loaded, Selection(2024)), MILUO.parks)
    assert awaiting["task"].to_list() == ["awaiting"]
    assert handovers.confirm(loaded, HAND_OVER, NINGXIANG).committed
    assert stored(loaded) == [("2024-03", "receiver", 100.0, "nina"), ("2024-03", "sender", 100.0, "max")]
    with loaded.connect() as conn:
        past = history.record_history(conn, "flow", HAND_OVER | {"side": "receiver"})
    assert past.select("status", "changed_by", "data_quality").row(0) == ("created", "nina", "measured")
    assert handovers.hand_overs(loaded, Selection(2024))["status"].to_list() == ["agreed"]
    again = handovers.confirm(loaded, HAND_OVER, MILUO)  # Max's side is declared; nothing of Nina's to take over
    assert again.committed  # confirms Nina's 100 t as Max's own: the same figure
    nothing = handovers.confirm(loaded, HAND_OVER | {"period": "2024-04"}, NINGXIANG)
    assert not nothing.committed and nothing.errors["reason"][0] == "there is no counterpart's declaration to confirm"


def test_export_writes_a_row_per_declaration_and_reimports_identically(loaded: Engine, tmp_path: Path) -> None:
    rows = [flow(*HAND_OVER.values(), "100", side="sender"), flow(*HAND_OVER.values(), "92", side="receiver")]
    assert declare(loaded, tmp_path, ADMIN, rows).ok
    first = tables.flows(loaded)
    assert first.select("side", "quantity").rows() == [("receiver", 92.0), ("sender", 100.0)]
    out = tmp_path / "out.csv"
    first.write_csv(out)
    again = tmp_path / "again"
    again.mkdir()
    from mfa.services.database import open_database

    copy = open_database(f"sqlite:///{again / 'copy.db'}")
    assert import_files(copy, [*world(again), out]).ok
    assert tables.flows(copy).equals(first)
    agreed = handovers.agreed_table(loaded).row(0, named=True)
    expected = (100 / 25**2 + 92 / 23**2) / (1 / 25**2 + 1 / 23**2)  # equal relative σ: 92 t weighs a little more
    assert (agreed["quantity"], agreed["unit"], agreed["status"]) == (pytest.approx(expected), "t", "agreed")
    assert (agreed["sender_t"], agreed["receiver_t"]) == (100.0, 92.0) and expected < 96.0


def test_a_disputed_hand_over_raises_the_reconciliations_chi2(loaded: Engine, tmp_path: Path) -> None:
    chain = [
        flow("2024", "SRC-1", "COL-1", "scrap_steel", "100", uncertainty="0.05"),
        flow("2024", "COL-1", "REC-1", "scrap_steel", "100", uncertainty="0.05", side="sender"),
    ]
    assert declare(loaded, tmp_path, ADMIN, chain).ok
    before = reconciling.reconcile_year(loaded, year=2024)
    slip = [flow("2024", "COL-1", "REC-1", "scrap_steel", "0.1", "kt", uncertainty="0.01", side="receiver")]
    assert declare(loaded, tmp_path, ADMIN, slip, "slip.csv").ok  # the receiver weighed 100 t: agreed
    agreed = reconciling.reconcile_year(loaded, year=2024)
    assert agreed.result.dof == before.result.dof + 1
    wrong = [flow("2024", "COL-1", "REC-1", "scrap_steel", "60", uncertainty="0.01", side="receiver")]
    assert declare(loaded, tmp_path, ADMIN, wrong, "wrong.csv").ok  # the receiver says 60 t
    disputed = reconciling.reconcile_year(loaded, year=2024)
    assert disputed.result.chi2 > agreed.result.chi2 + 10
    assert disputed.declarations.select("sender_t", "receiver_t", "disputed").row(0) == (100.0, 60.0, True)
    assert json.dumps(disputed.to_json())  # JSON-ready


@pytest.mark.slow
def test_the_cli_lists_hand_overs_with_counts(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    rows = [flow(*HAND_OVER.values(), "100", side="sender"), flow(*HAND_OVER.values(), "70", side="receiver")]
    rows.append(flow("2024-04", "COL-1", "REC-1", "fly_ash", "5"))
    assert mfa("import", *world(tmp_path), flows_file(tmp_path, rows), "--db", db).returncode == 0
    run = mfa("handovers", "--year", "2024", "--db", db, "--json")
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["counts"] == {"agreed": 0, "disputed": 1, "sender_only": 1, "receiver_only": 0}
    assert out["hand_overs"][0] | {"agreed_t": None} == HAND_OVER | {
        "sender_t": 100.0,
        "receiver_t": 70.0,
        "agreed_t": None,
        "difference_t": -30.0,
        "relative_difference": -0.3,
        "status": "disputed",
    }
    loose = json.loads(mfa("handovers", "--year", "2024", "--db", db, "--json", "--tolerance", "0.5").stdout)
    assert loose["counts"]["agreed"] == 1
    only = json.loads(mfa("handovers", "--year", "2024", "--db", db, "--json", "--status", "sender_only").stdout)
    assert [h["period"] for h in only["hand_overs"]] == ["2024-04"]
    bad = mfa("handovers", "--year", "2024", "--db", db, "--status", "argued")
    assert bad.returncode == 1 and bad.stderr.startswith("error: unknown status 'argued'")
    agreed = tmp_path / "agreed.csv"
    assert mfa("export", "--db", db, "--out", agreed, "--agreed").returncode == 0
    assert pl.read_csv(agreed).columns == list(handovers.AGREED_COLUMNS)
