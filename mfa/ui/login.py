"""Sign-in: a login form, the signed-in user in the sidebar, and logout. The session's random token is kept in a
cookie, so a reload or a link to another page stays signed in until logout or inactivity (mfa.services.users)."""

from __future__ import annotations

import json

import streamlit as st

from mfa.domain.roles import Actor
from mfa.services import users
from mfa.ui import state
from mfa.ui.i18n import coded, name_of, t

TOKEN_KEY = "mfa_token"
ACTOR_KEY = "mfa_actor"
COOKIE_DAYS = 7
"""How long the browser keeps the cookie; the server ends the session sooner when it is unused."""


def signed_in() -> Actor | None:
    """The user of this browser's live session (from this tab's state, else the cookie), or None."""
    token = st.session_state.get(TOKEN_KEY) or _cookie_token()
    actor = users.resume(state.engine(), token)
    if actor is None:
        if token:
            st.session_state["mfa_login_ended"] = True
        st.session_state.pop(TOKEN_KEY, None)
        st.session_state.pop(ACTOR_KEY, None)
        return None
    st.session_state[TOKEN_KEY] = token
    st.session_state[ACTOR_KEY] = actor
    if _cookie_token() != token:
        _cookie(token)
    return actor


def _cookie_token() -> str | None:
    """The session token the browser sent in its cookie (when the page was opened)."""
    value = st.context.cookies.get(users.COOKIE)
    return value if isinstance(value, str) and value else None


def _cookie(token: str | None) -> None:
    """Set (or clear) the session cookie in the browser."""
    age = COOKIE_DAYS * 86400 if token else 0
    value = f"{users.COOKIE}={token or ''}; path=/; max-age={age}; SameSite=Strict"
    st.html(f"<script>document.cookie = {json.dumps(value)};</script>", unsafe_allow_javascript=True)


def _sign_in() -> None:
    ss = st.session_state
    started = users.sign_in(state.engine(), str(ss.get("login_name") or ""), str(ss.get("login_password") or ""))
    ss["login_password"] = ""
    if started is None:
        ss["mfa_login_failed"] = True
        return
    ss[TOKEN_KEY], ss[ACTOR_KEY] = started
    ss.pop("mfa_login_failed", None)
    ss.pop("mfa_login_ended", None)


def form() -> None:
    """The login page."""
    if _cookie_token():
        _cookie(None)
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        st.title(t("login_title"))
        st.caption(t("login_intro"))
        if st.session_state.pop("mfa_login_failed", False):
            st.error(t("login_failed"), icon=":material/lock:")
        elif st.session_state.get("mfa_login_ended"):
            st.info(
                t("login_ended", minutes=f"{users.session_timeout().total_seconds() / 60:g}"), icon=":material/timer:"
            )
        with st.form("login_form", border=True):
            st.text_input(t("login_name"), key="login_name", autocomplete="username")
            st.text_input(t("login_password"), type="password", key="login_password", autocomplete="current-password")
            st.form_submit_button(t("login_button"), type="primary", on_click=_sign_in)


def _log_out() -> None:
    actor = st.session_state.pop(ACTOR_KEY, None)
    st.session_state.pop(TOKEN_KEY, None)
    if actor is not None:
        users.sign_out(state.engine(), actor.name)


def sidebar(actor: Actor) -> None:
    """Who is signed in, with their role, and the logout button."""
    if actor.role == "park_manager":
        names = state.names(state.url(), state.version(), "parks")
        parks = ", ".join(coded(name_of(names, p), p) for p in sorted(actor.parks))
        role = t("role_park_manager", parks=parks)
    else:
        role = t(f"role_{actor.role}")
    st.sidebar.markdown(t("signed_in_as", name=actor.name, role=role))
    st.sidebar.button(t("logout"), icon=":material/logout:", on_click=_log_out, key="logout")


def actor() -> Actor:
    """The signed-in user (app.py shows the login page to anyone else)."""
    actor: Actor = st.session_state[ACTOR_KEY]
    return actor
