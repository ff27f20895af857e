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

import importlib
import logging
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from pipelines import manifest as manifest_mod
from pipelines import run_journal
from pipelines.context import LoggingReporter, PlainReporter, Reporter, RunContext, Stage
from pipelines.errors import InternalError, PipelineError
from pipelines.failpoints import failpoint
from pipelines.inbox import Drop, fingerprint, resolve_drop
from pipelines.locks import held
from pipelines.manifest import build_manifest
from pipelines.mapping.config import resolve_mapping
from pipelines.permissions import owner_only, restrict_tree
from pipelines.publish import check_out_folder, publish, runs_root, start_run_dir
from pipelines.recovery import recover
from pipelines.retention import prune_run_folders
from pipelines.run_audit import new_run_id, run_record, store_run
from pipelines.stages import BESIDE, PREPARED_BY, default_stages
from pipelines.stages.report import REPORT_MODULE
from pipelines.targets import check_target
from pipelines.warehouse_build import Build, build_folder_prefix, commit, discard, start_build

_LOG = logging.getLogger(__name__)

#: Published run folders kept per output (``--keep-runs``); older ones are pruned.
DEFAULT_KEEP_RUNS = 30


def default_warehouse(out: Path) -> Path:
    """``warehouse.duckdb`` beside the publication when ``--warehouse`` is not given."""
    return out.parent / "warehouse.duckdb"


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
    dbt_target: str = "duckdb",
    dbt_build: bool = False,
) -> RunContext:
    """Run every stage on the drop in ``inbox``; publish into ``out`` on success.

    ``mapping`` is the mapping file to read the drop with (default: the
    inbox's ``mentorship.yaml``, else the canonical contract). Takes the
    locks, then :func:`run_drop`. Raises :class:`PipelineError` (after
    recording the failure in the run folder and the journal) when the run
    did not publish.
    """
    reporter = reporter or PlainReporter()
    out = Path(out)
    warehouse = Path(warehouse) if warehouse else default_warehouse(out)
    drop = resolve_drop(Path(inbox), as_of, mapping=resolve_mapping(Path(inbox), mapping))
    with owner_only(), site_locks(out, warehouse) as notices:
        return run_drop(
            drop, out, warehouse, reporter, stages, keep_runs, notices, dbt_target, dbt_build
        )


def run_drop(
    drop: Drop,
    out: Path,
    warehouse: Path,
    reporter: Reporter,
    stages: list[tuple[str, Stage]] | None = None,
    keep_runs: int = DEFAULT_KEEP_RUNS,
    notices: list[str] | None = None,
    dbt_target: str = "duckdb",
    dbt_build: bool = False,
) -> RunContext:
    """Run one drop; the caller holds :func:`site_locks` (see the module doc).

    ``dbt_target`` is where dbt builds the models (:mod:`pipelines.targets`);
    ``dbt_build`` runs dbt even when the unchanged project's compiled plan
    could run instead (:mod:`pipelines.transform.plan`).
    """
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
        dbt_target=check_target(dbt_target),
        force_dbt_build=dbt_build,
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
        warm_up(REPORT_MODULE)
        ctx.source_files = fingerprint(drop)
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


def warm_up(module: str) -> None:
    """Import ``module`` in a background thread, while the run's first stages work.

    Hashing the drop, ingestion and dbt's SQL leave the interpreter free:
    the report stage's imports (pandas, plotly, Jinja2) are done by the time
    it starts, and pandas (which DuckDB's Python client imports on the first
    query with parameters) by the time ingestion needs it. A failure is left
    for the stage's own import to report.
    """

    def load() -> None:
        try:
            importlib.import_module(module)
        except Exception:  # noqa: BLE001 - the stage imports it again and says why
            _LOG.debug("warm-up import of %s failed", module, exc_info=True)

    threading.Thread(target=load, name=f"import {module}", daemon=True).start()


def _run_stages(ctx: RunContext, stages: list[tuple[str, Stage]]) -> None:
    """Run the stages in order; each raises to stop the run.

    A stage with preparation (``PREPARED_BY``) is prepared when the stage
    before it starts; what it prepared is released if the run stops first.
    A stage of ``BESIDE`` waits for the stage it names and runs in a thread
    beside it (the source checks beside the mart checks); its failure is the
    run's, even when the other stage failed too. Without that stage (a run
    of fewer stages) it runs in its place.
    """
    ctx.stages_started = time.perf_counter()
    names = [name for name, _ in stages]
    deferred: dict[str, tuple[str, Stage]] = {}
    try:
        for position, (name, stage) in enumerate(stages):
            if BESIDE.get(name) in names[position + 1 :]:
                deferred[BESIDE[name]] = (name, stage)
                continue
            following = stages[position + 1][0] if position + 1 < len(stages) else None
            beside = _Beside(ctx, *deferred.pop(name)) if name in deferred else None
            _start_stage(ctx, name)
            if following in PREPARED_BY:
                PREPARED_BY[following](ctx)
            t0 = time.perf_counter()
            try:
                stage(ctx)
            finally:
                ctx.stage_seconds[name] = time.perf_counter() - t0
                if beside is not None:
                    beside.finish()  # raises the stage's own failure first
    finally:
        ctx.close_prepared()


def _start_stage(ctx: RunContext, name: str) -> None:
    ctx.stage = name
    _write_manifest(ctx, "running")
    failpoint(f"stage.{name}")
    ctx.reporter.stage(name)


class _Beside:
    """A stage running in a thread while the run goes on (see :func:`_run_stages`)."""

    def __init__(self, ctx: RunContext, name: str, stage: Stage) -> None:
        self.ctx, self.name, self.stage = ctx, name, stage
        _start_stage(ctx, name)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name=f"stage {name}", daemon=True)
        ctx.background.append(self)
        self.thread.start()

    def _run(self) -> None:
        t0 = time.perf_counter()
        try:
            self.stage(self.ctx)
        except BaseException as exc:  # raised by finish(), in the run's thread
            self.error = exc
        finally:
            self.ctx.stage_seconds[self.name] = time.perf_counter() - t0

    def join(self) -> None:
        """Wait for the stage (its failure is raised by ``finish``)."""
        self.thread.join()

    def finish(self) -> None:
        self.join()
        self.ctx.background.remove(self)
        if self.error is not None:
            raise self.error


def _commit(ctx: RunContext, build: Any, commit: Callable[[Any], None]) -> None:
    """Record, swap the warehouse in, publish, finish the manifest (the module doc's 1-4)."""
    ctx.stage = "publish"
    restrict_tree(ctx.run_dir)
    _write_manifest(ctx, "publishing")
    try:
        store_run(ctx.connection(), run_record(ctx, "published", exit_code=0))
    finally:
        ctx.close_connection()  # checkpoints everything the stages wrote
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
    try:
        ctx.close_connection()
    except duckdb.Error as exc:  # a broken build warehouse: the failure is recorded anyway
        ctx.warnings.append(f"the build warehouse could not be closed cleanly: {exc}")
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
