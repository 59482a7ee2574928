"""Users and roles: accounts with argon2 hashes, and who may write what (every role x every write, both databases)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from mfa.domain.roles import Actor, local_operator
from mfa.services.editing import import_records
from mfa.services.writing import import_files
from mfa.storage import accounts
from mfa.storage.engine import write_transaction
from tests.factories import flow, flows_file, world, write_csv

HEADERS = {
    "parks": ["code", "name", "name_zh", "city", "level"],
    "facilities": ["code", "name", "name_zh", "park", "kind"],
    "materials": ["code", "name", "name_zh", "parent", "is_product"],
    "stocks": ["period", "facility", "material", "quantity", "unit"],
    "targets": [
        "indicator",
        "scope",
        "baseline_year",
        "baseline_value",
        "target_year",
        "target_value",
        "direction",
        "source",
    ],
    "reported": ["indicator", "scope", "year", "value", "source"],
}
ROWS = {
    "parks": ["NEW", "New park", "", "Changsha", "other"],
    "facilities": ["NEW-1", "New", "", "MILUO", "collection"],
    "materials": ["scrap_titanium", "Titanium scrap", "废钛", "scrap_nonferrous", "false"],
    "stocks": ["2024-12", "YARD-1", "fly_ash", "5", "t"],
    "targets": ["renewable_recycled_t", "MILUO", "", "", "2025", "1000", "at_least", ""],
    "reported": ["green_factories_added", "province", "2024", "3", ""],
}
ACTORS = {
    "admin": Actor("ann", "admin"),
    "analyst": Actor("ada", "analyst"),
    "manager": Actor("max", "park_manager", frozenset({"MILUO"})),
    "other_manager": Actor("ole", "park_manager", frozenset({"NINGXIANG"})),
}
# what each may write: flows from or to their park, facilities and stocks of their park, nothing else
ALLOWED = {
    "admin": {"parks", "facilities", "materials", "flows", "stocks", "targets", "reported"},
    "analyst": set(),
    "manager": {"facilities", "flows", "stocks"},
    "other_manager": {"flows"},  # the flow goes from MILUO to NINGXIANG: either end counts
}


@pytest.fixture
def loaded(engine: Engine, tmp_path: Path) -> Engine:
    assert import_files(engine, world(tmp_path)).ok
    return engine


@pytest.mark.parametrize("who", list(ACTORS))
@pytest.mark.parametrize("table", [*HEADERS, "flows"])
def test_authorization_matrix(loaded: Engine, tmp_path: Path, who: str, table: str) -> None:
    if table == "flows":
        path = flows_file(tmp_path, [flow("2024-01", "COL-1", "REC-1")], name="t.csv")
    else:
        path = write_csv(tmp_path / f"{table}.csv", HEADERS[table], [ROWS[table]])
    report = import_files(loaded, [path], actor=ACTORS[who])
    if table in ALLOWED[who]:
        assert report.ok and report.committed, report.errors
    else:
        assert not report.committed
        assert report.errors["reason"].str.contains(ACTORS[who].name).all(), report.errors


def test_a_park_manager_import_touching_another_park_names_the_rows(loaded: Engine, tmp_path: Path) -> None:
    rows = [flow("2024-01", "SRC-1", "COL-1"), flow("2024-02", "REC-1", "OUT", "recycled_steel")]
    report = import_files(loaded, [flows_file(tmp_path, rows)], actor=ACTORS["manager"], accept_valid=True)
    assert report.errors.select("file", "row", "column").rows() == [("flows.csv", 3, "source")]
    assert "max may write flows from or to their own parks only" in report.errors["reason"][0]
    assert report.written["flows"] == 1
    moved = write_csv(tmp_path / "f.csv", HEADERS["facilities"], [["REC-1", "Recycler", "", "MILUO", "recycling"]])
    refused = import_files(loaded, [moved], actor=ACTORS["manager"])  # REC-1 lies in NINGXIANG now
    assert not refused.committed and refused.errors["column"].to_list() == ["park"]


def test_form_writes_are_checked_too(loaded: Engine) -> None:
    record = {"period": "2024-01", "source": "REC-1", "target": "OUT", "material": "recycled_steel", "quantity": "1"}
    assert not import_records(loaded, "flows", [record], actor=ACTORS["manager"]).committed
    assert import_records(loaded, "flows", [record], actor=ACTORS["other_manager"]).ok
    assert import_records(loaded, "flows", [record], actor=local_operator("form")).ok


def test_accounts_hash_passwords_and_authenticate(loaded: Engine) -> None:
    with write_transaction(loaded) as conn:
        accounts.add_user(conn, "max", "correct horse", "park_manager", ["MILUO"])
        accounts.add_user(conn, "ada", "battery staple", "analyst")
    with loaded.connect() as conn:
        stored = conn.execute(text('SELECT password_hash FROM "user" WHERE name = :n'), {"n": "max"}).scalar()
        assert "correct horse" not in str(stored) and str(stored).startswith("$argon2id$")
        assert accounts.authenticate(conn, "max", "correct horse") == Actor(
            "max", "park_manager", frozenset({"MILUO"}), "app"
        )
        assert accounts.authenticate(conn, "max", "wrong password") is None
        assert accounts.authenticate(conn, "nobody", "correct horse") is None
        assert [u["name"] for u in accounts.list_users(conn)] == ["ada", "max"]
    with write_transaction(loaded) as conn:
        accounts.set_password(conn, "max", "new password!")
        accounts.disable_user(conn, "ada")
    with loaded.connect() as conn:
        assert accounts.authenticate(conn, "max", "new password!") is not None
        assert accounts.authenticate(conn, "ada", "battery staple") is None
        with pytest.raises(accounts.AccountError, match="disabled"):
            accounts.actor_for(conn, "ada")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("bad name!", "long enough", "admin", []), "not a valid user name"),
        (("x", "short", "admin", []), "at least 8"),
        (("x", "long enough", "owner", []), "unknown role"),
        (("x", "long enough", "park_manager", []), "needs at least one"),
        (("x", "long enough", "analyst", ["MILUO"]), "parks are for park managers"),
        (("x", "long enough", "park_manager", ["ATLANTIS"]), "unknown park"),
    ],
)
def test_bad_accounts_are_refused(loaded: Engine, args: tuple, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(accounts.AccountError, match=message), write_transaction(loaded) as conn:
        accounts.add_user(conn, *args)


def test_an_edit_based_on_a_stale_version_is_refused(loaded: Engine) -> None:
    from mfa.storage import writes

    record = {"period": "2024-01", "source": "SRC-1", "target": "COL-1", "material": "scrap_steel", "quantity": "1"}
    assert import_records(loaded, "flows", [record], actor=ACTORS["manager"]).ok
    key = {k: str(record[k]) for k in ("period", "source", "target", "material")}
    with loaded.connect() as conn:
        opened = writes.record_version(conn, "flows", key)
    assert opened is not None and opened[:2] == (1, "max")
    assert import_records(loaded, "flows", [record | {"quantity": "2"}], actor=ACTORS["admin"]).ok  # someone else
    stale = import_records(
        loaded, "flows", [record | {"quantity": "3"}], replace=key, expected_version=opened[0], actor=ACTORS["manager"]
    )
    assert not stale.committed
    assert (
        stale.errors["reason"][0].startswith("changed by ann at ")
        and "since you opened it" in stale.errors["reason"][0]
    )
    with loaded.connect() as conn:
        assert conn.execute(text("SELECT quantity_t, updated_by, version FROM flow")).one() == (2.0, "ann", 2)
    fresh = import_records(
        loaded, "flows", [record | {"quantity": "3"}], replace=key, expected_version=2, actor=ACTORS["manager"]
    )
    assert fresh.ok
    park = {"code": "MILUO", "name": "Miluo", "city": "Yueyang"}
    assert not import_records(loaded, "parks", [park], expected_version=7).committed
    assert import_records(loaded, "parks", [park], expected_version=1).ok


@pytest.fixture
def records(loaded: Engine, tmp_path: Path) -> Engine:
    """Beside the world: a flow edited once, a stock, a facility without flows, a park without facilities, a user."""
    import_files(loaded, [flows_file(tmp_path, [flow("2024-01", "COL-1", "REC-1", quantity="5")], name="a.csv")])
    import_files(loaded, [flows_file(tmp_path, [flow("2024-01", "COL-1", "REC-1", quantity="6")], name="b.csv")])
    import_files(loaded, [write_csv(tmp_path / "s.csv", HEADERS["stocks"], [ROWS["stocks"]])])
    import_files(
        loaded, [write_csv(tmp_path / "p.csv", HEADERS["parks"], [["EMPTY", "Empty", "", "Changsha", "other"]])]
    )
    spare = write_csv(tmp_path / "spare.csv", HEADERS["facilities"], [["SPARE", "Spare", "", "MILUO", "storage"]])
    import_files(loaded, [spare])
    with write_transaction(loaded) as conn:
        accounts.add_user(conn, "victim", "a long password", "analyst")
    return loaded


FLOW_KEY = {"period": "2024-01", "source": "COL-1", "target": "REC-1", "material": "scrap_steel"}
TARGET_KEY = {"indicator": "renewable_recycled_t", "scope_level": "province", "scope": "province", "target_year": 2025}


def _account(action: str, actor: Actor, engine: Engine) -> bool:
    with write_transaction(engine) as conn:
        if action == "user_add":
            accounts.add_user(conn, "newbie", "a long password", "analyst", actor=actor)
        elif action == "user_passwd":
            accounts.set_password(conn, "victim", "another long one", actor=actor)
        else:
            accounts.disable_user(conn, "victim", actor=actor)
    return True


def _do(action: str, actor: Actor, engine: Engine) -> bool:
    """Carry out one write action as `actor`; True if it was done, False if refused."""
    from mfa.domain.roles import NotAllowed
    from mfa.services import editing, reconciling

    if action == "form_flow":
        record = dict(FLOW_KEY, quantity="7", unit="t")
        return import_records(engine, "flows", [record], replace=FLOW_KEY, actor=actor).committed
    if action == "form_facility":
        record = {"code": "NEW-1", "name": "New", "park": "MILUO", "kind": "collection"}
        return import_records(engine, "facilities", [record], actor=actor).committed
    if action == "form_park":
        return import_records(
            engine, "parks", [{"code": "MILUO", "name": "M", "city": "Yueyang"}], actor=actor
        ).committed
    if action.startswith("delete_"):
        record = action.removeprefix("delete_")
        key = {
            "flow": FLOW_KEY,
            "facility": {"code": "SPARE"},
            "park": {"code": "EMPTY"},
            "stock": {"facility": "YARD-1", "material": "fly_ash", "period": "2024-12"},
            "target": TARGET_KEY,
        }[record]
        return editing.delete_record(engine, record, key, actor=actor).committed
    if action == "restore_flow":
        return editing.restore_version(engine, "flow", FLOW_KEY, 1, actor=actor).committed
    if action == "save_reconciled":
        try:
            reconciling.save(engine, reconciling.reconcile_year(engine, year=2024), actor)
        except NotAllowed:
            return False
        return True
    try:
        return _account(action, actor, engine)
    except accounts.AccountError:
        return False


MORE_ALLOWED = {
    "admin": {
        "form_flow", "form_facility", "form_park", "delete_flow", "delete_facility", "delete_park", "delete_stock",
        "delete_target", "restore_flow", "save_reconciled", "user_add", "user_passwd", "user_disable",
    },
    "analyst": set(),
    "manager": {"form_flow", "form_facility", "delete_flow", "delete_facility", "delete_stock", "restore_flow"},
    "other_manager": {"form_flow", "delete_flow", "restore_flow"},
}  # fmt: skip


@pytest.mark.parametrize("who", list(ACTORS))
@pytest.mark.parametrize("action", sorted(MORE_ALLOWED["admin"]))
def test_authorization_matrix_of_forms_deletes_restores_users_and_reconciled(
    records: Engine, who: str, action: str
) -> None:
    with records.connect() as conn:
        before = conn.execute(text("SELECT COUNT(*) FROM change")).scalar()
    done = _do(action, ACTORS[who], records)
    assert done == (action in MORE_ALLOWED[who])
    with records.connect() as conn:
        after = conn.execute(text("SELECT COUNT(*) FROM change")).scalar()
    if not done:
        assert after == before  # a refused action leaves no trace in the data or its history
