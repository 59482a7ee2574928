"""Flows of unknown quantity (for reconciliation to estimate) and reconciled values kept beside reported ones.

Revision ID: 0003
Revises: 0002

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """quantity_t and value may be null; add the reconciled table."""
    with op.batch_alter_table("flow", schema=None) as batch_op:
        batch_op.alter_column("quantity_t", existing_type=sa.Float(), nullable=True)
        batch_op.alter_column("value", existing_type=sa.Float(), nullable=True)
    op.create_table(
        "reconciled",
        sa.Column("flow_id", sa.Integer(), nullable=False),
        sa.Column("flow_version", sa.Integer(), nullable=False),
        sa.Column("reconciled_t", sa.Float(), nullable=True),
        sa.Column("sigma_t", sa.Float(), nullable=True),
        sa.Column("normalized_residual", sa.Float(), nullable=True),
        sa.Column("flag", sa.String(32), nullable=False),
        sa.Column("run_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["flow_id"], ["flow.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("flow_id"),
    )


def downgrade() -> None:
    """Drop the reconciled table; flows of unknown quantity must be removed first."""
    op.drop_table("reconciled")
    with op.batch_alter_table("flow", schema=None) as batch_op:
        batch_op.alter_column("value", existing_type=sa.Float(), nullable=False)
        batch_op.alter_column("quantity_t", existing_type=sa.Float(), nullable=False)
