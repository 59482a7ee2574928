"""Flow references checked once per statement, not once per row: a flow's facilities and material must exist, and
a facility or material that flows refer to cannot be deleted; the per-row foreign keys of the flow table go.

A million-row import spent two thirds of its time in PostgreSQL's per-row foreign-key checks (three a row). Now:
PostgreSQL checks every statement's new and changed flows at once (a trigger over the statement's transition table)
and locks the facilities and materials they name, so a concurrent delete waits and then sees them; SQLite, whose
foreign keys only held for connections that switch them on and whose writers hold the whole database, relies on
the one write path (which takes facility and material ids from the database in the same transaction) and on the
same delete guards. On both, deleting a facility or material that flows name is refused.

Revision ID: 0011
Revises: 0009

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S64, TEXT, FLOAT, INT = sa.String(64), sa.Text(), sa.Float(), sa.Integer()
COLUMNS = [
    "id", "period", "year", "month", "source_id", "target_id", "material_id", "quantity_t", "value", "unit",
    "uncertainty", "data_quality", "note", "reference", "updated_at", "version", "updated_by", "change_id", "side",
]  # fmt: skip
GUARDS = {
    "facility": ("flow WHERE source_id = OLD.id OR target_id = OLD.id", "a facility that flows name"),
    "material": ("flow WHERE material_id = OLD.id", "a material that flows name"),
}
"""The records that flows name: a delete is refused while a flow names them."""


def _flow_table(name: str) -> None:
    """The flow table of 0008 without the foreign keys of its facilities and material."""
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
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("period", "source_id", "target_id", "material_id", "side", name="flow_key"),
    )


def _rebuild_sqlite() -> None:
    """SQLite cannot drop a foreign key: the table is made anew, with its triggers set aside and made again and
    the reconciled values (which refer to it) kept aside meanwhile."""
    bind = op.get_bind()
    triggers = bind.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'flow'"
    ).all()
    for trigger, _sql in triggers:
        op.execute(f"DROP TRIGGER {trigger}")
    op.execute("CREATE TEMP TABLE reconciled_kept AS SELECT * FROM reconciled")
    op.drop_table("reconciled")
    _flow_table("flow_checked")
    columns = ", ".join(COLUMNS)
    op.execute(f"INSERT INTO flow_checked ({columns}) SELECT {columns} FROM flow")
    op.drop_index("ix_flow_change_id", table_name="flow")
    op.drop_table("flow")
    op.rename_table("flow_checked", "flow")
    op.create_index("ix_flow_change_id", "flow", ["change_id"])
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
    op.execute("INSERT INTO reconciled SELECT * FROM reconciled_kept")
    op.execute("DROP TABLE reconciled_kept")
    for _trigger, sql in triggers:
        op.execute(sql)
    for table, (used, what) in GUARDS.items():
        op.execute(
            f"CREATE TRIGGER {table}_in_use BEFORE DELETE ON {table} FOR EACH ROW "
            f"WHEN EXISTS (SELECT 1 FROM {used}) BEGIN SELECT RAISE(ABORT, 'cannot delete {what}'); END"
        )


CHECK_POSTGRES = """
CREATE FUNCTION flow_references() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE missing integer;
BEGIN
  PERFORM 1 FROM facility f WHERE f.id IN (SELECT source_id FROM new_rows UNION SELECT target_id FROM new_rows)
    FOR KEY SHARE;
  PERFORM 1 FROM material m WHERE m.id IN (SELECT material_id FROM new_rows) FOR KEY SHARE;
  SELECT COUNT(*) INTO missing FROM new_rows n
   WHERE NOT EXISTS (SELECT 1 FROM facility f WHERE f.id = n.source_id)
      OR NOT EXISTS (SELECT 1 FROM facility f WHERE f.id = n.target_id)
      OR NOT EXISTS (SELECT 1 FROM material m WHERE m.id = n.material_id);
  IF missing > 0 THEN
    RAISE EXCEPTION 'flow names a facility or material that does not exist (% rows)', missing
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$
"""


def upgrade() -> None:
    """Drop the flow table's per-row foreign keys; check its references per statement; guard deletes."""
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_sqlite()
        return
    for column in ("source_id", "target_id", "material_id"):
        op.drop_constraint(f"flow_{column}_fkey", "flow", type_="foreignkey")
    op.execute(CHECK_POSTGRES)
    for event in ("INSERT", "UPDATE"):
        op.execute(
            f"CREATE TRIGGER flow_references_{event.lower()} AFTER {event} ON flow "
            "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION flow_references()"
        )
    for table, (used, what) in GUARDS.items():
        op.execute(
            f"CREATE FUNCTION {table}_in_use() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF EXISTS (SELECT 1 FROM {used}) THEN RAISE EXCEPTION 'cannot delete {what}' "
            "USING ERRCODE = 'foreign_key_violation'; END IF; RETURN OLD; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {table}_in_use BEFORE DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION {table}_in_use()"
        )


def downgrade() -> None:
    """Not supported (restore a backup made before it)."""
    raise NotImplementedError("mfa 0011 (flow references) cannot be downgraded; restore a backup made before it")
