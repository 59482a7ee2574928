"""One validation for every way data comes in (import files, forms, CLI), one module per kind of table."""

from mfa.intake.validate.aliases import validate_material_aliases
from mfa.intake.validate.checks import ERROR_SCHEMA, Checked, Refs
from mfa.intake.validate.coefficients import validate_transfer_coefficients
from mfa.intake.validate.flows import validate_flows, validate_stocks
from mfa.intake.validate.outlook import validate_capacities, validate_inflows, validate_lifetimes
from mfa.intake.validate.registry import (
    credit_code_problem,
    looks_like_credit_code,
    validate_facilities,
    validate_materials,
    validate_parks,
)
from mfa.intake.validate.targets import VALIDATORS as _VALIDATORS
from mfa.intake.validate.targets import validate_reported, validate_targets

VALIDATORS = {
    **_VALIDATORS,
    "lifetimes": validate_lifetimes,
    "inflows": validate_inflows,
    "capacities": validate_capacities,
    "transfer_coefficients": validate_transfer_coefficients,
}
"""Table name -> its validation (flows and stocks, which need today's date, are called by name)."""

__all__ = [
    "ERROR_SCHEMA",
    "VALIDATORS",
    "Checked",
    "Refs",
    "credit_code_problem",
    "looks_like_credit_code",
    "validate_capacities",
    "validate_facilities",
    "validate_flows",
    "validate_inflows",
    "validate_lifetimes",
    "validate_material_aliases",
    "validate_materials",
    "validate_parks",
    "validate_reported",
    "validate_stocks",
    "validate_targets",
    "validate_transfer_coefficients",
]
