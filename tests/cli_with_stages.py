"""``python -m tests.cli_with_stages STAGES ARGS...``: the real CLI with fewer stages.

The typer app, its reporter choice, the run's locks, warehouse build, journal,
recovery and publication are the real ones; only the list of stages differs,
so that tests can run many real ``mentorship run`` processes (and kill them)
in seconds. STAGES is ``ingest`` (ingest only) or the path of a dbt project
(ingest, then a ``dbt build`` of that project).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pipelines.run
from pipelines.cli import app
from pipelines.context import RunContext, Stage
from pipelines.errors import PipelineError
from pipelines.stages import ingest_stage
from pipelines.transform.dbt_runner import build


def stages_for(spec: str) -> list[tuple[str, Stage]]:
    """The stages STAGES names."""
    if spec == "ingest":
        return [("ingest", ingest_stage)]
    project = Path(spec).resolve()

    def dbt_build(ctx: RunContext) -> None:
        result = build(project, ctx.warehouse, ctx.run_dir / "dbt", ctx.reporter.step)
        if result.callback_errors:
            ctx.warnings.append(f"progress display failed: {result.callback_errors[0]}")
        if not result.success:
            raise PipelineError(result.failure_message())

    return [("ingest", ingest_stage), ("transform", dbt_build)]


def main() -> None:
    """Run the CLI (``sys.argv[2:]``) with the stages ``sys.argv[1]`` names."""
    stages = stages_for(sys.argv[1])
    pipelines.run.default_stages = lambda: stages
    app(sys.argv[2:])


if __name__ == "__main__":
    main()
