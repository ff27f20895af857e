"""What the two quality stages share: evaluate suites, record the results, gate the run.

    ingest -> check_sources -> transform (dbt) -> check_marts -> report

Each quality stage evaluates its suites in the warehouse, stores every result in
``audit.check_results``, appends them to ``ctx.checks`` (the manifest),
rewrites ``quality/results.json`` in the run folder and, for failed warning
checks, adds a line to ``ctx.warnings`` (every report shows them). A failed
critical check raises :class:`PipelineError` naming it, after the results and
the GX Data Docs are written, so the failed run folder documents why it failed
and nothing new is published. A night that passes renders the Data Docs only
when ``expectations/checks.yml`` says ``data_docs: always``
(``mentorship data-docs`` renders any run's later).
"""

from __future__ import annotations

import queue
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import duckdb

from pipelines.context import RunContext
from pipelines.errors import PipelineError
from pipelines.quality.config import load_config
from pipelines.quality.drift import (
    TEMP_TABLE_PREFIX,
    Baseline,
    load_baseline,
)
from pipelines.quality.results import CheckResult, run_suite, write_results_json
from pipelines.quality.suites import Suite

RESULTS_FILE = Path("quality") / "results.json"
DATA_DOCS_DIR = Path("quality") / "data_docs"
#: How many failing checks the one-line error names before "and N more".
NAMED_IN_ERROR = 3


#: Suites evaluated at once, each in its own cursor (the machines have 2 cores;
#: a suite of a small table is one thread's work).
SUITE_THREADS = 2


def evaluate(con: duckdb.DuckDBPyConnection, suites: list[Suite], stage: str) -> list[CheckResult]:
    """Every suite's results, in the suites' order; suites run side by side.

    A suite of a connection-local table (``temp_table``: the drift checks'
    inputs, kpis.json's rows) runs in ``con`` itself, the others in cursors.
    """
    local = {suite.name for suite in suites if suite.table.startswith(TEMP_TABLE_PREFIX)}
    results = {s.name: run_suite(con, s, stage) for s in suites if s.name in local}
    shared = [suite for suite in suites if suite.name not in local]
    results |= dict(zip((s.name for s in shared), _side_by_side(con, shared, stage), strict=True))
    return [r for suite in suites for r in results[suite.name]]


def _side_by_side(
    con: duckdb.DuckDBPyConnection, suites: list[Suite], stage: str
) -> list[list[CheckResult]]:
    if len(suites) < 2:
        return [run_suite(con, suite, stage) for suite in suites]
    cursors = [con.cursor() for _ in range(SUITE_THREADS)]
    free: queue.SimpleQueue[duckdb.DuckDBPyConnection] = queue.SimpleQueue()
    for cursor in cursors:
        free.put(cursor)

    def one(suite: Suite) -> list[CheckResult]:
        cursor = free.get()
        try:
            return run_suite(cursor, suite, stage)
        finally:
            free.put(cursor)

    try:
        with ThreadPoolExecutor(max_workers=SUITE_THREADS) as pool:
            return list(pool.map(one, suites))
    finally:
        for cursor in cursors:
            cursor.close()


def baseline_of(ctx: RunContext) -> Baseline | None:
    """The previous publication, loaded once per run."""
    if not ctx.baseline_loaded:
        ctx.baseline = load_baseline(ctx.out)
        ctx.baseline_loaded = True
    return ctx.baseline


def conclude(
    ctx: RunContext, stage: str, results: list[CheckResult], metrics: dict[str, Any], final: bool
) -> None:
    """Record a stage's results everywhere; raise if a critical check failed.

    The ``final`` stage concludes after every stage running beside it (the
    source checks beside the mart checks), so the results file, and Data Docs,
    hold every result in stage order.
    """
    if final:
        for beside in list(ctx.background):
            beside.join()
    all_results = ctx.check_results
    all_results += results
    all_metrics = ctx.quality_metrics
    all_metrics.update(metrics)
    baseline = baseline_of(ctx)
    all_metrics["baseline_run_id"] = baseline.run_id if baseline else None
    ctx.checks.extend(r.manifest_entry() for r in results)

    failed = [r for r in results if r.failed]
    blocking = [r for r in failed if r.blocking]
    ctx.reporter.step(
        f"{stage}: {len(results)} checks, {len(results) - len(failed)} passed, "
        f"{len(failed) - len(blocking)} warnings, {len(blocking)} critical failures"
    )
    for r in failed:
        if not r.blocking:
            ctx.warnings.append(f"check failed (warning): {r.message()}")

    write_results_json(
        ctx.run_dir / RESULTS_FILE,
        ctx.run_id,
        ctx.as_of.isoformat(),
        all_results,
        all_metrics,
        ctx.kpi_sources,
    )
    ctx.outputs["quality_results"] = RESULTS_FILE.as_posix()
    if blocking or (final and load_config().data_docs == "always"):
        _data_docs(ctx, all_results)
    if blocking:
        named = "; ".join(r.message() for r in blocking[:NAMED_IN_ERROR])
        more = len(blocking) - NAMED_IN_ERROR
        tail = f"; and {more} more" if more > 0 else ""
        count = (
            "critical check failed"
            if len(blocking) == 1
            else f"{len(blocking)} critical checks failed"
        )
        raise PipelineError(f"{count}: {named}{tail} (all results: {ctx.run_dir / RESULTS_FILE})")


def _data_docs(ctx: RunContext, results: list[CheckResult]) -> None:
    """Build the Data Docs; a rendering problem is a warning, never a lost run."""
    from pipelines.quality.data_docs import build_data_docs

    try:
        build_data_docs(ctx.run_dir / DATA_DOCS_DIR, ctx.run_id, results)
    except Exception as exc:  # GX rendering is presentation: the results are already stored
        ctx.warnings.append(f"GX Data Docs were not built: {type(exc).__name__}: {exc}")
        return
    ctx.outputs["data_docs"] = (DATA_DOCS_DIR / "index.html").as_posix()
