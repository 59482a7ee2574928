"""Sign-in: nobody sees data without a session; roles shape what the app offers; logout and inactivity end it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from mfa.storage import accounts
from mfa.storage.engine import write_transaction
from tests.ui.support import APP, open_page, sign_in


def _fresh(language: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["language"] = language
    return at.run()


def test_without_a_session_only_the_login_form_shows(world_db: Engine) -> None:
    at = _fresh()
    assert [t.value for t in at.title] == ["Sign in to mfa"]
    assert not at.metric and not at.dataframe


def test_wrong_password_is_refused_and_the_right_one_signs_in(world_db: Engine) -> None:
    with write_transaction(world_db) as conn:
        accounts.add_user(conn, "ana", "analyst-password", "analyst")
    at = _fresh()
    at.text_input(key="login_name").input("ana")
    at.text_input(key="login_password").input("wrong-password")
    at.button[0].click().run()
    assert "Wrong user name or password" in at.error[0].value
    at.text_input(key="login_name").input("ana")
    at.text_input(key="login_password").input("analyst-password")
    at.button[0].click().run()
    assert not at.exception
    assert at.title[0].value == "Progress against the targets"
    assert "Signed in as **ana** · analyst (reads only)" in [m.value for m in at.sidebar.markdown]


def test_an_analyst_is_not_offered_the_writing_pages_nor_the_save_button(world_db: Engine) -> None:
    with write_transaction(world_db) as conn:
        accounts.add_user(conn, "ana", "analyst-password", "analyst")
    at = sign_in(world_db, _blank(), "ana", "analyst-password").run()
    open_page(at, "reconciliation")
    assert not [b for b in at.button if b.key == "rec_save"]
    open_page(at, "history")
    assert not [b for b in at.button if b.key == "history_restore"]


def _blank() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["language"] = "en"
    return at


def test_logout_ends_the_session_everywhere(app: Callable[..., AppTest], world_db: Engine) -> None:
    first = app()
    second = sign_in(world_db, _blank()).run()
    assert second.title[0].value == "Progress against the targets"
    first.button(key="logout").click().run()
    assert [t.value for t in first.title] == ["Sign in to mfa"]
    second.run()
    assert [t.value for t in second.title] == ["Sign in to mfa"]
    assert "Your session ended" in second.info[0].value


def test_an_idle_session_ends(app: Callable[..., AppTest], monkeypatch: pytest.MonkeyPatch) -> None:
    at = app()
    monkeypatch.setenv("MFA_SESSION_MINUTES", "0")
    at.run()
    assert [t.value for t in at.title] == ["Sign in to mfa"]


def test_a_disabled_user_is_signed_out(app: Callable[..., AppTest], world_db: Engine) -> None:
    at = app()
    with write_transaction(world_db) as conn:
        accounts.disable_user(conn, "tester")
    at.run()
    assert [t.value for t in at.title] == ["Sign in to mfa"]


def test_the_login_page_sends_users_to_their_administrator_not_to_a_command(world_db: Engine) -> None:
    for language, words in (("en", "Ask your administrator"), ("zh", "请向管理员申请")):
        at = _blank()
        at.session_state["language"] = language
        at.run()
        intro = at.caption[0].value
        assert words in intro and "mfa user" not in intro


def test_an_analyst_opening_a_writing_page_is_told_why(app: Callable[..., AppTest]) -> None:
    at = app(user=("ana", "analyst", []))
    for page, title in (("enter", "Enter data"), ("import", "Import files")):
        open_page(at, page)
        assert at.title[0].value == title  # not sent to the Overview
        assert "analysts read the data but do not enter or import it" in at.info[0].value
        assert not [b for b in at.button if b.key in ("enter_submit", "import_run")]


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("en", "Signed in as **max** · park manager: Miluo Circular Economy Industrial Park · MILUO"),
        ("zh", "当前用户：**max** · 园区管理员：汨罗循环经济产业园 · MILUO"),
    ],
)
def test_a_park_managers_park_is_named_in_the_sidebar(app: Callable[..., AppTest], language: str, shown: str) -> None:
    at = app(language=language, user=("max", "park_manager", ["MILUO"]))
    assert shown in [m.value for m in at.sidebar.markdown]
