"""What a run carries from stage to stage, and where it tells its progress.

The lowest layer of the run: :class:`RunContext` (typed: every field a stage
reads or adds is declared here), the :class:`Reporter` protocol and its plain
and logging implementations, and the :data:`Stage` type. It imports nothing
of the run, the stages or the reports (``make lint`` checks the layers).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import duckdb

from pipelines.inbox import Drop
from pipelines.ingest.loader import SourceLoad

if TYPE_CHECKING:  # types only: the context does not depend on the stages that fill it
    from pipelines.quality.drift import Baseline
    from pipelines.quality.results import CheckResult
    from pipelines.transform.results import DbtResult


class Reporter(Protocol):
    """Where a run tells its progress (the CLI shows it with rich)."""

    def stage(self, name: str) -> None: ...
    def step(self, message: str) -> None: ...
    def warn(self, message: str) -> None: ...


class PlainReporter:
    """Progress as plain lines, for tests and logs."""

    def __init__(self, write: Callable[[str], None] = print) -> None:
        self.write = write

    def stage(self, name: str) -> None:
        self.write(f"== {name}")

    def step(self, message: str) -> None:
        self.write(f"   {message}")

    def warn(self, message: str) -> None:
        self.write(f"   warning: {message}")


class LoggingReporter:
    """Passes progress on and keeps every line, timestamped, in the run's ``run.log``.

    The log is what an auditor reads later: every stage, every dbt node, every
    warning, whether or not anybody watched the terminal. dbt calls ``step``
    from its worker threads, so every method holds one lock: lines never
    interleave, and the reporter inside is never entered by two threads.
    """

    def __init__(self, inner: Reporter, log_path: Path) -> None:
        self.inner = inner
        self.log = log_path.open("a", encoding="utf-8")
        self._lock = threading.RLock()

    def record(self, kind: str, message: str) -> None:
        """Append one timestamped line to the log only."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._lock:
            if not self.log.closed:
                self.log.write(f"{now} {kind:<5} {message}\n")
                self.log.flush()

    def stage(self, name: str) -> None:
        with self._lock:
            self.record("STAGE", name)
            self.inner.stage(name)

    def step(self, message: str) -> None:
        with self._lock:
            self.record("STEP", message)
            self.inner.step(message)

    def warn(self, message: str) -> None:
        with self._lock:
            self.record("WARN", message)
            self.inner.warn(message)

    def close(self) -> None:
        with self._lock:
            self.log.close()


_CURSOR_LOCK = threading.Lock()

#: DuckDB's threads in the run's connection (see ``RunContext.connection``).
RUN_DUCKDB_THREADS = 1

#: WAL size at which DuckDB checkpoints by itself (its default is 16 MB): high,
#: so that the run's writes are checkpointed once, when it closes the connection.
RUN_CHECKPOINT_THRESHOLD = "8GB"


@dataclass
class RunContext:
    """Everything one run knows; stages read and add to it."""

    run_id: str
    drop: Drop
    #: The warehouse file the stages read and write: the run's new build.
    warehouse: Path
    out: Path
    run_dir: Path
    reporter: Reporter
    loads: list[SourceLoad] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    checks: list[dict[str, Any]] = field(default_factory=list)
    stage_seconds: dict[str, float] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    #: The warehouse the build replaces when the run passes (default: ``warehouse``).
    warehouse_target: Path | None = None
    #: Where dbt builds the models (``--target``: duckdb, postgres, spark; pipelines/targets).
    dbt_target: str = "duckdb"
    #: ``--dbt-build``: run dbt even when the compiled plan of the unchanged project is kept.
    force_dbt_build: bool = False
    #: The stage running now (or the last one reached).
    stage: str = "start"
    #: SHA-256 of every input file (and of the mapping), keyed by file name.
    source_files: dict[str, str] = field(default_factory=dict)
    #: Code and dependency versions, looked up once (the manifest is rewritten often).
    versions: tuple[dict[str, Any], dict[str, Any]] | None = None
    #: dbt's per-node results of the transform stage (the quality stage reads its tests).
    dbt_result: DbtResult | None = None
    #: The previous publication the drift checks compare with, once loaded.
    baseline: Baseline | None = None
    baseline_loaded: bool = False
    #: Every check result of the run so far, and the figures they were judged on.
    check_results: list[CheckResult] = field(default_factory=list)
    quality_metrics: dict[str, Any] = field(default_factory=dict)
    #: Which sources each KPI row was computed from (``audit.kpi_sources``).
    kpi_sources: dict[str, Any] = field(default_factory=dict)
    #: ``time.perf_counter()`` when the first stage started (for ``up_to_kpis_json``).
    stages_started: float | None = None
    #: What a stage prepared while the stage before it ran (``PREPARED_BY`` in
    #: pipelines/stages): each has a ``close()`` the run calls when it ends.
    prepared: dict[str, Any] = field(default_factory=dict)
    #: Stages running in threads beside the run (``join()``): the connection
    #: is closed only once they are done with it.
    background: list[Any] = field(default_factory=list)
    #: The run's one connection to its warehouse build (``connection()``).
    _connection: duckdb.DuckDBPyConnection | None = field(default=None, repr=False, compare=False)
    #: The thread that opened it; other threads get cursors of it (``_cursors``).
    _owner: int | None = field(default=None, repr=False, compare=False)
    _cursors: dict[int, duckdb.DuckDBPyConnection] = field(
        default_factory=dict, repr=False, compare=False
    )

    def connection(self) -> duckdb.DuckDBPyConnection:
        """The run's connection to its build, opened on first use and shared by the stages.

        One connection for the whole run: the stages' writes are checkpointed
        once, when the run closes it (``close_connection``) before the commit,
        instead of once per stage. A stage running in another thread (the
        source checks beside the mart checks) gets its own cursor of it: a DuckDB
        connection serves one thread at a time.
        """
        if self._connection is not None and threading.get_ident() != self._owner:
            with _CURSOR_LOCK:
                cursor = self._cursors.get(threading.get_ident())
                if cursor is None:
                    cursor = self._cursors[threading.get_ident()] = self._connection.cursor()
            return cursor
        if self._connection is None:
            from pipelines.warehouse import connect

            con = connect(self.warehouse)
            con.execute(f"set checkpoint_threshold = '{RUN_CHECKPOINT_THRESHOLD}'")
            # The stages run their statements two at a time (sources, dbt's
            # nodes, suites): one DuckDB thread each fills the 2 cores, where
            # two each overcommitted them (25% slower at 100,000 employees).
            con.execute(f"set threads = {RUN_DUCKDB_THREADS}")
            self._connection = con
            self._owner = threading.get_ident()
        return self._connection

    def close_prepared(self) -> None:
        """Release what stages prepared and did not use (a run that stopped before them)."""
        for thing in self.prepared.values():
            thing.close()
        self.prepared.clear()

    def close_connection(self) -> None:
        """Close (and so checkpoint) the run's connection, if open, once background stages end."""
        for stage in self.background:
            stage.join()
        if self._connection is not None:
            for cursor in self._cursors.values():
                cursor.close()
            self._cursors.clear()
            con, self._connection = self._connection, None
            con.close()

    @property
    def as_of(self) -> date:
        return self.drop.as_of

    @property
    def target(self) -> Path:
        """The warehouse analysts read, which this run replaces when it passes."""
        return self.warehouse_target or self.warehouse


Stage = Callable[[RunContext], None]
