"""Reading the history, as the CLI and the app ask for it: the latest changes, the records one change wrote or
deleted, and every version of one record (restoring a version is mfa.services.editing)."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl
from sqlalchemy import Engine

from mfa.storage import history
from mfa.storage.history import HISTORY_COLUMNS, KINDS, RecordKind

__all__ = ["HISTORY_COLUMNS", "KINDS", "RecordKind"]


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
