"""The pages of the app, their sections and URL paths (a colleague can be sent /flows, /enter ...)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

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
"""Pages that only write: not in an analyst's sidebar (who reads only); a link to one says why it cannot be used."""


def page_path(url_path: str) -> str:
    """The page's script relative to a checkout's app.py (for AppTest.switch_page)."""
    return str((HERE / PAGES[url_path][0]).relative_to(ROOT))


def page(url_path: str, hidden: bool = False) -> st.Page:
    """The page with this URL path, titled in the current language (for st.page_link, whichever entry script runs:
    app.py of a checkout or mfa/ui/app.py of an installed package); `hidden`: reachable by its link only."""
    file, title, icon = PAGES[url_path]
    default = url_path == next(iter(PAGES))
    visibility: Literal["visible", "hidden"] = "hidden" if hidden else "visible"
    return st.Page(HERE / file, title=t(title), icon=icon, url_path=url_path, default=default, visibility=visibility)


def all_pages(actor: Actor) -> dict[str, list[st.Page]]:
    """The pages `actor` may use by sidebar section, titled in the current language; an analyst's writing pages
    are left out of the sidebar but still open by link, to say why they cannot be used."""
    hidden = WRITING if actor.role == "analyst" else frozenset()
    return {t(section): [page(path, path in hidden) for path in paths] for section, paths in SECTIONS.items()}


def reads_only(actor: Actor) -> bool:
    """True (and the page says why) when `actor` reads only, on a page that writes."""
    if actor.role != "analyst":
        return False
    st.info(t("reads_only", name=actor.name), icon=":material/visibility:")
    return True


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
