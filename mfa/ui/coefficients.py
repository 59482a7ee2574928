"""Declared transfer coefficients where the balance is shown: what each facility (or kind) declares, and for admins
a small form to declare, change or withdraw one through the one write path (mfa.services.editing)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from mfa.domain.labels.reasons import translate
from mfa.domain.reconciliation.wording import share_text
from mfa.domain.vocabulary import FACILITY_KINDS
from mfa.services import editing, network
from mfa.ui import login, state
from mfa.ui.i18n import coded, kind_name, labels, language, name_of, t

UNCHECKED = ("source", "boundary")


@st.cache_data(max_entries=8, show_spinner=False)
def declared(url: str, version: int) -> pl.DataFrame:
    """The declared transfer coefficients (scope_level, scope, coefficient, tolerance, source)."""
    return network.coefficients(state.engine())


def range_ends(coefficient: float | None, tolerance: float | None) -> tuple[str, str] | None:
    """The ends of a declared range as people read them: ("17 %", "23 %") (the lower never below 0)."""
    if coefficient is None or tolerance is None:
        return None
    return share_text(max(coefficient - tolerance, 0.0)), share_text(coefficient + tolerance)


def range_text(coefficient: float | None, tolerance: float | None) -> str | None:
    """A declared range as people read it: "17 %–23 %"."""
    ends = range_ends(coefficient, tolerance)
    return None if ends is None else "–".join(ends)


def _applies_to(level: str, scope: str, facilities: dict[str, tuple[str | None, str | None]]) -> str:
    if level == "kind":
        return t("coefficient_kind_row", kind=kind_name(scope))
    return coded(name_of(facilities, scope), scope)


def coefficients_view(url: str, version: int) -> None:
    """The declarations in a table, and for admins the form."""
    rows = declared(url, version)
    facilities = state.names(url, version, "facilities")
    with st.expander(t("coefficients_title"), expanded=False):
        st.caption(t("balance_coefficients_caption"))
        if rows.height == 0:
            st.info(t("coefficients_none"))
        else:
            shown = rows.select(
                pl.Series(
                    "applies_to",
                    [_applies_to(lv, sc, facilities) for lv, sc in rows.select("scope_level", "scope").iter_rows()],
                    dtype=pl.String,
                ),
                pl.Series(
                    "range",
                    [range_text(k, tol) for k, tol in rows.select("coefficient", "tolerance").iter_rows()],
                    dtype=pl.String,
                ),
                "coefficient",
                "tolerance",
                "source",
            )
            st.dataframe(
                shown,
                hide_index=True,
                key="coefficients_table",
                column_config={
                    "applies_to": t("coefficient_for"),
                    "range": t("declared_coefficient"),
                    "coefficient": st.column_config.NumberColumn(t("coefficient"), format="percent"),
                    "tolerance": st.column_config.NumberColumn(t("coefficient_tolerance"), format="percent"),
                    "source": t("coefficient_source"),
                },
            )
        if login.actor().role == "admin":
            _form(url, version, rows, facilities)


def _form(url: str, version: int, rows: pl.DataFrame, facilities: dict[str, tuple[str | None, str | None]]) -> None:
    """Declare (or change) a coefficient for a facility or a kind; withdraw one."""
    kinds = [f"kind:{k}" for k in FACILITY_KINDS if k not in UNCHECKED]
    codes = [f"facility:{c}" for c in sorted(facilities)]
    options = kinds + codes

    def label(option: str) -> str:
        level, _, scope = option.partition(":")
        return _applies_to(level, scope, facilities)

    with st.form("coefficient_form", border=False):
        target = st.selectbox(t("coefficient_for"), options, key="coefficient_for", format_func=labels(options, label))
        c1, c2 = st.columns(2)
        coefficient = c1.number_input(
            t("coefficient") + " (%)", min_value=0.0, max_value=1000.0, value=20.0, step=1.0, key="coefficient_value"
        )
        tolerance = c2.number_input(
            t("coefficient_tolerance") + " (%)", min_value=0.0, max_value=1000.0, value=5.0, step=1.0,
            key="coefficient_tol",
        )  # fmt: skip
        source = st.text_input(t("coefficient_source"), key="coefficient_source")
        b1, b2 = st.columns(2)
        save = b1.form_submit_button(t("save"), type="primary")
        withdraw = b2.form_submit_button(t("delete"))
    level, _, scope = (target or "").partition(":")
    if save:
        record: dict[str, object] = {
            "facility": scope if level == "facility" else None,
            "kind": scope if level == "kind" else None,
            "coefficient": f"{coefficient}%",
            "tolerance": f"{tolerance}%",
            "source": source or None,
        }
        report = editing.import_records(state.engine(), "transfer_coefficients", [record], actor=login.actor())
        _outcome(report.committed, report.errors)
    elif withdraw and rows.filter((pl.col("scope_level") == level) & (pl.col("scope") == scope)).height == 0:
        st.warning(t("coefficients_not_declared"))
    elif withdraw:
        report = editing.delete_record(
            state.engine(), "transfer_coefficient", {"scope_level": level, "scope": scope}, actor=login.actor()
        )
        _outcome(report.committed, report.errors)


def _outcome(committed: bool, errors: pl.DataFrame) -> None:
    if committed:
        st.rerun()
    for reason in errors["reason"].to_list():
        st.error(translate(reason, language()))
