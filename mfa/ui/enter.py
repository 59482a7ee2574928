"""Enter data page: add, edit and delete a flow; add or edit a facility or a park. Every record goes through the
importer's validation (import_records), and its errors appear under the fields they concern."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import streamlit as st

from mfa.domain.flowframe import Selection
from mfa.domain.vocabulary import CITIES, FACILITY_KINDS, PARK_LEVELS
from mfa.services import editing
from mfa.services.editing import import_records
from mfa.ui import filters, login, navigation, state
from mfa.ui.i18n import city_label, coded, format_tonnes, kind_name, labels, language, name_of, resend_values, t
from mfa.ui.widgets import errors_by_column, field_errors, header

UNITS: dict[str, tuple[str, str]] = {
    "t": ("t", "吨"),
    "kg": ("kg", "千克"),
    "kt": ("kt", "千吨"),
    "万吨": ("10⁴ t", "万吨"),
    "Mt": ("Mt", "百万吨"),
    "亿吨": ("10⁸ t", "亿吨"),
}
# unit code -> (English, Chinese) as the unit picker shows it; the code is what is stored and imported
# (comments, not docstrings: Streamlit's magic would write a page's module-level strings onto the page)
# unknown: a flow known to exist whose quantity is not (its quantity stays empty).
QUALITIES = ["", "measured", "calculated", "estimated", "unknown"]
# Whose declaration the flow is; "" = the writer's side (the side of their park; for an admin the sender's).
SIDES = ["", "sender", "receiver"]
FIRST_YEAR = 2000


def _save(
    table: str,
    prefix: str,
    record: dict[str, Any],
    replace: dict[str, str] | None = None,
    expected_version: int | None = None,
) -> bool:
    """Write one record through the importer (refused if someone changed it since it was opened); keep its
    errors (by column; a stale version as a general error) and a message for the next run."""
    report = import_records(
        state.engine(),
        table,
        [record],
        label="form",
        replace=replace,
        expected_version=expected_version,
        actor=login.actor(),
    )
    errors = {} if report.committed else errors_by_column(report.errors)
    if "version" in errors:
        errors[""] = errors.get("", []) + errors.pop("version")
    st.session_state[f"{prefix}_errors"] = errors
    st.session_state[f"{prefix}_message"] = (
        ("success", f"{table}_saved") if report.committed else ("error", "not_saved")
    )
    return report.committed


def _message(prefix: str) -> None:
    """The outcome of this form's last action: a success shows once; problems stay until the next save."""
    kind, key = st.session_state.pop(f"{prefix}_message", (None, None))
    errors: dict[str, list[str]] = st.session_state.get(f"{prefix}_errors", {})
    if kind == "success":
        st.success(t(key), icon=":material/check_circle:")
    elif errors:
        st.error(t("not_saved", n=sum(len(v) for v in errors.values())), icon=":material/error:")
        field_errors(errors, "")
    elif kind == "error":
        st.error(t(key), icon=":material/error:")


def _flow_record() -> dict[str, Any]:
    """The flow form's fields as an import record (uncertainty entered in %)."""
    ss = st.session_state
    month = ss.get("enter_month")
    uncertainty = (ss.get("enter_uncertainty") or "").strip()
    return {
        "period": f"{ss['enter_year']}-{month:02d}" if month else f"{ss['enter_year']}",
        "source": ss.get("enter_source"),
        "target": ss.get("enter_target"),
        "material": ss.get("enter_material"),
        "quantity": (ss.get("enter_quantity") or "").strip() or None,
        "unit": ss.get("enter_unit"),
        "uncertainty": f"{uncertainty.rstrip('%％').strip()}%" if uncertainty else None,
        "data_quality": ss.get("enter_quality") or None,
        "note": ss.get("enter_note") or None,
        "reference": ss.get("enter_reference") or None,
        "side": ss.get("enter_side") or None,
    }


def _save_flow() -> None:
    ss = st.session_state
    if _save("flows", "enter", _flow_record(), ss.get("enter_editing"), ss.get("enter_editing_version")):
        ss.pop("enter_editing", None)
        ss.pop("enter_editing_version", None)


def _key_of(option: str) -> dict[str, str]:
    period, source, target, material, side = option.split("|")
    return {"period": period, "source": source, "target": target, "material": material, "side": side}


def _load_for_edit(rows: pl.DataFrame) -> None:
    """Put the picked flow into the form; saving it then replaces the old one."""
    key = _key_of(st.session_state["enter_pick"])
    row = rows.filter(*(pl.col(c) == v for c, v in key.items())).row(0, named=True)
    year, _, month = key["period"].partition("-")
    ss = st.session_state
    ss.update(enter_year=int(year), enter_month=int(month) if month else 0, enter_source=key["source"])
    ss.update(enter_target=key["target"], enter_material=key["material"], enter_quantity=_number(row["quantity"]))
    ss.update(enter_unit="t", enter_quality=row["data_quality"] or "", enter_note=row["note"] or "")
    ss.update(enter_reference=row["reference"] or "", enter_editing=key, enter_errors={}, enter_side=key["side"])
    ss["enter_editing_version"] = editing.current_version(state.engine(), "flows", key)
    ss["enter_uncertainty"] = "" if row["uncertainty"] is None else _number(round(row["uncertainty"] * 100, 6))
    ss.pop("enter_message", None)


def _number(value: float | None) -> str:
    """A stored number as the form shows it: 321, 12.5 (no trailing zeros), empty for none."""
    return "" if value is None else f"{value:.6f}".rstrip("0").rstrip(".")


def own_first(url: str, version: int, codes: list[str]) -> list[str]:
    """Facility codes with those of a park manager's own parks first, so their form opens on their park."""
    home = filters.home_park()
    if home is None:
        return codes
    facilities = state.reference(url, version)["facilities"]
    parks = dict(facilities.select("code", "park").iter_rows())
    actor = login.actor()
    return sorted(codes, key=lambda c: parks.get(c) not in actor.parks)


def _delete() -> None:
    key = st.session_state.pop("enter_confirm_delete")
    report = editing.delete_record(state.engine(), "flow", key, actor=login.actor(), via="form")
    if report.committed:
        st.session_state["enter_message"] = ("success", "flow_deleted")
        st.session_state["enter_errors"] = {}
    else:
        st.session_state["enter_message"] = ("error", "not_saved")
        st.session_state["enter_errors"] = {"": report.errors["reason"].to_list()}


def flow_form(url: str, version: int) -> None:
    """Add a flow, or edit the one loaded below; errors appear under their fields."""
    ss = st.session_state
    fac = state.names(url, version, "facilities")
    codes = own_first(url, version, list(fac))
    facility_label = labels(codes, lambda c: coded(name_of(fac, c), c))
    options, material_fmt = filters.material_options(url, version)
    errors: dict[str, list[str]] = ss.get("enter_errors", {})
    edited = ss.get("enter_editing")
    if edited:
        st.info(t("editing", key=" · ".join(edited.values())), icon=":material/edit:")
    _message("enter")
    years = list(range(date.today().year, FIRST_YEAR - 1, -1))
    ss.setdefault("enter_year", (state.years(url, version) or [date.today().year])[-1])
    ss.setdefault("enter_unit", "t")
    with st.form("enter_flow_form", border=True):
        c_year, c_month, c_src, c_dst = st.columns([1, 1, 3, 3])
        with c_year:
            st.selectbox(t("year"), years, key="enter_year")
            field_errors(errors, "period")
        c_month.selectbox(
            t("month"), filters.MONTHS, key="enter_month", format_func=labels(filters.MONTHS, filters.month_label)
        )
        with c_src:
            st.selectbox(
                t("source"),
                codes,
                index=None,
                key="enter_source",
                placeholder=t("type_to_search"),
                format_func=facility_label,
            )
            field_errors(errors, "source")
        with c_dst:
            st.selectbox(
                t("target"),
                codes,
                index=None,
                key="enter_target",
                placeholder=t("type_to_search"),
                format_func=facility_label,
            )
            field_errors(errors, "target")
        c_mat, c_qty, c_unit = st.columns([3, 2, 1])
        with c_mat:
            st.selectbox(
                t("material"),
                options[1:],
                index=None,
                key="enter_material",
                placeholder=t("type_to_search"),
                format_func=labels(options, material_fmt),
            )
            field_errors(errors, "material")
        with c_qty:
            st.text_input(t("quantity"), key="enter_quantity")
            field_errors(errors, "quantity")
        with c_unit:
            shown = {
                unit: pair[1 if language() == "zh" else 0] for unit, pair in UNITS.items()
            }  # read once, on this run
            st.selectbox(t("unit"), list(UNITS), key="enter_unit", format_func=shown.__getitem__)
            field_errors(errors, "unit")
        c_unc, c_dq, c_side, c_note, c_ref = st.columns([1, 1, 1, 2, 2])
        with c_unc:
            st.text_input(t("uncertainty_pct"), key="enter_uncertainty")
            field_errors(errors, "uncertainty")
        with c_dq:
            st.selectbox(
                t("data_quality"),
                QUALITIES,
                key="enter_quality",
                format_func=labels(QUALITIES, lambda q: t(f"quality_{q}") if q else "—"),
            )
            field_errors(errors, "data_quality")
        c_note.text_input(t("note"), key="enter_note")
        c_ref.text_input(t("reference"), key="enter_reference")
        with c_side:
            st.selectbox(
                t("side"),
                SIDES,
                key="enter_side",
                format_func=labels(SIDES, lambda s: t(f"side_{s}") if s else t("side_own")),
                help=t("side_help"),
            )
            field_errors(errors, "side")
        st.form_submit_button(
            t("save_changes") if edited else t("save_flow"),
            type="primary",
            key="enter_submit",
            on_click=_save_flow,
            icon=":material/save:",
        )


def edit_section(url: str, version: int) -> None:
    """Find a recorded flow by facility and year, then load it into the form or delete it."""
    ss = st.session_state
    years = state.years(url, version)
    if not years:
        return
    fac = state.names(url, version, "facilities")
    st.markdown(f"**{t('edit_title')}**")
    c_fac, c_year = st.columns([3, 1])
    facility = c_fac.selectbox(
        t("facility"),
        own_first(url, version, list(fac)),
        index=None,
        key="enter_find_facility",
        placeholder=t("type_to_search"),
        format_func=labels(fac, lambda c: coded(name_of(fac, c), c)),
    )
    year = c_year.selectbox(t("year"), years[::-1], key="enter_find_year")
    if facility is None:
        st.caption(t("edit_hint"))
        return
    rows = state.flow_rows(url, version, Selection(year)).filter(
        (pl.col("source") == facility) | (pl.col("target") == facility)
    )
    if rows.is_empty():
        st.caption(t("no_flows_of", facility=name_of(fac, facility), year=year))
        return
    mats = state.names(url, version, "materials")
    picks = {
        "|".join((*r[:4], r[5])): f"{r[0]} · {name_of(fac, r[1])} → {name_of(fac, r[2])} · {name_of(mats, r[3])} · "
        f"{format_tonnes(r[4])} · {t('side_' + r[5])}"
        for r in rows.select("period", "source", "target", "material", "quantity", "side").iter_rows()
    }
    if ss.get("_enter_pick_version") != version:  # an edit changed the labels: show the picked flow's new ones
        resend_values(["enter_pick"])
    ss["_enter_pick_version"] = version
    pick = st.selectbox(t("flow"), list(picks), key="enter_pick", format_func=labels(picks, picks.__getitem__))
    b_edit, b_delete, _ = st.columns([1, 1, 4])
    b_edit.button(t("edit"), key="enter_edit", on_click=_load_for_edit, args=(rows,), icon=":material/edit:")
    if b_delete.button(t("delete"), key="enter_delete", icon=":material/delete:"):
        st.session_state["enter_confirm_delete"] = _key_of(pick)
    confirm = st.session_state.get("enter_confirm_delete")
    if confirm:
        st.warning(t("confirm_delete", key=" · ".join(confirm.values())), icon=":material/warning:")
        yes, no, _ = st.columns([1, 1, 4])
        yes.button(t("yes_delete"), key="enter_delete_confirm", type="primary", on_click=_delete)
        if no.button(t("cancel"), key="enter_delete_cancel"):
            st.session_state.pop("enter_confirm_delete", None)
            st.rerun()


def _load_record(prefix: str, table: str, fields: tuple[str, ...]) -> None:
    """Fill a facility or park form with an existing record, so saving it updates that record."""
    code = st.session_state.get(f"{prefix}_existing")
    if code is None:
        return
    frame = state.reference(state.url(), state.version())[table]
    row = frame.filter(pl.col("code") == code).row(0, named=True)
    for field in fields:
        st.session_state[f"{prefix}_{field}"] = row[field] or ""
    st.session_state[f"{prefix}_errors"] = {}


def _save_reference(prefix: str, table: str, fields: tuple[str, ...]) -> None:
    record = {field: st.session_state.get(f"{prefix}_{field}") or None for field in fields}
    _save(table, prefix, record)


def reference_form(url: str, version: int, prefix: str, table: str) -> None:
    """The facility form (code, names, park, kind) or the park form (code, names, city, level)."""
    frame = state.reference(url, version)[table]
    names = state.names(url, version, table)
    fields = (
        ("code", "name", "name_zh", "park", "kind")
        if table == "facilities"
        else ("code", "name", "name_zh", "city", "level")
    )
    st.selectbox(
        t(f"{prefix}_existing"),
        frame["code"].to_list(),
        index=None,
        key=f"{prefix}_existing",
        placeholder=t("new_record"),
        format_func=labels(names, lambda c: coded(name_of(names, c), c)),
        on_change=_load_record,
        args=(prefix, table, fields),
    )
    errors: dict[str, list[str]] = st.session_state.get(f"{prefix}_errors", {})
    _message(prefix)
    with st.form(f"{prefix}_form", border=True):
        c_code, c_name, c_zh = st.columns(3)
        for col, field in ((c_code, "code"), (c_name, "name"), (c_zh, "name_zh")):
            with col:
                st.text_input(t(f"field_{field}"), key=f"{prefix}_{field}")
                field_errors(errors, field)
        c_a, c_b = st.columns(2)
        if table == "facilities":
            parks = state.names(url, version, "parks")
            st.session_state.setdefault(f"{prefix}_park", filters.home_park() or "")
            with c_a:
                st.selectbox(
                    t("park"),
                    ["", *parks],
                    key=f"{prefix}_park",
                    format_func=labels(["", *parks], lambda p: coded(name_of(parks, p), p) if p else t("no_park")),
                )
                field_errors(errors, "park")
            with c_b:
                st.selectbox(
                    t("kind"), list(FACILITY_KINDS), key=f"{prefix}_kind", format_func=labels(FACILITY_KINDS, kind_name)
                )
                field_errors(errors, "kind")
        else:
            with c_a:
                st.selectbox(t("city"), list(CITIES), key=f"{prefix}_city", format_func=labels(CITIES, city_label))
                field_errors(errors, "city")
            with c_b:
                st.selectbox(
                    t("level_park"),
                    PARK_LEVELS,
                    key=f"{prefix}_level",
                    format_func=labels(PARK_LEVELS, lambda v: t(f"park_level_{v}")),
                )
                field_errors(errors, "level")
        st.form_submit_button(
            t("save"),
            type="primary",
            key=f"{prefix}_submit",
            on_click=_save_reference,
            args=(prefix, table, fields),
            icon=":material/save:",
        )


def render() -> None:
    """The Enter data page."""
    url, version = state.url(), state.version()
    header("enter_title", "enter_caption")
    if navigation.reads_only(login.actor()):
        return
    flow_tab, facility_tab, park_tab = st.tabs([t("tab_flow"), t("tab_facility"), t("tab_park")])
    with flow_tab:
        flow_form(url, version)
        st.divider()
        edit_section(url, version)
    with facility_tab:
        reference_form(url, version, "facility", "facilities")
    with park_tab:
        reference_form(url, version, "parkform", "parks")


if __name__ == "__main__":
    render()
