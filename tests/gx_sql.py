"""Validate suites through GX's own SQL route on a DuckDB file (duckdb-engine).

The nightly run does not use this route (``pipelines/quality/sql_engine.py``
says why); the tests use it to hold the suites' SQL to GX's own substitution
of ``{batch}`` and our engine's outcomes to GX's.

Upstream, GX's SQL route fails on DuckDB: ``SqlAlchemyExecutionEngine.execute_query``
returns the cursor result after its ``with`` block has closed the connection,
and duckdb-engine's cursor cannot be read after that. :func:`buffered_results`
replaces it, for the duration of a validation only, with one that reads the
rows (into a buffered, frozen result) while the connection is open.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

from pipelines.quality.suites import Suite


@contextmanager
def buffered_results() -> Iterator[None]:
    """GX's SQL execution engine, reading each result before its connection closes."""
    from great_expectations.execution_engine import SqlAlchemyExecutionEngine

    def execute_query(self: SqlAlchemyExecutionEngine, query: Any) -> Any:
        with self.get_connection() as connection:
            result = self._execute_query_with_recovery(connection, query)
            # A FrozenResult, called, is a fresh Result over rows already fetched.
            return result.freeze()() if result.returns_rows else result

    with mock.patch.object(SqlAlchemyExecutionEngine, "execute_query", execute_query):
        yield


def validate_with_gx_sql(
    database: Path, suites: list[Suite], result_format: str = "SUMMARY"
) -> dict[str, list[dict[str, Any]]]:
    """Validate each suite's table in ``database`` with GX's SQL execution engine.

    Returns, per suite name, one dict per expectation in suite order:
    ``success``, GX's ``result`` (in ``result_format``) and ``exception`` (GX's
    message when a metric could not be computed, else None).
    The file must not be open elsewhere in the process, and GX may keep it
    open afterwards (DuckDB then refuses our own connection to it): to change
    the data and validate again, work on a copy.
    """
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
    )

    context = gx.get_context(
        mode="ephemeral",
        project_config=DataContextConfig(
            store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
            analytics_enabled=False,
        ),
    )
    datasource = context.data_sources.add_sql(
        "warehouse", connection_string=f"duckdb:///{database}"
    )
    outcomes: dict[str, list[dict[str, Any]]] = {}
    try:
        with buffered_results(), warnings.catch_warnings():
            # Suites check tables in several schemas (raw, main) of one datasource.
            warnings.filterwarnings("ignore", "`schema_name` is deprecated", DeprecationWarning)
            # duckdb-engine's reflection names no SQLAlchemy type for DuckDB lists.
            warnings.filterwarnings("ignore", "Did not recognize type 'list'")
            for suite in suites:
                schema, _, table = suite.table.rpartition(".")
                asset = datasource.add_table_asset(
                    suite.name, table_name=table, schema_name=schema or None
                )
                batch = asset.add_batch_definition_whole_table("whole table").get_batch()
                gx_suite = context.suites.add(
                    gx.ExpectationSuite(
                        name=suite.name,
                        expectations=[c.to_gx().to_domain_obj() for c in suite.expectations],
                    )
                )
                result = batch.validate(gx_suite, result_format=result_format)
                # GX may reorder results; match them back to the suite's order by id.
                by_id = {r.expectation_config.id: r for r in result.results if r.expectation_config}
                outcomes[suite.name] = [
                    {
                        "success": by_id[e.id].success,
                        "result": dict(by_id[e.id].result),
                        "exception": _exception(by_id[e.id].exception_info),
                    }
                    for e in gx_suite.expectations
                ]
    finally:
        datasource.get_execution_engine().engine.dispose()
    return outcomes


def _exception(info: Any) -> str | None:
    """GX's exception message(s), whichever of its two shapes ``exception_info`` has."""
    if not info:
        return None
    entries = info.values() if "raised_exception" not in info else [info]
    messages = [
        str(e.get("exception_message"))
        for e in entries
        if isinstance(e, dict) and e.get("raised_exception")
    ]
    return "; ".join(messages) or None
