"""Blank import templates: each table's columns (mfa.intake.tables) with one example row."""

from __future__ import annotations

import polars as pl

from mfa.intake.tables import TABLES
from mfa.ui.widgets import csv_bytes, xlsx_bytes

EXAMPLES: dict[str, dict[str, str]] = {
    "parks": {
        "code": "MILUO",
        "name": "Miluo Circular Economy Industrial Park",
        "name_zh": "汨罗循环经济产业园",
        "city": "Yueyang",
        "level": "national",
    },
    "facilities": {
        "code": "MILUO-REC-01",
        "name": "Copper recycler",
        "name_zh": "再生铜厂",
        "park": "MILUO",
        "kind": "recycling",
    },
    "materials": {
        "code": "scrap_brass",
        "name": "Brass scrap",
        "name_zh": "废黄铜",
        "parent": "scrap_copper",
        "is_product": "false",
    },
    "flows": {
        "period": "2024-03",
        "source": "MILUO-COL-01",
        "target": "MILUO-REC-01",
        "material": "scrap_copper",
        "quantity": "1.25",
        "unit": "万吨",
        "uncertainty": "5%",
        "data_quality": "measured",
        "note": "weighbridge records",
        "reference": "monthly report 2024-03",
    },
    "stocks": {
        "period": "2023-12",
        "facility": "MILUO-YARD-01",
        "material": "smelting_slag",
        "quantity": "12",
        "unit": "万吨",
    },
    "targets": {
        "indicator": "renewable_recycled_t",
        "scope": "Yueyang",
        "baseline_year": "2020",
        "baseline_value": "1500000",
        "target_year": "2025",
        "target_value": "2200000",
        "direction": "at_least",
        "source": "city plan",
    },
    "reported": {
        "indicator": "bulk_waste_utilization_rate",
        "scope": "province",
        "year": "2024",
        "value": "0.56",
        "source": "statistics bureau",
    },
    "lifetimes": {
        "product": "power_battery_lfp",
        "distribution": "weibull",
        "shape": "3.5",
        "scale": "9",
        "first_cohort": "2012",
        "last_cohort": "2035",
        "scale_low": "8",
        "scale_high": "10.5",
        "source": "city-level Weibull models of EV batteries",
    },
    "inflows": {
        "year": "2024",
        "scope": "Changsha",
        "product": "power_battery_lfp",
        "quantity": "1250",
        "unit": "MWh",
        "source": "EV batteries installed in vehicles registered",
    },
    "capacities": {
        "facility": "NX-BRUNP-01",
        "material": "power_battery",
        "year_from": "2020",
        "capacity": "30000",
        "unit": "t",
        "source": "operating permit",
    },
    "transfer_coefficients": {
        "facility": "",
        "kind": "energy_recovery",
        "coefficient": "20%",
        "tolerance": "5%",
        "source": "bottom ash about 20 % of the waste burned; a facility's own row wins over its kind's",
    },
}
"""One plausible row per table (every column filled, so the template shows each column's form)."""


def template(table: str) -> pl.DataFrame:
    """The columns of `table` with its example row, all text."""
    spec = next(s for s in TABLES if s.name == table)
    example = EXAMPLES.get(table, {})
    return pl.DataFrame({c: [example.get(c, "")] for c in spec.columns}, schema={c: pl.String for c in spec.columns})


def template_csv(table: str) -> bytes:
    """The CSV template of one table."""
    return csv_bytes(template(table))


def template_workbook() -> bytes:
    """One workbook with a sheet per table (named as the importer reads them)."""
    return xlsx_bytes({spec.name: template(spec.name) for spec in TABLES})
