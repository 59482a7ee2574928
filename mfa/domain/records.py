"""The records people exchange with mfa, as tables: the columns (and their types) that imports read, exports write
and templates show, one definition per table. Quantities are exchanged in the unit given (exports write tonnes)."""

from __future__ import annotations

import polars as pl

from mfa.domain.targets import TARGET_SCHEMA

_TEXT = pl.String

PARK = pl.Schema({"code": _TEXT, "name": _TEXT, "name_zh": _TEXT, "city": _TEXT, "level": _TEXT})
FACILITY = pl.Schema({"code": _TEXT, "name": _TEXT, "name_zh": _TEXT, "park": _TEXT, "kind": _TEXT})
MATERIAL = pl.Schema({"code": _TEXT, "name": _TEXT, "name_zh": _TEXT, "parent": _TEXT, "is_product": pl.Boolean})
FLOW = pl.Schema(
    {
        "period": _TEXT,
        "source": _TEXT,
        "target": _TEXT,
        "material": _TEXT,
        "quantity": pl.Float64,
        "unit": _TEXT,
        "uncertainty": pl.Float64,
        "data_quality": _TEXT,
        "note": _TEXT,
        "reference": _TEXT,
        "side": _TEXT,
    }
)
"""A flow as one party declares it: `side` says whose declaration it is, the sender's or the receiver's (empty:
the side of the writer's park; see mfa.domain.handovers.default_side)."""
STOCK = pl.Schema({"period": _TEXT, "facility": _TEXT, "material": _TEXT, "quantity": pl.Float64, "unit": _TEXT})
TARGET = pl.Schema({c: t for c, t in TARGET_SCHEMA.items() if c != "scope_level"})
"""A target as exchanged: its scope (province, a city or a park code) says its level."""
REPORTED = pl.Schema({"indicator": _TEXT, "scope": _TEXT, "year": pl.Int32, "value": pl.Float64, "source": _TEXT})
"""An indicator value reported from outside the flows (a statistics yearbook), for a year and scope."""

_PARAMETERS = ("shape", "scale", "mean", "std")
INFLOW = pl.Schema(
    {"year": pl.Int32, "scope": _TEXT, "product": _TEXT, "quantity": pl.Float64, "unit": _TEXT, "source": _TEXT}
)
"""Products put into use in a year, in a city or the province (docs/outlook.md)."""
LIFETIME = pl.Schema(
    {
        "product": _TEXT,
        "distribution": _TEXT,
        **dict.fromkeys(_PARAMETERS, pl.Float64),
        "first_cohort": pl.Int32,
        "last_cohort": pl.Int32,
        **{f"{p}_{end}": pl.Float64 for p in _PARAMETERS for end in ("low", "high")},
        "source": _TEXT,
    }
)
"""How long a product stays in use, for a range of cohorts (docs/outlook.md)."""
CAPACITY = pl.Schema(
    {
        "facility": _TEXT,
        "material": _TEXT,
        "year_from": pl.Int32,
        "capacity": pl.Float64,
        "unit": _TEXT,
        "source": _TEXT,
    }
)
"""A facility's yearly capacity for a material from a year on (docs/outlook.md)."""
TRANSFER_COEFFICIENT = pl.Schema(
    {"facility": _TEXT, "kind": _TEXT, "coefficient": pl.Float64, "tolerance": pl.Float64, "source": _TEXT}
)
"""A declared transfer coefficient: for one facility or (`kind`, facility empty) every facility of a kind, the share of
its input it passes on as recorded output and stock, ± tolerance, and where the figure comes from (docs/indicators.md,
section 4)."""
