"""Backup and restore: every table and every value survive SQLite -> PostgreSQL -> SQLite; a refused or failed
restore leaves the target as it was; the CLI commands are for admins only."""

from __future__ import annotations

import hashlib
import io
import json
import re
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from sqlalchemy import Engine, MetaData, select, text
from typer.testing import CliRunner

from mfa.cli import UserError, app
from mfa.reference import sample_files
from mfa.services.database import open_database
from mfa.services.writing import import_files
from mfa.storage import accounts, backup
from mfa.storage.engine import is_sqlite
from tests.conftest import drop_postgres_database, new_postgres_database
from tests.factories import flow, flows_file, world, write_csv

pytestmark = pytest.mark.slow  # whole databases go through backup files, the sample among them

AWKWARD = "Miluo \"quoted\", 汨罗 'single'\nsecond line\r\n\ttabbed \\ backslash"
FORMULA = '=HYPERLINK("http://x","点我")'
STAMP_UTC = r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d{6})?)\+00:00$"
FILLED = "park facility material flow stock target meta reconciled change flow_revision user user_park login_session"
"""Tables the source fills; the others may be empty."""


def _fill(engine: Engine, folder: Path) -> None:
    """A small world with awkward values in every kind of column, users, history and meta."""
    folder.mkdir(exist_ok=True)
    flows = [
        flow(note=AWKWARD, reference=FORMULA),
        flow("2024-02", quantity="0.30000000000000004", uncertainty="0.1", data_quality="measured"),
        flow("2024-03", "COL-1", "REC-1", note="空"),
        flow("2023", "REC-1", "OUT", "recycled_steel", quantity="1e-300"),
    ]
    header = ["period", "facility", "material", "quantity", "unit"]
    stock: list[list[object]] = [["2024", "YARD-1", "fly_ash", "5", "t"]]
    stocks = write_csv(folder / "stocks.csv", header, stock)
    report = import_files(engine, [*world(folder), flows_file(folder, flows), stocks])
    assert report.committed, report.errors
    again = flows_file(folder, [flow(quantity="150", note="修订 'v2'")], name="again.csv")  # history: a revision
    assert import_files(engine, [again]).committed
    with engine.begin() as conn:
        accounts.add_user(conn, "root", "a-long-password", "admin")
        accounts.add_user(conn, "ana", "another-password", "analyst")
        accounts.add_user(conn, "max", "third-password", "park_manager", ["MILUO"])
        conn.execute(text("UPDATE \"user\" SET disabled = :d WHERE name = 'max'"), {"d": True})
        ids = conn.execute(text("SELECT id FROM flow ORDER BY id")).scalars().all()
        conn.execute(
            text("UPDATE flow SET value = :v, uncertainty = :u, updated_at = :t WHERE id = :i"),
            {"v": 0.1 + 0.2, "u": 5e-324, "t": "2024-02-29 23:59:59", "i": ids[1]},
        )
        conn.execute(text("UPDATE flow SET updated_at = '0001-01-01 00:00:00' WHERE id = :i"), {"i": ids[2]})
        conn.execute(
            text(
                "INSERT INTO reconciled (flow_id, flow_version, reconciled_t, sigma_t, normalized_residual, flag, "
                "run_at) VALUES (:f, 2, :r, NULL, :n, 'adjusted', '9999-12-31 23:59:59.999999')"
            ),
            {"f": ids[0], "r": 1 / 3, "n": -1.5e300},
        )
        conn.execute(text("INSERT INTO meta (key, value) VALUES ('note', :v)"), {"v": AWKWARD[:200]})
        conn.execute(
            text(
                "INSERT INTO login_session (token_hash, user_id, created_at, last_seen) "
                "SELECT 'abc123', id, '2025-06-01 08:00:00', '2025-06-01 08:30:00.250000' FROM \"user\" "
                "WHERE name = 'root'"
            )
        )
        conn.execute(text("DELETE FROM flow WHERE id = :i"), {"i": ids[3]})  # history: a deleted version


def _plain(value: Any) -> Any:
    """A value compared exactly across databases: floats bit for bit, timestamps as UTC."""
    if isinstance(value, float):
        return value.hex()
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value


def _dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows (every column) in primary-key order."""
    with engine.connect() as conn:
        metadata = MetaData()
        metadata.reflect(bind=conn)
        return {
            t.name: [tuple(_plain(v) for v in row) for row in conn.execute(select(t).order_by(*t.primary_key))]
            for t in metadata.sorted_tables
            if t.name != "alembic_version"
        }


def _raw_sqlite(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """An SQLite file's rows as stored: values and their storage classes, the text of timestamps included (but
    for a '+00:00' suffix, which mfa writes on some: a restore writes every timestamp as naive UTC text)."""
    with closing(sqlite3.connect(str(engine.url.database))) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        out = {}
        for name in names:
            columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{name}")')]
            select_ = ", ".join(f'"{c}", typeof("{c}")' for c in columns)
            rows = conn.execute(f'SELECT {select_} FROM "{name}"').fetchall()
            out[name] = sorted(
                (tuple(re.sub(STAMP_UTC, r"\1", v) if isinstance(v, str) else v for v in row) for row in rows),
                key=repr,
            )
        return out


def _triggers(engine: Engine) -> int:
    """How many triggers are on (history keeps itself by triggers)."""
    if is_sqlite(engine):
        sql = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger'"
    else:
        sql = "SELECT COUNT(*) FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D'"
    with engine.connect() as conn:
        return int(conn.execute(text(sql)).scalar_one())


def _tables(path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(path) as archive:
        return {
            name: pq.read_table(io.BytesIO(archive.read(name)))
            for name in archive.namelist()
            if name.endswith(".parquet")
        }


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """An SQLite database full of awkward values, made once: tests only read it."""
    folder = tmp_path_factory.mktemp("source")
    engine = open_database(f"sqlite:///{folder / 'source.db'}")
    _fill(engine, folder / "files")
    yield engine
    engine.dispose()


@pytest.fixture
def pg_url(postgres_admin: str) -> Iterator[str]:
    name, url = new_postgres_database(postgres_admin)
    yield url
    drop_postgres_database(postgres_admin, name)


@pytest.mark.postgres
def test_sqlite_to_postgresql_to_sqlite_keeps_every_row(
    source: Engine, pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backup, "CHUNK_ROWS", 2)  # several row groups and insert batches per table
    expected = _dump(source)
    assert [t for t in FILLED.split() if not expected[t]] == []
    counts = backup.backup(source, tmp_path / "a.mfa")
    assert counts == {t: len(rows) for t, rows in expected.items()}
    with zipfile.ZipFile(tmp_path / "a.mfa") as archive:
        assert pq.ParquetFile(io.BytesIO(archive.read("tables/flow.parquet"))).num_row_groups > 1

    pg = open_database(pg_url)
    try:
        assert backup.restore(pg, tmp_path / "a.mfa") == counts
        assert _dump(pg) == expected
        backup.backup(pg, tmp_path / "b.mfa")
        with pg.begin() as conn:  # the id sequences go on after the restored ids
            new = conn.execute(
                text(
                    "INSERT INTO park (code, name, name_zh, city, level, updated_at, version) "
                    "VALUES ('NEW', '', '', 'x', 'other', now(), 1) RETURNING id"
                )
            ).scalar()
            assert new == max(row[0] for row in expected["park"]) + 1
            conn.execute(text("DELETE FROM park WHERE code = 'NEW'"))
        with pg.begin() as conn:  # values SQLite cannot hold round-trip between PostgreSQL databases
            conn.execute(text("UPDATE reconciled SET sigma_t = 'NaN', normalized_residual = '-Infinity'"))
            conn.execute(text("UPDATE flow SET uncertainty = '-0' WHERE uncertainty IS NULL"))
        before = _dump(pg)
        backup.backup(pg, tmp_path / "nan.mfa")
        backup.restore(pg, tmp_path / "nan.mfa", replace=True)
        assert _dump(pg) == before
    finally:
        pg.dispose()
    first, second = _tables(tmp_path / "a.mfa"), _tables(tmp_path / "b.mfa")
    assert first.keys() == second.keys()
    assert [n for n in first if not first[n].equals(second[n])] == []  # the same Parquet from either database
    manifest = backup.read_manifest(tmp_path / "b.mfa")
    assert manifest["source_dialect"] == "postgresql" and manifest["schema_revision"] == backup.head_revision()

    back = open_database(f"sqlite:///{tmp_path / 'back.db'}")
    assert backup.restore(back, tmp_path / "b.mfa") == counts
    assert _dump(back) == expected
    assert _raw_sqlite(back) == _raw_sqlite(source)  # as stored, storage classes and timestamps' text too
    nan = open_database(f"sqlite:///{tmp_path / 'nan.db'}")
    with pytest.raises(backup.BackupError, match=r"reconciled\.sigma_t holds NaN"):
        backup.restore(nan, tmp_path / "nan.mfa")


def test_restore_refuses_a_database_with_data_unless_replace(source: Engine, engine: Engine, tmp_path: Path) -> None:
    backup.backup(source, tmp_path / "a.mfa")
    assert import_files(engine, [*world(tmp_path), flows_file(tmp_path, [flow("2022-07", note="theirs")])]).committed
    before, triggers = _dump(engine), _triggers(engine)
    with pytest.raises(backup.BackupError, match=r"already holds data \(.*2 park.*rows\).*--replace"):
        backup.restore(engine, tmp_path / "a.mfa")
    assert _dump(engine) == before

    backup.restore(engine, tmp_path / "a.mfa", replace=True)
    assert _dump(engine) == _dump(source)  # the history tables too: no trigger fired while replacing
    assert _triggers(engine) == triggers
    with engine.begin() as conn:  # and the triggers work again
        revisions = conn.execute(text("SELECT COUNT(*) FROM flow_revision")).scalar_one()
        conn.execute(text("DELETE FROM flow WHERE id = (SELECT MIN(id) FROM flow)"))
        assert conn.execute(text("SELECT COUNT(*) FROM flow_revision")).scalar_one() == revisions + 1


def _rewrite(path: Path, out: Path, change: Any, members: dict[str, bytes] | None = None) -> Path:
    """A copy of a backup with its manifest changed by `change` and some members replaced."""
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = (members or {}).get(info.filename) or src.read(info)
            if info.filename == "manifest.json":
                manifest = json.loads(data)
                change(manifest)
                data = json.dumps(manifest).encode()
            dst.writestr(info, data)
    return out


def _without_rows(path: Path, out: Path, table: str) -> Path:
    """A copy of a backup whose `table` lost its rows, the manifest agreeing (count and checksum)."""
    member = f"tables/{table}.parquet"
    with zipfile.ZipFile(path) as src:
        empty = pq.read_table(io.BytesIO(src.read(member))).slice(0, 0)
    sink = io.BytesIO()
    pq.write_table(empty, sink)

    def change(manifest: dict[str, Any]) -> None:
        entry = next(e for e in manifest["tables"] if e["name"] == table)
        entry.update(rows=0, sha256=hashlib.sha256(sink.getvalue()).hexdigest())

    return _rewrite(path, out, change, {member: sink.getvalue()})


def test_restore_refuses_another_schema_revision(source: Engine, tmp_path: Path) -> None:
    backup.backup(source, tmp_path / "a.mfa")
    old = _rewrite(tmp_path / "a.mfa", tmp_path / "old.mfa", lambda m: m.update(schema_revision="0001"))
    target = open_database(f"sqlite:///{tmp_path / 'target.db'}")
    before = _dump(target)
    with pytest.raises(backup.BackupError, match=r"schema revision 0001, but this mfa's is \d{4}"):
        backup.restore(target, old)
    assert _dump(target) == before


def _flip_byte(path: Path, member: str, out: Path) -> Path:
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0xFF
    out.write_bytes(bytes(data))
    return out


def test_a_corrupt_or_truncated_backup_changes_nothing(source: Engine, engine: Engine, tmp_path: Path) -> None:
    good = tmp_path / "a.mfa"
    backup.backup(source, good)
    assert import_files(engine, [*world(tmp_path), flows_file(tmp_path, [flow()])]).committed
    before, triggers = _dump(engine), _triggers(engine)
    truncated = tmp_path / "truncated.mfa"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as other:
        other.writestr("hello.txt", "not a backup")
    cases = [
        (truncated, "is not a readable mfa backup"),
        (tmp_path / "other.zip", "is not an mfa backup: it has no manifest.json"),
        (_flip_byte(good, "tables/flow.parquet", tmp_path / "flipped.mfa"), "corrupt: tables/flow.parquet"),
        (_rewrite(good, tmp_path / "lying.mfa", lambda m: m["tables"][-1].update(sha256="0" * 64)), "checksum"),
        (tmp_path / "missing.mfa", "no such backup file"),
    ]
    for path, message in cases:
        with pytest.raises(backup.BackupError, match=message):
            backup.restore(engine, path, replace=True)  # the flipped byte is found after the tables were emptied
        assert _dump(engine) == before and _triggers(engine) == triggers


def test_rows_that_break_a_foreign_key_are_refused_and_change_nothing(
    source: Engine, engine: Engine, tmp_path: Path
) -> None:
    backup.backup(source, tmp_path / "a.mfa")
    orphans = _without_rows(tmp_path / "a.mfa", tmp_path / "orphans.mfa", "facility")  # flows from nowhere
    before, triggers = _dump(engine), _triggers(engine)
    with pytest.raises(backup.BackupError, match=r"(?i)the restore failed and changed nothing: .*foreign key"):
        backup.restore(engine, orphans)  # SQLite checks the (deferred) foreign keys at commit, PostgreSQL at COPY
    assert _dump(engine) == before and _triggers(engine) == triggers


def test_backup_is_written_whole_or_not_at_all(source: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out" / "a.mfa"
    out.parent.mkdir()
    out.write_text("the previous backup")
    real = backup._write_table

    def fail_on_flow(conn: Any, archive: Any, table: Any) -> dict[str, Any]:
        if table.name == "flow":
            raise OSError("disk full")
        return real(conn, archive, table)

    monkeypatch.setattr(backup, "_write_table", fail_on_flow)
    with pytest.raises(OSError, match="disk full"):
        backup.backup(source, out)
    assert out.read_text() == "the previous backup" and list(out.parent.iterdir()) == [out]


def _mfa(*args: str) -> subprocess.CompletedProcess[str]:
    """The mfa command in a new process, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "mfa", *args], capture_output=True, text=True, timeout=120)


def _refusal(*args: str) -> str:
    """The one-line error of an mfa command run in this process (quicker than a new one)."""
    result = CliRunner().invoke(app, list(args))
    assert isinstance(result.exception, UserError), result.output
    return str(result.exception)


def test_cli_backup_and_restore_for_admins_only(source: Engine, tmp_path: Path) -> None:
    db, file, target = str(source.url.database), tmp_path / "cli.mfa", str(tmp_path / "target.db")
    run = _mfa("backup", str(file), "--db", db)
    assert run.returncode == 0, run.stderr
    assert "flow_revision" in run.stdout and "backed up" in run.stdout and file.is_file()
    refused = _mfa("backup", str(tmp_path / "no.mfa"), "--db", db, "--user", "ana")
    assert refused.returncode == 1 and not (tmp_path / "no.mfa").exists()
    assert refused.stderr == "error: ana (analyst) may not back up the database: admins only\n"

    restored = CliRunner().invoke(app, ["restore", str(file), "--db", target])
    assert restored.exit_code == 0 and "restored" in restored.output, restored.output
    assert _refusal("restore", str(file), "--db", target).startswith("the database already holds data (")
    refused_ = _refusal("restore", str(file), "--db", target, "--replace", "--user", "max")
    assert refused_ == "user 'max' is disabled"  # as the backup has it
    refused_ = _refusal("restore", str(file), "--db", target, "--replace", "--user", "ana")
    assert refused_ == "ana (analyst) may not restore a backup: admins only"
    replaced = _mfa("restore", str(file), "--db", target, "--replace", "--user", "root")
    assert replaced.returncode == 0 and "restored" in replaced.stdout, replaced.stderr
    assert _dump(open_database(f"sqlite:///{target}")) == _dump(source)


@pytest.mark.postgres
def test_the_sample_round_trips_through_postgresql(pg_url: str, tmp_path: Path) -> None:
    lite = open_database(f"sqlite:///{tmp_path / 'sample.db'}")
    assert import_files(lite, sample_files()).committed
    counts = backup.backup(lite, tmp_path / "sample.mfa")
    assert counts["flow"] > 70_000
    pg = open_database(pg_url)
    try:
        assert backup.restore(pg, tmp_path / "sample.mfa") == counts
        backup.backup(pg, tmp_path / "again.mfa")
    finally:
        pg.dispose()
    first, second = _tables(tmp_path / "sample.mfa"), _tables(tmp_path / "again.mfa")
    assert [n for n in first if not first[n].equals(second[n])] == []
