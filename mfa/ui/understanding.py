"""What the Import page shows before anything is written: for each table found, where its header is, the unit and
period it takes from the title block, header or sheet name, what each column is read as (a select box to change
it), the rows that are not imported, and the first flows as they will be stored, in tonnes."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import polars as pl
import streamlit as st

from mfa.domain.labels.reasons import translate
from mfa.intake.headings import roles, zh_name
from mfa.intake.layouts import Layout
from mfa.intake.tables import BY_NAME
from mfa.services.layouts import field_label
from mfa.ui.i18n import language, t

CHOICES_KEY = "import_choices"
"""Session state: the column mappings the user chose, by table label."""
COLUMNS_PER_ROW = 4


def choices() -> dict[str, tuple[str, ...]]:
    """The column mappings chosen on this page, by table label."""
    chosen = st.session_state.setdefault(CHOICES_KEY, {})
    assert isinstance(chosen, dict)
    return chosen


def reset_choices() -> None:
    """Forget the chosen mappings (new files)."""
    st.session_state[CHOICES_KEY] = {}


def option_label(table: str, token: str) -> str:
    """How a column's reading shows in its select box: `quantity (数量)`, `1月`, `(not used)`."""
    spec = BY_NAME[table]
    if token in spec.columns:
        zh = zh_name(spec, token)
        return f"{token} ({zh})" if zh else token
    return field_label(token, language())


def _key(layout: Layout, column: int) -> str:
    digest = hashlib.sha256(f"{layout.file}\x1f{layout.signature}".encode()).hexdigest()[:12]
    return f"import_map_{digest}_{column}"


def _choose(layout: Layout, column: int, key: str) -> None:
    """A select box changed: the table is read again with the new mapping."""
    mapping = list(layout.mapping)
    mapping[column] = st.session_state[key]
    choices()[layout.file] = tuple(mapping)


def mapping_editor(layout: Layout) -> None:
    """One select box per header cell: what the column is read as."""
    options = list(roles(BY_NAME[layout.table]))
    shown = {o: option_label(layout.table, o) for o in options}
    for start in range(0, len(layout.headers), COLUMNS_PER_ROW):
        columns = st.columns(COLUMNS_PER_ROW)
        for offset, column in enumerate(columns):
            j = start + offset
            if j >= len(layout.headers):
                break
            key = _key(layout, j)
            if st.session_state.get(key) != layout.mapping[j]:
                st.session_state[key] = layout.mapping[j]
            column.selectbox(
                layout.headers[j] or f"#{j + 1}",
                options,
                format_func=shown.__getitem__,
                key=key,
                on_change=_choose,
                args=(layout, j, key),
            )


def _facts(layout: Layout) -> str:
    """Header row, unit and period, in one line."""
    where = {"title": "from_title", "header": "from_header", "sheet": "from_sheet"}
    facts = [t("layout_header_row", row=layout.header_row)]
    if layout.unit:
        facts.append(t("layout_unit", unit=layout.unit, where=t(where[layout.unit_from or "title"])))
    if layout.period:
        facts.append(t("layout_period", period=layout.period, where=t(where[layout.period_from or "title"])))
    return " · ".join(facts)


def understanding(layouts: list[Layout], preview: Mapping[str, pl.DataFrame]) -> None:
    """What was understood of every table found, each in its own box, the mapping changeable."""
    st.subheader(t("understanding_title"))
    for layout in layouts:
        spec = BY_NAME[layout.table]
        table = spec.name_zh if language() == "zh" else spec.name
        with st.container(border=True):
            st.markdown(f"**{layout.file}** → {table} · {_facts(layout)}")
            if layout.title:
                st.caption(f"{t('layout_title')}: " + " / ".join(layout.title))
            if layout.remembered:
                st.info(t("layout_remembered"), icon=":material/bookmark:")
            st.caption(t("mapping_help"))
            mapping_editor(layout)
            if layout.problem is not None:
                st.error(translate(layout.problem, language()), icon=":material/block:")
            if layout.skipped:
                rows = [
                    {t("row"): s.row, t("layout_skip_kind"): t("skip_" + s.kind), t("value"): s.text}
                    for s in layout.skipped
                ]
                st.markdown(f"**{t('layout_skipped')}**")
                st.dataframe(pl.DataFrame(rows), hide_index=True)
            for warning in layout.warnings:
                st.warning(translate(warning, language()), icon=":material/calculate:")
            if layout.problem is None:
                counted = t("layout_records", n=f"{layout.records:,}")
                if layout.empty_cells:
                    counted += " · " + t("layout_empty_cells", n=f"{layout.empty_cells:,}")
                st.caption(counted)
            first = preview.get(layout.file)
            if first is not None and first.height:
                st.markdown(f"**{t('preview_flows')}**")
                st.dataframe(
                    first,
                    hide_index=True,
                    column_config={
                        **{c: t(c) for c in ("period", "source", "target", "material", "facility")},
                        "row": t("row"),
                        "value": t("preview_value"),
                        "unit": t("preview_unit"),
                        "quantity_t": st.column_config.NumberColumn(t("preview_tonnes"), format="%.3f"),
                    },
                )
