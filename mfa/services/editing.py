"""Editing one record at a time, as the CLI and the app do: a form's record through the same validation and
permissions as a file (import_records, with a stale-edit check), deleting a record and restoring an earlier version.
Each is one change in the history (a delete keeps the last version there)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import polars as pl
from sqlalchemy import Connection, Engine, text

from mfa.domain.labels.reasons import reason
from mfa.domain.roles import Actor, local_operator
from mfa.intake.readers import RawTable, ReadResult
from mfa.intake.validate import ERROR_SCHEMA, Checked
from mfa.intake.validate.flows import SIDES
from mfa.services.authorize import forbidden
from mfa.services.writing import ImportReport, import_tables
from mfa.storage import history, meta, reads, writes
from mfa.storage.engine import write_transaction


def _error(label: str, column: str, value: object, reason: str) -> pl.DataFrame:
    return pl.DataFrame([(label, 1, column, str(value), reason)], schema=ERROR_SCHEMA, orient="row")


def delete_record(
    engine: Engine, record: str, key: Mapping[str, object], *, actor: Actor | None = None, via: str = "delete"
) -> ImportReport:
    """Delete one park, facility, flow, stock or target by its key, keeping its last version in the history.

    Refused (report.errors) when the actor may not write it, when it does not exist, or when other records still
    refer to it (a facility with flows or stocks, a park with facilities)."""
    kind = history.KINDS[record]
    who = actor or local_operator()
    with engine.connect() as conn:
        key = history.complete_key(conn, record, key, live=True)
    label = f"delete {record} {history.key_text(kind, key)}"
    report = ImportReport(files=[label])
    if record == "flow" and not key.get("side"):  # no side declared it
        report.errors = _error(label, kind.key[0], history.key_text(kind, key), reason(f"no_such_{record}"))
        return report
    with write_transaction(engine) as conn:
        where, params = history.key_where(kind, kind.live, key)
        found = conn.execute(
            text(f"SELECT r.id, {', '.join(kind.live[c] for c in kind.columns)} FROM {kind.live_from} WHERE {where}"),
            params,
        ).first()
        if found is None:
            report.errors = _error(label, kind.key[0], history.key_text(kind, key), reason(f"no_such_{record}"))
            return report
        values = dict(zip(kind.columns, found[1:], strict=True))
        refused = _refused(conn, who, kind, values, label)
        if refused is None:
            refused = _still_used(conn, record, int(found[0]), history.key_text(kind, key), label)
        if refused is not None:
            report.errors = refused
            conn.rollback()
            return report
        conn.info[writes.WRITER_KEY] = who.name
        history.begin_change(conn, who.name, f"{who.via} {via}")
        conn.execute(text(f"DELETE FROM {record} WHERE id = :i"), {"i": int(found[0])})
        if record == "flow":
            meta.mark_flows_changed(conn, [int(str(values["period"])[:4])])
        elif record in ("park", "facility"):
            meta.mark_registry_changed(conn)
        history.finish_change(conn, f"1 {kind.table} deleted: {history.key_text(kind, values)}")
        meta.bump_data_version(conn)
    report.written[kind.table] = 0
    report.committed = True
    return report


def _refused(
    conn: Connection, actor: Actor, kind: history.RecordKind, values: dict[str, object], label: str
) -> pl.DataFrame | None:
    """The error if `actor` may not write this record (the same rule as for imports)."""
    row = {c: (None if v is None else str(v)) for c, v in values.items()} | {"_file": label, "_row": 1}
    schema = {c: pl.String for c in values} | {"_file": pl.String, "_row": pl.Int64}
    frame = pl.DataFrame([row], orient="row", schema=schema)
    checked = Checked(kind.table, frame, pl.DataFrame(schema=ERROR_SCHEMA), ())
    errors = forbidden(actor, checked, reads.facility_parks(conn))
    return errors if errors.height else None


def _still_used(conn: Connection, record: str, record_id: int, name: str, label: str) -> pl.DataFrame | None:
    """The error if other records still refer to this one."""
    uses = {
        "facility": [
            ("flows", "SELECT COUNT(*) FROM flow WHERE source_id = :i OR target_id = :i"),
            ("stocks", "SELECT COUNT(*) FROM stock WHERE facility_id = :i"),
            ("capacities", "SELECT COUNT(*) FROM capacity WHERE facility_id = :i"),
        ],
        "park": [("facilities", "SELECT COUNT(*) FROM facility WHERE park_id = :i")],
    }.get(record, [])
    found = [(name, int(conn.execute(text(sql), {"i": record_id}).scalar() or 0)) for name, sql in uses]
    found = [(name, n) for name, n in found if n]
    if not found:
        return None
    what = " and ".join(f"{n:,} {name}" for name, n in found)
    return _error(label, "code", name, f"{record} {name} still has {what}: delete or move them first")


def restore_version(
    engine: Engine, record: str, key: Mapping[str, object], version: int, *, actor: Actor | None = None
) -> ImportReport:
    """Bring version `version` of a record back as a new version (re-creating it if it was deleted), through the
    same validation and permissions as any edit."""
    kind = history.KINDS[record]
    with engine.connect() as conn:
        key = history.complete_key(conn, record, key, live=False)
        past = history.record_history(conn, record, key)
    values = history.version_values(past, record, key, version)
    label = f"restore {record} version {version}"
    live = past.tail(1).filter(pl.col("status") != "deleted")
    current = int(live["version"][0]) if live.height else None
    if current == version:
        report = ImportReport(files=[label])
        report.errors = _error(label, "version", version, f"version {version} is the current version already")
        return report
    typed = _as_import_record(record, values)
    replace = {c: str(key[c]) for c in kind.key} if record == "flow" else None
    expected = current if record in ("flow", "facility", "park") else None
    return import_records(
        engine, kind.table, [typed], label=label, via=label, actor=actor, replace=replace, expected_version=expected
    )


def _as_import_record(record: str, values: Mapping[str, object]) -> dict[str, object]:
    """A stored version as the import row that recreates it (quantities as entered, in their unit)."""
    if record == "transfer_coefficient":  # stored by scope, exchanged as a facility or a kind
        level, scope = values.get("scope_level"), values.get("scope")
        return {
            "facility": scope if level == "facility" else None,
            "kind": scope if level == "kind" else None,
            "coefficient": _number(values.get("coefficient")),
            "tolerance": _number(values.get("tolerance")),
            "source": values.get("source"),
        }
    out = {c: v for c, v in values.items() if c not in ("quantity_t", "value", "scope_level")}
    if record in ("flow", "stock"):
        out["quantity"] = _number(values["value"] if values.get("value") is not None else values.get("quantity_t"))
        out["unit"] = values.get("unit") or "t"
    for column in ("uncertainty", "baseline_value", "target_value"):
        if column in out:
            out[column] = _number(out[column])
    return out


def _number(value: object) -> str | None:
    """A float as the shortest text that reads back to the same float."""
    return None if value is None else repr(float(str(value)))


def current_version(engine: Engine, table: str, key: Mapping[str, str]) -> int | None:
    """The version of a flow declaration (by key, the side left out when one side declared it) or of a park or
    facility (by code) as an editor opens it, to pass back as `expected_version` when saving; None if none."""
    with engine.connect() as conn:
        if table == "flows":
            key = {k: str(v) for k, v in history.complete_key(conn, "flow", key, live=True).items()}
        found = writes.record_version(conn, table, dict(key))
    return None if found is None else found[0]


def import_records(
    engine: Engine,
    table: str,
    records: list[dict[str, object]],
    *,
    label: str = "form",
    replace: dict[str, str] | None = None,
    today: date | None = None,
    actor: Actor | None = None,
    expected_version: int | None = None,
    via: str | None = None,
) -> ImportReport:
    """Write records typed into a form (or given by a script) through the same validation as files; all or nothing.

    `replace` names the key of an existing flow declaration (period, source, target, material, and side, which
    may be left out when one side declared the flow) that the record replaces: the record keeps that side unless
    it gives one, and when the key changed, the old declaration is deleted in the same transaction.
    `expected_version` is the version the editor opened (of the replaced declaration, or of the park or facility
    by code): if someone changed the record since, nothing is written and the report says who changed it and when."""
    from mfa.intake.readers import NUL_REASON
    from mfa.intake.tables import BY_NAME

    spec = BY_NAME[table]
    if table == "flows" and replace is not None:
        with engine.connect() as conn:
            replace = {k: str(v) for k, v in history.complete_key(conn, "flow", replace, live=True).items()}
        if "side" in replace:
            records = [r if r.get("side") not in (None, "") else r | {"side": replace["side"]} for r in records]
    rows = [{c: (None if r.get(c) is None else str(r.get(c))) for c in spec.columns if c in r} for r in records]
    nul = [
        (label, i + 1, c, v.replace("\x00", "\\x00"), NUL_REASON)
        for i, r in enumerate(rows)
        for c, v in r.items()
        if v and "\x00" in v
    ]
    if nul:
        refused = ImportReport(files=[label])
        refused.errors = pl.DataFrame(nul, schema=ERROR_SCHEMA, orient="row")
        return refused
    columns = [c for c in spec.columns if any(c in r for r in records)]
    frame = pl.DataFrame(rows, schema={c: pl.String for c in columns}, orient="row")
    frame = frame.with_columns(pl.lit(label).alias("_file"), (pl.int_range(pl.len(), dtype=pl.Int64) + 1).alias("_row"))
    read = ReadResult(tables=[RawTable(label, spec, frame, frame)])
    old = replace if table == "flows" else None

    def first(conn: Connection) -> None:
        replaced = (
            None if old is None else {k: str(v) for k, v in history.complete_key(conn, "flow", old, live=True).items()}
        )
        if expected_version is not None:
            key = replaced if table == "flows" else {"code": str(records[0].get("code", ""))}
            found = writes.record_version(conn, table, key or {})
            if found is not None and found[0] != expected_version:
                stale = reason("stale_edit", who=found[1], when=found[2]) if found[1] else None
                raise StaleEdit(stale or reason("stale_edit_someone", when=found[2]))
        if old is not None and "side" in old and not _same_flow(old, records[0]):
            writes.delete_flow(conn, old["period"], old["source"], old["target"], old["material"], old["side"])

    try:
        return import_tables(engine, read, today=today, first=first, actor=actor, via=via or label)
    except StaleEdit as exc:
        report = ImportReport(files=[label])
        report.errors = pl.DataFrame(
            [(label, 1, "version", str(expected_version), str(exc))], schema=ERROR_SCHEMA, orient="row"
        )
        return report


def _same_flow(key: dict[str, str], record: dict[str, object]) -> bool:
    """The edited record keeps the key it replaces (the period compared as written in normal form)."""
    from mfa.domain.periods import normalize_period

    period = pl.select(normalize_period(pl.lit(str(record.get("period") or "")).str.strip_chars())).item()
    same_ends = all(str(record.get(c) or "").strip() == key[c] for c in ("source", "target", "material"))
    side = str(record.get("side") or "").strip()
    return same_ends and period == key["period"] and (not side or SIDES.get(side.lower()) == key["side"])


class StaleEdit(Exception):
    """The record was changed by someone else after the editor opened it."""
