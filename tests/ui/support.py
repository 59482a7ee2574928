"""What the app tests share: the small world they run on, page switching, offered files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from mfa.services.database import open_database
from mfa.services.writing import import_files
from mfa.ui.navigation import page_path
from tests.factories import flow, flows_file, world

APP = str(Path(__file__).resolve().parents[2] / "app.py")
YEARS = (2023, 2024, 2025)


def world_flows() -> list[list[object]]:
    """Monthly flows of 2023-2025 (growing each year): scrap steel to recycling, fly ash generated, stored, used."""
    rows: list[list[object]] = []
    for i, year in enumerate(YEARS):
        grow = 1 + i / 10
        for month in (1, 2):
            period = f"{year}-{month:02d}"
            rows += [
                flow(period, "SRC-1", "COL-1", "scrap_steel", f"{100 * grow:g}"),
                flow(period, "COL-1", "REC-1", "scrap_steel", f"{90 * grow:g}"),
                flow(period, "REC-1", "OUT", "recycled_steel", f"{80 * grow:g}"),
                flow(period, "SRC-1", "YARD-1", "fly_ash", "50"),
                flow(period, "YARD-1", "REC-1", "fly_ash", "20"),
                flow(period, "SRC-1", "REC-1", "fly_ash", f"{30 * grow:g}"),
            ]
    return rows


def load_world(folder: Path) -> tuple[str, Engine]:
    """A migrated SQLite file in `folder` holding the small world and its flows."""
    url = f"sqlite:///{folder / 'app.db'}"
    engine = open_database(url)
    report = import_files(engine, [*world(folder), flows_file(folder, world_flows())])
    assert report.ok, report.errors
    return url, engine


TESTER = ("tester", "tester-password")
"""The admin the app tests sign in as."""


def sign_in(engine: Engine, at: AppTest, name: str = TESTER[0], password: str = TESTER[1]) -> AppTest:
    """Start a session for `name` (added as an admin when missing) and give its token to the app, as the
    browser's cookie would."""
    from mfa.storage import accounts, sessions
    from mfa.storage.engine import write_transaction

    with write_transaction(engine) as conn:
        if name == TESTER[0] and not any(u["name"] == name for u in accounts.list_users(conn)):
            accounts.add_user(conn, name, password, "admin")
        started = sessions.start(conn, name, password)
    assert started is not None
    at.session_state["mfa_token"] = started[0]
    return at


def open_page(at: AppTest, page: str) -> AppTest:
    """Switch to a page by its url_path and run it."""
    at.switch_page(page_path(page)).run()
    assert not at.exception, at.exception
    return at


def content(offered: dict[str, Any], name: str) -> bytes:
    """The bytes of an offered file, made now if the button defers them."""
    data = offered[name]
    data = data() if callable(data) else data
    return data.encode() if isinstance(data, str) else bytes(data)
