"""SRU 1.1 / 1.2 / 2.0 server for national harvesting and copy cataloguing.

Sans-I/O pipeline, one module per step (the split of Flask's ``sansio``):

- parse: ``request`` (per-version parameters, version negotiation, diagnostics),
  ``query_check`` (CQL → our indexes; ``kitapbridge.cql`` does the parsing);
- run: ``catalog_search`` (checked CQL → ``kitapbridge.catalog.query``),
  ``service`` (one page routine, scan, facets), ``catalogs`` (the union and school
  databases: hit lists, counts, keyset pages, records), ``result_sets`` (hit lists,
  counts and keyset cursors per result set), ``rendered_records`` (an LRU of records
  rendered per version and schema);
- render: ``response`` (searchRetrieve / explain / scan XML per version),
  ``explain`` (ZeeRex), ``record_schemas`` with ``marcxml``, ``dublin_core``, ``mods``;
- HTTP: ``blueprint`` (``/sru`` and ``/sru/<ISIL>``, GET and POST).

Every protocol error is an ``diagnostics.SRUDiagnostic``. Decisions where the
standard leaves a choice, and where we differ from Zebra/YAZ on purpose:

- no ``version`` → SRU 2.0; a bare base URL → explain; unknown non-``x-``
  parameter → diagnostic 8; ``maximumRecords`` over ``Settings.sru_maximum_records``
  → diagnostic 6 (never silently more, never silently fewer);
- CQL is parsed strictly (CQL 1.2): YAZ's free-form multi-word clauses (``a b``)
  are syntax errors (10), and ``title = ("x")`` too; see ``tests/cql``;
- only what the index can evaluate is accepted: right truncation of a word
  (``физ*``); ``?``, left or inner masks → 28; ``^`` → 31; ``respectCase`` on
  codes, dates, notes or types → 20; ``prox`` other than two words of one word
  index → 39 (units other than word 42, distance relation/value 40/41); more than
  four sort keys → 84; never a silent zero-hit answer;
- ``scan`` is served by the union database only (its counts are union-wide);
- result sets live in Redis when ``redis_url`` is set (``result_sets_redis``), so
  ``resultSetId``, ``cql.resultSetId = id`` and the keyset cursors of a result work
  on every gunicorn worker; without Redis they live in the one process;
- a result of at most 100,000 hits keeps its hit list, so any page is a slice;
  larger ones start deep pages from checkpoint cursors (every 500 records) of the
  numbered result, so ``startRecord`` 90,000 costs about what page 1 costs;
  the catalog's last change is part of a result set's key, so a repeated query
  after an import, an edit or a dedup run is run again;
- Explain is built once per process and request shape, with ETag/Last-Modified (304).
"""
