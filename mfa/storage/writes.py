"""Writing records: bulk upserts of validated frames (one statement per table on SQLite, COPY on PostgreSQL),
reconciled values, deleting a flow, and the version of a record an editor opened. Who writes and in which change
are read from the connection (WRITER_KEY, CHANGE_KEY); the history triggers copy what is replaced."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import polars as pl
from sqlalchemy import Connection, text

from mfa.domain import vocabulary
from mfa.domain.targets import TARGET_COLUMNS, TARGET_KEY
from mfa.storage.meta import bump_data_version, mark_flows_changed, mark_registry_changed
from mfa.storage.reads import id_map

WRITER_KEY = "mfa_writer"
"""conn.info key naming who writes in the current transaction (recorded as updated_by)."""
CHANGE_KEY = "mfa_change"
"""conn.info key holding the id of the current transaction's change (recorded as change_id; see mfa.storage.history)."""
HISTORY_TABLES = frozenset({"park", "facility", "flow", "stock", "target", "material_alias", "transfer_coefficient"})
"""Tables whose replaced and deleted versions are kept (by triggers, into <table>_revision)."""
_COPY_THRESHOLD = 5_000


def now() -> datetime:
    """The timestamp stored with a write (UTC)."""
    return datetime.now(UTC)


def now_for(conn: Connection) -> datetime:
    """The write's timestamp as a value to bind: naive UTC on SQLite (as its other timestamps are stored, without
    an offset), aware UTC on PostgreSQL."""
    at = now()
    return at.replace(tzinfo=None) if conn.dialect.name == "sqlite" else at


def _now_sql(conn: Connection) -> str:
    """The write's timestamp as SQL: a literal on SQLite (a function call per row costs ~10 % of a bulk insert),
    the transaction's time on PostgreSQL."""
    if conn.dialect.name != "sqlite":
        return "CURRENT_TIMESTAMP"
    return "'" + now().strftime("%Y-%m-%d %H:%M:%S.%f") + "'"


def _by_sql(conn: Connection) -> str:
    """Who writes, as an SQL literal: the name import_tables put on the connection for this transaction."""
    name = str(conn.info.get(WRITER_KEY) or "")
    return "'" + name.replace("'", "''") + "'"


def _stamp(conn: Connection, table: str) -> tuple[list[str], list[str]]:
    """The bookkeeping columns every write sets, and their SQL values: when, who, version, and the change."""
    columns = ["updated_at", "updated_by", "version"]
    values = [_now_sql(conn), _by_sql(conn), "1"]
    if table in HISTORY_TABLES:
        change = conn.info.get(CHANGE_KEY)
        columns.append("change_id")
        values.append("NULL" if change is None else str(int(change)))
    return columns, values


def _stamp_updates(table: str) -> list[str]:
    sets = ["updated_at = excluded.updated_at", "updated_by = excluded.updated_by", f"version = {table}.version + 1"]
    return [*sets, "change_id = excluded.change_id"] if table in HISTORY_TABLES else sets


def _param(conn: Connection) -> str:
    return "?" if conn.dialect.name == "sqlite" else "%s"


def _upsert_sql(conn: Connection, table: str, columns: Sequence[str], key: Sequence[str], update: Sequence[str]) -> str:
    """INSERT ... ON CONFLICT (key) DO UPDATE: the same statement on SQLite and PostgreSQL."""
    p = _param(conn)
    sets = [f"{c} = excluded.{c}" for c in update] + _stamp_updates(table)
    stamp, values = _stamp(conn, table)
    return (
        f"INSERT INTO {table} ({', '.join([*columns, *stamp])}) "
        f"VALUES ({', '.join([p] * len(columns) + values)}) "
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {', '.join(sets)}"
    )


def _tuples(frame: pl.DataFrame) -> Iterable[tuple[Any, ...]]:
    """The rows of a frame as plain tuples, built column-wise (faster than iter_rows on a million rows)."""
    return zip(*(column.to_list() for column in frame.get_columns()), strict=True)


def _executemany(conn: Connection, sql: str, rows: Iterable[tuple[Any, ...]]) -> None:
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(sql, rows)
    finally:
        cursor.close()


# ---------------------------------------------------------------- reference data and lookups


# ---------------------------------------------------------------- bulk upserts (validated frames in)


def _with_ids(frame: pl.DataFrame, ids: pl.DataFrame, column: str, alias: str) -> pl.DataFrame:
    return frame.join(ids.rename({"code": column, "id": alias}), on=column, how="left", maintain_order="left")


def upsert_parks(conn: Connection, frame: pl.DataFrame, optional: Sequence[str]) -> int:
    """Insert or update parks by code; optional columns absent from the input are left as they were."""
    cols = ["code", "name", "name_zh", "city", "level"]
    update = ["city", *[c for c in ("name", "name_zh", "level") if c in optional]]
    rows = frame.select(cols).iter_rows()
    _executemany(conn, _upsert_sql(conn, "park", cols, ["code"], update), rows)
    mark_registry_changed(conn)
    return frame.height


def upsert_facilities(conn: Connection, frame: pl.DataFrame, optional: Sequence[str]) -> int:
    """Insert or update facilities by code (park given by its code)."""
    cols = ["code", "name", "name_zh", "park_id", "kind"]
    update = ["kind", *[c for c in ("name", "name_zh", "park_id") if c.removesuffix("_id") in optional]]
    frame = _with_ids(frame, id_map(conn, "park"), "park", "park_id")
    rows = frame.select(cols).iter_rows()
    _executemany(conn, _upsert_sql(conn, "facility", cols, ["code"], update), rows)
    mark_registry_changed(conn)
    return frame.height


def upsert_materials(conn: Connection, frame: pl.DataFrame, optional: Sequence[str]) -> int:
    """Insert or update materials by code, parents before children."""
    parents = dict(zip(frame["code"].to_list(), frame["parent"].to_list(), strict=True))
    depth = {c: len(vocabulary.ancestors(parents, c)) for c in parents}
    frame = frame.with_columns(pl.col("code").replace_strict(depth, return_dtype=pl.Int32).alias("__d"))
    cols = ["code", "name", "name_zh", "parent_id", "is_product"]
    update = ["parent_id", *[c for c in ("name", "name_zh", "is_product") if c in optional]]
    sql = _upsert_sql(conn, "material", cols, ["code"], update)
    for _depth, level in frame.sort("__d").group_by("__d", maintain_order=True):
        level = _with_ids(level, id_map(conn, "material"), "parent", "parent_id")
        rows = level.select(cols).iter_rows()
        _executemany(conn, sql, rows)
    mark_registry_changed(conn)
    return frame.height


def upsert_material_aliases(conn: Connection, frame: pl.DataFrame, optional: Sequence[str]) -> int:
    """Insert or update material aliases by alias (material given by its code)."""
    cols = ["alias", "material_id", "source"]
    if "source" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias("source"))
    update = ["material_id", *(["source"] if "source" in optional else [])]
    frame = _with_ids(frame, id_map(conn, "material"), "material", "material_id")
    _executemany(conn, _upsert_sql(conn, "material_alias", cols, ["alias"], update), frame.select(cols).iter_rows())
    return frame.height


def upsert_targets(conn: Connection, frame: pl.DataFrame, optional: Sequence[str]) -> int:
    """Insert or update targets by (indicator, scope, target year)."""
    cols, key = list(TARGET_COLUMNS), list(TARGET_KEY)
    update = ["target_value", "direction"]
    update += [c for c in ("baseline_year", "baseline_value", "source") if c in optional]
    for col in ("baseline_year", "baseline_value", "source"):
        if col not in frame.columns:
            frame = frame.with_columns(pl.lit(None).alias(col))
    rows = frame.select(cols).iter_rows()
    _executemany(conn, _upsert_sql(conn, "target", cols, key, update), rows)
    return frame.height


def upsert_reported(conn: Connection, frame: pl.DataFrame, optional: Sequence[str]) -> int:
    """Insert or update reported values by (indicator, scope, year)."""
    cols = ["indicator", "scope_level", "scope", "year", "value", "source"]
    if "source" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias("source"))
    update = ["value", *(["source"] if "source" in optional else [])]
    sql = _upsert_sql(conn, "reported", cols, ["indicator", "scope_level", "scope", "year"], update)
    _executemany(conn, sql, frame.select(cols).iter_rows())
    return frame.height


FLOW_COLUMNS = [
    "period",
    "year",
    "month",
    "source_id",
    "target_id",
    "material_id",
    "quantity_t",
    "value",
    "unit",
    "side",
]
FLOW_KEY = ["period", "source_id", "target_id", "material_id", "side"]
"""A flow row is one side's declaration of a hand-over: the key holds the side."""
FLOW_OPTIONAL = ["uncertainty", "data_quality", "note", "reference"]


def _periods_are_empty(conn: Connection, table: str, frame: pl.DataFrame) -> bool:
    """No stored row shares a period with `frame` (checked through the key index, which starts with period)."""
    lo, hi = frame["period"].min(), frame["period"].max()
    if lo is None:
        return True
    found = conn.execute(
        text(f"SELECT 1 FROM {table} WHERE period >= :lo AND period <= :hi LIMIT 1"), {"lo": lo, "hi": hi}
    ).first()
    return found is None


def upsert_flows(conn: Connection, frame: pl.DataFrame, optional: Sequence[str]) -> int:
    """Insert or update flow declarations by (period, source, target, material, side) with bulk statements.

    Into periods that hold no flows yet, plain inserts (nothing to update) without the columns that are empty; on
    SQLite, where the writer holds the database from that check on. On PostgreSQL the bulk path takes the same
    decision under a table lock (_bulk_upsert)."""
    facilities = id_map(conn, "facility")
    frame = _with_ids(frame, facilities, "source", "source_id")
    frame = _with_ids(frame, facilities, "target", "target_id")
    frame = _with_ids(frame, id_map(conn, "material"), "material", "material_id")
    opt = [c for c in FLOW_OPTIONAL if c in optional]
    key = FLOW_KEY
    if conn.dialect.name == "sqlite" and _periods_are_empty(conn, "flow", frame):
        opt = [c for c in opt if frame[c].null_count() < frame.height]
        _bulk_upsert(conn, "flow", frame.select([*FLOW_COLUMNS, *opt]), key, None)
    else:
        _bulk_upsert(conn, "flow", frame.select([*FLOW_COLUMNS, *opt]), key, ["quantity_t", "value", "unit", *opt])
    mark_flows_changed(conn, frame["year"].unique().to_list())
    return frame.height


def upsert_stocks(conn: Connection, frame: pl.DataFrame, optional: Sequence[str]) -> int:
    """Insert or update stocks by (facility, material, period)."""
    frame = _with_ids(frame, id_map(conn, "facility"), "facility", "facility_id")
    frame = _with_ids(frame, id_map(conn, "material"), "material", "material_id")
    cols = [
        "period",
        "year",
        "month",
        "facility_id",
        "material_id",
        "quantity_t",
        "value",
        "unit",
    ]
    data = frame.select(cols)
    update = ["quantity_t", "value", "unit"]
    _bulk_upsert(conn, "stock", data, ["facility_id", "material_id", "period"], update)
    return frame.height


def _bulk_upsert(conn: Connection, table: str, data: pl.DataFrame, key: list[str], update: list[str] | None) -> None:
    """Many rows at once: executemany on SQLite, and for a few rows on PostgreSQL; COPY on PostgreSQL for many.
    `update` None means the keys are known to be new: plain inserts."""
    cols = data.columns
    if conn.dialect.name == "sqlite" or data.height < _COPY_THRESHOLD:
        if conn.dialect.name != "sqlite":
            data = data.sort(key)  # concurrent writers then lock rows in the same order: no deadlock
        if update is None:
            stamp, values = _stamp(conn, table)
            sql = (
                f"INSERT INTO {table} ({', '.join([*cols, *stamp])}) "
                f"VALUES ({', '.join([_param(conn)] * len(cols) + values)})"
            )
        else:
            sql = _upsert_sql(conn, table, cols, key, update)
        _executemany(conn, sql, _tuples(data))
        return
    # A bulk write holds the table against other writers (a lock that conflicts with itself and with every row
    # write): no one inserts the same keys meanwhile and no two writers wait on each other's rows. Into periods
    # that hold nothing yet the staged rows are plain inserts; otherwise one upsert.
    conn.exec_driver_sql(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
    fresh = update is None or ("period" in cols and _periods_are_empty(conn, table, data))
    staging = f"staging_{table}"
    conn.exec_driver_sql(
        f"CREATE TEMP TABLE {staging} ON COMMIT DROP AS SELECT {', '.join(cols)} FROM {table} WITH NO DATA"
    )
    _copy(conn, staging, data)
    stamp, values = _stamp(conn, table)
    insert = f"INSERT INTO {table} ({', '.join([*cols, *stamp])}) SELECT {', '.join([*cols, *values])} FROM {staging}"
    if not fresh and update is not None:
        sets = [f"{c} = excluded.{c}" for c in update] + _stamp_updates(table)
        insert += f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET {', '.join(sets)}"
    conn.exec_driver_sql(insert)


def _copy(conn: Connection, table: str, data: pl.DataFrame) -> None:
    """COPY the frame's rows into `table` (its columns by name), streamed in CSV chunks."""
    raw = conn.connection.driver_connection
    copy_sql = f"COPY {table} ({', '.join(data.columns)}) FROM STDIN WITH (FORMAT csv)"
    with raw.cursor() as cur, cur.copy(copy_sql) as copy:  # type: ignore[union-attr]
        for start in range(0, data.height, 200_000):
            copy.write(data.slice(start, 200_000).write_csv(include_header=False, null_value=""))


def upsert_inflows(conn: Connection, frame: pl.DataFrame, optional: Sequence[str]) -> int:
    """Insert or update inflows by (product, scope, year)."""
    frame = _with_ids(frame, id_map(conn, "material"), "product", "material_id")
    cols = ["year", "scope_level", "scope", "material_id", "quantity_t", "value", "unit", "source"]
    if "source" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias("source"))
    update = ["scope_level", "quantity_t", "value", "unit", *(["source"] if "source" in optional else [])]
    sql = _upsert_sql(conn, "inflow", cols, ["material_id", "scope", "year"], update)
    _executemany(conn, sql, frame.select(cols).iter_rows())
    return frame.height


LIFETIME_COLUMNS = ["material_id", "distribution", "shape", "scale", "mean", "std"]
LIFETIME_COLUMNS += [f"{p}_{end}" for p in ("shape", "scale", "mean", "std") for end in ("low", "high")]
LIFETIME_COLUMNS += ["first_cohort", "last_cohort", "source"]


def replace_lifetimes(conn: Connection, frame: pl.DataFrame, optional: Sequence[str]) -> int:
    """Replace every stored lifetime row of the products in `frame` by its rows (a product's rows cover its cohorts
    together, so they are written together)."""
    frame = _with_ids(frame, id_map(conn, "material"), "product", "material_id")
    ids = sorted({int(i) for i in frame["material_id"].to_list()})
    if not ids:
        return 0
    listed = ", ".join(map(str, ids))
    if conn.dialect.name != "sqlite":  # writers of the same products wait for each other
        conn.execute(text(f"SELECT id FROM material WHERE id IN ({listed}) ORDER BY id FOR UPDATE"))
    conn.execute(text(f"DELETE FROM lifetime WHERE material_id IN ({listed})"))
    stamp, values = _stamp(conn, "lifetime")
    sql = (
        f"INSERT INTO lifetime ({', '.join([*LIFETIME_COLUMNS, *stamp])}) "
        f"VALUES ({', '.join([_param(conn)] * len(LIFETIME_COLUMNS) + values)})"
    )
    for column in LIFETIME_COLUMNS:
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None).alias(column))
    _executemany(conn, sql, frame.select(LIFETIME_COLUMNS).iter_rows())
    return frame.height


def upsert_capacities(conn: Connection, frame: pl.DataFrame, optional: Sequence[str]) -> int:
    """Insert or update capacities by (facility, material, year_from)."""
    frame = _with_ids(frame, id_map(conn, "facility"), "facility", "facility_id")
    frame = _with_ids(frame, id_map(conn, "material"), "material", "material_id")
    if "source" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias("source"))
    cols = ["facility_id", "material_id", "year_from", "capacity_t", "value", "unit", "source"]
    update = ["capacity_t", "value", "unit", *(["source"] if "source" in optional else [])]
    sql = _upsert_sql(conn, "capacity", cols, ["facility_id", "material_id", "year_from"], update)
    _executemany(conn, sql, frame.select(cols).iter_rows())
    return frame.height


def upsert_transfer_coefficients(conn: Connection, frame: pl.DataFrame, optional: Sequence[str]) -> int:
    """Insert or update declared transfer coefficients by (scope_level, scope)."""
    if "source" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias("source"))
    cols = ["scope_level", "scope", "coefficient", "tolerance", "source"]
    update = ["coefficient", "tolerance", *(["source"] if "source" in optional else [])]
    sql = _upsert_sql(conn, "transfer_coefficient", cols, ["scope_level", "scope"], update)
    _executemany(conn, sql, frame.select(cols).iter_rows())
    return frame.height


UPSERTS = {
    "parks": upsert_parks,
    "facilities": upsert_facilities,
    "materials": upsert_materials,
    "material_aliases": upsert_material_aliases,
    "flows": upsert_flows,
    "stocks": upsert_stocks,
    "targets": upsert_targets,
    "reported": upsert_reported,
    "lifetimes": replace_lifetimes,
    "inflows": upsert_inflows,
    "capacities": upsert_capacities,
    "transfer_coefficients": upsert_transfer_coefficients,
}


def save_reconciled(conn: Connection, values: pl.DataFrame) -> int:
    """Replace the reconciled values of the flows named by key (period, source, target, material) with
    `values` (reconciled_t, sigma_t, normalized_residual, flag), tied to each flow's current version."""
    if values.height == 0:
        return 0
    lo, hi = values["period"].min(), values["period"].max()
    keys = pl.DataFrame(
        conn.execute(
            text(
                "SELECT f.id, f.version, f.period, s.code, t.code, m.code FROM flow f "
                "JOIN facility s ON s.id = f.source_id JOIN facility t ON t.id = f.target_id "
                "JOIN material m ON m.id = f.material_id WHERE f.period >= :lo AND f.period <= :hi"
            ),
            {"lo": lo, "hi": hi},
        ).all(),
        schema={"flow_id": pl.Int64, "flow_version": pl.Int64, "period": pl.String, "source": pl.String}
        | {"target": pl.String, "material": pl.String},
        orient="row",
    )
    rows = values.join(keys, on=["period", "source", "target", "material"], how="inner")
    ids = rows["flow_id"].to_list()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        conn.execute(text(f"DELETE FROM reconciled WHERE flow_id IN ({', '.join(map(str, chunk))})"))
    p = _param(conn)
    cols = ["flow_id", "flow_version", "reconciled_t", "sigma_t", "normalized_residual", "flag"]
    sql = f"INSERT INTO reconciled ({', '.join(cols)}, run_at) VALUES ({', '.join([p] * len(cols))}, {_now_sql(conn)})"
    _executemany(conn, sql, rows.select(cols).iter_rows())
    mark_flows_changed(conn, [int(p[:4]) for p in rows["period"].unique().to_list()])
    bump_data_version(conn)
    return rows.height


def _lock(conn: Connection, alias: str) -> str:
    """On PostgreSQL, lock the row read until the transaction ends (SQLite writers hold the whole database)."""
    return "" if conn.dialect.name == "sqlite" else f" FOR UPDATE OF {alias}"


def record_version(conn: Connection, table: str, key: dict[str, str]) -> tuple[int, str | None, object] | None:
    """(version, updated_by, updated_at) of a flow declaration by its key (with its side), or of a park or facility
    by code; None if absent."""
    if table == "flows":
        row = conn.execute(
            text(
                "SELECT f.version, f.updated_by, f.updated_at FROM flow f "
                "JOIN facility s ON s.id = f.source_id JOIN facility t ON t.id = f.target_id "
                "JOIN material m ON m.id = f.material_id "
                "WHERE f.period = :p AND s.code = :s AND t.code = :t AND m.code = :m AND f.side = :side"
                + _lock(conn, "f")
            ),
            {
                "p": key.get("period"),
                "s": key.get("source"),
                "t": key.get("target"),
                "m": key.get("material"),
                "side": key.get("side"),
            },
        ).first()
    else:
        name = {"parks": "park", "facilities": "facility"}[table]
        row = conn.execute(
            text(f"SELECT version, updated_by, updated_at FROM {name} WHERE code = :c" + _lock(conn, name)),
            {"c": key.get("code")},
        ).first()
    return None if row is None else (int(row[0]), row[1], row[2])


def delete_flow(conn: Connection, period: str, source: str, target: str, material: str, side: str) -> bool:
    """Delete one side's declaration of a flow by its key; True if there was one."""
    result = conn.execute(
        text(
            "DELETE FROM flow WHERE period = :p AND source_id = (SELECT id FROM facility WHERE code = :s) "
            "AND target_id = (SELECT id FROM facility WHERE code = :t) "
            "AND material_id = (SELECT id FROM material WHERE code = :m) AND side = :side"
        ),
        {"p": period, "s": source, "t": target, "m": material, "side": side},
    )
    if result.rowcount:
        mark_flows_changed(conn, [int(period[:4])])
        bump_data_version(conn)
    return bool(result.rowcount)
