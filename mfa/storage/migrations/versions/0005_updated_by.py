"""Who last wrote each record (updated_by), for the "changed by X at T" of concurrent edits.

Revision ID: 0005
Revises: 0004

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("park", "facility", "material", "flow", "stock", "target", "reported", "user")


def upgrade() -> None:
    """Add updated_by to every editable table."""
    for table in TABLES:
        op.add_column(table, sa.Column("updated_by", sa.String(64), nullable=True))


def downgrade() -> None:
    """Drop updated_by."""
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("updated_by")
