"""Fixtures of the app tests: a small world in a temp SQLite file, the app on it, and the files it offers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from sqlalchemy import Engine
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from tests.ui.support import APP, load_world, open_page, sign_in


@pytest.fixture
def world_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """The small world in a temp database that the app is pointed at (MFA_DATABASE_URL, MFA_CACHE_DIR)."""
    url, engine = load_world(tmp_path)
    monkeypatch.setenv("MFA_DATABASE_URL", url)
    monkeypatch.setenv("MFA_CACHE_DIR", str(tmp_path / "cache"))
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        yield engine
    finally:
        engine.dispose()
        st.cache_resource.clear()


@pytest.fixture
def app(world_db: Engine) -> Callable[..., AppTest]:
    """Run the app on the small world: app() opens the Overview, app("flows") another page; English unless asked."""

    def start(page: str | None = None, language: str = "en", user: tuple[str, str, list[str]] | None = None) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=90)
        at.session_state["language"] = language
        if user is None:
            sign_in(world_db, at)
        else:  # (name, role, parks): made with a password of its own, then signed in
            from mfa.services.users import add_user

            add_user(world_db, user[0], "a long password", user[1], user[2])
            sign_in(world_db, at, user[0], "a long password")
        at.run()
        assert not at.exception, at.exception
        if page is not None:
            open_page(at, page)
        return at

    return start


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What download buttons offer, by file name: bytes, or the callable that makes them on click."""
    offered: dict[str, Any] = {}
    add, add_deferred = MediaFileManager.add, MediaFileManager.add_deferred

    def record(
        self: MediaFileManager,
        data: bytes | str,
        mimetype: str,
        coordinates: str,
        file_name: str | None = None,
        **kw: Any,
    ) -> str:
        if file_name:
            offered[file_name] = data
        return add(self, data, mimetype, coordinates, file_name, **kw)

    def record_deferred(
        self: MediaFileManager,
        make: Any,
        mimetype: str | None,
        coordinates: str,
        file_name: str | None = None,
        **kw: Any,
    ) -> str:
        if file_name:
            offered[file_name] = make
        return add_deferred(self, make, mimetype, coordinates, file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add", record)
    monkeypatch.setattr(MediaFileManager, "add_deferred", record_deferred)
    return offered
