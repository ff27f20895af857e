"""Data quality and audit trail: Great Expectations suites checked inside DuckDB.

The suites are GX ExpectationSuite JSON files under ``expectations/`` (reviewed
like code). Each suite is evaluated as SQL pushed into the warehouse (one query
per suite, :mod:`pipelines.quality.sql_engine`), and the outcome is turned into
real GX validation results, so GX renders the Data Docs
(:mod:`pipelines.quality.data_docs`) while the data never leaves DuckDB.

The run's quality stages (``pipelines/stages/``) use them:

- :func:`pipelines.stages.check_sources_stage` after ingestion: the
  contract suites of every raw table, load reconciliation, volume drift.
- :func:`pipelines.stages.check_marts_stage` after dbt: the mart suites,
  staging reconciliation, headcount and KPI drift, dbt's own test results.

Every result is stored in ``audit.check_results`` (kept across runs), written
to ``quality/results.json`` in the run folder and appended to the manifest's
``checks``. A failed ``critical`` check stops the run; a failed ``warning``
check is published and shown in every report.
"""
