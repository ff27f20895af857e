"""dbt's snapshot for the plan executor: the rows dbt-duckdb's snapshot materialization writes.

dbt's compiled snapshot is only its select; what it does with the rows is
its materialization (``snapshots/snapshot.sql``, ``helpers.sql`` and
``strategies.sql`` of dbt-core, ``snapshot_helper.sql`` of dbt-duckdb). This
module writes the same SQL for the configurations a plan admits
(:data:`pipelines.transform.plan._SUPPORTED_SNAPSHOT`): one unique key, an
``updated_at`` column, the ``check`` or ``timestamp`` strategy, deleted rows
ignored, dbt's default column names.

- First night: the table is the select plus ``dbt_scd_id`` (md5 of the key
  and ``updated_at``), ``dbt_updated_at`` and ``dbt_valid_from``
  (``updated_at``) and a null ``dbt_valid_to``.
- Later nights: a staging table of changes, as dbt builds it: an ``insert``
  for every key that is new or whose checked columns changed, an ``update``
  closing the current version of every changed key at the new
  ``updated_at``; then dbt-duckdb's merge (an ``update ... from`` and an
  ``insert``).

One rule is the executor's own: a select whose ``updated_at`` is older than
the newest version already kept changes nothing, so rebuilding a past drop
never rewrites history with older values. The project's snapshot says the
same in its own SQL (``snapshots/snp_hr__employees.sql``), but dbt compiles
that guard only when the table exists, and a plan may come from the first
build.
"""

from __future__ import annotations

import duckdb

from pipelines.transform.plan import PlanNode, SnapshotStrategy


def _scd_id(strategy: SnapshotStrategy) -> str:
    """dbt's ``snapshot_hash_arguments([unique_key, updated_at])``."""
    return (
        f"md5(coalesce(cast({strategy.unique_key} as varchar ), '') "
        f"|| '|' || coalesce(cast({strategy.updated_at} as varchar ), ''))"
    )


def _current_valid_to(strategy: SnapshotStrategy) -> str:
    """dbt's ``get_dbt_valid_to_current``: a null of ``updated_at``'s type."""
    return f"coalesce(nullif({strategy.updated_at}, {strategy.updated_at}), null)"


def _row_changed(strategy: SnapshotStrategy, kept: str, current: str) -> str:
    """dbt's ``row_changed`` expression of the check or timestamp strategy."""
    if strategy.strategy == "timestamp":
        return f"({kept}.dbt_valid_from < {current}.{strategy.updated_at})"
    tests = [
        f"{kept}.{c} != {current}.{c} or (({kept}.{c} is null) and not ({current}.{c} is null)) "
        f"or ((not {kept}.{c} is null) and ({current}.{c} is null))"
        for c in strategy.check_cols
    ]
    return "(" + " or ".join(f"({t})" for t in tests) + ")"


def _exists(con: duckdb.DuckDBPyConnection, relation: str) -> bool:
    try:
        con.execute(f"select 1 from {relation} limit 0")
    except duckdb.CatalogException:
        return False
    return True


def run_snapshot(con: duckdb.DuckDBPyConnection, node: PlanNode) -> str:
    """Bring the snapshot ``node`` up to date; return what was done, for the log."""
    strategy = node.snapshot
    assert strategy is not None and node.relation is not None
    source = f"(\n{node.sql}\n)"
    if not _exists(con, node.relation):
        con.execute(
            f"""
            create table {node.relation} as
            select *,
                {_scd_id(strategy)} as dbt_scd_id,
                {strategy.updated_at} as dbt_updated_at,
                {strategy.updated_at} as dbt_valid_from,
                {_current_valid_to(strategy)} as dbt_valid_to
            from {source} sbq
            """
        )
        return "created"
    newest_kept, newest_new = con.execute(
        f"select (select max(dbt_updated_at) from {node.relation}), "
        f"(select max({strategy.updated_at}) from {source} s)"
    ).fetchone() or (None, None)
    if newest_kept is not None and newest_new is not None and newest_new < newest_kept:
        return "unchanged (older than the newest version kept)"
    staging = f'"snapshot_staging_{node.name}"'
    key = strategy.unique_key
    changed = _row_changed(strategy, "snapshotted_data", "source_data")
    con.execute(
        f"""
        create or replace temp table {staging} as
        with snapshot_query as {source},
        snapshotted_data as (
            select *, {key} as dbt_unique_key
            from {node.relation}
            where dbt_valid_to is null
        ),
        insertions_source_data as (
            select *, {key} as dbt_unique_key,
                {strategy.updated_at} as dbt_updated_at,
                {strategy.updated_at} as dbt_valid_from,
                {_current_valid_to(strategy)} as dbt_valid_to,
                {_scd_id(strategy)} as dbt_scd_id
            from snapshot_query
        ),
        updates_source_data as (
            select *, {key} as dbt_unique_key,
                {strategy.updated_at} as dbt_updated_at,
                {strategy.updated_at} as dbt_valid_from,
                {strategy.updated_at} as dbt_valid_to
            from snapshot_query
        ),
        insertions as (
            select 'insert' as dbt_change_type, source_data.*
            from insertions_source_data as source_data
            left outer join snapshotted_data
                on snapshotted_data.dbt_unique_key = source_data.dbt_unique_key
            where snapshotted_data.dbt_unique_key is null
               or (snapshotted_data.dbt_unique_key is not null and ({changed}))
        ),
        updates as (
            select 'update' as dbt_change_type, source_data.*, snapshotted_data.dbt_scd_id
            from updates_source_data as source_data
            join snapshotted_data
                on snapshotted_data.dbt_unique_key = source_data.dbt_unique_key
            where ({changed})
        )
        select * from insertions
        union all
        select * from updates
        """
    )
    try:
        columns = [
            row[0]
            for row in con.execute(f"select * from {node.relation} limit 0").description or []
        ]
        quoted = ", ".join(f'"{c}"' for c in columns)
        closed = con.execute(
            f"""
            update {node.relation} as dbt_internal_target
            set dbt_valid_to = dbt_internal_source.dbt_valid_to
            from {staging} as dbt_internal_source
            where dbt_internal_source.dbt_scd_id::text = dbt_internal_target.dbt_scd_id::text
              and dbt_internal_source.dbt_change_type::text in ('update'::text, 'delete'::text)
              and dbt_internal_target.dbt_valid_to is null
            """
        ).fetchone()
        added = con.execute(
            f"""
            insert into {node.relation} ({quoted})
            select {", ".join(f"dbt_internal_source.{c}" for c in quoted.split(", "))}
            from {staging} as dbt_internal_source
            where dbt_internal_source.dbt_change_type::text = 'insert'::text
            """
        ).fetchone()
    finally:
        con.execute(f"drop table if exists {staging}")
    return f"{added[0] if added else 0} new versions, {closed[0] if closed else 0} closed"
