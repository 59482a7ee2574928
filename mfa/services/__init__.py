"""What the CLI and the app ask and write: one write path (validate -> authorize -> history -> store), the
questions they answer, users, history and backups. Delivery calls these and never the storage beneath them."""
