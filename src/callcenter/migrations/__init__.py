"""Alembic migrations, shipped inside the package so that the installed command can upgrade any database."""
