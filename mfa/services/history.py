"""Reading the history, as the CLI and the app ask for it: the latest changes, the records one change wrote or
deleted, every version of one record, and finding a record by facility, material, park or period (restoring a
version is mfa.services.editing). The `*_for` functions say it in the reader's language, records by their names
(facility and material names, quantities in tonnes) with their codes beside."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import polars as pl
from sqlalchemy import Engine

from mfa.domain.labels import Language, city_label, indicator_label, kind_label, text
from mfa.storage import history
from mfa.storage.history import HISTORY_COLUMNS, KINDS, RecordKind

__all__ = ["HISTORY_COLUMNS", "KINDS", "RecordKind"]

Names = dict[str, dict[str, tuple[str | None, str | None]]]
REFERENCES = {"source": "facility", "target": "facility", "facility": "facility", "material": "material",
              "park": "park"}  # fmt: skip
"""A record's columns that hold a code, and what the code names (facility, material, park)."""
ENTERED = ("value", "unit")
"""The figure as entered (value in its unit), shown in a change only when the quantity in tonnes did not change."""


def latest_changes(engine: Engine, limit: int = 20) -> pl.DataFrame:
    """The latest changes, newest first: who, when, through which path, and a summary."""
    with engine.connect() as conn:
        return history.latest_changes(conn, limit)


def change_records(engine: Engine, change_id: int, limit: int = 1000) -> pl.DataFrame:
    """The records one change wrote or deleted."""
    with engine.connect() as conn:
        return history.change_records(conn, change_id, limit)


def record_history(engine: Engine, record: str, key: Mapping[str, object]) -> pl.DataFrame:
    """Every version of one record, oldest first, with what changed (empty for a record never stored)."""
    with engine.connect() as conn:
        return history.record_history(conn, record, key)


def key_text(record: str, key: Mapping[str, object]) -> str:
    """A record's key in words: 'YY-MLCE' or '2024-03 | A1 | B1 | fly_ash'."""
    return history.key_text(KINDS[record], key)


def parse_key(record: str, key: str) -> dict[str, object]:
    """A record's key from its codes joined by " | " (key_text), in the order of its key columns."""
    parts = [p.strip() for p in key.split("|")]
    out: dict[str, object] = dict(zip(KINDS[record].key, parts, strict=False))
    if record == "target" and str(out.get("target_year", "")).isdigit():
        out["target_year"] = int(str(out["target_year"]))
    return out


def names(engine: Engine) -> Names:
    """Park, facility and material names by code: kind -> code -> (name, name_zh)."""
    with engine.connect() as conn:
        return history.names(conn)


def _name(names: Names, what: str, code: object, language: Language) -> str:
    en, zh = names.get(what, {}).get(str(code), (None, None))
    return ((zh or en) if language == "zh" else (en or zh)) or str(code)


def _tonnes(value: object, language: Language) -> str:
    if not isinstance(value, int | float):
        return str(value)
    written = f"{value:,.1f}".removesuffix(".0")
    return f"{written} {'吨' if language == 'zh' else 't'}"


def show_value(column: str, value: object, names: Names, language: Language) -> str:
    """One value of a record as people read it: names for codes, tonnes, kinds, cities, sides; empty in words."""
    if value is None or value == "":
        return text("history_empty_value", language)
    if column in REFERENCES:
        return _name(names, REFERENCES[column], value, language)
    if column == "quantity_t":
        return _tonnes(value, language)
    if column == "side":
        return text(f"history_{value}", language) if value in ("sender", "receiver") else str(value)
    if column == "kind":
        return kind_label(str(value), language)
    if column == "city":
        return city_label(str(value), language)
    if column == "data_quality" and value in ("measured", "calculated", "estimated"):
        return text(f"quality_{value}", language)
    if column == "uncertainty" and isinstance(value, int | float):
        return f"{value * 100:.3g} %"
    if column == "scope_level" and value in ("facility", "kind", "city", "province"):
        return text(f"history_scope_{value}", language)
    if isinstance(value, float):
        return f"{value:,.6g}"
    return str(value)


def _field(record: str, column: str, language: Language) -> str:
    if column == "source" and record not in ("flow",):
        return text("history_field_cited", language)
    if column == "target" and record == "target":
        return text("history_field_target_value", language)
    return text(f"history_field_{column}", language)


def record_name(record: str, key: Mapping[str, object], names: Names, language: Language) -> str:
    """A record by its names: '2024-01 · Steel plant → Collector A · Scrap steel (sender)', a facility's name..."""

    def show(c: str) -> str:
        return show_value(c, key.get(c), names, language)

    if record == "flow":
        side = "" if not key.get("side") else f"（{show('side')}）" if language == "zh" else f" ({show('side')})"
        return f"{key.get('period')} · {show('source')} → {show('target')} · {show('material')}{side}"
    if record == "stock":
        return f"{key.get('period')} · {show('facility')} · {show('material')}"
    if record == "facility":
        return _name(names, "facility", key.get("code"), language)
    if record == "park":
        return _name(names, "park", key.get("code"), language)
    if record == "transfer_coefficient":
        scope = key.get("scope")
        level = key.get("scope_level")
        shown = kind_label(str(scope), language) if level == "kind" else _name(names, "facility", scope, language)
        return shown
    if record == "target":
        scope = key.get("scope")
        where = [] if scope in (None, "", "province") else [city_label(str(scope), language)]
        return " · ".join([indicator_label(str(key.get("indicator")), language), *where, str(key.get("target_year"))])
    return " · ".join(str(key.get(c)) for c in KINDS[record].key)


def kind_name(record: str, language: Language) -> str:
    """A kind of record (flow, facility, ... transfer coefficient) in words."""
    return text(f"history_kind_{record}", language)


_VIA: list[tuple[re.Pattern[str], Callable[[re.Match[str], Language], str]]] = [
    (re.compile(r"^form$"), lambda m, lang: text("history_via_form", lang)),
    (re.compile(r"^delete( .*)?$"), lambda m, lang: text("history_via_delete", lang)),
    (re.compile(r"^import (?P<files>.+)$"), lambda m, lang: _imported(m["files"], lang)),
    (
        re.compile(r"^restore \S+ version (?P<version>\d+)$"),
        lambda m, lang: text("history_via_restore", lang, version=m["version"]),
    ),
    (re.compile(r"^confirm .*$"), lambda m, lang: text("history_via_confirm", lang)),
    (re.compile(r"^calibrate (?P<what>.+)$"), lambda m, lang: text("history_via_calibrate", lang, what=m["what"])),
    (re.compile(r"^calibration$"), lambda m, lang: text("history_via_calibration", lang)),
]


def _imported(files: str, language: Language) -> str:
    """The import of these files (', '-separated); more than two said as the first and how many more."""
    names = files.split(", ")
    if len(names) <= 2:
        return text("history_via_import", language, files=files)
    return text("history_via_import_many", language, first=names[0], more=len(names) - 1)


def via_words(via: str | None, language: Language) -> str:
    """The path of a change in words: 'App · entry form', '命令行 · 导入 flows.csv' (as stored when not known)."""
    if not via:
        return text("history_empty_value", language)
    channel, _, rest = via.partition(" ")
    if channel not in ("app", "cli"):
        return via
    words = text(f"history_channel_{channel}", language)
    for pattern, say in _VIA:
        found = pattern.match(rest)
        if found:
            return f"{words} · {say(found, language)}"
    return f"{words} · {rest}" if rest else words


_WRITTEN = re.compile(r"^(?P<n>[\d,]+) (?P<table>\w+) written$")
_DELETED = re.compile(r"^1 (?P<table>\w+) deleted: (?P<key>.+)$")


def summary_words(summary: str | None, names: Names, language: Language) -> str:
    """What a change did in words: 'Flows: 1 written', '流量：写入 1 条', 'Flow deleted: 2024-01 · A → B · steel'."""
    if not summary:
        return text("history_empty_value", language)
    if summary == "nothing written":
        return text("history_nothing_written", language)
    deleted = _DELETED.match(summary)
    if deleted:
        kind = next((k for k in KINDS.values() if k.table == deleted["table"]), None)
        if kind is not None:
            key = parse_key(kind.name, deleted["key"])
            what = kind_name(kind.name, language)
            return text("history_deleted", language, what=what, name=record_name(kind.name, key, names, language))
    parts = []
    for part in summary.split("; "):
        written = _WRITTEN.match(part)
        if written is None or f"history_table_{written['table']}" not in _TABLE_KEYS:
            return summary
        what = text(f"history_table_{written['table']}", language)
        parts.append(text("history_written", language, what=what, n=written["n"]))
    return ("；" if language == "zh" else "; ").join(parts)


_TABLE_KEYS = frozenset(
    f"history_table_{t}"
    for t in ("parks", "facilities", "materials", "material_aliases", "flows", "stocks", "targets", "reported",
              "lifetimes", "inflows", "capacities", "transfer_coefficients")
)  # fmt: skip


def latest_changes_for(engine: Engine, language: Language, limit: int = 20) -> pl.DataFrame:
    """The latest changes in words: change_id, changed_at, changed_by, via and summary in `language`."""
    latest = latest_changes(engine, limit)
    known = names(engine)
    return latest.with_columns(
        pl.Series("via", [via_words(v, language) for v in latest["via"].to_list()], dtype=pl.String),
        pl.Series("summary", [summary_words(s, known, language) for s in latest["summary"].to_list()], pl.String),
    )


def change_records_for(engine: Engine, change_id: int, language: Language, limit: int = 1000) -> pl.DataFrame:
    """The records one change wrote or deleted, in words: record (its kind), name, key (its codes), how; and
    kind, the record kind's code."""
    records = change_records(engine, change_id, limit)
    known = names(engine)
    rows = [
        (
            kind_name(record, language),
            record_name(record, parse_key(record, key), known, language),
            key,
            text(f"history_how_{how}", language),
            record,
        )
        for record, key, how in records.iter_rows()
    ]
    schema = dict.fromkeys(("record", "name", "key", "how", "kind"), pl.String)
    return pl.DataFrame(rows, schema=schema, orient="row")


def record_history_for(engine: Engine, record: str, key: Mapping[str, object], language: Language) -> pl.DataFrame:
    """Every version of one record in words, oldest first: version, status, changed_at, changed_by, via and
    changes ('quantity 321 t → 400 t'), names for codes and every empty value in words."""
    versions = record_history(engine, record, key)
    known = names(engine)
    columns = KINDS[record].columns
    changes: list[str] = []
    before: dict[str, object] | None = None
    for row in versions.iter_rows(named=True):
        if row["status"] == "deleted":
            changes.append("")
            before = None
            continue
        values = {c: row[c] for c in columns}
        changes.append(_changes(record, before, values, known, language))
        before = values
    return versions.select(
        "version",
        pl.Series("status", [text(f"history_status_{s}", language) for s in versions["status"]], dtype=pl.String),
        "changed_at",
        "changed_by",
        pl.Series("via", [via_words(v, language) for v in versions["via"].to_list()], dtype=pl.String),
        pl.Series("changes", changes, dtype=pl.String),
    )


def _changes(
    record: str, before: Mapping[str, object] | None, values: Mapping[str, object], names: Names, language: Language
) -> str:
    """What a version holds (the first) or changed from the one before: 'quantity 321 t → 400 t; note …'."""

    def show(c: str, v: object) -> str:
        if c == "scope" and values.get("scope_level") == "facility":  # a transfer coefficient's facility
            return show_value("facility", v, names, language)
        if c == "scope" and values.get("scope_level") == "kind":
            return kind_label(str(v), language)
        return show_value(c, v, names, language)

    sep = "；" if language == "zh" else "; "
    if before is None:
        entered_in_t = values.get("unit") == "t"  # the value entered is the quantity: said once
        shown = [
            f"{_field(record, c, language)} {show(c, v)}"
            for c, v in values.items()
            if v not in (None, "") and not (entered_in_t and c in ENTERED)
        ]
        return sep.join(shown)
    differs = [c for c in values if before.get(c) != values.get(c)]
    if "quantity_t" in differs:
        differs = [c for c in differs if c not in ENTERED]
    return sep.join(
        f"{_field(record, c, language)} {show(c, before.get(c))} → {show(c, values.get(c))}" for c in differs
    )


def find_records(
    engine: Engine, record: str, language: Language, *, facility: str | None = None, material: str | None = None,
    park: str | None = None, period: str | None = None, limit: int = 200,
) -> pl.DataFrame:  # fmt: skip
    """The records of one kind a search keeps, stored now or deleted: key (codes, as key_text) and name (in words),
    newest period first, at most `limit`."""
    filters = {"facility": facility, "material": material, "park": park, "period": period}
    with engine.connect() as conn:
        keys = history.find_keys(conn, record, filters, limit)
        known = history.names(conn)
    rows = []
    for found in keys.iter_rows(named=True):
        key = parse_key(record, key_text(record, found))
        rows.append((key_text(record, key), record_name(record, key, known, language)))
    return pl.DataFrame(rows, schema={"key": pl.String, "name": pl.String}, orient="row")


def searchable(record: str) -> tuple[str, ...]:
    """The filters records of this kind can be found by (facility, material, park, period)."""
    return tuple(f for f, kinds in history.SEARCH_COLUMNS.items() if record in kinds)


def search_for(record: str, key: Mapping[str, object]) -> dict[str, str]:
    """The search that finds this record: filter -> value from its key (facility, material, park, period)."""
    out = {}
    for name, kinds in history.SEARCH_COLUMNS.items():
        value = key.get(kinds.get(record, ("",))[0])
        if value not in (None, "") and not (record == "transfer_coefficient" and key.get("scope_level") != "facility"):
            out[name] = str(value)
    return out
