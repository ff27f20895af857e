"""The nightly run of one drop: ingest, transform, check, report, publish.

Each stage is a function of the :class:`RunContext`. A run holds the locks of
its output folder and of its warehouse, writes only into its own run folder
and into a new warehouse file (``warehouse_build.py``), and when every stage
passed commits in this order:

1. the run's row goes into ``audit.runs`` of the new warehouse;
2. the new warehouse replaces the old one (one ``rename``: the commit point);
3. ``<out>`` is pointed at the run folder (one ``rename``, ``publish.py``);
4. the run folder's manifest says ``published`` and the journal entry goes.

A ``kill -9`` before 2 leaves everything as it was (the next run records the
run as interrupted); after 2 the next run finishes 3 and 4
(``recovery.py``). A stage that fails raises :class:`PipelineError`; the run
records why in its folder's manifest and in the journal, and the previous
publication and warehouse stay.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol

from pipelines import manifest as manifest_mod
from pipelines import run_journal
from pipelines.contract import LOAD_ORDER
from pipelines.errors import InternalError, PipelineError
from pipelines.failpoints import failpoint
from pipelines.inbox import Drop, fingerprint, resolve_drop
from pipelines.ingest.loader import SourceLoad, load_drop
from pipelines.locks import held
from pipelines.permissions import owner_only, restrict_tree
from pipelines.publish import check_out_folder, publish, runs_root, start_run_dir
from pipelines.warehouse import connect

PROJECT_DIR = Path(__file__).resolve().parent.parent
#: Published run folders kept per output (``--keep-runs``); older ones are pruned.
DEFAULT_KEEP_RUNS = 30


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
    extra: dict[str, Any] = field(default_factory=dict)
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    #: The warehouse the build replaces when the run passes (default: ``warehouse``).
    warehouse_target: Path | None = None
    #: The stage running now (or the last one reached).
    stage: str = "start"

    @property
    def as_of(self) -> date:
        return self.drop.as_of

    @property
    def target(self) -> Path:
        """The warehouse analysts read, which this run replaces when it passes."""
        return self.warehouse_target or self.warehouse


Stage = Callable[[RunContext], None]


def new_run_id(as_of: date) -> str:
    """A sortable, unique run id: UTC start time (to the millisecond), as-of date, random suffix.

    Sorting run ids sorts runs by start, even several in one second (retention relies on it).
    """
    now = datetime.now(UTC)
    millis = now.microsecond // 1000
    return f"{now:%Y%m%dT%H%M%S}{millis:03d}Z-{as_of.isoformat()}-{uuid.uuid4().hex[:6]}"


def default_warehouse(out: Path) -> Path:
    """``warehouse.duckdb`` beside the publication when ``--warehouse`` is not given."""
    return out.parent / "warehouse.duckdb"


def stage_ingest(ctx: RunContext) -> None:
    """Load every source file of the drop into the raw schema."""
    con = connect(ctx.warehouse)
    names = [name for name in LOAD_ORDER if name in ctx.drop.files]

    def loaded(source: str) -> None:
        ctx.reporter.step(f"{names.index(source) + 1} of {len(names)} loading {source}")
        failpoint("ingest.source")

    try:
        ctx.loads = load_drop(con, ctx.drop, ctx.run_id, on_source=loaded)
    finally:
        con.close()
    for load in ctx.loads:
        ctx.reporter.step(
            f"{load.source}: {load.rows_read} read, {load.rows_accepted} accepted, "
            f"{load.rows_quarantined} quarantined"
        )
    for name in ctx.drop.unknown_files:
        ctx.warnings.append(f"{ctx.drop.folder / name}: not a contract source, not read")


def default_stages() -> list[tuple[str, Stage]]:
    """The stages of a nightly run, in order."""
    from pipelines.quality.stages import check_marts_stage, check_sources_stage
    from pipelines.stages import transform_stage
    from reports.build import report_stage

    return [
        ("ingest", stage_ingest),
        ("check_sources", check_sources_stage),
        ("transform", transform_stage),
        ("check_marts", check_marts_stage),
        ("report", report_stage),
    ]


def _versions(ctx: RunContext) -> tuple[dict[str, Any], dict[str, Any]]:
    """Code and dependency versions, looked up once per run (the manifest is rewritten often)."""
    if "versions" not in ctx.extra:
        ctx.extra["versions"] = (manifest_mod.code_version(), manifest_mod.dependency_versions())
    versions: tuple[dict[str, Any], dict[str, Any]] = ctx.extra["versions"]
    return versions


def build_manifest(
    ctx: RunContext, status: str, error: str | None = None, exit_code: int | None = None
) -> dict[str, Any]:
    """The manifest's content as the run knows it now (contract section 5).

    Written when the run starts (status ``running``), at every stage, before
    it publishes (``publishing``) and when it ends (``published`` or
    ``failed``); the data-quality report shows the ``publishing`` one.
    """
    exported = {load.source for load in ctx.loads}
    code, dependencies = _versions(ctx)
    return {
        "run_id": ctx.run_id,
        "as_of": ctx.as_of.isoformat(),
        "status": status,
        "stage": ctx.stage,
        "error": error,
        "exit_code": exit_code,
        "started_at": ctx.started_at.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "code": code,
        "dependencies": dependencies,
        "drop": str(ctx.drop.folder),
        "mapping": ctx.drop.mapping.manifest_record() if ctx.drop.mapping else None,
        "warehouse": str(ctx.target),
        "sources": [load.manifest_record() for load in ctx.loads],
        # SHA-256 of every input file (and of the mapping): the next night's
        # drop with the same fingerprint is skipped
        "fingerprint": ctx.extra.get("source_files", {}),
        "sources_not_exported": sorted(set(LOAD_ORDER) - exported),
        "unknown_files": list(ctx.drop.unknown_files),
        "warnings": list(ctx.warnings),
        "checks": list(ctx.checks),
        "stage_seconds": {k: round(v, 3) for k, v in ctx.stage_seconds.items()},
        "outputs": dict(ctx.outputs),
    }


def run_record(
    ctx: RunContext, status: str, exit_code: int | None = None, error: str | None = None
) -> dict[str, Any]:
    """The run's row of ``audit.runs`` (and of its journal entry)."""
    finished = None if status == "running" else datetime.now(UTC)
    return {
        "run_id": ctx.run_id,
        "drop_folder": str(ctx.drop.folder),
        "as_of": ctx.as_of.isoformat(),
        "status": status,
        "stage": ctx.stage,
        "exit_code": exit_code,
        "error": error,
        "started_at": ctx.started_at.replace(tzinfo=None).isoformat(timespec="seconds"),
        "finished_at": finished.replace(tzinfo=None).isoformat(timespec="seconds")
        if finished
        else None,
        "duration_seconds": round((finished - ctx.started_at).total_seconds(), 3)
        if finished
        else None,
        "n_warnings": len(ctx.warnings),
        "warnings": list(ctx.warnings),
        "out": str(ctx.out),
        "run_dir": str(ctx.run_dir),
        "source_files": ctx.extra.get("source_files", {}),
        "pid": os.getpid(),
        "host": socket.gethostname(),
    }


def _write_manifest(ctx: RunContext, status: str, **kw: Any) -> None:
    manifest_mod.write_manifest(ctx.run_dir / "manifest.json", build_manifest(ctx, status, **kw))


@contextmanager
def site_locks(out: Path, warehouse: Path) -> Iterator[list[str]]:
    """Hold the output's and the warehouse's locks; yield the take-over notices.

    The output first, then the warehouse, always in that order. Either held
    by a live run raises :class:`~pipelines.errors.RunInProgress` at once.
    """
    with ExitStack() as stack:
        taken = [
            stack.enter_context(held(out, "output folder")),
            stack.enter_context(held(warehouse, "warehouse")),
        ]
        yield [lock.taken_over for lock in taken if lock.taken_over]


def run(
    inbox: Path,
    out: Path,
    warehouse: Path | None = None,
    as_of: date | None = None,
    reporter: Reporter | None = None,
    stages: list[tuple[str, Stage]] | None = None,
    keep_runs: int = DEFAULT_KEEP_RUNS,
    mapping: Path | None = None,
) -> RunContext:
    """Run every stage on the drop in ``inbox``; publish into ``out`` on success.

    ``mapping`` is the mapping file to read the drop with (default: the
    inbox's ``mentorship.yaml``, else the canonical contract). Takes the
    locks, then :func:`run_drop`. Raises :class:`PipelineError` (after
    recording the failure in the run folder and the journal) when the run
    did not publish.
    """
    from pipelines.mapping.config import resolve_mapping

    reporter = reporter or PlainReporter()
    out = Path(out)
    warehouse = Path(warehouse) if warehouse else default_warehouse(out)
    drop = resolve_drop(Path(inbox), as_of, mapping=resolve_mapping(Path(inbox), mapping))
    with owner_only(), site_locks(out, warehouse) as notices:
        return run_drop(drop, out, warehouse, reporter, stages, keep_runs, notices)


def run_drop(
    drop: Drop,
    out: Path,
    warehouse: Path,
    reporter: Reporter,
    stages: list[tuple[str, Stage]] | None = None,
    keep_runs: int = DEFAULT_KEEP_RUNS,
    notices: list[str] | None = None,
) -> RunContext:
    """Run one drop; the caller holds :func:`site_locks` (see the module doc)."""
    from pipelines.recovery import recover
    from pipelines.retention import prune_run_folders
    from pipelines.warehouse_build import Build, build_folder_prefix, commit, discard, start_build

    check_out_folder(out)
    notices = list(notices or []) + recover(out, warehouse)
    run_id = new_run_id(drop.as_of)
    build_path = warehouse.parent / f"{build_folder_prefix(warehouse)}{run_id}" / warehouse.name
    ctx = RunContext(
        run_id=run_id,
        drop=drop,
        warehouse=build_path,
        warehouse_target=warehouse,
        out=out,
        run_dir=runs_root(out) / run_id,  # created with its manifest just below
        reporter=reporter,
    )
    ctx.outputs["run_log"] = "run.log"
    start_run_dir(out, run_id, build_manifest(ctx, "running"))
    run_journal.write_entry(warehouse, run_record(ctx, "running"))
    logged = LoggingReporter(reporter, ctx.run_dir / "run.log")
    ctx.reporter = logged
    build: Build | None = None
    try:
        for notice in notices:
            ctx.warnings.append(notice)
            logged.warn(notice)
        logged.step(f"run {run_id}: drop {drop.folder}, as of {drop.as_of}")
        ctx.extra["source_files"] = fingerprint(drop)
        build = start_build(warehouse, run_id)
        _run_stages(ctx, stages if stages is not None else default_stages())
        _commit(ctx, build, commit)
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            _record_failure(ctx, build, "interrupted", f"interrupted ({type(exc).__name__})", None)
            raise
        error = _failure(ctx, exc)
        _record_failure(ctx, build, "failed", str(error), int(error.exit_code))
        if build is not None:
            discard(build)
        logged.record("FAIL", f"nothing published: {error}")
        raise error from (None if error is exc else exc)
    finally:
        logged.close()
    pruned = prune_run_folders(out, keep_runs)
    if pruned:
        reporter.step(f"retention: removed {len(pruned)} run folder(s) beyond the last {keep_runs}")
    return ctx


def _run_stages(ctx: RunContext, stages: list[tuple[str, Stage]]) -> None:
    """Run the stages in order; each raises to stop the run."""
    for name, stage in stages:
        ctx.stage = name
        _write_manifest(ctx, "running")
        failpoint(f"stage.{name}")
        ctx.reporter.stage(name)
        t0 = time.perf_counter()
        stage(ctx)
        ctx.stage_seconds[name] = time.perf_counter() - t0


def _commit(ctx: RunContext, build: Any, commit: Callable[[Any], None]) -> None:
    """Record, swap the warehouse in, publish, finish the manifest (the module doc's 1-4)."""
    import duckdb

    from pipelines.run_audit import store_run

    ctx.stage = "publish"
    restrict_tree(ctx.run_dir)
    _write_manifest(ctx, "publishing")
    con = duckdb.connect(str(build.path))
    try:
        store_run(con, run_record(ctx, "published", exit_code=0))
    finally:
        con.close()
    failpoint("publish.before_swap")
    commit(build)
    failpoint("publish.warehouse_swapped")
    publish(ctx.out, ctx.run_dir)
    failpoint("publish.renamed")
    _write_manifest(ctx, "published", exit_code=0)
    run_journal.remove_entries(ctx.target, build.carried | {ctx.run_id})
    ctx.reporter.step(f"published {ctx.out} -> {ctx.run_dir}")


def _failure(ctx: RunContext, exc: BaseException) -> PipelineError:
    """The one-line error the run stops with; a bug's traceback goes to ``error.log``."""
    if isinstance(exc, PipelineError):
        return exc
    (ctx.run_dir / "error.log").write_text(traceback.format_exc())
    return InternalError(
        f"internal error in run {ctx.run_id}: {type(exc).__name__}: {exc} "
        f"(traceback in {ctx.run_dir / 'error.log'})"
    )


def _record_failure(
    ctx: RunContext, build: Any, status: str, error: str, exit_code: int | None
) -> None:
    """Say why in the manifest and the journal, with the run's check results."""
    import duckdb

    _write_manifest(ctx, status, error=error, exit_code=exit_code)
    restrict_tree(ctx.run_dir)
    if build is not None and build.path.exists():
        try:
            con = duckdb.connect(str(build.path))
            try:
                run_journal.export_audit_rows(con, ctx.target, ctx.run_id)
            finally:
                con.close()
        except duckdb.Error as exc:  # the manifest and results.json still say everything
            ctx.warnings.append(f"check results not kept for the audit history: {exc}")
    run_journal.write_entry(ctx.target, run_record(ctx, status, exit_code, error))
