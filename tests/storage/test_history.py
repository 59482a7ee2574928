"""History: every write is a change; replaced and deleted versions are kept; restore brings one back; on both
databases, and whichever path wrote (import, form, delete, plain SQL)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine, text

from mfa.domain.roles import Actor
from mfa.services.editing import delete_record, import_records, restore_version
from mfa.services.writing import import_files
from mfa.storage import history
from tests.factories import flow, flows_file, world

KEY = {"period": "2024-01", "source": "SRC-1", "target": "COL-1", "material": "scrap_steel"}
ALICE = Actor("alice", "admin", via="app")


def _edit(engine: Engine, quantity: str, note: str = "", actor: Actor = ALICE) -> None:
    with engine.connect() as conn:
        version = int(history.record_history(conn, "flow", KEY)["version"].drop_nulls()[-1])
    record = dict(KEY, quantity=quantity, unit="t", note=note)
    report = import_records(engine, "flows", [record], replace=KEY, expected_version=version, actor=actor)
    assert report.committed, report.errors


def _history(engine: Engine, record: str = "flow", key: dict[str, object] = KEY) -> pl.DataFrame:
    with engine.connect() as conn:
        return history.record_history(conn, record, key)


@pytest.fixture
def three_edits(engine: Engine, tmp_path: Path) -> Engine:
    """A flow imported, then edited three times through the form by alice."""
    import_files(engine, [*world(tmp_path), flows_file(tmp_path, [flow(quantity="100")])])
    _edit(engine, "110")
    _edit(engine, "120", note="corrected after audit")
    _edit(engine, "1.3", actor=Actor("bob", "admin", via="cli"))
    return engine


def test_a_flow_edited_three_times_has_four_versions_with_who_when_how_and_what(three_edits: Engine) -> None:
    h = _history(three_edits)
    assert h["version"].to_list() == [1, 2, 3, 4]
    assert h["status"].to_list() == ["created", "updated", "updated", "updated"]
    assert h["value"].to_list() == [100.0, 110.0, 120.0, 1.3]
    assert h["changed_by"].to_list()[1:] == ["alice", "alice", "bob"]
    assert h["via"][0].endswith("import parks.csv, facilities.csv, flows.csv")
    assert h["via"].to_list()[1:] == ["app form", "app form", "cli form"]
    assert h["changes"][1] == "quantity_t: 100.0 → 110.0; value: 100.0 → 110.0"
    assert "note: ∅ → corrected after audit" in h["changes"][2]
    assert h["changed_at"].str.len_chars().to_list() == [19] * 4
    assert h["change_id"].is_sorted() and h["change_id"].n_unique() == 4


def test_restore_brings_an_earlier_version_back_as_a_new_version(three_edits: Engine) -> None:
    report = restore_version(three_edits, "flow", KEY, 2, actor=ALICE)
    assert report.committed, report.errors
    h = _history(three_edits)
    assert h["version"].to_list() == [1, 2, 3, 4, 5]
    assert h["status"][-1] == "restored" and h["via"][-1] == "app restore flow version 2"
    last = h.row(-1, named=True)
    assert (last["value"], last["quantity_t"], last["note"]) == (110.0, 110.0, None)
    again = restore_version(three_edits, "flow", KEY, 5, actor=ALICE)
    assert not again.committed and "current version already" in again.errors["reason"][0]
    with pytest.raises(ValueError, match="no version 9"):
        restore_version(three_edits, "flow", KEY, 9)


def test_a_deleted_flow_stays_in_history_and_restore_recreates_it_with_the_next_version(three_edits: Engine) -> None:
    assert delete_record(three_edits, "flow", KEY, actor=ALICE).committed
    with three_edits.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM flow")).scalar() == 0
    h = _history(three_edits)
    assert h["status"].to_list()[-1] == "deleted" and h["changed_by"][-1] == "alice"
    assert restore_version(three_edits, "flow", KEY, 3, actor=ALICE).committed
    h = _history(three_edits)
    assert h["version"].to_list() == [1, 2, 3, 4, None, 5]
    assert h["status"][-1] == "restored" and h["note"][-1] == "corrected after audit"
    missing = delete_record(three_edits, "flow", dict(KEY, period="2023-01"))
    assert not missing.committed and missing.errors["reason"][0] == "no such flow"


def test_a_deleted_key_imported_again_continues_its_version_numbers(three_edits: Engine, tmp_path: Path) -> None:
    delete_record(three_edits, "flow", KEY)
    import_files(three_edits, [flows_file(tmp_path, [flow(quantity="7")], name="again.csv")])
    assert _history(three_edits)["version"].to_list() == [1, 2, 3, 4, None, 5]


def test_changing_a_flows_key_in_the_form_deletes_the_old_key_in_the_same_change(three_edits: Engine) -> None:
    moved = dict(KEY, period="2024-02")
    report = import_records(three_edits, "flows", [dict(moved, quantity="5", unit="t")], replace=KEY, actor=ALICE)
    assert report.committed
    old, new = _history(three_edits), _history(three_edits, "flow", moved)
    assert old["status"][-1] == "deleted" and new["status"].to_list() == ["created"]
    assert old["change_id"][-1] == new["change_id"][0]


def test_facility_history_delete_refused_while_used_then_allowed(three_edits: Engine) -> None:
    record = {"code": "YARD-1", "name": "Slag yard <script>alert(1)</script>", "park": "MILUO", "kind": "storage"}
    assert import_records(three_edits, "facilities", [record], actor=ALICE).committed
    used = delete_record(three_edits, "facility", {"code": "COL-1"})
    assert not used.committed and "facility COL-1 still has 1 flows" in used.errors["reason"][0]
    assert delete_record(three_edits, "facility", {"code": "YARD-1"}).committed
    h = _history(three_edits, "facility", {"code": "YARD-1"})
    assert h["status"].to_list() == ["created", "updated", "deleted"]
    assert h["name"][1] == "Slag yard <script>alert(1)</script>"
    assert restore_version(three_edits, "facility", {"code": "YARD-1"}, 1).committed
    assert _history(three_edits, "facility", {"code": "YARD-1"})["name"][-1] == "Slag yard"


def test_writes_that_bypass_mfa_are_still_kept_by_the_triggers(three_edits: Engine) -> None:
    with three_edits.begin() as conn:
        conn.execute(text("INSERT INTO change (changed_at, changed_by, via) VALUES (CURRENT_TIMESTAMP, 'dba', 'sql')"))
        change = conn.execute(text("SELECT MAX(id) FROM change")).scalar()
        if conn.dialect.name != "sqlite":
            conn.execute(text("SELECT set_config('mfa.change_id', :c, true)"), {"c": str(change)})
        conn.execute(text("UPDATE flow SET quantity_t = 1, change_id = :c"), {"c": change})
        conn.execute(text("DELETE FROM flow"))
    h = _history(three_edits)
    assert h["status"].to_list()[-1] == "deleted" and h["via"][-1] == "sql"
    assert h["quantity_t"].to_list()[-2:] == [1.0, None]


def test_latest_changes_newest_first_and_what_each_wrote(three_edits: Engine) -> None:
    delete_record(three_edits, "flow", KEY, actor=ALICE)
    with three_edits.connect() as conn:
        latest = history.latest_changes(conn, limit=3)
        records = history.change_records(conn, int(latest["change_id"][0]))
        first = history.change_records(conn, int(latest["change_id"][-1]))
    assert latest.height == 3 and latest["change_id"].is_sorted(descending=True)
    assert latest["summary"][0] == "1 flows deleted: 2024-01 | SRC-1 | COL-1 | scrap_steel | sender"
    assert latest["summary"][1] == "1 flows written" and latest["via"][1] == "cli form"
    assert records.row(0) == ("flow", "2024-01 | SRC-1 | COL-1 | scrap_steel | sender", "deleted")
    assert first["how"].to_list() == ["written"]


def test_park_manager_may_not_delete_or_restore_outside_their_parks(three_edits: Engine) -> None:
    other = Actor("pm", "park_manager", frozenset({"ELSEWHERE"}), via="app")
    refused = delete_record(three_edits, "flow", KEY, actor=other)
    assert not refused.committed and "own parks" in refused.errors["reason"][0]
    assert not restore_version(three_edits, "flow", KEY, 1, actor=other).committed
    own = Actor("pm2", "park_manager", frozenset({"MILUO"}), via="app")
    assert restore_version(three_edits, "flow", KEY, 1, actor=own).committed
    assert delete_record(three_edits, "flow", KEY, actor=own).committed


def test_records_are_found_by_facility_material_and_period_deleted_ones_too(engine: Engine, tmp_path: Path) -> None:
    rows = [flow(quantity="100"), flow("2024-02", "SRC-1", "REC-1", "fly_ash"), flow("2025-01", "COL-1", "REC-1")]
    import_files(engine, [*world(tmp_path), flows_file(tmp_path, rows)])
    assert delete_record(engine, "flow", KEY).committed
    with engine.connect() as conn:
        found = history.find_keys(conn, "flow", {"facility": "SRC-1", "material": "scrap_steel", "period": "2024"})
        assert found.to_dicts() == [KEY | {"side": "sender"}]  # deleted: found in its history
        newest_first = history.find_keys(conn, "flow", {"facility": "REC-1"})["period"].to_list()
        assert newest_first == ["2025-01", "2024-02"]
        assert history.find_keys(conn, "flow", {"park": "MILUO"}).height == 0  # flows are not found by park
        assert history.find_keys(conn, "facility", {"park": "MILUO"}).height >= 2
        assert history.find_keys(conn, "flow", {}, limit=2).height == 2
