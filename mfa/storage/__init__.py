"""The database: schema and migrations, engines, and the only SQL (reads, writes, history, accounts, sessions,
snapshots, backups)."""
