"""The union catalog store: schools, import runs, source records, holdings, term index.

Every function here takes a ``Session`` and neither opens nor commits one; the
caller owns the unit of work. The one deliberate exception is ``ingest.ingest``,
which commits once per batch so that an import survives being killed.

=================  =============================================================
``store``          ``open_store(settings) -> sessionmaker``, ``make_engine(url)``
                   (SQLite: WAL, foreign keys), ``migrate(engine)`` (Alembic,
                   what ``kitapbridge init-db`` runs), ``close_store``
``models``         the tables (typed SQLAlchemy 2.0 models)
``schools``        ``ensure_school``, ``issue_school_token``, ``school_for_token``
``ingest``         ``start_run(session, school, system, started_by=…)`` then
                   ``ingest(sessions, run_id, pairs, batch_size=…)``: idempotent,
                   incremental, resumable by run id
``prepare``        one conversion → ISO 2709, content hash, local id (derived
                   from the content when the record has none)
``indexing``       a MARC21 record → term-index entries and sort keys
``holdings``       copies follow their records; ``find_holding`` by barcode
``query``          the query model CQL/RPN translate into (``TermClause``,
                   ``RangeClause``, ``BooleanClause``, ``MatchAll``, ``Sort``)
``search``         ``search`` (keyset or offset pages), ``count``, ``scan``,
                   ``fetch_records``
``records``        ``find_record``, ``marc_of``, ``record_history``
``edits``          changes by a person, audited: ``edit_record``, ``update_holding``
``export``         ``stored_records`` → ``write_records`` (MARCXML, ISO 2709, JSONL)
``bulk``           set-at-a-time SQL: dialect upserts, COPY on PostgreSQL
=================  =============================================================
"""
