"""The pages of the app, their sections and URL paths (a colleague can be sent /flows, /enter ...)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from mfa.domain.roles import Actor
from mfa.ui import state
from mfa.ui.i18n import t

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

PAGES: dict[str, tuple[str, str, str]] = {
    "overview": ("overview.py", "page_overview", ":material/flag:"),
    "flows": ("flows.py", "page_flows", ":material/account_tree:"),
    "handovers": ("handovers.py", "page_handovers", ":material/handshake:"),
    "reconciliation": ("reconciliation.py", "page_reconciliation", ":material/balance:"),
    "outlook": ("outlook.py", "page_outlook", ":material/battery_charging_full:"),
    "enter": ("enter.py", "page_enter", ":material/edit_note:"),
    "import": ("importing.py", "page_import", ":material/upload_file:"),
    "export": ("export.py", "page_export", ":material/download:"),
    "history": ("history.py", "page_history", ":material/history:"),
}
"""url_path -> (file in mfa/ui, title message, icon); the first is the default page."""
SECTIONS: dict[str, tuple[str, ...]] = {
    "section_explore": ("overview", "flows", "handovers", "reconciliation", "outlook"),
    "section_data": ("enter", "import", "export", "history"),
}
WRITING = frozenset({"enter", "import"})
"""Pages that only write: not shown to analysts, who read only."""


def page_path(url_path: str) -> str:
    """The page's script relative to a checkout's app.py (for AppTest.switch_page)."""
    return str((HERE / PAGES[url_path][0]).relative_to(ROOT))


def page(url_path: str) -> st.Page:
    """The page with this URL path, titled in the current language (for st.page_link, whichever entry script runs:
    app.py of a checkout or mfa/ui/app.py of an installed package)."""
    file, title, icon = PAGES[url_path]
    return st.Page(HERE / file, title=t(title), icon=icon, url_path=url_path, default=url_path == next(iter(PAGES)))


def all_pages(actor: Actor) -> dict[str, list[st.Page]]:
    """The pages `actor` may use by sidebar section, titled in the current language."""
    hidden = WRITING if actor.role == "analyst" else frozenset()
    return {t(section): [page(path) for path in paths if path not in hidden] for section, paths in SECTIONS.items()}


def database_caption() -> None:
    """Which database the app shows and how much it holds, at the foot of the sidebar."""
    url, version = state.url(), state.version()
    counts = state.counts(url, version)
    url_ = state.engine().url
    name = Path(url_.database or "").name if url_.get_backend_name() == "sqlite" else url_.render_as_string(True)
    st.sidebar.caption(
        t("database_caption", parks=counts["parks"], facilities=counts["facilities"], flows=counts["flows"])
    )
    st.sidebar.caption(f"`{name}`")
