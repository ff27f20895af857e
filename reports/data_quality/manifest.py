"""The run: the manifest's facts, dependency versions and stage durations."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from reports.page import Column, heading, table


def manifest(manifest: dict[str, Any]) -> list[Markup]:
    """The run's facts as recorded in its manifest."""
    code = manifest.get("code") or {}
    deps = manifest.get("dependencies") or {}
    facts = [
        ("Run id", manifest.get("run_id")),
        ("As-of date", manifest.get("as_of")),
        ("Status", manifest.get("status") or "publishing"),
        ("Started", manifest.get("started_at")),
        ("Code version", code.get("version")),
        ("Git commit", code.get("git_commit") or "not a git checkout"),
        ("Drop folder", manifest.get("drop")),
        ("Warehouse", manifest.get("warehouse")),
        (
            "Sources not exported",
            ", ".join(manifest.get("sources_not_exported") or []) or "none",
        ),
        ("Unknown files (not read)", ", ".join(manifest.get("unknown_files") or []) or "none"),
    ]
    # A fact the run has not recorded (yet) is left out rather than shown blank.
    rows = [(name, str(value)) for name, value in facts if value is not None]
    dep_rows = [(name, str(version)) for name, version in sorted(deps.items())]
    stage_rows = [
        (name, f"{seconds:.2f}") for name, seconds in (manifest.get("stage_seconds") or {}).items()
    ]
    blocks = [table([Column("Fact"), Column("Value")], rows, table_id="manifest-facts")]
    if dep_rows:
        blocks.append(heading("Dependency versions"))
        blocks.append(table([Column("Package"), Column("Version")], dep_rows, table_id="deps"))
    if stage_rows:
        blocks.append(heading("Stage durations"))
        blocks.append(
            table([Column("Stage"), Column("Seconds", True)], stage_rows, table_id="stages")
        )
    return blocks
