"""Alembic migrations of the fleet history store (run by `hvaudit.fleet.store.open_store`)."""
