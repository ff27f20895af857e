"""The run's three self-contained HTML reports (and the leadership PDF).

- ``program_impact``: leadership. Published KPIs only, aggregates only.
- ``program_operations``: HR analysts. Matches at risk by id, funnel, tables.
- ``data_quality``: auditors. Manifest, row reconciliation, quarantine, checks.

``build.build_reports`` writes all of them from a warehouse, a run folder and
a manifest; ``build.report_stage`` is the same as a stage of the nightly run.
Only ``queries`` knows table names; every number shown comes from a mart (the
KPIs from ``kpi_summary``), formatted, never recomputed.
"""
