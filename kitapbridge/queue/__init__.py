"""Job definitions (import, dedup, reindex, export) and their runners: RQ on Redis, or inline."""
