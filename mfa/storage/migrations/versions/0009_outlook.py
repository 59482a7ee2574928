"""The outlook's inputs: inflows of products into use, their lifetimes, and the capacities of the facilities that
take them back (issue 15).

Revision ID: 0009
Revises: 0007

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _stamps() -> list[sa.Column]:
    return [
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
    ]


def upgrade() -> None:
    """Add the inflow, lifetime and capacity tables."""
    op.create_table(
        "inflow",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("scope_level", sa.String(16), nullable=False),
        sa.Column("scope", sa.String(64), nullable=False),
        sa.Column("material_id", sa.Integer(), nullable=False),
        sa.Column("quantity_t", sa.Float(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("source", sa.String(), nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(["material_id"], ["material.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("material_id", "scope", "year", name="inflow_key"),
        sa.CheckConstraint("quantity_t >= 0", name="inflow_quantity_not_negative"),
        sa.CheckConstraint("scope_level IN ('province', 'city')", name="inflow_scope_level"),
    )
    parameters = ("shape", "scale", "mean", "std")
    op.create_table(
        "lifetime",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("material_id", sa.Integer(), nullable=False),
        sa.Column("distribution", sa.String(16), nullable=False),
        *[sa.Column(p, sa.Float(), nullable=True) for p in parameters],
        *[sa.Column(f"{p}_{end}", sa.Float(), nullable=True) for p in parameters for end in ("low", "high")],
        sa.Column("first_cohort", sa.Integer(), nullable=True),
        sa.Column("last_cohort", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(), nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(["material_id"], ["material.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_lifetime_material_id", "lifetime", ["material_id"])
    op.create_table(
        "capacity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("material_id", sa.Integer(), nullable=False),
        sa.Column("year_from", sa.Integer(), nullable=False),
        sa.Column("capacity_t", sa.Float(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("source", sa.String(), nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(["facility_id"], ["facility.id"]),
        sa.ForeignKeyConstraint(["material_id"], ["material.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("facility_id", "material_id", "year_from", name="capacity_key"),
        sa.CheckConstraint("capacity_t >= 0", name="capacity_not_negative"),
    )


def downgrade() -> None:
    """Drop the outlook's tables."""
    op.drop_table("capacity")
    op.drop_index("ix_lifetime_material_id", table_name="lifetime")
    op.drop_table("lifetime")
    op.drop_table("inflow")
