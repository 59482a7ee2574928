"""The Streamlit app runs on a real database: AppTest loads the real entry script."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mfa.db import open_database
from mfa.io.importer import import_files
from tests.factories import flow, flows_file, world

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def test_flows_page_shows_the_flows_and_filters_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    engine = open_database(url)
    files = [*world(tmp_path), flows_file(tmp_path, [flow("2024-01"), flow("2025-02", quantity="3"), flow("2025-03")])]
    assert import_files(engine, files).ok
    monkeypatch.setenv("MFA_DATABASE_URL", url)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert at.metric[3].value == "3"
    assert "2 flows" in at.caption[0].value
    at.selectbox(key="flows_year").set_value(2024).run()
    assert "1 flows" in at.caption[0].value
