"""Import layouts: material aliases (with their history, like the other records) and the column mappings users
confirmed for a header, remembered per park.

Revision ID: 0010
Revises: 0009

"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _stamp() -> list[sa.Column[object]]:
    """When, by whom and which version: the columns every editable table has."""
    return [
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
    ]


KEPT: list[tuple[str, Any, str | None]] = [
    ("alias", sa.String(100), "OLD.alias"),
    ("material", sa.String(64), None),
    ("source", sa.Text(), "OLD.source"),
]
"""The alias columns kept in its revision table (the material by code)."""
COMMON: list[tuple[str, Any, str | None]] = [
    ("record_id", sa.Integer(), "OLD.id"),
    ("version", sa.Integer(), "OLD.version"),
    ("updated_at", sa.DateTime(timezone=True), "OLD.updated_at"),
    ("updated_by", sa.String(64), "OLD.updated_by"),
    ("change_id", sa.Integer(), "OLD.change_id"),
]


def _insert(ended_by: str, ended_how: str) -> str:
    """The statement a trigger runs to keep the old version of an alias (as migration 0006 does for the others)."""
    columns = KEPT + COMMON
    values = [sql or "(SELECT code FROM material WHERE id = OLD.material_id)" for _n, _t, sql in columns]
    names = ", ".join(c[0] for c in columns)
    return (
        f"INSERT INTO material_alias_revision ({names}, ended_by, ended_how) "
        f"VALUES ({', '.join(values)}, {ended_by}, '{ended_how}');"
    )


def upgrade() -> None:
    """Add material_alias (and its revisions, filled by triggers) and import_mapping."""
    op.create_table(
        "material_alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(100), nullable=False),
        sa.Column("material_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        *_stamp(),
        sa.Column("change_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["material_id"], ["material.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_material_alias_alias", "material_alias", ["alias"], unique=True)
    op.create_index("ix_material_alias_material_id", "material_alias", ["material_id"])
    op.create_index("ix_material_alias_change_id", "material_alias", ["change_id"])
    op.create_table(
        "material_alias_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        *[sa.Column(name, type_, nullable=True) for name, type_, _sql in KEPT + COMMON],
        sa.Column("ended_by", sa.Integer(), nullable=True),
        sa.Column("ended_how", sa.String(8), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_material_alias_revision_key", "material_alias_revision", ["alias"])
    op.create_index("ix_material_alias_revision_change_id", "material_alias_revision", ["change_id"])
    op.create_index("ix_material_alias_revision_ended_by", "material_alias_revision", ["ended_by"])
    if op.get_bind().dialect.name == "sqlite":
        current = "(SELECT MAX(id) FROM change)"
        op.execute(
            "CREATE TRIGGER material_alias_revision_update BEFORE UPDATE ON material_alias FOR EACH ROW "
            f"WHEN OLD.change_id IS NOT NEW.change_id BEGIN {_insert(current, 'update')} END"
        )
        op.execute(
            "CREATE TRIGGER material_alias_revision_delete BEFORE DELETE ON material_alias FOR EACH ROW "
            f"BEGIN {_insert(current, 'delete')} END"
        )
    else:
        current = "NULLIF(current_setting('mfa.change_id', true), '')::integer"
        op.execute(
            "CREATE FUNCTION material_alias_revision() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP = 'DELETE' THEN {_insert(current, 'delete')} RETURN OLD; END IF; "
            f"IF OLD.change_id IS DISTINCT FROM NEW.change_id THEN {_insert(current, 'update')} END IF; "
            "RETURN NEW; END $$"
        )
        op.execute(
            "CREATE TRIGGER material_alias_revision BEFORE UPDATE OR DELETE ON material_alias "
            "FOR EACH ROW EXECUTE FUNCTION material_alias_revision()"
        )
    op.create_table(
        "import_mapping",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(64), nullable=False),
        sa.Column("signature", sa.String(64), nullable=False),
        sa.Column("table_name", sa.String(32), nullable=False),
        sa.Column("headers", sa.Text(), nullable=False),
        sa.Column("mapping", sa.Text(), nullable=False),
        *_stamp(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("scope", "signature", name="import_mapping_key"),
    )


def downgrade() -> None:
    """Drop the aliases (and their history) and the remembered mappings."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS material_alias_revision_update")
        op.execute("DROP TRIGGER IF EXISTS material_alias_revision_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS material_alias_revision ON material_alias")
        op.execute("DROP FUNCTION IF EXISTS material_alias_revision()")
    op.drop_table("import_mapping")
    op.drop_table("material_alias_revision")
    op.drop_table("material_alias")
