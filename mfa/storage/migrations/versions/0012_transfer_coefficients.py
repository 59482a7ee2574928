"""Declared transfer coefficients: the share of its input a facility, or every facility of a kind, passes on as
recorded output (an incinerator about a fifth, as ash), with a tolerance; with their history, kept by triggers like
the other editable records (migrations 0006, 0010).

Revision ID: 0012
Revises: 0011

"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "transfer_coefficient"
KEPT: list[tuple[str, Any, str]] = [
    ("scope_level", sa.String(16), "OLD.scope_level"),
    ("scope", sa.String(64), "OLD.scope"),
    ("coefficient", sa.Float(), "OLD.coefficient"),
    ("tolerance", sa.Float(), "OLD.tolerance"),
    ("source", sa.Text(), "OLD.source"),
]
"""The columns kept in the revision table."""
COMMON: list[tuple[str, Any, str]] = [
    ("record_id", sa.Integer(), "OLD.id"),
    ("version", sa.Integer(), "OLD.version"),
    ("updated_at", sa.DateTime(timezone=True), "OLD.updated_at"),
    ("updated_by", sa.String(64), "OLD.updated_by"),
    ("change_id", sa.Integer(), "OLD.change_id"),
]


def _insert(ended_by: str, ended_how: str) -> str:
    """The statement a trigger runs to keep the old version (as migration 0006 does for the other records)."""
    columns = KEPT + COMMON
    names = ", ".join(c[0] for c in columns)
    values = ", ".join(c[2] for c in columns)
    return f"INSERT INTO {TABLE}_revision ({names}, ended_by, ended_how) VALUES ({values}, {ended_by}, '{ended_how}');"


def upgrade() -> None:
    """Add transfer_coefficient and its revisions, filled by triggers."""
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope_level", sa.String(16), nullable=False),
        sa.Column("scope", sa.String(64), nullable=False),
        sa.Column("coefficient", sa.Float(), nullable=False),
        sa.Column("tolerance", sa.Float(), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("scope_level IN ('facility', 'kind')", name="transfer_coefficient_scope_level"),
        sa.CheckConstraint("coefficient >= 0 AND tolerance >= 0", name="transfer_coefficient_not_negative"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("scope_level", "scope", name="transfer_coefficient_key"),
    )
    op.create_index(f"ix_{TABLE}_change_id", TABLE, ["change_id"])
    op.create_table(
        f"{TABLE}_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        *[sa.Column(name, type_, nullable=True) for name, type_, _sql in KEPT + COMMON],
        sa.Column("ended_by", sa.Integer(), nullable=True),
        sa.Column("ended_how", sa.String(8), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(f"ix_{TABLE}_revision_key", f"{TABLE}_revision", ["scope_level", "scope"])
    op.create_index(f"ix_{TABLE}_revision_change_id", f"{TABLE}_revision", ["change_id"])
    op.create_index(f"ix_{TABLE}_revision_ended_by", f"{TABLE}_revision", ["ended_by"])
    if op.get_bind().dialect.name == "sqlite":
        current = "(SELECT MAX(id) FROM change)"
        op.execute(
            f"CREATE TRIGGER {TABLE}_revision_update BEFORE UPDATE ON {TABLE} FOR EACH ROW "
            f"WHEN OLD.change_id IS NOT NEW.change_id BEGIN {_insert(current, 'update')} END"
        )
        op.execute(
            f"CREATE TRIGGER {TABLE}_revision_delete BEFORE DELETE ON {TABLE} FOR EACH ROW "
            f"BEGIN {_insert(current, 'delete')} END"
        )
    else:
        current = "NULLIF(current_setting('mfa.change_id', true), '')::integer"
        op.execute(
            f"CREATE FUNCTION {TABLE}_revision() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP = 'DELETE' THEN {_insert(current, 'delete')} RETURN OLD; END IF; "
            f"IF OLD.change_id IS DISTINCT FROM NEW.change_id THEN {_insert(current, 'update')} END IF; "
            "RETURN NEW; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {TABLE}_revision BEFORE UPDATE OR DELETE ON {TABLE} "
            f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_revision()"
        )


def downgrade() -> None:
    """Drop the declared transfer coefficients and their history."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_revision_update")
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_revision_delete")
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_revision ON {TABLE}")
        op.execute(f"DROP FUNCTION IF EXISTS {TABLE}_revision()")
    op.drop_table(f"{TABLE}_revision")
    op.drop_index(f"ix_{TABLE}_change_id", table_name=TABLE)
    op.drop_table(TABLE)
