"""Lossless backup and restore of the whole database, between SQLite and PostgreSQL in either direction.

A backup is one zip file: `manifest.json` (format, the schema revision, when and from which database it was made,
and for each table its columns, row count and checksum) and `tables/<table>.parquet`, one per table, in row groups
of CHUNK_ROWS so that no table needs to fit in memory. Every table the database holds is kept (users with their
password hashes, history, meta...); only `alembic_version` is left out, its revision going into the manifest.

Values keep their types exactly: integers, float64 bit for bit, text verbatim, NULLs, booleans, and timestamps as
UTC microseconds (SQLite's naive text is read as UTC, as mfa writes it; PostgreSQL's timestamps are converted).
Restored into SQLite, every timestamp is naive UTC text ('2024-01-31 08:00:00[.ffffff]'); a NaN is refused there
(SQLite would store NULL), and -0.0 becomes 0.0 (SQLite keeps no sign of zero).

A restore is one transaction with the triggers off, so history tables come back as they were and a failure leaves
the database unchanged.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as csv
import pyarrow.parquet as pq
from sqlalchemy import Column, Connection, Engine, MetaData, Table, text, types

from mfa.storage.engine import head_revision, is_sqlite, write_transaction

FORMAT = "mfa-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNK_ROWS = 200_000
"""Rows read, written and inserted at a time (one Parquet row group)."""
CSV_OPTIONS = csv.WriteOptions(include_header=False, quoting_style="needed")
SKIPPED = frozenset({"alembic_version"})
REFERENCE_TABLES = frozenset({"material", "material_alias", "target", "meta"})
"""Tables a new database already fills (the bundled materials and aliases, the plan's targets, meta): not "data"
to protect."""

ARROW_TYPES: dict[str, pa.DataType] = {
    "integer": pa.int64(),
    "float": pa.float64(),
    "boolean": pa.bool_(),
    "text": pa.string(),
    "datetime": pa.timestamp("us", tz="UTC"),
    "date": pa.date32(),
    "decimal": pa.string(),
    "json": pa.string(),
    "binary": pa.binary(),
}
_KINDS: list[tuple[type[types.TypeEngine[Any]], str]] = [
    (types.Boolean, "boolean"),
    (types.Integer, "integer"),
    (types.Float, "float"),
    (types.Numeric, "decimal"),
    (types.DateTime, "datetime"),
    (types.Date, "date"),
    (types.JSON, "json"),
    (types.String, "text"),
    (types.LargeBinary, "binary"),
]


class BackupError(ValueError):
    """A backup cannot be written or restored; the message says why."""


# ---------------------------------------------------------------- tables and columns


def _kind(table: Table, column: Column[Any]) -> str:
    for type_, kind in _KINDS:
        if isinstance(column.type, type_):
            return kind
    raise BackupError(f"column {table.name}.{column.name} has type {column.type!r}, which a backup cannot keep")


def _columns(table: Table) -> list[Column[Any]]:
    """The stored columns (generated ones are made again by the database)."""
    return [c for c in table.columns if c.computed is None]


def _tables(conn: Connection) -> list[Table]:
    """Every table of the database, parents before the tables that refer to them."""
    metadata = MetaData()
    metadata.reflect(bind=conn)
    return [t for t in metadata.sorted_tables if t.name not in SKIPPED]


def _revision(conn: Connection) -> str | None:
    if not conn.dialect.has_table(conn, "alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _quote(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote(name)


# ---------------------------------------------------------------- backup


def _timestamps(values: Sequence[Any]) -> pa.Array:
    """Stored timestamps as UTC: SQLite's naive text is UTC already (as mfa writes it), PostgreSQL's are converted."""
    try:
        return pa.array(values, pa.string()).cast(pa.timestamp("us")).cast(ARROW_TYPES["datetime"])  # ISO text
    except pa.ArrowException:  # datetimes, or text with a zone offset
        parsed = [datetime.fromisoformat(v) if isinstance(v, str) else v for v in values]
        return pa.array(parsed, ARROW_TYPES["datetime"])


def _date(value: Any) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _bool(value: Any) -> bool:
    if value not in (0, 1):  # SQLite keeps booleans as 0 and 1 (True == 1, False == 0)
        raise ValueError(f"{value!r} is not a boolean")
    return bool(value)


_READ: dict[str, Any] = {"date": _date, "boolean": _bool, "decimal": str, "json": str, "binary": bytes}


def _array(values: Sequence[Any], kind: str, where: str) -> pa.Array:
    """One column of a chunk of rows, as the driver gave it, as an Arrow array of the kind's type."""
    read = _READ.get(kind)
    try:
        if kind == "datetime":
            return _timestamps(values)
        if read is not None:
            values = [None if v is None else read(v) for v in values]
        return pa.array(values, type=ARROW_TYPES[kind])
    except (ValueError, TypeError, pa.ArrowException) as exc:
        raise BackupError(f"{where} holds a value that is not {kind}: {str(exc).splitlines()[0]}") from exc


class _Counted:
    """A write-only stream that counts and hashes what passes through (Parquet asks where it is: tell)."""

    def __init__(self, handle: Any) -> None:
        self.handle, self.size, self.sha256 = handle, 0, hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.handle.write(data)
        self.sha256.update(data)
        self.size += len(data)
        return len(data)

    def tell(self) -> int:
        return self.size

    def flush(self) -> None:
        self.handle.flush()

    def close(self) -> None:
        return None  # the zip member is closed by its owner

    @property
    def closed(self) -> bool:
        return bool(self.handle.closed)


def _write_table(conn: Connection, archive: zipfile.ZipFile, table: Table) -> dict[str, Any]:
    """Stream one table, ordered by its primary key, into a Parquet member; its manifest entry."""
    columns = [(c, _kind(table, c)) for c in _columns(table)]
    schema = pa.schema([pa.field(c.name, ARROW_TYPES[k], nullable=bool(c.nullable)) for c, k in columns])
    as_text = set() if is_sqlite(conn) else {"json", "decimal"}  # psycopg would parse JSON and make Decimals
    select = ", ".join(
        f"CAST({_quote(conn, c.name)} AS TEXT)" if k in as_text else _quote(conn, c.name) for c, k in columns
    )
    order = ", ".join(_quote(conn, c.name) for c in table.primary_key.columns) or select
    sql = f"SELECT {select} FROM {_quote(conn, table.name)} ORDER BY {order}"
    member = f"tables/{table.name}.parquet"
    rows = 0
    with archive.open(member, "w", force_zip64=True) as handle:
        stream = _Counted(handle)
        writer = pq.ParquetWriter(pa.PythonFile(stream, mode="w"), schema, compression="zstd")
        result = conn.execution_options(stream_results=True).exec_driver_sql(sql)  # a server-side cursor
        for chunk in result.partitions(CHUNK_ROWS):
            values = zip(*chunk, strict=True)
            arrays = [_array(v, k, f"{table.name}.{c.name}") for v, (c, k) in zip(values, columns, strict=True)]
            writer.write_table(pa.Table.from_arrays(arrays, schema=schema), row_group_size=CHUNK_ROWS)
            rows += len(chunk)
        writer.close()
    return {
        "name": table.name,
        "file": member,
        "rows": rows,
        "sha256": stream.sha256.hexdigest(),
        "primary_key": [c.name for c in table.primary_key.columns],
        "columns": [
            {"name": c.name, "type": k, "sql_type": str(c.type), "nullable": bool(c.nullable)} for c, k in columns
        ],
    }


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """A read-only transaction that sees one state of the database throughout (SQLite's WAL gives that too)."""
    options = {} if is_sqlite(engine) else {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
    with engine.connect().execution_options(**options) as conn, conn.begin():
        if not is_sqlite(conn):
            conn.exec_driver_sql("SET LOCAL TIME ZONE 'UTC'")  # timestamps near year 1 or 9999 stay in range
        yield conn


def backup(engine: Engine, path: str | Path) -> dict[str, int]:
    """Write every table of the database to the backup file `path`; rows per table.

    The file is written beside `path` under a temporary name and renamed when complete, so a crash leaves either
    the old file or the new one, never half of one."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with _snapshot(engine) as conn, zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
            entries = [_write_table(conn, archive, table) for table in _tables(conn)]
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "schema_revision": _revision(conn),
                "created_at": datetime.now(UTC).isoformat(),
                "source_dialect": conn.dialect.name,
                "tables": entries,
            }
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1), zipfile.ZIP_DEFLATED)
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return {entry["name"]: entry["rows"] for entry in entries}


# ---------------------------------------------------------------- restore


def read_manifest(path: str | Path) -> dict[str, Any]:
    """The manifest of a backup file; BackupError if it is not one."""
    with _open(Path(path)) as (_archive, manifest):
        return manifest


@contextmanager
def _open(path: Path) -> Iterator[tuple[zipfile.ZipFile, dict[str, Any]]]:
    if not path.is_file():
        raise BackupError(f"no such backup file: {path}")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise BackupError(f"{path} is not a readable mfa backup (truncated or corrupt: {exc})") from exc
    with archive:
        try:
            manifest = json.loads(archive.read(MANIFEST))
        except KeyError as exc:
            raise BackupError(f"{path} is not an mfa backup: it has no {MANIFEST}") from exc
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise BackupError(f"{path} is corrupt: its {MANIFEST} cannot be read ({exc})") from exc
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or "tables" not in manifest:
            raise BackupError(f"{path} is not an mfa backup (its manifest names no {FORMAT!r} format)")
        if manifest.get("format_version") != FORMAT_VERSION:
            raise BackupError(
                f"{path} is a backup of format version {manifest.get('format_version')}; "
                f"this mfa reads version {FORMAT_VERSION}"
            )
        missing = [e["file"] for e in manifest["tables"] if e["file"] not in archive.namelist()]
        if missing:
            raise BackupError(f"{path} is incomplete: {', '.join(missing)} missing")
        yield archive, manifest


def _check_tables(tables: list[Table], manifest: dict[str, Any]) -> None:
    """The backup and the database hold the same tables, columns and kinds of value (as one revision should)."""
    ours = {t.name: {c.name: _kind(t, c) for c in _columns(t)} for t in tables}
    theirs = {e["name"]: {c["name"]: c["type"] for c in e["columns"]} for e in manifest["tables"]}
    if ours.keys() != theirs.keys():
        raise BackupError(
            f"the backup's tables differ from the database's (only in the backup: "
            f"{sorted(theirs.keys() - ours.keys()) or 'none'}; only in the database: "
            f"{sorted(ours.keys() - theirs.keys()) or 'none'})"
        )
    for name, columns in ours.items():
        if columns != theirs[name]:
            raise BackupError(f"table {name}: the backup has columns {theirs[name]}, the database {columns}")


def _check_empty(conn: Connection, tables: list[Table], replace: bool) -> None:
    held = {}
    for table in tables:
        name = _quote(conn, table.name)
        if table.name not in REFERENCE_TABLES and conn.exec_driver_sql(f"SELECT 1 FROM {name} LIMIT 1").first():
            held[table.name] = int(conn.exec_driver_sql(f"SELECT COUNT(*) FROM {name}").scalar() or 0)
    if held and not replace:
        counts = ", ".join(f"{n:,} {t}" for t, n in held.items())
        raise BackupError(
            f"the database already holds data ({counts} rows): restore into an empty database, "
            "or replace its data (mfa restore --replace)"
        )


@contextmanager
def _triggers_off(conn: Connection, tables: list[Table]) -> Iterator[None]:
    """No trigger fires while the tables are emptied and filled (history tables are restored as they were);
    the triggers are back when the transaction commits, and never gone if it rolls back."""
    names = [t.name for t in tables]
    if is_sqlite(conn):  # SQLite cannot disable a trigger: drop it and create it again, inside the transaction
        found = conn.exec_driver_sql("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'").all()
        triggers = [(name, sql) for name, table, sql in found if table in names]
        for name, _sql in triggers:
            conn.exec_driver_sql(f"DROP TRIGGER {_quote(conn, name)}")
        yield
        for _name, sql in triggers:
            conn.exec_driver_sql(sql)
        return
    found = conn.exec_driver_sql(
        "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' AND c.relnamespace = current_schema()::regnamespace"
    ).all()
    enabled = [(table, name) for table, name in found if table in names]
    for table, name in enabled:
        conn.exec_driver_sql(f"ALTER TABLE {_quote(conn, table)} DISABLE TRIGGER {_quote(conn, name)}")
    yield
    for table, name in enabled:
        conn.exec_driver_sql(f"ALTER TABLE {_quote(conn, table)} ENABLE TRIGGER {_quote(conn, name)}")


def _delete_all(conn: Connection, tables: list[Table]) -> None:
    if is_sqlite(conn):
        conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")  # e.g. a material before its parent; checked at commit
        for table in reversed(tables):
            conn.exec_driver_sql(f"DELETE FROM {_quote(conn, table.name)}")
    elif tables:
        conn.exec_driver_sql(f"TRUNCATE TABLE {', '.join(_quote(conn, t.name) for t in tables)}")


def _member(archive: zipfile.ZipFile, entry: dict[str, Any], folder: Path) -> Path:
    """Extract a table's Parquet file, checking it against the manifest's checksum."""
    target = folder / "table.parquet"
    digest = hashlib.sha256()
    try:
        with archive.open(entry["file"]) as src, target.open("wb") as dst:
            while block := src.read(1 << 20):
                digest.update(block)
                dst.write(block)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise BackupError(f"the backup is corrupt: {entry['file']} cannot be read ({exc})") from exc
    if digest.hexdigest() != entry["sha256"]:
        raise BackupError(f"the backup is corrupt: {entry['file']} does not match its checksum")
    return target


def _sqlite_rows(batch: pa.RecordBatch, kinds: list[str], table: str) -> Iterator[tuple[Any, ...]]:
    """A batch as tuples for sqlite3: timestamps as the text mfa writes (no fraction when it is 0)."""
    values = []
    for name, kind in zip(batch.schema.names, kinds, strict=True):
        column = batch.column(name)
        if kind == "float" and pc.any(pc.is_nan(column)).as_py():
            raise BackupError(f"{table}.{name} holds NaN, which SQLite cannot store (it would become NULL)")
        if kind == "datetime":  # %S has the microseconds
            stamp = pc.strftime(column, format="%Y-%m-%d %H:%M:%S")
            column = pc.replace_substring_regex(stamp, pattern=r"\.000000$", replacement="")
        elif kind == "date":
            column = pc.strftime(column, format="%Y-%m-%d")
        values.append(column.to_pylist())
    return zip(*values, strict=True)


def _postgres_csv(batch: pa.RecordBatch, kinds: list[str]) -> bytes:
    """A batch as COPY's CSV: text always quoted (so "" is an empty string, nothing is NULL), floats in their
    shortest exact form, timestamps in ISO form with Z (UTC), bytea in hex."""
    columns = [
        pa.array([None if v is None else "\\x" + v.hex() for v in column.to_pylist()], pa.string())
        if kind == "binary"
        else column
        for column, kind in zip(batch.columns, kinds, strict=True)
    ]
    sink = io.BytesIO()
    csv.write_csv(pa.RecordBatch.from_arrays(columns, names=batch.schema.names), sink, CSV_OPTIONS)
    return sink.getvalue()


def _load_table(conn: Connection, table: Table, entry: dict[str, Any], parquet: Path) -> int:
    """Insert a table's rows from its Parquet file: executemany on SQLite, COPY on PostgreSQL."""
    names = [c["name"] for c in entry["columns"]]
    into = f"{_quote(conn, table.name)} ({', '.join(_quote(conn, n) for n in names)})"
    raw: Any = conn.connection.driver_connection
    try:
        source = pq.ParquetFile(parquet)
        kinds = [c["type"] for c in entry["columns"]]
        found = [(f.name, f.type) for f in source.schema_arrow]
        if found != [(n, ARROW_TYPES[k]) for n, k in zip(names, kinds, strict=True)] or (
            source.metadata.num_rows != entry["rows"]
        ):
            raise BackupError(f"the backup is corrupt: {entry['file']} does not match the manifest")
        batches = source.iter_batches(batch_size=CHUNK_ROWS, columns=names)
        if is_sqlite(conn):
            cursor = raw.cursor()
            try:
                for batch in batches:
                    sql = f"INSERT INTO {into} VALUES ({', '.join('?' * len(names))})"
                    cursor.executemany(sql, _sqlite_rows(batch, kinds, table.name))
            finally:
                cursor.close()
        else:
            with raw.cursor() as cursor, cursor.copy(f"COPY {into} FROM STDIN WITH (FORMAT csv)") as copy:
                for batch in batches:
                    copy.write(_postgres_csv(batch, kinds))
    except pa.ArrowException as exc:
        raise BackupError(f"the backup is corrupt: {entry['file']} cannot be read ({exc})") from exc
    return int(entry["rows"])


def _reset_sequences(conn: Connection, tables: list[Table]) -> None:
    """PostgreSQL: each id sequence continues after the largest restored id (SQLite's rowid does so by itself)."""
    if is_sqlite(conn):
        return
    for table in tables:
        key = list(table.primary_key.columns)
        if len(key) != 1:
            continue
        name, column = _quote(conn, table.name), key[0].name
        sequence = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": name, "c": column}).scalar()
        if sequence:
            conn.execute(
                text(f"SELECT setval(:s, COALESCE((SELECT MAX({_quote(conn, column)}) FROM {name}), 0) + 1, false)"),
                {"s": sequence},
            )


def restore(engine: Engine, path: str | Path, *, replace: bool = False) -> dict[str, int]:
    """Load the backup file `path` into the database, ids and all; rows per table.

    The database must be at the backup's schema revision (this mfa's newest) and hold no data of its own (its
    bundled materials and targets aside) unless `replace`, when its rows are deleted first. One transaction:
    if anything fails, the database is left as it was."""
    path = Path(path)
    with _open(path) as (archive, manifest):
        revision, head = manifest.get("schema_revision"), head_revision()
        if revision != head:
            raise BackupError(
                f"the backup is of schema revision {revision}, but this mfa's is {head}: "
                "restore it with the mfa version that made it"
            )
        entries = {e["name"]: e for e in manifest["tables"]}
        counts: dict[str, int] = {}
        try:
            with write_transaction(engine) as conn, tempfile.TemporaryDirectory(prefix="mfa-restore-") as folder:
                if _revision(conn) != head:
                    raise BackupError(f"the database is at schema revision {_revision(conn)}: run `mfa init` first")
                tables = _tables(conn)
                _check_tables(tables, manifest)
                _check_empty(conn, tables, replace)
                with _triggers_off(conn, tables):
                    _delete_all(conn, tables)
                    for table in tables:
                        entry = entries[table.name]
                        parquet = _member(archive, entry, Path(folder))
                        counts[table.name] = _load_table(conn, table, entry, parquet)
                        parquet.unlink()
                _reset_sequences(conn, tables)
        except BackupError:
            raise
        except Exception as exc:
            cause = getattr(exc, "orig", None) or exc  # the driver's own words, without SQLAlchemy's wrapping
            first = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
            raise BackupError(f"the restore failed and changed nothing: {first}") from exc
    return counts


__all__ = ["BackupError", "backup", "read_manifest", "restore"]
