"""What every page shares: the engine (one per process) and data read once per data version."""

from __future__ import annotations

import polars as pl
import streamlit as st
from sqlalchemy import Engine

from mfa import store
from mfa.db import open_database
from mfa.frames import FlowFilter, flow_table
from mfa.settings import database_url


@st.cache_resource
def _engine(url: str) -> Engine:
    return open_database(url)


def engine() -> Engine:
    """The database named by MFA_DATABASE_URL (or the default file), migrated if needed; one per process."""
    return _engine(database_url())


def data_version() -> int:
    """Changes with every write, so cached reads refresh at once."""
    with engine().connect() as conn:
        return store.data_version(conn)


@st.cache_data(max_entries=32)
def flows(
    url: str, version: int, year: int | None, city: str | None, park: str | None, material: str | None
) -> pl.DataFrame:
    """Flows for the filters, cached per data version."""
    with engine().connect() as conn:
        return flow_table(conn, FlowFilter(year=year, city=city, park=park, material=material))


@st.cache_data(max_entries=4)
def counts(url: str, version: int) -> dict[str, int]:
    """Record counts per table, cached per data version."""
    with engine().connect() as conn:
        return store.counts(conn)
