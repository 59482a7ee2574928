"""History: every write is a `change` (who, when, through which path); every replaced or deleted version of a park,
facility, flow, stock or target is kept in its revision table (copied by database triggers, see migration 0006).

A record's history is its revisions plus its current row, oldest first. The SQL of the history tables lives here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import polars as pl
from sqlalchemy import Connection, text

from mfa.domain.targets import TARGET_COLUMNS, TARGET_KEY
from mfa.storage import writes


@dataclass(frozen=True)
class RecordKind:
    """One kind of record with history: its table, the import table it comes from, its key and value columns
    (references by code), and how to read its current rows with codes."""

    name: str
    table: str
    key: tuple[str, ...]
    columns: tuple[str, ...]
    live_from: str
    live: Mapping[str, str]
    """column -> SQL expression over live_from (alias r is the record's table)."""


def _plain(*columns: str) -> dict[str, str]:
    return {c: f"r.{c}" for c in columns}


KINDS: dict[str, RecordKind] = {
    "park": RecordKind(
        "park", "parks", ("code",), ("code", "name", "name_zh", "city", "level"), "park r",
        _plain("code", "name", "name_zh", "city", "level"),
    ),
    "facility": RecordKind(
        "facility", "facilities", ("code",), ("code", "name", "name_zh", "park", "kind"),
        "facility r LEFT JOIN park p ON p.id = r.park_id",
        _plain("code", "name", "name_zh", "kind") | {"park": "p.code"},
    ),
    "flow": RecordKind(
        "flow", "flows", ("period", "source", "target", "material", "side"),
        ("period", "source", "target", "material", "side", "quantity_t", "value", "unit", "uncertainty",
         "data_quality", "note", "reference"),
        "flow r JOIN facility s ON s.id = r.source_id JOIN facility t ON t.id = r.target_id "
        "JOIN material m ON m.id = r.material_id",
        _plain("period", "side", "quantity_t", "value", "unit", "uncertainty", "data_quality", "note", "reference")
        | {"source": "s.code", "target": "t.code", "material": "m.code"},
    ),
    "stock": RecordKind(
        "stock", "stocks", ("facility", "material", "period"),
        ("period", "facility", "material", "quantity_t", "value", "unit"),
        "stock r JOIN facility f ON f.id = r.facility_id JOIN material m ON m.id = r.material_id",
        _plain("period", "quantity_t", "value", "unit") | {"facility": "f.code", "material": "m.code"},
    ),
    "target": RecordKind(
        "target", "targets", TARGET_KEY, TARGET_COLUMNS, "target r", _plain(*TARGET_COLUMNS),
    ),
    "material_alias": RecordKind(
        "material_alias", "material_aliases", ("alias",), ("alias", "material", "source"),
        "material_alias r JOIN material m ON m.id = r.material_id", _plain("alias", "source") | {"material": "m.code"},
    ),
    "transfer_coefficient": RecordKind(
        "transfer_coefficient", "transfer_coefficients", ("scope_level", "scope"),
        ("scope_level", "scope", "coefficient", "tolerance", "source"), "transfer_coefficient r",
        _plain("scope_level", "scope", "coefficient", "tolerance", "source"),
    ),
}  # fmt: skip
BY_TABLE = {kind.table: kind for kind in KINDS.values()}
HISTORY_COLUMNS = ["version", "status", "changed_at", "changed_by", "via", "change_id", "changes"]
"""The columns of a record's history before its values: status is created, updated, deleted or restored; changes
says what differs from the version before (before → after)."""


def begin_change(conn: Connection, changed_by: str, via: str) -> int:
    """Start the change that the current write transaction makes; every record it writes carries its id."""
    change_id = int(
        conn.execute(
            text("INSERT INTO change (changed_at, changed_by, via) VALUES (:at, :by, :via) RETURNING id"),
            {"at": writes.now_for(conn), "by": changed_by[:64], "via": via[:300]},
        ).scalar_one()
    )
    conn.info[writes.CHANGE_KEY] = change_id
    if conn.dialect.name != "sqlite":
        conn.execute(text("SELECT set_config('mfa.change_id', :v, true)"), {"v": str(change_id)})
    return change_id


def finish_change(conn: Connection, summary: str) -> None:
    """Say what the current change did (e.g. "3 flows written"), shown in the list of latest changes."""
    change_id = conn.info.get(writes.CHANGE_KEY)
    if change_id is not None:
        conn.execute(text("UPDATE change SET summary = :s WHERE id = :i"), {"s": summary, "i": change_id})


def _when(value: Any) -> str | None:
    """A stored timestamp as 'YYYY-MM-DD HH:MM:SS' (SQLite gives text, PostgreSQL datetimes)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value).replace("T", " ")[:19]


def key_text(kind: RecordKind, key: Mapping[str, object]) -> str:
    """A record's key as people read it: its key columns joined by " | " (2024-01 | SRC-1 | COL-1 | scrap_steel)."""
    return " | ".join(str(key.get(c)) for c in kind.key)


def key_where(kind: RecordKind, exprs: Mapping[str, str], key: Mapping[str, object]) -> tuple[str, dict[str, object]]:
    missing = [c for c in kind.key if key.get(c) in (None, "")]
    if missing:
        raise ValueError(f"a {kind.name} is named by {', '.join(kind.key)}: {', '.join(missing)} missing")
    where = " AND ".join(f"{exprs[c]} = :k_{c}" for c in kind.key)
    return where, {f"k_{c}": key[c] for c in kind.key}


def complete_key(conn: Connection, record: str, key: Mapping[str, object], *, live: bool) -> dict[str, object]:
    """A flow's key with its side: as given, else the side of its only declaration (live only, or ever stored);
    ValueError when both sides declared the flow and the key does not say whose declaration is meant."""
    if record != "flow" or key.get("side") not in (None, ""):
        return dict(key)
    hand_over = {c: key.get(c) for c in ("period", "source", "target", "material")}
    kind = KINDS["flow"]
    where = " AND ".join(f"{kind.live[c]} = :k_{c}" for c in hand_over)
    params = {f"k_{c}": v for c, v in hand_over.items()}
    sides = set(conn.execute(text(f"SELECT r.side FROM {kind.live_from} WHERE {where}"), params).scalars())
    if not live:
        past = " AND ".join(f"r.{c} = :k_{c}" for c in hand_over)
        sides |= set(conn.execute(text(f"SELECT DISTINCT r.side FROM flow_revision r WHERE {past}"), params).scalars())
    sides.discard(None)
    if len(sides) > 1:
        raise ValueError(
            f"both the sender and the receiver declared the flow {' | '.join(str(v) for v in hand_over.values())}: "
            "name the side (sender or receiver)"
        )
    return dict(key) | ({"side": sides.pop()} if sides else {})


def record_history(conn: Connection, record: str, key: Mapping[str, object]) -> pl.DataFrame:
    """Every version of one record, oldest first, and its deletions: HISTORY_COLUMNS then the record's columns.
    Empty when the record never existed. A flow's key may leave out the side when only one side declared it."""
    kind = KINDS[record]
    key = complete_key(conn, record, key, live=False)
    if record == "flow" and not key.get("side"):  # neither side ever declared it
        key = dict(key) | {"side": "sender"}
    cols = ", ".join(f"r.{c}" for c in kind.columns)
    where, params = key_where(kind, {c: f"r.{c}" for c in kind.key}, key)
    past = conn.execute(
        text(
            f"SELECT r.version, r.updated_at, r.updated_by, r.change_id, c.via, r.ended_by, r.ended_how, "
            f"e.changed_at, e.changed_by, e.via, {cols} FROM {record}_revision r "
            f"LEFT JOIN change c ON c.id = r.change_id LEFT JOIN change e ON e.id = r.ended_by "
            f"WHERE {where} ORDER BY r.id"
        ),
        params,
    ).all()
    live_where, live_params = key_where(kind, kind.live, key)
    live_cols = ", ".join(kind.live[c] for c in kind.columns)
    current = conn.execute(
        text(
            f"SELECT r.version, r.updated_at, r.updated_by, r.change_id, c.via, {live_cols} FROM {kind.live_from} "
            f"LEFT JOIN change c ON c.id = r.change_id WHERE {live_where}"
        ),
        live_params,
    ).first()
    events: list[dict[str, object]] = []
    for row in past:
        version, at, by, change_id, via, ended_by, ended_how, e_at, e_by, e_via = row[:10]
        events.append(_event(version, at, by, via, change_id, dict(zip(kind.columns, row[10:], strict=True))))
        if ended_how == "delete":
            events.append(_event(None, e_at, e_by, e_via, ended_by, None, status="deleted"))
    if current is not None:
        version, at, by, change_id, via = current[:5]
        events.append(_event(version, at, by, via, change_id, dict(zip(kind.columns, current[5:], strict=True))))
    _describe(events, kind.columns)
    schema: dict[str, Any] = {"version": pl.Int64, "status": pl.String, "changed_at": pl.String}
    schema |= {"changed_by": pl.String, "via": pl.String, "change_id": pl.Int64, "changes": pl.String}
    rows = [{c: e.get(c) for c in HISTORY_COLUMNS} | dict(e.get("values") or {}) for e in events]  # type: ignore[call-overload]
    return pl.DataFrame(rows, schema=schema | _value_schema(kind), orient="row")


def _value_schema(kind: RecordKind) -> dict[str, Any]:
    numbers = {"quantity_t", "value", "uncertainty", "baseline_value", "target_value", "coefficient", "tolerance"}
    years = {"baseline_year", "target_year"}
    return {c: pl.Float64 if c in numbers else pl.Int64 if c in years else pl.String for c in kind.columns}


def _event(
    version: object, at: object, by: object, via: object, change_id: object, values: dict[str, object] | None,
    status: str = "",
) -> dict[str, object]:  # fmt: skip
    return {
        "version": version,
        "status": status,
        "changed_at": _when(at),
        "changed_by": by,
        "via": via,
        "change_id": change_id,
        "values": values,
    }


def _describe(events: list[dict[str, object]], columns: tuple[str, ...]) -> None:
    """Fill status and changes: what each version changed from the one before."""
    before: dict[str, object] | None = None
    for event in events:
        values = event["values"]
        if values is None:  # a deletion
            event["changes"] = ""
            before = None
            continue
        assert isinstance(values, dict)
        via = str(event.get("via") or "")
        if before is None:
            event["status"] = "restored" if "restore" in via else "created"
            event["changes"] = ", ".join(f"{c}: {_show(v)}" for c, v in values.items() if v not in (None, ""))
        else:
            event["status"] = "restored" if "restore" in via else "updated"
            diffs = [
                f"{c}: {_show(before.get(c))} → {_show(values.get(c))}"
                for c in columns
                if before.get(c) != values.get(c)
            ]
            event["changes"] = "; ".join(diffs)
        before = values


def _show(value: object) -> str:
    return "∅" if value is None or value == "" else str(value)


def latest_changes(conn: Connection, limit: int = 20) -> pl.DataFrame:
    """The latest changes, newest first: change_id, changed_at, changed_by, via, summary."""
    rows = conn.execute(
        text("SELECT id, changed_at, changed_by, via, summary FROM change ORDER BY id DESC LIMIT :n"),
        {"n": int(limit)},
    ).all()
    schema = {"change_id": pl.Int64, "changed_at": pl.String, "changed_by": pl.String, "via": pl.String}
    return pl.DataFrame(
        [(r[0], _when(r[1]), r[2], r[3], r[4]) for r in rows], schema=schema | {"summary": pl.String}, orient="row"
    )


def change_records(conn: Connection, change_id: int, limit: int = 1000) -> pl.DataFrame:
    """The records one change wrote or deleted (at most `limit` per kind): record, key, how (written or deleted)."""
    out: list[tuple[str, str, str]] = []
    for kind in KINDS.values():
        key = ", ".join(kind.live[c] for c in kind.key)
        rows = conn.execute(
            text(f"SELECT {key} FROM {kind.live_from} WHERE r.change_id = :c LIMIT :n"), {"c": change_id, "n": limit}
        ).all()
        out += [(kind.name, key_text(kind, dict(zip(kind.key, r, strict=True))), "written") for r in rows]
        rev_key = ", ".join(kind.key)
        for how, column in (("written", "change_id"), ("deleted", "ended_by")):
            extra = " AND ended_how = 'delete'" if how == "deleted" else ""
            rows = conn.execute(
                text(f"SELECT DISTINCT {rev_key} FROM {kind.name}_revision WHERE {column} = :c{extra} LIMIT :n"),
                {"c": change_id, "n": limit},
            ).all()
            out += [(kind.name, key_text(kind, dict(zip(kind.key, r, strict=True))), how) for r in rows]
    frame = pl.DataFrame(out, schema={"record": pl.String, "key": pl.String, "how": pl.String}, orient="row")
    return frame.unique(maintain_order=True)


def continue_versions(conn: Connection, record: str) -> None:
    """Records the current change re-created after a deletion continue their version numbers, so a version
    number names one version of a key for good."""
    kind = KINDS[record]
    change_id = conn.info.get(writes.CHANGE_KEY)
    if change_id is None:
        return
    deleted = f"SELECT 1 FROM {record}_revision WHERE ended_how = 'delete' LIMIT 1"
    if conn.execute(text(deleted)).first() is None:
        return
    match = " AND ".join(f"{kind.live[c]} = d.{c}" for c in kind.key)
    rows = conn.execute(
        text(
            f"SELECT r.id, MAX(d.version) FROM {kind.live_from} JOIN {record}_revision d ON {match} "
            f"WHERE d.ended_how = 'delete' AND r.change_id = :c AND r.version <= d.version GROUP BY r.id"
        ),
        {"c": change_id},
    ).all()
    for record_id, last in rows:
        conn.execute(text(f"UPDATE {record} SET version = :v WHERE id = :i"), {"v": int(last) + 1, "i": record_id})


def version_values(history: pl.DataFrame, record: str, key: Mapping[str, object], version: int) -> dict[str, object]:
    """The values of one version in a record's history (record_history); ValueError naming what is missing."""
    found = history.filter(pl.col("version") == version)
    if history.height == 0:
        raise ValueError(f"no {record} {key_text(KINDS[record], key)} in the history")
    if found.height == 0:
        versions = ", ".join(str(v) for v in history["version"].drop_nulls().unique(maintain_order=True).to_list())
        raise ValueError(f"{record} has no version {version} (versions: {versions})")
    return {c: found[c][-1] for c in KINDS[record].columns}


def names(conn: Connection) -> dict[str, dict[str, tuple[str | None, str | None]]]:
    """The names of parks, facilities and materials: kind ("park", "facility", "material") -> code -> (name,
    name_zh)."""
    out: dict[str, dict[str, tuple[str | None, str | None]]] = {}
    for kind in ("park", "facility", "material"):
        rows = conn.execute(text(f"SELECT code, name, name_zh FROM {kind}")).all()
        out[kind] = {str(r[0]): (r[1], r[2]) for r in rows}
    return out


SEARCH_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "facility": {"flow": ("source", "target"), "facility": ("code",), "stock": ("facility",),
                 "transfer_coefficient": ("scope",)},
    "material": {"flow": ("material",), "stock": ("material",), "material_alias": ("material",)},
    "park": {"park": ("code",), "facility": ("park",)},
    "period": {"flow": ("period",), "stock": ("period",)},
}  # fmt: skip
"""search filter -> record kind -> the columns it matches (period matches as a prefix: 2024 or 2024-03)."""


def find_keys(conn: Connection, record: str, filters: Mapping[str, str | None], limit: int = 200) -> pl.DataFrame:
    """The keys of the records of one kind, stored now or only in the history (deleted), that the filters keep
    (facility, material, park by code; period as 2024 or 2024-03), newest period first, at most `limit`."""
    kind = KINDS[record]
    used = {
        f: SEARCH_COLUMNS[f].get(record, ()) for f, v in filters.items() if v not in (None, "") and f in SEARCH_COLUMNS
    }
    if any(not columns for columns in used.values()):  # a filter this kind cannot be searched by
        return pl.DataFrame(schema=dict.fromkeys(kind.key, pl.String))
    params: dict[str, object] = {"n": int(limit)}
    for f in used:
        params[f"f_{f}"] = f"{filters[f]}%" if f == "period" else filters[f]

    def branch(exprs: Mapping[str, str], source: str) -> str:
        """The first `limit` keys of the live rows or of the revisions (each sorted, so each can use its index)."""
        conditions = [
            "(" + " OR ".join(f"{exprs[c]} {'LIKE' if f == 'period' else '='} :f_{f}" for c in columns) + ")"
            for f, columns in used.items()
        ]
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        order = (f"{exprs['period']} DESC, " if "period" in kind.key else "") + ", ".join(exprs[c] for c in kind.key)
        cols = ", ".join(f"{exprs[c]} AS {c}" for c in kind.key)
        return f"SELECT * FROM (SELECT DISTINCT {cols} FROM {source}{where} ORDER BY {order} LIMIT :n) b"

    keys = ", ".join(f"k.{c}" for c in kind.key)
    order = ("k.period DESC, " if "period" in kind.key else "") + keys
    past = {c: f"r.{c}" for c in kind.columns}
    sql = (
        f"SELECT DISTINCT {keys} FROM ({branch(kind.live, kind.live_from)} UNION "
        f"{branch(past, f'{record}_revision r')}) k ORDER BY {order} LIMIT :n"
    )
    rows = conn.execute(text(sql), params).all()
    return pl.DataFrame(
        [tuple(str(v) for v in r) for r in rows], schema=dict.fromkeys(kind.key, pl.String), orient="row"
    )
