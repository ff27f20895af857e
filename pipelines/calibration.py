"""``mentorship calibrate``: do the retention gaps' 95% intervals cover the planted truth?

Many demo organisations (one per seed) are generated and their KPIs computed
(the ingest stage of ``mentorship run`` and its dbt build, nothing published).
Each organisation's ground truth (``ground_truth.json``) knows the true
effect of participation on 12-month retention of its own mentees and
mentors (the ATT, from the simulation's counterfactual). Across the
organisations this module measures, for the naive and the adjusted
retention gaps of both roles:

- published: organisations where the KPI has a value (not null);
- mean error (estimate - truth) with its standard error, and the RMSE;
- coverage: the share of published 95% intervals [ci_low, ci_high] holding
  the truth, with a Wilson 95% interval for that share; a published value
  without an interval counts as missing, never as a miss.

The target: the adjusted gap's intervals cover the truth in 93-97% of the
organisations. The naive gap is biased on purpose (the demo plants selection
of high performers into participation), so its coverage is expected to be low.

Each organisation's numbers are appended, one JSON line per seed, to
``<out>/results.jsonl`` as soon as they are known and its working folder is
deleted; a later call reuses the lines of the same seed, size, as-of date
and code (a fingerprint of the dbt project and the demo generator), so a
long calibration resumes where it stopped. The statistics are pure
functions of those lines.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from statistics import NormalDist
from typing import Any

import pipelines.demo
from pipelines.paths import project_dir, tree_fingerprint

#: The KPIs calibrated: (kpi, role, kind).
KPIS: tuple[tuple[str, str, str], ...] = (
    ("retention_12m_gap_mentee_naive", "mentee", "naive"),
    ("retention_12m_gap_mentee_adjusted", "mentee", "adjusted"),
    ("retention_12m_gap_mentor_naive", "mentor", "naive"),
    ("retention_12m_gap_mentor_adjusted", "mentor", "adjusted"),
)
ROLES: tuple[str, ...] = ("mentee", "mentor")
#: Coverage the adjusted gap's 95% intervals should reach (inclusive).
TARGET: tuple[float, float] = (0.93, 0.97)
TARGET_STATEMENT = (
    "The adjusted gap's 95% intervals should cover the true effect in 93–97% of "
    "organisations; the naive gap is biased on purpose (planted selection into participation)."
)
DEFAULT_AS_OF = date(2026, 11, 25)
Z_975 = NormalDist().inv_cdf(0.975)
RESULTS_FILE = "results.jsonl"
#: What decides the numbers: a change in any of these makes earlier results stale
#: (the dbt project's files, and the demo generator that plants the truth).
FINGERPRINTED = ("dbt_project.yml", "models", "macros", "seeds", "snapshots")
DEMO_PACKAGE = Path(pipelines.demo.__file__).resolve().parent


# --- statistics (pure) -------------------------------------------------------------------


def errors_of(pairs: Iterable[tuple[float | None, float | None]]) -> list[float]:
    """estimate - truth for every pair where both are known."""
    return [est - truth for est, truth in pairs if est is not None and truth is not None]


def mean_error(errors: Sequence[float]) -> tuple[float | None, float | None]:
    """The mean error and its standard error (sample sd / sqrt(n); None below 2 values)."""
    n = len(errors)
    if n == 0:
        return None, None
    mean = math.fsum(errors) / n
    if n < 2:
        return mean, None
    var = math.fsum((e - mean) ** 2 for e in errors) / (n - 1)
    return mean, math.sqrt(var / n)


def rmse(errors: Sequence[float]) -> float | None:
    """Root mean squared error (None without errors)."""
    if not errors:
        return None
    return math.sqrt(math.fsum(e * e for e in errors) / len(errors))


def covers(interval: Sequence[float] | None, truth: float) -> bool | None:
    """Whether [low, high] holds the truth (bounds included); None without an interval."""
    if interval is None or interval[0] is None or interval[1] is None:
        return None
    low, high = interval
    return low <= truth <= high


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion ``successes / n``."""
    if n <= 0:
        raise ValueError("the Wilson interval needs n >= 1")
    if not 0 <= successes <= n:
        raise ValueError(f"successes must be in [0, {n}], got {successes}")
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class KpiSummary:
    """One KPI across the organisations."""

    kpi: str
    role: str
    kind: str
    organisations: int
    published: int
    mean_error: float | None
    mean_error_se: float | None
    rmse: float | None
    intervals: int
    covered: int
    missing_intervals: int
    #: sd of error / (half-width / 1.96) over intervals of non-zero width: 1 when the
    #: intervals have the right width, above 1 when they are too narrow
    z_spread: float | None = None
    zero_width: int = 0

    @property
    def coverage(self) -> float | None:
        return self.covered / self.intervals if self.intervals else None

    @property
    def coverage_interval(self) -> tuple[float, float] | None:
        return wilson_interval(self.covered, self.intervals) if self.intervals else None


@dataclass(frozen=True)
class SeedResult:
    """One organisation's truths, estimates and intervals (one line of results.jsonl)."""

    seed: int
    employees: int
    as_of: str
    code: str
    seconds: float
    generate_seconds: float
    truths: dict[str, float | None]
    estimates: dict[str, float | None]
    intervals: dict[str, list[float] | None] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, line: str) -> SeedResult | None:
        """The result a line holds, or None for a line that is not one (a torn write)."""
        try:
            raw = json.loads(line)
            return cls(
                seed=int(raw["seed"]),
                employees=int(raw["employees"]),
                as_of=str(raw["as_of"]),
                code=str(raw["code"]),
                seconds=float(raw["seconds"]),
                generate_seconds=float(raw.get("generate_seconds", 0.0)),
                truths={r: _num(raw["truths"].get(r)) for r in ROLES},
                estimates={k: _num(raw["estimates"].get(k)) for k, _, _ in KPIS},
                intervals={k: _interval(raw.get("intervals", {}).get(k)) for k, _, _ in KPIS},
            )
        except (ValueError, TypeError, KeyError, AttributeError):
            return None


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


def _interval(value: Any) -> list[float] | None:
    if value is None or value[0] is None or value[1] is None:
        return None
    return [float(value[0]), float(value[1])]


def summarise(results: Sequence[SeedResult], kpi: str, role: str, kind: str) -> KpiSummary:
    """The statistics of one KPI over the organisations whose truth is known."""
    known = [r for r in results if r.truths.get(role) is not None]
    published = [r for r in known if r.estimates.get(kpi) is not None]
    errors = errors_of((r.estimates[kpi], r.truths[role]) for r in published)
    mean, se = mean_error(errors)
    hits = [covers(r.intervals.get(kpi), float(r.truths[role] or 0.0)) for r in published]
    return KpiSummary(
        kpi=kpi,
        role=role,
        kind=kind,
        organisations=len(known),
        published=len(published),
        mean_error=mean,
        mean_error_se=se,
        rmse=rmse(errors),
        intervals=sum(h is not None for h in hits),
        covered=sum(h is True for h in hits),
        missing_intervals=sum(h is None for h in hits),
        z_spread=_z_spread(published, kpi, role),
        zero_width=sum(
            1 for r in published if (iv := r.intervals.get(kpi)) is not None and iv[1] - iv[0] <= 0
        ),
    )


def _z_spread(published: Sequence[SeedResult], kpi: str, role: str) -> float | None:
    """sd of the standardised errors (half-width / 1.96 as the standard error)."""
    z = []
    for r in published:
        interval, estimate, truth = r.intervals.get(kpi), r.estimates.get(kpi), r.truths.get(role)
        if interval is None or estimate is None or truth is None or interval[1] <= interval[0]:
            continue
        z.append((estimate - truth) / ((interval[1] - interval[0]) / (2 * Z_975)))
    return statistics.stdev(z) if len(z) >= 2 else None


def summarise_all(results: Sequence[SeedResult]) -> list[KpiSummary]:
    return [summarise(results, kpi, role, kind) for kpi, role, kind in KPIS]


def verdict(summary: KpiSummary, target: tuple[float, float] = TARGET) -> str:
    """One line: the coverage against the target, and whether noise could explain a miss."""
    low, high = target
    missing = (
        f"; {summary.missing_intervals} published values had no interval"
        if summary.missing_intervals
        else ""
    )
    coverage, wilson = summary.coverage, summary.coverage_interval
    if coverage is None or wilson is None:
        return (
            f"not judged: no published interval in {summary.organisations} organisations{missing}"
        )
    where = "within target" if low <= coverage <= high else "above" if coverage > high else "below"
    if where != "within target":
        where += " target"
    overlaps = wilson[0] <= high and wilson[1] >= low
    noise = (
        "its Wilson interval overlaps the target"
        if overlaps
        else "its Wilson interval excludes the target"
    )
    return (
        f"{where}: coverage {_pct(coverage)} (95% CI {_pct(wilson[0])}–{_pct(wilson[1])}, "
        f"{summary.covered} of {summary.intervals}); {noise}{missing}"
    )


# --- one organisation ----------------------------------------------------------------------


def read_numbers(
    kpis: dict[str, Any], truth: dict[str, Any]
) -> tuple[dict[str, float | None], dict[str, float | None], dict[str, list[float] | None]]:
    """Truths per role, and the overall (group null) estimate and interval of each KPI."""
    effects = truth["true_effects"]["retention_12m"]
    truths = {role: _num((effects.get(role) or {}).get("effect")) for role in ROLES}
    overall = {e["kpi"]: e for e in kpis["kpis"] if e.get("group") is None}
    estimates: dict[str, float | None] = {}
    intervals: dict[str, list[float] | None] = {}
    for kpi, _, _ in KPIS:
        entry = overall.get(kpi) or {}
        estimates[kpi] = _num(entry.get("value"))
        intervals[kpi] = _interval([entry.get("ci_low"), entry.get("ci_high")])
    return truths, estimates, intervals


def run_seed(
    seed: int,
    employees: int,
    as_of: date,
    work: Path,
    code: str,
    on_stage: Callable[[str], None] | None = None,
) -> SeedResult:
    """Generate one organisation in ``work``, compute its KPIs, read them, delete ``work``.

    ``work`` is deleted only when the numbers were read: after a failure it
    stays for inspection (and the next call deletes it before starting).
    """
    from pipelines.demo.generate import generate_demo
    from pipelines.run import run
    from pipelines.stages import ingest_stage, kpis_stage

    say = on_stage or (lambda _stage: None)
    if work.exists():
        shutil.rmtree(work)
    started = time.perf_counter()
    say("generating")
    generate_demo(employees, seed, as_of, work / "inbox")
    generated = time.perf_counter()
    run(
        work / "inbox",
        work / "published",
        work / "warehouse.duckdb",
        reporter=_StageReporter(say),
        stages=[("ingest", ingest_stage), ("transform", kpis_stage)],
    )
    kpis = json.loads((work / "published" / "kpis.json").read_text(encoding="utf-8"))
    truth = json.loads((work / "inbox" / "ground_truth.json").read_text(encoding="utf-8"))
    truths, estimates, intervals = read_numbers(kpis, truth)
    finished = time.perf_counter()
    shutil.rmtree(work)
    return SeedResult(
        seed=seed,
        employees=employees,
        as_of=as_of.isoformat(),
        code=code,
        seconds=round(finished - started, 3),
        generate_seconds=round(generated - started, 3),
        truths=truths,
        estimates=estimates,
        intervals=intervals,
    )


class _StageReporter:
    """Passes only stage names on (the run's steps are not shown)."""

    def __init__(self, say: Callable[[str], None]) -> None:
        self.say = say

    def stage(self, name: str) -> None:
        self.say(name)

    def step(self, message: str) -> None:
        pass

    def warn(self, message: str) -> None:
        pass


# --- results file and the loop -------------------------------------------------------------


def code_fingerprint(project: Path | None = None) -> str:
    """A short hash of the files that decide the KPIs and the truth (see FINGERPRINTED)."""
    project = project or project_dir()
    roots = [(project, project / name) for name in FINGERPRINTED]
    roots.append((DEMO_PACKAGE.parent, DEMO_PACKAGE))
    return tree_fingerprint(roots)


def load_results(path: Path) -> list[SeedResult]:
    """Every readable line of a results file (a torn last line is skipped)."""
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [r for r in (SeedResult.from_json(line) for line in lines if line.strip()) if r]


def append_result(path: Path, result: SeedResult) -> None:
    """Append one line and make it durable before the seed counts as done."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(result.to_json() + "\n")
        fh.flush()
        os.fsync(fh.fileno())


@dataclass
class Calibration:
    """What one call did."""

    seeds: list[int]
    employees: int
    as_of: date
    code: str
    results: list[SeedResult]
    computed: list[int]
    reused: list[int]
    wall_seconds: float


def calibrate(
    seeds: Sequence[int],
    employees: int,
    as_of: date,
    out: Path,
    fresh: bool = False,
    on_start: Callable[[int, int], None] | None = None,
    on_stage: Callable[[int, str], None] | None = None,
    on_done: Callable[[int, SeedResult, bool], None] | None = None,
) -> Calibration:
    """Compute (or reuse) every seed's numbers; ``on_done(i, result, reused)`` after each.

    A line of results.jsonl is reused when its seed, size, as-of date and code
    fingerprint match (the last such line wins), unless ``fresh``.
    """
    started = time.perf_counter()
    code = code_fingerprint()
    path = out / RESULTS_FILE
    previous: dict[int, SeedResult] = {}
    if not fresh:
        for r in load_results(path):
            if r.employees == employees and r.as_of == as_of.isoformat() and r.code == code:
                previous[r.seed] = r
    results: list[SeedResult] = []
    computed: list[int] = []
    reused: list[int] = []
    for i, seed in enumerate(seeds):
        if on_start:
            on_start(i, seed)
        result = previous.get(seed)
        if result is not None:
            reused.append(seed)
        else:
            stage = (lambda name, s=seed: on_stage(s, name)) if on_stage else None
            result = run_seed(seed, employees, as_of, out / f"seed-{seed}", code, stage)
            append_result(path, result)
            computed.append(seed)
        results.append(result)
        if on_done:
            on_done(i, result, seed in reused)
    return Calibration(
        seeds=list(seeds),
        employees=employees,
        as_of=as_of,
        code=code,
        results=results,
        computed=computed,
        reused=reused,
        wall_seconds=time.perf_counter() - started,
    )


# --- the report ----------------------------------------------------------------------------


def _pct(share: float) -> str:
    return f"{100 * share:.1f}%"


def _pp(value: float | None, sign: bool = True) -> str:
    if value is None:
        return "–"
    return f"{100 * value:+.2f}" if sign else f"{100 * value:.2f}"


def _estimate(result: SeedResult, kpi: str) -> str:
    value = result.estimates.get(kpi)
    if value is None:
        return "–"
    interval = result.intervals.get(kpi)
    if interval is None:
        return f"{_pp(value)} [no interval]"
    return f"{_pp(value)} [{_pp(interval[0])}, {_pp(interval[1])}]"


def seed_line(result: SeedResult) -> str:
    """One organisation in one line (the plain progress line)."""
    truths = ", ".join(f"{role} {_pp(result.truths.get(role))}" for role in ROLES)
    estimates = "; ".join(f"{role} {kind} {_estimate(result, kpi)}" for kpi, role, kind in KPIS)
    return f"{result.seconds:.0f} s; truth (pp) {truths}; {estimates}"


def render_report(calibration: Calibration, cores: int | None = None) -> str:
    """CALIBRATION.md: what was run, one table of the KPIs, verdicts, every organisation."""
    c = calibration
    summaries = summarise_all(c.results)
    cores = cores if cores is not None else (os.cpu_count() or 0)
    seed_seconds = [r.seconds for r in c.results]
    per_seed = math.fsum(seed_seconds) / len(seed_seconds) if seed_seconds else 0.0
    seeds = f"{c.seeds[0]}–{c.seeds[-1]}" if len(c.seeds) > 1 else f"{c.seeds[0]}"
    lines = [
        "# Calibration of the retention gaps",
        "",
        "Generated by `mentorship calibrate`: demo organisations with different seeds, their "
        "KPIs computed by the pipeline (ingest and transform), compared with each "
        "organisation's ground truth (`true_effects.retention_12m.<role>.effect` of "
        "`ground_truth.json`: the effect of participation on its own participants).",
        "",
        "## What was run",
        "",
        f"- organisations: {len(c.seeds)} (seeds {seeds}), {c.employees:,} employees each, "
        f"as of {c.as_of.isoformat()}",
        f"- wall time of this call: {c.wall_seconds:.0f} s ({len(c.computed)} organisations "
        f"computed, {len(c.reused)} reused from an earlier call)",
        f"- seconds per organisation (generate + ingest + transform): mean {per_seed:.1f} s, "
        f"total {math.fsum(seed_seconds):.0f} s",
        f"- machine: {cores} cores",
        f"- code fingerprint (dbt project and demo generator): `{c.code}`",
        "",
        "## Target",
        "",
        TARGET_STATEMENT,
        "",
        "## Results",
        "",
        "Errors are estimate − truth in percentage points (pp); coverage is the share of "
        "published 95% intervals that contain the truth, with its Wilson 95% interval. A "
        "published value without an interval counts as a missing interval, not as a miss.",
        "",
        "The spread of standardised errors is the standard deviation of error ÷ (half-width ÷ "
        "1.96) over intervals of non-zero width: about 1 when the intervals have the right "
        "width, 1.2 when they are 20% too narrow (or the errors vary more than they allow).",
        "",
        "| KPI | published | mean error (pp) ± se | RMSE (pp) | coverage [Wilson 95%] "
        "| missing intervals | zero-width intervals | spread of standardised errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in summaries:
        se = f" ± {_pp(s.mean_error_se, sign=False)}" if s.mean_error_se is not None else ""
        wilson = s.coverage_interval
        coverage = (
            f"{_pct(s.coverage)} [{_pct(wilson[0])}, {_pct(wilson[1])}] ({s.covered}/{s.intervals})"
            if s.coverage is not None and wilson is not None
            else "–"
        )
        lines.append(
            f"| `{s.kpi}` | {s.published} of {s.organisations} | {_pp(s.mean_error)}{se} "
            f"| {_pp(s.rmse, sign=False)} | {coverage} | {s.missing_intervals} "
            f"| {s.zero_width} | {'–' if s.z_spread is None else f'{s.z_spread:.2f}'} |"
        )
    lines += ["", "## Verdict", ""]
    for s in summaries:
        if s.kind == "adjusted":
            lines.append(f"- `{s.kpi}`: {verdict(s)}")
        else:
            bias = (
                "not judged (never published)"
                if s.mean_error is None
                else f"mean error {_pp(s.mean_error)} pp"
                + (
                    " (positive, as the planted selection makes it)"
                    if s.mean_error > 0
                    else " (not positive: the planted selection bias does not show)"
                )
            )
            lines.append(f"- `{s.kpi}` (biased on purpose): {bias}")
    lines += [
        "",
        "How to read a miss: a mean error near 0 with a spread of standardised errors above 1 "
        "means the estimate is right on average and its intervals are too narrow; zero-width "
        "intervals come from organisations whose qualifying strata all had every member of a "
        "group stay (or leave), where the closed-form variance p(1 − p)/n is 0. DECISIONS.md "
        "(*The adjusted gap's calibration*) says what was found and what would reach the target.",
        "",
        "## Organisations",
        "",
        "Truth and estimates in pp; an estimate's 95% interval in brackets; – = not published.",
        "",
        "| seed | seconds | truth mentee | truth mentor | "
        + " | ".join(f"{role} {kind}" for _, role, kind in KPIS)
        + " |",
        "|---:|---:|---:|---:|" + "---:|" * len(KPIS),
    ]
    for r in c.results:
        cells = [
            str(r.seed),
            f"{r.seconds:.0f}",
            _pp(r.truths.get("mentee")),
            _pp(r.truths.get("mentor")),
            *(_estimate(r, kpi) for kpi, _, _ in KPIS),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
