"""History: a `change` per write, the record's `change_id`, and revision tables that keep every replaced or
deleted version of a park, facility, flow, stock or target, filled by triggers so no write path can skip them.

Revision ID: 0006
Revises: 0005

"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S64, TEXT, FLOAT, INT = sa.String(64), sa.Text(), sa.Float(), sa.Integer()


def _code(table: str, column: str) -> str:
    return f"(SELECT code FROM {table} WHERE id = OLD.{column})"


# record -> (columns kept in its revision table: name, type, SQL over OLD; key columns)
RECORDS: dict[str, tuple[list[tuple[str, Any, str]], list[str]]] = {
    "park": (
        [
            ("code", S64, "OLD.code"),
            ("name", sa.String(200), "OLD.name"),
            ("name_zh", sa.String(200), "OLD.name_zh"),
            ("city", sa.String(32), "OLD.city"),
            ("level", sa.String(16), "OLD.level"),
        ],
        ["code"],
    ),
    "facility": (
        [
            ("code", S64, "OLD.code"),
            ("name", sa.String(200), "OLD.name"),
            ("name_zh", sa.String(200), "OLD.name_zh"),
            ("park", S64, _code("park", "park_id")),
            ("kind", sa.String(32), "OLD.kind"),
        ],
        ["code"],
    ),
    "flow": (
        [
            ("period", sa.String(7), "OLD.period"),
            ("source", S64, _code("facility", "source_id")),
            ("target", S64, _code("facility", "target_id")),
            ("material", S64, _code("material", "material_id")),
            ("quantity_t", FLOAT, "OLD.quantity_t"),
            ("value", FLOAT, "OLD.value"),
            ("unit", sa.String(16), "OLD.unit"),
            ("uncertainty", FLOAT, "OLD.uncertainty"),
            ("data_quality", sa.String(16), "OLD.data_quality"),
            ("note", TEXT, "OLD.note"),
            ("reference", TEXT, "OLD.reference"),
        ],
        ["period", "source", "target", "material"],
    ),
    "stock": (
        [
            ("period", sa.String(7), "OLD.period"),
            ("facility", S64, _code("facility", "facility_id")),
            ("material", S64, _code("material", "material_id")),
            ("quantity_t", FLOAT, "OLD.quantity_t"),
            ("value", FLOAT, "OLD.value"),
            ("unit", sa.String(16), "OLD.unit"),
        ],
        ["facility", "material", "period"],
    ),
    "target": (
        [
            ("indicator", S64, "OLD.indicator"),
            ("scope_level", sa.String(16), "OLD.scope_level"),
            ("scope", S64, "OLD.scope"),
            ("baseline_year", INT, "OLD.baseline_year"),
            ("baseline_value", FLOAT, "OLD.baseline_value"),
            ("target_year", INT, "OLD.target_year"),
            ("target_value", FLOAT, "OLD.target_value"),
            ("direction", sa.String(16), "OLD.direction"),
            ("source", TEXT, "OLD.source"),
        ],
        ["indicator", "scope_level", "scope", "target_year"],
    ),
}
COMMON = [
    ("record_id", INT, "OLD.id"),
    ("version", INT, "OLD.version"),
    ("updated_at", sa.DateTime(timezone=True), "OLD.updated_at"),
    ("updated_by", S64, "OLD.updated_by"),
    ("change_id", INT, "OLD.change_id"),
]


def _insert(record: str, ended_by: str, ended_how: str) -> str:
    columns = RECORDS[record][0] + COMMON
    names = ", ".join(c[0] for c in columns)
    values = ", ".join(c[2] for c in columns)
    return f"INSERT INTO {record}_revision ({names}, ended_by, ended_how) VALUES ({values}, {ended_by}, '{ended_how}');"


def upgrade() -> None:
    """Create change and the revision tables, add change_id to the records, and the triggers that fill history."""
    op.create_table(
        "change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by", S64, nullable=False),
        sa.Column("via", sa.String(300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    sqlite = op.get_bind().dialect.name == "sqlite"
    for record, (columns, key) in RECORDS.items():
        op.add_column(record, sa.Column("change_id", sa.Integer(), nullable=True))
        op.create_index(f"ix_{record}_change_id", record, ["change_id"])
        op.create_table(
            f"{record}_revision",
            sa.Column("id", sa.Integer(), nullable=False),
            *[sa.Column(name, type_, nullable=True) for name, type_, _sql in columns + COMMON],
            sa.Column("ended_by", sa.Integer(), nullable=True),
            sa.Column("ended_how", sa.String(8), nullable=False),
            sa.PrimaryKeyConstraint("id"),
        )
        op.create_index(f"ix_{record}_revision_key", f"{record}_revision", key)
        op.create_index(f"ix_{record}_revision_change_id", f"{record}_revision", ["change_id"])
        op.create_index(f"ix_{record}_revision_ended_by", f"{record}_revision", ["ended_by"])
        if sqlite:
            current = "(SELECT MAX(id) FROM change)"
            op.execute(
                f"CREATE TRIGGER {record}_revision_update BEFORE UPDATE ON {record} FOR EACH ROW "
                f"WHEN OLD.change_id IS NOT NEW.change_id BEGIN {_insert(record, current, 'update')} END"
            )
            op.execute(
                f"CREATE TRIGGER {record}_revision_delete BEFORE DELETE ON {record} FOR EACH ROW "
                f"BEGIN {_insert(record, current, 'delete')} END"
            )
        else:
            current = "NULLIF(current_setting('mfa.change_id', true), '')::integer"
            op.execute(
                f"CREATE FUNCTION {record}_revision() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"IF TG_OP = 'DELETE' THEN {_insert(record, current, 'delete')} RETURN OLD; END IF; "
                f"IF OLD.change_id IS DISTINCT FROM NEW.change_id THEN {_insert(record, current, 'update')} END IF; "
                "RETURN NEW; END $$"
            )
            op.execute(
                f"CREATE TRIGGER {record}_revision BEFORE UPDATE OR DELETE ON {record} "
                f"FOR EACH ROW EXECUTE FUNCTION {record}_revision()"
            )


def downgrade() -> None:
    """Drop history (the revisions are lost)."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    for record in RECORDS:
        if sqlite:
            op.execute(f"DROP TRIGGER IF EXISTS {record}_revision_update")
            op.execute(f"DROP TRIGGER IF EXISTS {record}_revision_delete")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {record}_revision ON {record}")
            op.execute(f"DROP FUNCTION IF EXISTS {record}_revision()")
        op.drop_table(f"{record}_revision")
        op.drop_index(f"ix_{record}_change_id", table_name=record)
        with op.batch_alter_table(record, schema=None) as batch_op:
            batch_op.drop_column("change_id")
    op.drop_table("change")
