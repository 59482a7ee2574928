"""Declarations: a flow row is one party's declaration of a hand-over, `side` = sender or receiver; the key holds
the side, so the sender's and the receiver's figures of one hand-over are kept apart.

Existing flows get the side their writer would declare today: a park manager's (by `updated_by`) the side of their
own park (sender when the source lies in one of their parks, else receiver when the target does); anyone else's the
sender's, except flows from a boundary facility (outside the province), which are the receiver's. Their revisions
get the same rule, so every history continues. Nothing else changes, and the registry version is renewed so that
no snapshot made before (without hand-over statuses) is read again.

Revision ID: 0008
Revises: 0007

"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S64, TEXT, FLOAT, INT = sa.String(64), sa.Text(), sa.Float(), sa.Integer()


def _side_rule(table: str, by_code: bool) -> str:
    """The side of the rows of `table` as SQL (flow: facilities by id; flow_revision: by code)."""

    def manager_of(end: str) -> str:
        match = f"e.code = {table}.{end}" if by_code else f"e.id = {table}.{end}_id"
        return (
            'EXISTS (SELECT 1 FROM "user" u JOIN user_park up ON up.user_id = u.id '
            "JOIN facility e ON e.park_id = up.park_id WHERE u.role = 'park_manager' "
            f"AND u.name = {table}.updated_by AND {match})"
        )

    where = f"code = {table}.source" if by_code else f"id = {table}.source_id"
    return (
        f"CASE WHEN {manager_of('source')} THEN 'sender' WHEN {manager_of('target')} THEN 'receiver' "
        f"WHEN (SELECT kind FROM facility WHERE {where}) = 'boundary' THEN 'receiver' ELSE 'sender' END"
    )


def _code(table: str, column: str) -> str:
    return f"(SELECT code FROM {table} WHERE id = OLD.{column})"


FLOW_REVISION = [
    ("period", "OLD.period"),
    ("source", _code("facility", "source_id")),
    ("target", _code("facility", "target_id")),
    ("material", _code("material", "material_id")),
    ("quantity_t", "OLD.quantity_t"),
    ("value", "OLD.value"),
    ("unit", "OLD.unit"),
    ("uncertainty", "OLD.uncertainty"),
    ("data_quality", "OLD.data_quality"),
    ("note", "OLD.note"),
    ("reference", "OLD.reference"),
    ("side", "OLD.side"),
    ("record_id", "OLD.id"),
    ("version", "OLD.version"),
    ("updated_at", "OLD.updated_at"),
    ("updated_by", "OLD.updated_by"),
    ("change_id", "OLD.change_id"),
]
"""What the history triggers copy of a flow (as in 0006, with its side)."""


def _insert(ended_by: str, ended_how: str) -> str:
    names = ", ".join(c for c, _ in FLOW_REVISION)
    values = ", ".join(v for _, v in FLOW_REVISION)
    return f"INSERT INTO flow_revision ({names}, ended_by, ended_how) VALUES ({values}, {ended_by}, '{ended_how}');"


def _triggers(sqlite: bool) -> None:
    if sqlite:
        current = "(SELECT MAX(id) FROM change)"
        op.execute(
            "CREATE TRIGGER flow_revision_update BEFORE UPDATE ON flow FOR EACH ROW "
            f"WHEN OLD.change_id IS NOT NEW.change_id BEGIN {_insert(current, 'update')} END"
        )
        op.execute(
            "CREATE TRIGGER flow_revision_delete BEFORE DELETE ON flow FOR EACH ROW "
            f"BEGIN {_insert(current, 'delete')} END"
        )
        return
    current = "NULLIF(current_setting('mfa.change_id', true), '')::integer"
    op.execute(
        "CREATE OR REPLACE FUNCTION flow_revision() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP = 'DELETE' THEN {_insert(current, 'delete')} RETURN OLD; END IF; "
        f"IF OLD.change_id IS DISTINCT FROM NEW.change_id THEN {_insert(current, 'update')} END IF; "
        "RETURN NEW; END $$"
    )


FLOW_COLUMNS = [
    "id",
    "period",
    "year",
    "month",
    "source_id",
    "target_id",
    "material_id",
    "quantity_t",
    "value",
    "unit",
    "uncertainty",
    "data_quality",
    "note",
    "reference",
    "updated_at",
    "version",
    "updated_by",
    "change_id",
]


def _flow_table(name: str) -> None:
    """The flow table with its side in the key (SQLite cannot change a table's constraints: it is made anew)."""
    op.create_table(
        name,
        sa.Column("id", INT, nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("year", INT, nullable=False),
        sa.Column("month", INT, nullable=True),
        sa.Column("source_id", INT, nullable=False),
        sa.Column("target_id", INT, nullable=False),
        sa.Column("material_id", INT, nullable=False),
        sa.Column("quantity_t", FLOAT, nullable=True),
        sa.Column("value", FLOAT, nullable=True),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("uncertainty", FLOAT, nullable=True),
        sa.Column("data_quality", sa.String(16), nullable=True),
        sa.Column("note", TEXT, nullable=True),
        sa.Column("reference", TEXT, nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", INT, nullable=False),
        sa.Column("updated_by", S64, nullable=True),
        sa.Column("change_id", INT, nullable=True),
        sa.Column("side", sa.String(8), nullable=False),
        sa.CheckConstraint("quantity_t > 0", name="flow_quantity_positive"),
        sa.CheckConstraint("source_id <> target_id", name="flow_not_to_itself"),
        sa.CheckConstraint("side IN ('sender', 'receiver')", name="flow_side"),
        sa.ForeignKeyConstraint(["material_id"], ["material.id"]),
        sa.ForeignKeyConstraint(["source_id"], ["facility.id"]),
        sa.ForeignKeyConstraint(["target_id"], ["facility.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("period", "source_id", "target_id", "material_id", "side", name="flow_key"),
    )


def _reconciled_table() -> None:
    op.create_table(
        "reconciled",
        sa.Column("flow_id", INT, nullable=False),
        sa.Column("flow_version", INT, nullable=False),
        sa.Column("reconciled_t", FLOAT, nullable=True),
        sa.Column("sigma_t", FLOAT, nullable=True),
        sa.Column("normalized_residual", FLOAT, nullable=True),
        sa.Column("flag", sa.String(32), nullable=False),
        sa.Column("run_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["flow_id"], ["flow.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("flow_id"),
    )


def upgrade() -> None:
    """Add the side to flows and their revisions, and to the flow key; the triggers copy it."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.add_column("flow_revision", sa.Column("side", sa.String(8), nullable=True))
    op.execute(f"UPDATE flow_revision SET side = {_side_rule('flow_revision', by_code=True)}")
    op.drop_index("ix_flow_revision_key", table_name="flow_revision")
    op.create_index("ix_flow_revision_key", "flow_revision", ["period", "source", "target", "material", "side"])
    if sqlite:
        # No trigger fires and no foreign key acts while the table is made anew: both are set aside first.
        op.execute("DROP TRIGGER IF EXISTS flow_revision_update")
        op.execute("DROP TRIGGER IF EXISTS flow_revision_delete")
        op.execute("CREATE TEMP TABLE reconciled_kept AS SELECT * FROM reconciled")
        op.drop_table("reconciled")
        _flow_table("flow_declared")
        columns = ", ".join(FLOW_COLUMNS)
        op.execute(
            f"INSERT INTO flow_declared ({columns}, side) SELECT {columns}, {_side_rule('flow', by_code=False)} "
            "FROM flow"
        )
        op.drop_index("ix_flow_change_id", table_name="flow")
        op.drop_table("flow")
        op.rename_table("flow_declared", "flow")
        op.create_index("ix_flow_change_id", "flow", ["change_id"])
        _reconciled_table()
        op.execute("INSERT INTO reconciled SELECT * FROM reconciled_kept")
        op.execute("DROP TABLE reconciled_kept")
    else:
        op.add_column("flow", sa.Column("side", sa.String(8), nullable=True))
        op.execute(f"UPDATE flow SET side = {_side_rule('flow', by_code=False)}")
        op.alter_column("flow", "side", nullable=False, existing_type=sa.String(8))
        op.drop_constraint("flow_key", "flow", type_="unique")
        op.create_unique_constraint("flow_key", "flow", ["period", "source_id", "target_id", "material_id", "side"])
        op.create_check_constraint("flow_side", "flow", "side IN ('sender', 'receiver')")
    _triggers(sqlite)
    renewed = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.String))
    op.execute(renewed.delete().where(renewed.c.key == "registry_version"))
    op.execute(renewed.insert().values(key="registry_version", value=uuid.uuid4().hex[:12]))


def downgrade() -> None:
    """Not supported: two declarations of one hand-over cannot go back into one row without losing one."""
    raise NotImplementedError("mfa 0008 (declarations) cannot be downgraded; restore a backup made before it")
