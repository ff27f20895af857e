"""Load a drop into the raw schema: land, check, split accepted from quarantined.

Sources load in contract order (employees first), so a reference always
checks against the accepted rows of its target, and a row pointing at a
quarantined row is quarantined in turn.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from pipelines.contract import LOAD_ORDER, SOURCES_BY_NAME, Source
from pipelines.errors import PipelineError
from pipelines.inbox import Drop
from pipelines.ingest.quarantine import checked_table_sql, duplicate_update, reference_updates
from pipelines.ingest.readers import LandedFile, land_file
from pipelines.warehouse import reset_raw_schema


@dataclass
class SourceLoad:
    """The manifest record of one source file (contract section 5)."""

    source: str
    file: str
    sha256: str
    file_format: str
    rows_read: int
    rows_accepted: int
    rows_quarantined: int
    ignored_columns: list[str]
    dropped_personal_columns: list[str]
    warnings: list[dict[str, object]] = field(default_factory=list)

    def manifest_record(self) -> dict[str, object]:
        return asdict(self)


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 24):
            digest.update(chunk)
    return digest.hexdigest()


def _quarantine_malformed(
    con: duckdb.DuckDBPyConnection, landed: LandedFile, source: str, file: str, run_id: str
) -> None:
    if not landed.malformed:
        return
    import json

    con.executemany(
        "insert into raw.quarantine values (?, ?, ?, ?, null, ?, ?)",
        [
            (run_id, source, file, m.line_number, m.reason, json.dumps(m.original_values))
            for m in landed.malformed
        ],
    )


def load_source(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    path: Path,
    drop: Drop,
    run_id: str,
) -> SourceLoad:
    """Load one file; return its manifest record. Raises on unreadable files."""
    landing, checked = f"landing_{source.name}", f"checked_{source.name}"
    sha = file_sha256(path)
    landed = land_file(con, path, source, landing)
    file = str(path)
    _quarantine_malformed(con, landed, source.name, file, run_id)
    con.execute(checked_table_sql(source, landing, checked))
    for statement in reference_updates(source, checked, run_id):
        con.execute(statement)
    if dup := duplicate_update(source, checked):
        con.execute(dup)

    stored = [c.name for c in source.stored_columns]
    typed = ", ".join(f"t_{c}" for c in stored)
    con.execute(
        f"""
        insert into raw.{source.name}
        select {typed}, ?, _line_number, ?, ?::date, ?
        from {checked} where _failure is null
        """,
        [file, sha, drop.as_of.isoformat(), run_id],
    )
    originals = ", ".join(f"{c} := {c}" for c in stored)
    con.execute(
        f"""
        insert into raw.quarantine
        select ?, ?, ?, _line_number, _failure.col, _failure.reason,
               to_json(struct_pack({originals}))
        from {checked} where _failure is not null
        """,
        [run_id, source.name, file],
    )
    accepted = _count(con, f"select count(*) from raw.{source.name}")
    quarantined = _count(
        con,
        "select count(*) from raw.quarantine where run_id = ? and source = ?",
        [run_id, source.name],
    )
    if landed.rows_read != accepted + quarantined:
        # Never lose a row silently: this is a bug in the loader, not the data.
        raise PipelineError(
            f"{file}: row conservation broken: read {landed.rows_read}, "
            f"accepted {accepted}, quarantined {quarantined}"
        )
    warnings = _warnings(con, source)
    con.execute(f"drop table {landing}")
    con.execute(f"drop table {checked}")
    return SourceLoad(
        source=source.name,
        file=file,
        sha256=sha,
        file_format=landed.file_format,
        rows_read=landed.rows_read,
        rows_accepted=accepted,
        rows_quarantined=quarantined,
        ignored_columns=list(landed.ignored_columns),
        dropped_personal_columns=list(landed.dropped_personal_columns),
        warnings=warnings,
    )


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> int:
    row = con.execute(sql, params or []).fetchone()
    assert row is not None
    return int(row[0])


def _warnings(con: duckdb.DuckDBPyConnection, source: Source) -> list[dict[str, object]]:
    """References the contract keeps with a warning (a manager outside the export)."""
    out: list[dict[str, object]] = []
    for ref in source.references:
        if ref.quarantine:
            continue
        n = _count(
            con,
            f"""select count(*) from raw.{source.name}
                where {ref.column} is not null
                  and {ref.column} not in (select {ref.target_column} from raw.{ref.source})""",
        )
        if n:
            out.append(
                {
                    "column": ref.column,
                    "rows": n,
                    "reason": f"{ref.column} not in {ref.source} (kept: outside the export)",
                }
            )
    return out


def load_drop(
    con: duckdb.DuckDBPyConnection,
    drop: Drop,
    run_id: str,
    on_source: Callable[[str], None] | None = None,
) -> list[SourceLoad]:
    """Replace the raw schema with the drop's sources; return one record per file."""
    reset_raw_schema(con)
    loads: list[SourceLoad] = []
    for name in LOAD_ORDER:
        path = drop.files.get(name)
        if path is None:
            continue
        if on_source:
            on_source(name)
        load = load_source(con, SOURCES_BY_NAME[name], path, drop, run_id)
        con.execute(
            "insert into raw.file_loads values (?, ?, ?, ?, ?, ?::date, ?, ?, ?, ?, ?)",
            [
                run_id,
                load.source,
                load.file,
                load.file_format,
                load.sha256,
                drop.as_of.isoformat(),
                load.rows_read,
                load.rows_accepted,
                load.rows_quarantined,
                load.ignored_columns,
                load.dropped_personal_columns,
            ],
        )
        loads.append(load)
    return loads
