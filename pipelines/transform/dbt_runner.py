"""Run the dbt project in-process and report what every node did.

The pipeline calls :func:`build` once per run (models, data tests and unit
tests in one ``dbt build``) and :func:`docs` for the documentation site.
dbt's folders go into the run folder the caller passes, never into the
repository, so that concurrent runs and a read-only checkout work:

- ``<target_dir>/target``: the build's artifacts (manifest.json,
  run_results.json with every test's compiled SQL);
- ``<target_dir>/docs``: the docs site's artifacts (``docs generate`` writes its
  own run_results.json, which must not replace the build's);
- ``<target_dir>/logs``: dbt.log of both.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from dbt.adapters.duckdb.connections import DuckDBConnectionManager
from dbt.cli.main import dbtRunner

from pipelines.failpoints import failpoint
from pipelines.transform.results import DbtResult, NodeResult

_LOG = logging.getLogger(__name__)

#: The environment variable the repo's profile reads the warehouse path from.
WAREHOUSE_ENV_VAR = "MENTORSHIP_WAREHOUSE"

#: dbt events worth showing in the pipeline's progress (one line per node
#: finished, plus warnings, errors and the run summary); the START lines and
#: debug chatter are left out.
_PROGRESS_EVENTS = frozenset(
    {
        "LogModelResult",
        "LogTestResult",
        "LogNodeResult",
        "LogNodeNoOpResult",
        "LogSnapshotResult",
        "EndOfRunSummary",
        "RunResultError",
        "RunResultFailure",
        "RunResultWarning",
        "StatsLine",
        "FinishedRunningStats",
        "MainEncounteredError",
    }
)
#: The events of a node that finished (the crash tests kill a run at the n-th).
_NODE_FINISHED = frozenset(
    {"LogModelResult", "LogTestResult", "LogNodeResult", "LogSnapshotResult"}
)


@contextmanager
def _warehouse_env(warehouse: Path) -> Iterator[None]:
    """Point the profile at ``warehouse`` for the duration of one invocation.

    The profile reads the path from an environment variable so that the same
    profile serves ``dbt`` on the command line; restore it afterwards so that
    nothing leaks into the rest of the process.
    """
    previous = os.environ.get(WAREHOUSE_ENV_VAR)
    os.environ[WAREHOUSE_ENV_VAR] = str(Path(warehouse).resolve())
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(WAREHOUSE_ENV_VAR, None)
        else:
            os.environ[WAREHOUSE_ENV_VAR] = previous


def _event_logger(log: Callable[[str], None], errors: list[str]) -> Callable[[Any], None]:
    """dbt's event callback, safe by construction: it never raises into dbt.

    dbt calls it from its worker threads; an exception escaping it would make
    dbt mark the node being built (and everything downstream) as an error.
    Whatever goes wrong here (the progress display, a closed log) is caught,
    logged once per kind, counted in ``errors``, and the build goes on.
    """
    safe_log = _safe(log, errors)

    def callback(event: Any) -> None:
        try:
            info = event.info
            if info.name in _PROGRESS_EVENTS or info.level in {"warn", "error"}:
                message = (info.msg or "").strip()
                if message:
                    safe_log(message)
            if info.name in _NODE_FINISHED:
                failpoint("dbt.node")
        except Exception as exc:  # an event without the fields we read: never into dbt
            _record(errors, exc)

    return callback


_errors_lock = threading.Lock()


def _record(errors: list[str], exc: Exception) -> None:
    text = f"{type(exc).__name__}: {exc}"
    with _errors_lock:
        errors.append(text)
        first = len(errors) == 1
    if first:
        _LOG.warning("dbt progress callback failed (the build goes on): %s", text)


def _safe(log: Callable[[str], None], errors: list[str]) -> Callable[[str], None]:
    """``log`` that never raises: a failure is recorded in ``errors`` and logged once."""

    def safe_log(message: str) -> None:
        try:
            log(message)
        except Exception as exc:  # the display is not worth a failed night
            _record(errors, exc)

    return safe_log


def _node_results(result: Any) -> list[NodeResult]:
    """Per-node results of a RunExecutionResult (empty for other results)."""
    nodes: list[NodeResult] = []
    for run_result in getattr(result, "results", None) or []:
        node = run_result.node
        nodes.append(
            NodeResult(
                unique_id=node.unique_id,
                name=node.name,
                resource_type=str(node.resource_type),
                status=str(run_result.status),
                message=run_result.message,
                failures=run_result.failures,
                execution_time=float(run_result.execution_time or 0.0),
            )
        )
    return nodes


def _invoke(
    command: list[str],
    project_dir: Path,
    warehouse: Path,
    target_dir: Path,
    artifacts: str,
    log: Callable[[str], None],
    dbt_target: str = "duckdb",
) -> DbtResult:
    """Run one dbt command on ``dbt_target``; its artifacts go to ``target_dir/artifacts``."""
    project_dir = Path(project_dir).resolve()
    target_dir = Path(target_dir).resolve()
    target_dir.mkdir(parents=True, exist_ok=True)
    args = [
        *command,
        # dbt's own console output is off: progress reaches the caller
        # through the `log` callback only (the file log stays in target_dir)
        "--quiet",
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir / "profiles"),
        "--target-path",
        str(target_dir / artifacts),
        "--log-path",
        str(target_dir / "logs"),
        # the profile's default output is duckdb; any other is named
        *(["--target", dbt_target] if dbt_target != "duckdb" else []),
    ]
    callback_errors: list[str] = []
    runner = dbtRunner(callbacks=[_event_logger(log, callback_errors)])
    started = time.perf_counter()
    with _warehouse_env(warehouse):
        try:
            outcome = runner.invoke(args)
        finally:
            # dbt-duckdb keeps its DuckDB handle open in a class-level
            # environment: without this the warehouse file stays locked and
            # the next step (quality checks, reports) cannot open it.
            DuckDBConnectionManager.close_all_connections()
    elapsed = time.perf_counter() - started
    error = None if outcome.exception is None else str(outcome.exception)
    return DbtResult(
        command=command,
        success=bool(outcome.success),
        elapsed_seconds=elapsed,
        nodes=_node_results(outcome.result),
        error=error,
        callback_errors=callback_errors,
    )


def build(
    project_dir: Path,
    warehouse: Path,
    target_dir: Path,
    log: Callable[[str], None],
    unit_tests: bool = True,
    dbt_target: str = "duckdb",
) -> DbtResult:
    """Run ``dbt build`` (models, data tests and, unless told not to, unit tests).

    ``warehouse`` must hold the raw schema (see :mod:`pipelines.warehouse`),
    whose ``run_parameters`` say the as-of date;
    dbt writes its schemas beside it. On another ``dbt_target`` (a profile
    output: postgres, spark) the raw schema must be there already
    (:mod:`pipelines.targets`). Artifacts go to ``target_dir/target``,
    logs to ``target_dir/logs``. Returns one :class:`NodeResult` per node;
    ``success`` is False when any model, data test or unit test errored or
    failed.
    """
    command = ["build"] if unit_tests else ["build", "--exclude-resource-type", "unit_test"]
    result = _invoke(command, project_dir, warehouse, target_dir, "target", log, dbt_target)
    _safe(log, result.callback_errors)(result.summary())
    return result


def docs(
    project_dir: Path,
    warehouse: Path,
    target_dir: Path,
    log: Callable[[str], None],
    dbt_target: str = "duckdb",
) -> Path:
    """Generate the documentation site and return its self-contained HTML file.

    Runs ``dbt docs generate --static`` on a built warehouse (the catalog
    reads the built relations' columns); the result is
    ``target_dir/docs/static_index.html``, one file with the manifest and
    catalog inlined. The build's artifacts in ``target_dir/target`` are left
    as they are. Raises RuntimeError when dbt fails.
    """
    command = ["docs", "generate", "--static"]
    result = _invoke(command, project_dir, warehouse, target_dir, "docs", log, dbt_target)
    page = Path(target_dir).resolve() / "docs" / "static_index.html"
    if not result.success or not page.exists():
        raise RuntimeError(f"dbt docs generate failed: {result.error or 'no static_index.html'}")
    return page
