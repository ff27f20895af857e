"""``python -m tests.cli_with_dbt_project PROJECT ARGS...``: the real CLI on another dbt project.

The typer app, its reporter choice, the run's locks, build, journal and
publication are the real ones; only the stages are ingest and a ``dbt build``
of PROJECT, so that the progress tests can run dbt's threads many times in
seconds. Used as a subprocess, its output redirected to a file as cron does.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pipelines.run
from pipelines.cli import app
from pipelines.errors import PipelineError
from pipelines.run import RunContext, stage_ingest
from pipelines.transform.dbt_runner import build


def main() -> None:
    """Run the CLI with the stages [ingest, dbt build of PROJECT]."""
    project = Path(sys.argv[1]).resolve()

    def dbt_build(ctx: RunContext) -> None:
        result = build(project, ctx.warehouse, ctx.as_of, ctx.run_dir / "dbt", ctx.reporter.step)
        if result.callback_errors:
            ctx.warnings.append(f"progress display failed: {result.callback_errors[0]}")
        if not result.success:
            raise PipelineError(result.failure_message())

    pipelines.run.default_stages = lambda: [("ingest", stage_ingest), ("transform", dbt_build)]
    app(sys.argv[2:])


if __name__ == "__main__":
    main()
