"""What a build did, node by node: the shape both dbt and the plan executor report in.

:mod:`pipelines.transform.dbt_runner` fills it from dbt's own results and
:mod:`pipelines.transform.executor` from the compiled plan it runs; the
quality stage (``pipelines/quality/dbt_tests.py``) and the run read it the
same way whichever built the warehouse. Importing it imports no dbt.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class NodeResult:
    """What one dbt node (model, data test, unit test) did in an invocation."""

    unique_id: str
    name: str
    resource_type: str
    status: str
    message: str | None
    failures: int | None
    execution_time: float

    @property
    def ok(self) -> bool:
        """True for a node that built or passed (``success``/``pass``)."""
        return self.status in {"success", "pass"}


@dataclass
class DbtResult:
    """The outcome of one dbt invocation."""

    command: list[str]
    success: bool
    elapsed_seconds: float
    nodes: list[NodeResult] = field(default_factory=list)
    error: str | None = None
    #: Exceptions raised by the progress callback, caught so that dbt never saw them.
    callback_errors: list[str] = field(default_factory=list)

    @property
    def first_failure(self) -> NodeResult | None:
        """The first node that errored or failed itself (not one skipped because of another)."""
        return next((n for n in self.nodes if n.status in {"error", "fail"}), None)

    def failure_reason(self) -> str | None:
        """One line naming the first real error, from dbt's own result; None when it passed."""
        first = self.first_failure
        if first is not None:
            kind = first.resource_type.replace("_", " ")
            kind = "data test" if kind == "test" else kind
            verb = "failed" if first.status == "fail" else "errored"
            detail = " ".join((first.message or "").split())
            if len(detail) > 300:
                detail = detail[:297] + "..."
            return f"{kind} {first.name} {verb}" + (f": {detail}" if detail else "")
        if self.error:
            return " ".join(self.error.split())
        return None

    @property
    def failed_nodes(self) -> list[NodeResult]:
        """Nodes that errored, failed or were skipped because of an upstream failure."""
        return [n for n in self.nodes if not n.ok]

    @property
    def unbuilt_models(self) -> list[NodeResult]:
        """Models that were not built: errored, or skipped after an upstream failure.

        In ``dbt build`` a failing error-severity test (or unit test) skips
        every model downstream of it, so a model can be missing without any
        model erroring; the marts are then stale or absent and must not be
        published.
        """
        return [n for n in self.nodes if n.resource_type == "model" and n.status != "success"]

    def failure_message(self) -> str:
        """Why the build cannot be published, in one line: the first real error first."""
        unbuilt = self.unbuilt_models
        skipped = [n for n in unbuilt if n.status == "skipped"]
        reason = self.failure_reason() or "dbt reported a failure without naming a node"
        return f"dbt could not build {len(unbuilt)} model(s): {reason}" + (
            f" ({len(skipped)} model(s) downstream of it skipped)" if skipped else ""
        )

    def summary(self) -> str:
        """One line for logs: counts per status."""
        counts: dict[str, int] = {}
        for node in self.nodes:
            counts[node.status] = counts.get(node.status, 0) + 1
        parts = ", ".join(f"{status}={n}" for status, n in sorted(counts.items()))
        return f"dbt {' '.join(self.command[:1])}: {'ok' if self.success else 'FAILED'} ({parts})"
