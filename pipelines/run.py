"""The nightly run: ingest, transform, check, report, publish.

Each stage is a function of the :class:`RunContext`; the run writes only into
its own run folder until every stage has passed, then publishes atomically
(``publish.py``). A stage that fails raises :class:`PipelineError`, the run
records why in its folder's manifest, and the previous publication stays.
"""

from __future__ import annotations

import threading
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol

from pipelines import manifest as manifest_mod
from pipelines.contract import LOAD_ORDER
from pipelines.errors import PipelineError
from pipelines.inbox import Drop, resolve_drop
from pipelines.ingest.loader import SourceLoad, load_drop
from pipelines.publish import new_run_dir, publish, run_lock
from pipelines.warehouse import connect

PROJECT_DIR = Path(__file__).resolve().parent.parent


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
    warning, whether or not anybody watched the terminal.
    """

    def __init__(self, inner: Reporter, log_path: Path) -> None:
        self.inner = inner
        self.log = log_path.open("a", encoding="utf-8")
        self._lock = threading.Lock()  # dbt reports from its worker threads

    def record(self, kind: str, message: str) -> None:
        """Append one timestamped line to the log only."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._lock:
            self.log.write(f"{now} {kind:<5} {message}\n")
            self.log.flush()

    def stage(self, name: str) -> None:
        self.record("STAGE", name)
        self.inner.stage(name)

    def step(self, message: str) -> None:
        self.record("STEP", message)
        self.inner.step(message)

    def warn(self, message: str) -> None:
        self.record("WARN", message)
        self.inner.warn(message)

    def close(self) -> None:
        self.log.close()


@dataclass
class RunContext:
    """Everything one run knows; stages read and add to it."""

    run_id: str
    drop: Drop
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

    @property
    def as_of(self) -> date:
        return self.drop.as_of


Stage = Callable[[RunContext], None]


def new_run_id(as_of: date) -> str:
    """A sortable, unique run id: UTC start time, as-of date, random suffix."""
    now = datetime.now(UTC)
    return f"{now:%Y%m%dT%H%M%SZ}-{as_of.isoformat()}-{uuid.uuid4().hex[:6]}"


def stage_ingest(ctx: RunContext) -> None:
    """Load every source file of the drop into the raw schema."""
    con = connect(ctx.warehouse)
    try:
        names = [name for name in LOAD_ORDER if name in ctx.drop.files]
        ctx.loads = load_drop(
            con,
            ctx.drop,
            ctx.run_id,
            on_source=lambda s: ctx.reporter.step(
                f"{names.index(s) + 1} of {len(names)} loading {s}"
            ),
        )
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


def build_manifest(ctx: RunContext, status: str, error: str | None = None) -> dict[str, Any]:
    """The manifest's content as the run knows it now (contract section 5).

    Written at the end of every run, published or failed; the data-quality
    report shows the same dict before publishing (status ``publishing``).
    """
    exported = {load.source for load in ctx.loads}
    return {
        "run_id": ctx.run_id,
        "as_of": ctx.as_of.isoformat(),
        "status": status,
        "error": error,
        "started_at": ctx.started_at.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "code": manifest_mod.code_version(),
        "dependencies": manifest_mod.dependency_versions(),
        "drop": str(ctx.drop.folder),
        "mapping": ctx.drop.mapping.manifest_record() if ctx.drop.mapping else None,
        "warehouse": str(ctx.warehouse),
        "sources": [load.manifest_record() for load in ctx.loads],
        "sources_not_exported": sorted(set(LOAD_ORDER) - exported),
        "unknown_files": list(ctx.drop.unknown_files),
        "warnings": list(ctx.warnings),
        "checks": list(ctx.checks),
        "stage_seconds": {k: round(v, 3) for k, v in ctx.stage_seconds.items()},
        "outputs": dict(ctx.outputs),
    }


def run(
    inbox: Path,
    out: Path,
    warehouse: Path | None = None,
    as_of: date | None = None,
    reporter: Reporter | None = None,
    stages: list[tuple[str, Stage]] | None = None,
    mapping: Path | None = None,
) -> RunContext:
    """Run every stage on the drop in ``inbox``; publish into ``out`` on success.

    ``mapping`` is the mapping file to read the drop with (default: the
    inbox's ``mentorship.yaml``, else the canonical contract).
    Raises :class:`PipelineError` (after recording the failure in the run
    folder) when the run did not publish.
    """
    from pipelines.mapping.config import resolve_mapping

    reporter = reporter or PlainReporter()
    out = Path(out)
    warehouse = Path(warehouse) if warehouse else out.parent / "warehouse.duckdb"
    drop = resolve_drop(Path(inbox), as_of, resolve_mapping(Path(inbox), mapping))
    with run_lock(out):
        run_id = new_run_id(drop.as_of)
        run_dir = new_run_dir(out, run_id)
        logged = LoggingReporter(reporter, run_dir / "run.log")
        try:
            return _run_stages(
                RunContext(
                    run_id=run_id,
                    drop=drop,
                    warehouse=warehouse,
                    out=out,
                    run_dir=run_dir,
                    reporter=logged,
                ),
                stages if stages is not None else default_stages(),
            )
        except PipelineError as exc:
            logged.record("FAIL", f"nothing published: {exc}")
            raise
        finally:
            logged.close()


def _run_stages(ctx: RunContext, stages: list[tuple[str, Stage]]) -> RunContext:
    """Run the stages in order, record the outcome, publish when all passed."""
    reporter, run_id, drop, out = ctx.reporter, ctx.run_id, ctx.drop, ctx.out
    ctx.outputs["run_log"] = "run.log"
    reporter.step(f"run {run_id}: drop {drop.folder}, as of {drop.as_of}")
    try:
        for name, stage in stages:
            reporter.stage(name)
            t0 = time.perf_counter()
            stage(ctx)
            ctx.stage_seconds[name] = time.perf_counter() - t0
    except PipelineError as exc:
        _record_failure(ctx, str(exc))
        raise
    except Exception as exc:  # a bug, not bad data: keep the trace for the log
        (ctx.run_dir / "error.log").write_text(traceback.format_exc())
        message = (
            f"internal error in run {run_id}: {type(exc).__name__}: {exc} "
            f"(traceback in {ctx.run_dir / 'error.log'})"
        )
        _record_failure(ctx, message)
        raise PipelineError(message) from exc
    manifest_mod.write_manifest(ctx.run_dir / "manifest.json", build_manifest(ctx, "published"))
    publish(out, ctx.run_dir)
    reporter.step(f"published {out} -> {ctx.run_dir}")
    return ctx


def _record_failure(ctx: RunContext, error: str) -> None:
    manifest_mod.write_manifest(ctx.run_dir / "manifest.json", build_manifest(ctx, "failed", error))
