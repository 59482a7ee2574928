"""Alembic environment: runs on the connection mfa hands over (see mfa.storage.engine.migrate)."""

from alembic import context
from sqlmodel import SQLModel

import mfa.storage.schema  # noqa: F401  (registers the tables on SQLModel.metadata)

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
context.run_migrations()
