"""What the CLI and the app ask of the outlook: load inflows, lifetimes, capacities and recorded retirements, run the
domain model (mfa.domain.outlook), calibrate lifetimes, and save calibrated lifetimes through the one write path."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl
from sqlalchemy import Engine

from mfa.domain import outlook
from mfa.domain.outlook import DEFAULT_HORIZON, LIFETIME_SCHEMA, Outlook, OutlookError, OutlookInputs, owner_of
from mfa.domain.outlook.forecast import CONVENTIONS
from mfa.domain.roles import Actor, NotAllowed, local_operator, require_admin
from mfa.domain.vocabulary import city_name
from mfa.reference import battery_chemistries
from mfa.storage import declarations, reads
from mfa.storage import outlook as stored

__all__ = [
    "DEFAULT_HORIZON",
    "CalibrationReport",
    "NotAllowed",
    "OutlookError",
    "calibrate",
    "forecast",
    "load_inputs",
    "material_names",
    "outlook_products",
    "parse_scope",
]

PROVINCE_WORDS = ("province", "全省", "湖南", "湖南省", "hunan")
LOCATION_WORD = "scale or mean"


def parse_scope(text: str | None) -> str | None:
    """`province`, a city's stored (English) name, or None for every scope; OutlookError for anything else."""
    if text is None or not text.strip():
        return None
    if text.strip().lower() in PROVINCE_WORDS:
        return outlook.PROVINCE
    city = city_name(text)
    if city is None:
        raise OutlookError(f"unknown scope {text!r}: use province or one of Hunan's 14 cities")
    return city


def load_inputs(engine: Engine) -> OutlookInputs:
    """Everything a forecast reads, from the database (and the battery chemistries shipped with mfa)."""
    with engine.connect() as conn:
        inflows = stored.inflow_table(conn).select("year", "scope", "product", pl.col("quantity_t").alias("inflow_t"))
        lifetimes = stored.lifetime_table(conn).select(*LIFETIME_SCHEMA, "source").cast(LIFETIME_SCHEMA)  # type: ignore[arg-type]
        capacities = stored.capacity_table(conn).select("facility", "material", "year_from", "capacity_t")
        facilities = reads.facility_table(conn).select("code", "kind", "city")
        parents = reads.material_parents(conn)
        recorded = stored.retirement_flows(conn)
        years = declarations.flow_year_span(conn)
    return OutlookInputs(
        inflows=inflows,
        lifetimes=lifetimes,
        capacities=capacities,
        facilities=facilities,
        parents=parents,
        recorded_flows=recorded,
        recorded_years=years,
        chemistries=pl.DataFrame(list(battery_chemistries())),
    )


def material_names(engine: Engine, language: str = "en") -> dict[str, str]:
    """Material code -> its name in `language` (the other name, else the code, where it has none), for charts
    made outside the app."""
    with engine.connect() as conn:
        materials = reads.reference_tables(conn)["materials"]
    first, second = ("name_zh", "name") if language == "zh" else ("name", "name_zh")
    return {code: a or b or code for code, a, b in materials.select("code", first, second).iter_rows()}


def outlook_products(inputs: OutlookInputs) -> list[str]:
    """What a forecast can be asked for: every product with inflows and every material above one (groups)."""
    found: dict[str, None] = {}
    for product in sorted(inputs.inflows["product"].unique().to_list()):
        code: str | None = product
        while code is not None:
            found[code] = None
            code = inputs.parents.get(code)
    return list(found)


def forecast(
    engine: Engine | None,
    product: str,
    *,
    scope: str | None = None,
    until: int = DEFAULT_HORIZON,
    inflow_at: str = "middle",
    inputs: OutlookInputs | None = None,
) -> Outlook:
    """The outlook of `product` (and every product with inflows below it) for every city with inflows and the
    province, or only `scope`; `inputs` saves reading them again."""
    if inputs is None:
        if engine is None:
            raise ValueError("give an engine or the inputs")
        inputs = load_inputs(engine)
    return outlook.forecast(inputs, product, scope=parse_scope(scope), until=until, inflow_at=inflow_at)  # type: ignore[arg-type]


@dataclass(frozen=True)
class CalibrationReport:
    """A calibration of a product's lifetimes at a scope, and what was saved."""

    product: str
    scope: str
    inflow_at: str
    result: outlook.Calibration
    saved: list[str] = field(default_factory=list)
    """The products whose lifetime rows were written (empty when not saved)."""
    notes: list[str] = field(default_factory=list)

    def parameters(self) -> dict[str, Any]:
        """The fitted parameters by name: a value for a single lifetime row, else a list in the order of `fitted`."""
        out: dict[str, Any] = {}
        fitted = self.result.fitted
        for name in fitted["parameter"].unique(maintain_order=True).to_list():
            values = fitted.filter(pl.col("parameter") == name)["after"].to_list()
            out[name] = values[0] if fitted.height == 1 else values
        return out

    def to_json(self) -> dict[str, Any]:
        """The report as one JSON-ready object: the fitted parameters by name (also at the top level), the factor,
        every fitted row, the residuals (recorded − modelled) and their RMSE, what was saved."""
        parameters = self.parameters()
        return {
            "product": self.product,
            "scope": self.scope,
            **parameters,
            "parameters": parameters,
            "factor": self.result.factor,
            "fitted": self.result.fitted.to_dicts(),
            "residuals": self.result.residuals.to_dicts(),
            "rmse_t": self.result.rmse_t,
            "at_bound": self.result.at_bound,
            "saved": bool(self.saved),
            "saved_for": self.saved,
            "convention": {"inflow_at": self.inflow_at, "formula": CONVENTIONS[self.inflow_at]},
            "notes": self.notes,
        }


def calibrate(
    engine: Engine,
    product: str,
    *,
    scope: str | None = None,
    until: int = DEFAULT_HORIZON,
    inflow_at: str = "middle",
    save: bool = False,
    actor: Actor | None = None,
) -> CalibrationReport:
    """Fit the lifetime of `product` (its scale or mean; one factor over its cohort rows) to the recorded
    retirements of `scope` (default the province) by least squares; with `save`, write the fitted rows (admins)."""
    who = actor or local_operator()
    if save:
        require_admin(who, "save calibrated lifetimes")
    inputs = load_inputs(engine)
    where = parse_scope(scope) or outlook.PROVINCE
    products = outlook.products_below(inputs, product) if product in inputs.parents else []
    if product not in inputs.parents:
        raise OutlookError(f"unknown product {product!r}")
    if not products:
        raise OutlookError(f"no inflows of {product} or of any product below it: import an inflows table first")
    inflows = inputs.inflows.filter(pl.col("product").is_in(products))
    if where != outlook.PROVINCE:
        inflows = inflows.filter(pl.col("scope") == where)
        if inflows.height == 0:
            raise OutlookError(f"no inflows of {product} in {where}")
    recorded = outlook.recorded_retirements(
        inputs.recorded_flows, inputs.parents, [product], inputs.recorded_years, products
    )
    recorded = recorded.filter(pl.col("scope") == where).select("year", "recorded_t")
    result = outlook.calibrate(
        inflows,
        inputs.lifetimes,
        inputs.parents,
        recorded,
        until=until,
        inflow_at=inflow_at,  # type: ignore[arg-type]
    )
    notes = []
    if result.at_bound:
        notes.append(
            "the best fit lies at the edge of the search range: the recorded retirements ask for a lifetime "
            "far from the one given; check the inflows and the recorded flows"
        )
    if where != outlook.PROVINCE:
        notes.append(f"fitted to {where} alone; lifetimes are the same in every scope")
    saved = _save(engine, inputs, products, result, who, product, where) if save else []
    return CalibrationReport(product, where, inflow_at, result, saved, notes)


def _save(
    engine: Engine,
    inputs: OutlookInputs,
    products: list[str],
    result: outlook.Calibration,
    actor: Actor,
    product: str,
    scope: str,
) -> list[str]:
    """Write the fitted lifetime rows: over the rows of the material that owns them when every product using them
    was fitted, else as rows of each fitted product of its own (so products outside the fit keep theirs)."""
    from mfa.services.editing import import_records

    every = inputs.inflows["product"].unique().to_list()
    fitted = set(products)
    records: list[dict[str, object]] = []
    written: list[str] = []
    for owner in result.fitted["owner"].unique(maintain_order=True).to_list():
        users = {p for p in every if owner_of(inputs.lifetimes, inputs.parents, p) == owner}
        rows = result.lifetimes.filter(pl.col("product") == owner).to_dicts()
        targets = [owner] if users <= fitted else sorted(users & fitted)
        years = result.residuals["year"].to_list()
        note = (
            f"calibrated to the recorded retirements of {product} ({scope}, {min(years)}–{max(years)}): "
            f"{LOCATION_WORD} × {result.factor:.4f}"
        )
        for target in targets:
            for row in rows:
                source = f"{row['source']}; {note}" if row.get("source") else note
                records.append({k: v for k, v in row.items() if v is not None} | {"product": target, "source": source})
            written.append(target)
    report = import_records(
        engine, "lifetimes", records, label="calibration", actor=actor, via=f"calibrate {product} ({scope})"
    )
    if not report.committed:
        first = report.errors.row(0, named=True) if report.errors.height else {"reason": "nothing written"}
        raise OutlookError(f"the calibrated lifetimes were not saved: {first['reason']}")
    return written
