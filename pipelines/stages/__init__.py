"""The stages of a nightly run, one module each, all named ``<name>_stage``.

    ingest -> check_sources -> transform -> check_marts -> report

A stage is a function of the :class:`~pipelines.context.RunContext`; it reads
what earlier stages added and raises :class:`~pipelines.errors.PipelineError`
to stop the run. The run (``pipelines/run.py``) calls them in this order and
owns everything around them: locks, the warehouse build, publication.
"""

from __future__ import annotations

from pipelines.context import Stage
from pipelines.stages.check_marts import check_marts_stage
from pipelines.stages.check_sources import check_sources_stage
from pipelines.stages.ingest import ingest_stage
from pipelines.stages.report import prepare_report, report_stage
from pipelines.stages.transform import docs_stage, kpis_stage, transform_stage

__all__ = [
    "BESIDE",
    "PREPARED_BY",
    "check_marts_stage",
    "check_sources_stage",
    "default_stages",
    "docs_stage",
    "ingest_stage",
    "kpis_stage",
    "prepare_report",
    "report_stage",
    "transform_stage",
]


#: Stages that run later, in a thread beside another stage (by name): the
#: source checks beside the mart checks. They gate the publication, not the
#: build: dbt reads only the raw schema they check, so the transform need not
#: wait for them, and after it they leave it both cores (the mart checks and
#: the PDF leave one idle). A critical failure of theirs still stops the run,
#: at the end of the mart checks, and nothing is published.
BESIDE: dict[str, str] = {"check_sources": "check_marts"}

#: Work a stage may start while the stage before it runs (by stage name): the
#: report stage starts Chromium during the mart checks.
PREPARED_BY: dict[str, Stage] = {"report": prepare_report}


def default_stages() -> list[tuple[str, Stage]]:
    """The stages of a nightly run, in order."""
    return [
        ("ingest", ingest_stage),
        ("check_sources", check_sources_stage),
        ("transform", transform_stage),
        ("check_marts", check_marts_stage),
        ("report", report_stage),
    ]
