"""``mentorship run``: every drop of the inbox not yet published, oldest first.

A missed night catches up in one command: the drops dated after the current
publication's as-of date run in date order, each published in turn (so each
is checked for drift against the one before it, and the dbt snapshots see
every export). A drop is skipped, saying why, when

- it is the published drop or older than it (``--force`` runs it anyway), or
- its files have the SHA-256 of the published drop's files: the export did
  not change, a new run would publish the same thing (``--force`` runs it).

A bad folder (dated in the future, not a date, missing ``employees``) is
refused with a message naming it, and the others still run. The exit code is
the most serious outcome (:func:`exit_code`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipelines.errors import ExitCode, InputError, PipelineError, RunInProgress
from pipelines.inbox import Drop, dated_drops, drop_in, fingerprint, is_single_drop, resolve_drop
from pipelines.mapping.spec import Mapping
from pipelines.publish import published_manifest


@dataclass(frozen=True)
class DropOutcome:
    """What happened to one drop (or one bad folder) of the inbox."""

    folder: Path
    as_of: date | None
    #: published | skipped | failed | refused
    outcome: str
    message: str
    exit_code: ExitCode = ExitCode.PUBLISHED
    run_id: str | None = None
    seconds: float = 0.0


#: Which outcome decides the exit code when drops end differently (most serious last).
_SERIOUSNESS = (
    ExitCode.PUBLISHED,
    ExitCode.BAD_INPUT,
    ExitCode.CHECKS_FAILED,
    ExitCode.INTERNAL_ERROR,
    ExitCode.IN_PROGRESS,
)


def exit_code(outcomes: list[DropOutcome]) -> ExitCode:
    """The most serious exit code among the outcomes (0 when all published or skipped)."""
    codes = [o.exit_code for o in outcomes] or [ExitCode.PUBLISHED]
    return max(codes, key=_SERIOUSNESS.index)


@dataclass(frozen=True)
class Plan:
    """The drops to consider, oldest first, and the folders refused before any run."""

    drops: list[Drop]
    refused: list[DropOutcome]
    #: True when ``--inbox`` named one drop (an explicit drop says why it is skipped).
    single: bool


def plan(inbox: Path, as_of: date | None, today: date, mapping: Mapping | None = None) -> Plan:
    """Every drop of ``inbox`` that may run tonight (see the module doc)."""
    inbox = Path(inbox)
    if is_single_drop(inbox, mapping):
        return Plan([resolve_drop(inbox, as_of, today, mapping)], [], single=True)
    until = as_of or today
    folders = dated_drops(inbox, until, explicit=as_of is not None)
    drops: list[Drop] = []
    refused: list[DropOutcome] = []
    for dated in folders:
        if dated.problem is not None or dated.as_of is None:
            refused.append(
                DropOutcome(
                    dated.folder, dated.as_of, "refused", str(dated.problem), ExitCode.BAD_INPUT
                )
            )
            continue
        try:
            drops.append(drop_in(dated.folder, dated.as_of, mapping))
        except InputError as exc:
            refused.append(
                DropOutcome(dated.folder, dated.as_of, "refused", str(exc), ExitCode.BAD_INPUT)
            )
    if not drops and not refused:
        raise InputError(
            f"{inbox}: no export files and no drop folder named YYYY-MM-DD "
            f"dated on or before {until}"
        )
    return Plan(drops, refused, single=False)


def _published_files(manifest: dict[str, object]) -> dict[str, str]:
    sources = manifest.get("sources") or []
    assert isinstance(sources, list)
    return {str(s["source"]): str(s["sha256"]) for s in sources if isinstance(s, dict)}


def skip_reason(drop: Drop, out: Path, single: bool) -> str | None:
    """Why ``drop`` need not run against the current publication, or None to run it."""
    manifest = published_manifest(out)
    if manifest is None or manifest.get("status") not in ("published", "publishing"):
        return None
    published_as_of = date.fromisoformat(str(manifest["as_of"]))
    run_id = manifest.get("run_id")
    if drop.as_of <= published_as_of and not single:
        return ""  # history: an inbox keeps its old drops, nothing to say about each night
    if drop.as_of == published_as_of:
        return f"already published (run {run_id}); --force runs it again"
    if drop.as_of < published_as_of:
        return (
            f"older than the published drop (as of {published_as_of}, run {run_id}); "
            "--force runs it anyway"
        )
    published = manifest.get("fingerprint") or _published_files(manifest)
    if fingerprint(drop) == published:
        return (
            f"same files (SHA-256) as the published drop {manifest.get('drop')} "
            f"(run {run_id}): nothing changed, nothing to run; --force runs it anyway"
        )
    return None


def catch_up(
    inbox: Path,
    out: Path,
    warehouse: Path,
    run_one: Callable[[Drop], str],
    as_of: date | None = None,
    force: bool = False,
    today: date | None = None,
    on_outcome: Callable[[DropOutcome], None] = lambda _o: None,
    mapping: Mapping | None = None,
) -> list[DropOutcome]:
    """Run every drop of ``inbox`` that needs it, oldest first; return what happened to each.

    ``run_one`` runs one drop and returns its run id, raising
    :class:`PipelineError` when it did not publish (the caller holds the
    locks: ``pipelines.run.site_locks``). :class:`RunInProgress` stops the
    whole catch-up at once: the other drops would meet the same run.
    """
    tonight = plan(inbox, as_of, today or date.today(), mapping)
    outcomes: list[DropOutcome] = []

    def record(outcome: DropOutcome) -> None:
        outcomes.append(outcome)
        on_outcome(outcome)

    for refused in tonight.refused:
        record(refused)
    for drop in tonight.drops:
        reason = None if force else skip_reason(drop, out, tonight.single)
        if reason == "":
            continue
        if reason is not None:
            record(DropOutcome(drop.folder, drop.as_of, "skipped", reason))
            continue
        started = time.perf_counter()
        try:
            run_id = run_one(drop)
        except RunInProgress:
            raise
        except PipelineError as exc:
            record(
                DropOutcome(
                    drop.folder,
                    drop.as_of,
                    "failed",
                    str(exc),
                    exc.exit_code,
                    seconds=time.perf_counter() - started,
                )
            )
            continue
        record(
            DropOutcome(
                drop.folder,
                drop.as_of,
                "published",
                f"published (run {run_id})",
                run_id=run_id,
                seconds=time.perf_counter() - started,
            )
        )
    if not outcomes:
        manifest = published_manifest(out) or {}
        record(
            DropOutcome(
                Path(inbox),
                None,
                "skipped",
                f"nothing new: the newest drop is published (as of "
                f"{manifest.get('as_of')}, run {manifest.get('run_id')})",
            )
        )
    return outcomes
