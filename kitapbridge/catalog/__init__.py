"""The union catalog store.

SQLAlchemy models, Alembic migrations, ingest, holdings, search and export.
"""
