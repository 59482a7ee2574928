"""Workbooks for people to read and paste from, beside the machine round-trip files of mfa.export.writers: names
beside codes, headers and words in the reader's language, one sheet per table, and figures rounded to the precision
they have (docs/exporting.md):

* tonnes to 0.1 t;
* fractions (rates, shares, progress, growth rates, uncertainties) as percentages to 0.1 %;
* counts as whole numbers.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl

from mfa.domain.indicators import INDICATORS, RATE_INDICATORS
from mfa.domain.labels import Language, city_label, indicator_label, kind_label, text
from mfa.export.writers import neutralise, write_cells

TONNES_DECIMALS = 1
PERCENT_DECIMALS = 1


def unit_of(indicator: str) -> str:
    """The unit an indicator is written in for people: "t", "%" (stored as a fraction) or "count"."""
    if indicator in RATE_INDICATORS or indicator.endswith(("_rate", "_share_of_gdp", "_reduction")):
        return "%"
    return "t" if indicator.endswith("_t") else "count"


def rounded(value: float | None, unit: str) -> float | None:
    """A figure in `unit` as people read it: tonnes to 0.1 t, a fraction as a percentage to 0.1 %, a count whole."""
    if value is None:
        return None
    if unit == "%":
        return round(value * 100, PERCENT_DECIMALS)
    if unit == "t":
        return round(value, TONNES_DECIMALS)
    return float(round(value))


def _name(en: str | None, zh: str | None, code: str, language: Language) -> str:
    first, second = (zh, en) if language == "zh" else (en, zh)
    return first or second or code


def _names(frame: pl.DataFrame, language: Language) -> dict[str, str]:
    return {c: _name(n, z, c, language) for c, n, z in frame.select("code", "name", "name_zh").iter_rows()}


def _words(values: pl.Series, say: Mapping[str, str]) -> pl.Series:
    return pl.Series(values.name, [None if v is None else say.get(v, v) for v in values.to_list()], dtype=pl.String)


def flow_sheets(
    flows: pl.DataFrame, facilities: pl.DataFrame, parks: pl.DataFrame, materials: pl.DataFrame, language: Language
) -> dict[str, pl.DataFrame]:
    """The flows (export columns, quantity in t) as sheets for people: the flows with the names of their facilities
    and materials beside the codes, then the facilities, parks and materials they name; headers in `language`."""

    def say(key: str) -> str:
        return text(key, language)

    facility = _names(facilities, language)
    material = _names(materials, language)
    park = _names(parks, language)
    sides = {s: say(f"history_{s}") for s in ("sender", "receiver")}
    quality = {q: say(f"quality_{q}") for q in ("measured", "calculated", "estimated")}
    shown = flows.select(
        pl.col("period").alias(say("export_col_period")),
        pl.col("source").alias(say("export_col_source_code")),
        _words(flows["source"], facility).alias(say("export_col_source_name")),
        pl.col("target").alias(say("export_col_target_code")),
        _words(flows["target"], facility).alias(say("export_col_target_name")),
        pl.col("material").alias(say("export_col_material_code")),
        _words(flows["material"], material).alias(say("export_col_material_name")),
        pl.col("quantity").cast(pl.Float64).round(TONNES_DECIMALS).alias(say("quantity_t")),
        (pl.col("uncertainty").cast(pl.Float64) * 100).round(PERCENT_DECIMALS).alias(say("uncertainty_pct")),
        _words(flows["data_quality"], quality).alias(say("data_quality")),
        _words(flows["side"], sides).alias(say("export_col_side")),
        pl.col("note").alias(say("note")),
        pl.col("reference").alias(say("reference")),
    )
    used = set(flows["source"].to_list()) | set(flows["target"].to_list())
    named = facilities.filter(pl.col("code").is_in(sorted(used))).sort("code")
    facility_sheet = named.select(
        pl.col("code").alias(say("export_col_code")),
        _words(named["code"], facility).alias(say("export_col_name")),
        _words(named["kind"], {k: kind_label(k, language) for k in set(named["kind"].drop_nulls())}).alias(
            say("export_col_kind")
        ),
        pl.col("park").alias(say("export_col_park_code")),
        _words(named["park"], park).alias(say("export_col_park_name")),
        _words(named["city"], {c: city_label(c, language) for c in set(named["city"].drop_nulls())}).alias(
            say("export_col_city")
        ),
    )
    in_parks = parks.filter(pl.col("code").is_in(sorted(set(named["park"].drop_nulls())))).sort("code")
    park_sheet = in_parks.select(
        pl.col("code").alias(say("export_col_code")),
        _words(in_parks["code"], park).alias(say("export_col_name")),
        _words(in_parks["city"], {c: city_label(c, language) for c in set(in_parks["city"].drop_nulls())}).alias(
            say("export_col_city")
        ),
    )
    in_flows = materials.filter(pl.col("code").is_in(sorted(set(flows["material"].to_list())))).sort("code")
    material_sheet = in_flows.select(
        pl.col("code").alias(say("export_col_code")),
        _words(in_flows["code"], material).alias(say("export_col_name")),
        pl.col("parent").alias(say("export_col_parent_code")),
        _words(in_flows["parent"], material).alias(say("export_col_parent_name")),
    )
    return {
        say("history_table_flows"): shown,
        say("history_table_facilities"): facility_sheet,
        say("history_table_parks"): park_sheet,
        say("history_table_materials"): material_sheet,
    }


def indicator_sheets(report: Mapping[str, Any], language: Language) -> dict[str, pl.DataFrame]:
    """An indicator report (mfa.services.progress.indicator_report) as tables for people: the indicators, their
    composition by material and the targets of the scope, every figure rounded to its precision (see above)."""
    values = report["indicators"]
    names = list(INDICATORS)
    indicators = pl.DataFrame(
        {
            "period": [report["period"]] * len(names),
            "scope": [f"{report['scope']['level']}:{report['scope']['code']}"] * len(names),
            "indicator": names,
            "name": [indicator_label(i, language) for i in names],
            "value": [rounded(values.get(i), unit_of(i)) for i in names],
            "unit": [unit_of(i) for i in names],
        },
        schema_overrides={"value": pl.Float64},
    )
    composition = pl.DataFrame(
        [(i, m, rounded(v, "t")) for i, parts in report["by_material"].items() for m, v in parts.items()],
        schema={"indicator": pl.String, "material": pl.String, "value_t": pl.Float64},
        orient="row",
    )
    sheets = {"indicators": indicators, "by_material": composition}
    if report["targets"]:
        sheets["targets"] = _targets(report["targets"])
    return sheets


_IN_UNIT = ("baseline_value", "target_value", "actual", "path_value", "needed_growth_per_year", "projected_value")
_FRACTIONS = ("progress", "needed_growth_rate")


def _targets(rows: list[dict[str, Any]]) -> pl.DataFrame:
    """Target rows with their figures in the indicator's unit (a unit column added) and ratios as percentages."""
    out = []
    for row in rows:
        unit = unit_of(str(row["indicator"]))
        shown = dict(row) | {"unit": unit}
        for column in _IN_UNIT:
            if column in row:
                shown[column] = rounded(row[column], unit)
        for column in _FRACTIONS:
            if column in row:
                shown[f"{column}_pct"] = rounded(row[column], "%")
                del shown[column]
        out.append(shown)
    return pl.DataFrame(out, infer_schema_length=None)


def workbook_bytes(sheets: Mapping[str, pl.DataFrame]) -> bytes:
    """Sheets as one workbook for people: bold headers, the header row frozen, columns as wide as their text, text
    written as text (never as formulas)."""
    import xlsxwriter

    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    bold = workbook.add_format({"bold": True, "bg_color": "#EEF2F6", "bottom": 1})
    try:
        for name, frame in sheets.items():
            sheet = workbook.add_worksheet(name[:31])
            safe = neutralise(frame)
            for col, header in enumerate(safe.columns):
                sheet.write_string(0, col, header, bold)
                cells = [header, *(str(v) for v in safe[header].head(500).to_list() if v is not None)]
                sheet.set_column(col, col, min(60, max(8, max(_width(c) for c in cells) + 2)))
            write_cells(sheet, safe)
            sheet.freeze_panes(1, 0)
    finally:
        workbook.close()
    return output.getvalue()


def _width(cell: str) -> int:
    """How many columns a text takes in a spreadsheet (CJK characters take two)."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in cell)


def write_workbook(sheets: Mapping[str, pl.DataFrame], path: Path) -> None:
    """workbook_bytes to a file."""
    path.write_bytes(workbook_bytes(sheets))
