"""The stored records: parks, facilities, materials, flows, stocks, targets, declared transfer coefficients, the
outlook's inflows, lifetimes and capacities (SQLModel tables), their history
(a change per write, and revision tables holding every replaced or deleted version) and users."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel


class Park(SQLModel, table=True):
    """An industrial park in one of Hunan's cities."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True, index=True)
    name: str = Field(default="", max_length=200)
    name_zh: str = Field(default="", max_length=200)
    city: str = Field(max_length=32, index=True)
    level: str = Field(default="other", max_length=16)
    updated_at: datetime
    updated_by: str | None = Field(default=None, max_length=64)
    version: int = Field(default=1)
    change_id: int | None = Field(default=None, index=True)


class Facility(SQLModel, table=True):
    """A process node: an enterprise or site of one kind, inside a park (outside only for `boundary`)."""

    __table_args__ = (CheckConstraint("park_id IS NOT NULL OR kind = 'boundary'", name="facility_park"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True, index=True)
    name: str = Field(default="", max_length=200)
    name_zh: str = Field(default="", max_length=200)
    park_id: int | None = Field(default=None, foreign_key="park.id", index=True)
    kind: str = Field(max_length=32, index=True)
    updated_at: datetime
    updated_by: str | None = Field(default=None, max_length=64)
    version: int = Field(default=1)
    change_id: int | None = Field(default=None, index=True)


class Material(SQLModel, table=True):
    """A material or product code in the taxonomy tree; groups are the roots."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True, index=True)
    name: str = Field(default="", max_length=200)
    name_zh: str = Field(default="", max_length=200)
    parent_id: int | None = Field(default=None, foreign_key="material.id")
    is_product: bool = Field(default=False)
    updated_at: datetime
    updated_by: str | None = Field(default=None, max_length=64)
    version: int = Field(default=1)


class MaterialAlias(SQLModel, table=True):
    """Another name a park uses for a material (废钢, 钢渣), or a category code of the national catalogue (S02):
    an import reads it as the material's code."""

    __tablename__ = "material_alias"

    id: int | None = Field(default=None, primary_key=True)
    alias: str = Field(max_length=100, unique=True, index=True)
    material_id: int = Field(foreign_key="material.id", index=True)
    source: str | None = None
    updated_at: datetime
    updated_by: str | None = Field(default=None, max_length=64)
    version: int = Field(default=1)
    change_id: int | None = Field(default=None, index=True)


class ImportMapping(SQLModel, table=True):
    """A column mapping a user confirmed for a table with a given header, remembered for their park (`scope` is a
    park code, or `*` for everyone) and proposed again for the next file with the same header."""

    __tablename__ = "import_mapping"
    __table_args__ = (UniqueConstraint("scope", "signature", name="import_mapping_key"),)

    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(max_length=64)
    signature: str = Field(max_length=64)
    table_name: str = Field(max_length=32)
    headers: str
    """The header cells as written (JSON list)."""
    mapping: str
    """One token per header cell (JSON list): a column of the table, a layout role, or "" for not used."""
    updated_at: datetime
    updated_by: str | None = Field(default=None, max_length=64)
    version: int = Field(default=1)


class Flow(SQLModel, table=True):
    """Tonnes of one material moving from one facility to another in a period (a year or a month), as one party
    declares it: the sender's or the receiver's declaration of the hand-over (period, source, target, material).
    Each side declares a hand-over at most once; neither replaces the other (mfa.domain.handovers combines them)."""

    __table_args__ = (
        UniqueConstraint("period", "source_id", "target_id", "material_id", "side", name="flow_key"),
        CheckConstraint("source_id <> target_id", name="flow_not_to_itself"),
        CheckConstraint("quantity_t > 0", name="flow_quantity_positive"),
        CheckConstraint("side IN ('sender', 'receiver')", name="flow_side"),
    )

    id: int | None = Field(default=None, primary_key=True)
    period: str = Field(max_length=7)
    year: int
    month: int | None = None
    source_id: int
    target_id: int
    material_id: int
    """The facilities and the material: checked once per statement rather than by per-row foreign keys (migration
    0011: a statement trigger on PostgreSQL, the one write path on SQLite; deleting what flows name is refused)."""
    quantity_t: float | None = None
    """Tonnes; None for a flow whose quantity is unknown (data_quality "unknown"), for reconciliation to estimate."""
    value: float | None = None
    unit: str = Field(max_length=16)
    uncertainty: float | None = None
    data_quality: str | None = Field(default=None, max_length=16)
    note: str | None = None
    reference: str | None = None
    side: str = Field(max_length=8)
    """Whose declaration this is: "sender" or "receiver"."""
    updated_at: datetime
    updated_by: str | None = Field(default=None, max_length=64)
    version: int = Field(default=1)
    change_id: int | None = Field(default=None, index=True)


class Stock(SQLModel, table=True):
    """Tonnes of a material held by a facility at the end of a period (yards, ponds, in-use stock)."""

    __table_args__ = (
        UniqueConstraint("facility_id", "material_id", "period", name="stock_key"),
        CheckConstraint("quantity_t >= 0", name="stock_quantity_not_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    period: str = Field(max_length=7)
    year: int = Field(index=True)
    month: int | None = None
    facility_id: int = Field(foreign_key="facility.id")
    material_id: int = Field(foreign_key="material.id")
    quantity_t: float
    value: float
    unit: str = Field(max_length=16)
    updated_at: datetime
    updated_by: str | None = Field(default=None, max_length=64)
    version: int = Field(default=1)
    change_id: int | None = Field(default=None, index=True)


class Target(SQLModel, table=True):
    """A planned value of an indicator for a scope (province, city or park) by a year."""

    __table_args__ = (
        UniqueConstraint("indicator", "scope_level", "scope", "target_year", name="target_key"),
        CheckConstraint("direction IN ('at_least', 'at_most')", name="target_direction"),
    )

    id: int | None = Field(default=None, primary_key=True)
    indicator: str = Field(max_length=64)
    scope_level: str = Field(max_length=16)
    scope: str = Field(max_length=64)
    baseline_year: int | None = None
    baseline_value: float | None = None
    target_year: int
    target_value: float
    direction: str = Field(max_length=16)
    source: str | None = None
    updated_at: datetime
    updated_by: str | None = Field(default=None, max_length=64)
    version: int = Field(default=1)
    change_id: int | None = Field(default=None, index=True)


class Inflow(SQLModel, table=True):
    """Tonnes of a product put into use in a year, in a city or the province as a whole (the outlook's input)."""

    __table_args__ = (
        UniqueConstraint("material_id", "scope", "year", name="inflow_key"),
        CheckConstraint("quantity_t >= 0", name="inflow_quantity_not_negative"),
        CheckConstraint("scope_level IN ('province', 'city')", name="inflow_scope_level"),
    )

    id: int | None = Field(default=None, primary_key=True)
    year: int
    scope_level: str = Field(max_length=16)
    scope: str = Field(max_length=64)
    material_id: int = Field(foreign_key="material.id")
    quantity_t: float
    value: float
    unit: str = Field(max_length=16)
    source: str | None = None
    updated_at: datetime
    updated_by: str | None = Field(default=None, max_length=64)
    version: int = Field(default=1)


class Lifetime(SQLModel, table=True):
    """How long a product stays in use, for a range of cohorts (open ends are null): a distribution and its
    parameters, optionally with low and high values."""

    id: int | None = Field(default=None, primary_key=True)
    material_id: int = Field(foreign_key="material.id", index=True)
    distribution: str = Field(max_length=16)
    shape: float | None = None
    scale: float | None = None
    mean: float | None = None
    std: float | None = None
    shape_low: float | None = None
    shape_high: float | None = None
    scale_low: float | None = None
    scale_high: float | None = None
    mean_low: float | None = None
    mean_high: float | None = None
    std_low: float | None = None
    std_high: float | None = None
    first_cohort: int | None = None
    last_cohort: int | None = None
    source: str | None = None
    updated_at: datetime
    updated_by: str | None = Field(default=None, max_length=64)
    version: int = Field(default=1)


class Capacity(SQLModel, table=True):
    """A facility's yearly capacity (tonnes) for a material or group from a year on, until a later row replaces it."""

    __table_args__ = (
        UniqueConstraint("facility_id", "material_id", "year_from", name="capacity_key"),
        CheckConstraint("capacity_t >= 0", name="capacity_not_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    facility_id: int = Field(foreign_key="facility.id")
    material_id: int = Field(foreign_key="material.id")
    year_from: int
    capacity_t: float
    value: float
    unit: str = Field(max_length=16)
    source: str | None = None
    updated_at: datetime
    updated_by: str | None = Field(default=None, max_length=64)
    version: int = Field(default=1)


class TransferCoefficient(SQLModel, table=True):
    """A declared transfer coefficient: the share of its input a facility passes on as recorded output and stock
    (an incinerator about 0.2), ± a tolerance, for one facility (`scope_level` facility, `scope` its code) or for
    every facility of a kind (`scope_level` kind, `scope` the kind), the facility's own row winning. The mass
    balance checks the facility against it (mfa.domain.balance)."""

    __tablename__ = "transfer_coefficient"
    __table_args__ = (
        UniqueConstraint("scope_level", "scope", name="transfer_coefficient_key"),
        CheckConstraint("scope_level IN ('facility', 'kind')", name="transfer_coefficient_scope_level"),
        CheckConstraint("coefficient >= 0 AND tolerance >= 0", name="transfer_coefficient_not_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    scope_level: str = Field(max_length=16)
    scope: str = Field(max_length=64)
    coefficient: float
    tolerance: float
    source: str | None = None
    updated_at: datetime
    updated_by: str | None = Field(default=None, max_length=64)
    version: int = Field(default=1)
    change_id: int | None = Field(default=None, index=True)


class Meta(SQLModel, table=True):
    """Small key/value facts about the database, e.g. the data version that every write changes."""

    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=200)


class Reported(SQLModel, table=True):
    """A value of an indicator that material flows cannot give (water use per value added, green factories...)."""

    __table_args__ = (UniqueConstraint("indicator", "scope_level", "scope", "year", name="reported_key"),)

    id: int | None = Field(default=None, primary_key=True)
    indicator: str = Field(max_length=64)
    scope_level: str = Field(max_length=16)
    scope: str = Field(max_length=64)
    year: int
    value: float
    source: str | None = None
    updated_at: datetime
    updated_by: str | None = Field(default=None, max_length=64)
    version: int = Field(default=1)


class Reconciled(SQLModel, table=True):
    """A flow's reconciled value (mfa reconcile --save), kept beside the reported one, never over it; it counts
    only while the flow is at the version it was reconciled at."""

    flow_id: int = Field(sa_column=Column(Integer, ForeignKey("flow.id", ondelete="CASCADE"), primary_key=True))
    flow_version: int
    reconciled_t: float | None = None
    sigma_t: float | None = None
    normalized_residual: float | None = None
    flag: str = Field(max_length=32)
    run_at: datetime


class User(SQLModel, table=True):
    """Someone who signs in: an admin, an analyst (reads only) or a park manager (writes their parks)."""

    __table_args__ = (CheckConstraint("role IN ('admin', 'analyst', 'park_manager')", name="user_role"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, unique=True, index=True)
    password_hash: str = Field(max_length=200)
    role: str = Field(max_length=16)
    disabled: bool = Field(default=False)
    updated_at: datetime
    updated_by: str | None = Field(default=None, max_length=64)
    version: int = Field(default=1)


class UserPark(SQLModel, table=True):
    """A park a park manager may write."""

    __tablename__ = "user_park"

    user_id: int = Field(sa_column=Column(Integer, ForeignKey("user.id", ondelete="CASCADE"), primary_key=True))
    park_id: int = Field(sa_column=Column(Integer, ForeignKey("park.id", ondelete="CASCADE"), primary_key=True))


class Change(SQLModel, table=True):
    """One write: who made it, when, and through which path (form, import of named files, CLI, restore)."""

    id: int | None = Field(default=None, primary_key=True)
    changed_at: datetime
    changed_by: str = Field(max_length=64)
    via: str = Field(max_length=300)
    summary: str | None = None


class _Revision(SQLModel):
    """A version of a record that a later change replaced or deleted (copied by database triggers)."""

    id: int | None = Field(default=None, primary_key=True)
    record_id: int | None = None
    version: int | None = None
    updated_at: datetime | None = None
    updated_by: str | None = Field(default=None, max_length=64)
    change_id: int | None = Field(default=None, index=True)
    """The change that made this version."""
    ended_by: int | None = Field(default=None, index=True)
    """The change that replaced or deleted it."""
    ended_how: str = Field(max_length=8)
    """update or delete."""


class ParkRevision(_Revision, table=True):
    """A replaced or deleted version of a park."""

    __tablename__ = "park_revision"
    __table_args__ = (Index("ix_park_revision_key", "code"),)

    code: str | None = Field(default=None, max_length=64)
    name: str | None = Field(default=None, max_length=200)
    name_zh: str | None = Field(default=None, max_length=200)
    city: str | None = Field(default=None, max_length=32)
    level: str | None = Field(default=None, max_length=16)


class FacilityRevision(_Revision, table=True):
    """A replaced or deleted version of a facility (its park by code)."""

    __tablename__ = "facility_revision"
    __table_args__ = (Index("ix_facility_revision_key", "code"),)

    code: str | None = Field(default=None, max_length=64)
    name: str | None = Field(default=None, max_length=200)
    name_zh: str | None = Field(default=None, max_length=200)
    park: str | None = Field(default=None, max_length=64)
    kind: str | None = Field(default=None, max_length=32)


class FlowRevision(_Revision, table=True):
    """A replaced or deleted version of a flow (its facilities and material by code)."""

    __tablename__ = "flow_revision"
    __table_args__ = (Index("ix_flow_revision_key", "period", "source", "target", "material", "side"),)

    period: str | None = Field(default=None, max_length=7)
    source: str | None = Field(default=None, max_length=64)
    target: str | None = Field(default=None, max_length=64)
    material: str | None = Field(default=None, max_length=64)
    quantity_t: float | None = None
    value: float | None = None
    unit: str | None = Field(default=None, max_length=16)
    uncertainty: float | None = None
    data_quality: str | None = Field(default=None, max_length=16)
    note: str | None = None
    reference: str | None = None
    side: str | None = Field(default=None, max_length=8)


class MaterialAliasRevision(_Revision, table=True):
    """A replaced or deleted version of a material alias (its material by code)."""

    __tablename__ = "material_alias_revision"
    __table_args__ = (Index("ix_material_alias_revision_key", "alias"),)

    alias: str | None = Field(default=None, max_length=100)
    material: str | None = Field(default=None, max_length=64)
    source: str | None = None


class StockRevision(_Revision, table=True):
    """A replaced or deleted version of a stock."""

    __tablename__ = "stock_revision"
    __table_args__ = (Index("ix_stock_revision_key", "facility", "material", "period"),)

    period: str | None = Field(default=None, max_length=7)
    facility: str | None = Field(default=None, max_length=64)
    material: str | None = Field(default=None, max_length=64)
    quantity_t: float | None = None
    value: float | None = None
    unit: str | None = Field(default=None, max_length=16)


class TargetRevision(_Revision, table=True):
    """A replaced or deleted version of a target."""

    __tablename__ = "target_revision"
    __table_args__ = (Index("ix_target_revision_key", "indicator", "scope_level", "scope", "target_year"),)

    indicator: str | None = Field(default=None, max_length=64)
    scope_level: str | None = Field(default=None, max_length=16)
    scope: str | None = Field(default=None, max_length=64)
    baseline_year: int | None = None
    baseline_value: float | None = None
    target_year: int | None = None
    target_value: float | None = None
    direction: str | None = Field(default=None, max_length=16)
    source: str | None = None


class TransferCoefficientRevision(_Revision, table=True):
    """A replaced or deleted version of a declared transfer coefficient."""

    __tablename__ = "transfer_coefficient_revision"
    __table_args__ = (Index("ix_transfer_coefficient_revision_key", "scope_level", "scope"),)

    scope_level: str | None = Field(default=None, max_length=16)
    scope: str | None = Field(default=None, max_length=64)
    coefficient: float | None = None
    tolerance: float | None = None
    source: str | None = None


class LoginSession(SQLModel, table=True):
    """A signed-in browser: the hash of the random token in its cookie; ended by logout or inactivity."""

    __tablename__ = "login_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("user.id", ondelete="CASCADE"), nullable=False))
    created_at: datetime
    last_seen: datetime
