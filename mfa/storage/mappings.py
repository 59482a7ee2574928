"""The column mappings users confirmed for a header, remembered per park (`scope`: a park code, or `*`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, text

from mfa.storage.writes import now_for

EVERYONE = "*"


@dataclass(frozen=True)
class Remembered:
    """A remembered mapping: one token per header cell, for which scope, by whom and when."""

    mapping: tuple[str, ...]
    scope: str
    updated_by: str | None
    updated_at: object


def remembered(conn: Connection, signature: str, scopes: Sequence[str]) -> Remembered | None:
    """The mapping remembered for this header in the first of `scopes` that has one."""
    for scope in scopes:
        row = conn.execute(
            text("SELECT mapping, updated_by, updated_at FROM import_mapping WHERE scope = :s AND signature = :g"),
            {"s": scope, "g": signature},
        ).first()
        if row is not None:
            return Remembered(tuple(json.loads(row[0])), scope, row[1], row[2])
    return None


def remember(
    conn: Connection,
    scope: str,
    table: str,
    signature: str,
    headers: Sequence[str],
    mapping: Sequence[str],
    by: str,
) -> None:
    """Remember (or replace) the mapping of a header for a scope."""
    params = {
        "s": scope,
        "g": signature,
        "t": table,
        "h": json.dumps(list(headers), ensure_ascii=False),
        "m": json.dumps(list(mapping), ensure_ascii=False),
        "at": now_for(conn),
        "by": by[:64],
    }
    conn.execute(
        text(
            "INSERT INTO import_mapping (scope, signature, table_name, headers, mapping, updated_at, updated_by, "
            "version) VALUES (:s, :g, :t, :h, :m, :at, :by, 1) ON CONFLICT (scope, signature) DO UPDATE SET "
            "mapping = excluded.mapping, headers = excluded.headers, table_name = excluded.table_name, "
            "updated_at = excluded.updated_at, updated_by = excluded.updated_by, "
            "version = import_mapping.version + 1"
        ),
        params,
    )


def forget(conn: Connection, signature: str, scope: str) -> bool:
    """Forget the mapping of a header for a scope; True if there was one."""
    found = conn.execute(
        text("DELETE FROM import_mapping WHERE scope = :s AND signature = :g"), {"s": scope, "g": signature}
    )
    return bool(found.rowcount)
