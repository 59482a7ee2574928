"""What will come back: retirement forecasts of products in use (an inflow-driven dynamic stock model through
flodym), beside recorded retirements, against recycling capacity, with the metals retired batteries hold.

Pure: frames in, frames out (docs/outlook.md)."""

from mfa.domain.outlook.calibration import Calibration, calibrate
from mfa.domain.outlook.capacity import TAKING_KINDS, capacity_by_year, compare_capacity, matching_materials, runs_out
from mfa.domain.outlook.contents import ENERGY_UNITS, METALS, RECOVERY_RATES, metal_contents, tonnes_per_unit
from mfa.domain.outlook.forecast import DEFAULT_HORIZON, Outlook, OutlookInputs, forecast, products_below
from mfa.domain.outlook.lifetimes import (
    DISTRIBUTIONS,
    INFLOW_AT,
    LIFETIME_SCHEMA,
    LOCATION,
    RANGE_COLUMNS,
    OutlookError,
    owner_of,
)
from mfa.domain.outlook.recorded import beside_recorded, recorded_retirements
from mfa.domain.outlook.stock_model import PROVINCE, aggregate, balance_residual, run_stock_model

__all__ = [
    "DEFAULT_HORIZON",
    "DISTRIBUTIONS",
    "ENERGY_UNITS",
    "INFLOW_AT",
    "LIFETIME_SCHEMA",
    "LOCATION",
    "METALS",
    "PROVINCE",
    "RANGE_COLUMNS",
    "RECOVERY_RATES",
    "TAKING_KINDS",
    "Calibration",
    "Outlook",
    "OutlookError",
    "OutlookInputs",
    "aggregate",
    "balance_residual",
    "beside_recorded",
    "calibrate",
    "capacity_by_year",
    "compare_capacity",
    "forecast",
    "matching_materials",
    "metal_contents",
    "owner_of",
    "products_below",
    "recorded_retirements",
    "run_stock_model",
    "runs_out",
    "tonnes_per_unit",
]
