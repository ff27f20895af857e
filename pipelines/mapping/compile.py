"""A planned (source, file) pair as one landing view, and a lookup as one table.

The landing view has what ``quarantine.py`` expects of any landed source:
``_line_number``, every stored contract column as text, and ``_input_failure``
(the first problem the mapping found in the row: a cell that cannot be used, an
unparsable date in an input column, a person the lookup did not find), which
is the row's quarantine reason before any contract rule is checked.
"""

from __future__ import annotations

from pipelines.mapping import sql as q
from pipelines.mapping.plan import FeedPlan, InputColumn, InputFile, LookupPlan


def _typed_relation(
    item: InputFile,
    used: dict[int, InputColumn],
    input_rel: str,
    problems: str | None,
    feed: FeedPlan | None,
    extra: list[str],
) -> str:
    """The input's rows as expressions see them: dates typed, and the row's input failure."""
    columns = ["src.__line as __line"]
    whens: list[tuple[str, str]] = []
    joins = ""
    if problems is not None and used:
        positions = ", ".join(str(p) for p in used)
        joins = (
            f" left join (select __line, min(position) as position, "
            f"arg_min(reason, position) as reason from {problems} "
            f"where position in ({positions}) group by __line) prob on prob.__line = src.__line"
        )
        names = " ".join(f"when {p} then {q.quote(c.name)}" for p, c in used.items())
        cols = " ".join(
            f"when {p} then {q.quote(feed.contract_column_of(c.name) if feed else c.name)}"
            for p, c in used.items()
        )
        whens.append(
            (
                "prob.reason is not null",
                f"struct_pack(col := (case prob.position {cols} end), "
                "reason := prob.reason || ' in input column ' || "
                f"(case prob.position {names} end))",
            )
        )
    rule = item.date_rule
    for position, column in used.items():
        text = f"src.i{position}"
        if column.is_date:
            parsed = q.parse_date_sql(text, rule)
            columns.append(f"{parsed} as {q.ident(column.name)}")
            described = (rule.describe() if rule else "YYYY-MM-DD").replace("'", "''")
            target = feed.contract_column_of(column.name) if feed else column.name
            label = column.name.replace("'", "''")
            whens.append(
                (
                    f"nullif(trim({text}), '') is not null and {parsed} is null",
                    q.failure_sql(
                        target,
                        f"'unparsable value ''' || trim({text}) || ''' in input column "
                        f"{label} (expected a date {described})'",
                    ),
                )
            )
        else:
            columns.append(f"{text} as {q.ident(column.name)}")
    columns.append(f"{q.case_failure(whens)} as __failure")
    columns.extend(extra)
    return f"select {', '.join(columns)} from {input_rel} src{joins}"


def landing_view_sql(feed: FeedPlan, input_rel: str, problems: str | None, view: str) -> str:
    """``create view``: the source's landed rows from this input (see the module docstring)."""
    keys = [f"src.{use.wanted.name} as __lk{k}" for k, use in enumerate(feed.lookups)]
    typed = _typed_relation(feed.input, feed.used, input_rel, problems, feed, keys)
    computed = {c.column.name: c.sql for c in feed.columns if c.sql is not None}
    middle = ["t.__line", "t.__failure"]
    middle += [f"{sql} as {q.ident('c_' + name)}" for name, sql in computed.items()]
    middle += [f"t.__lk{k}" for k in range(len(feed.lookups))]
    where = f" where coalesce(({feed.where}), true)" if feed.where else ""
    by_lookup = {use.column: k for k, use in enumerate(feed.lookups)}
    final = ["m.__line as _line_number"]
    for col in feed.source.stored_columns:
        if col.name in computed:
            final.append(f"m.{q.ident('c_' + col.name)} as {col.name}")
        elif col.name in by_lookup:
            k = by_lookup[col.name]
            final.append(f"case when l{k}.matches = 1 then l{k}.employee_id end as {col.name}")
        else:
            final.append(f"null::varchar as {col.name}")
    failures = ["m.__failure"]
    joins = []
    for k, use in enumerate(feed.lookups):
        what = f"this {use.input_name}".replace("'", "''")
        name = use.lookup.spec.name.replace("'", "''")
        failures.append(
            q.case_failure(
                [
                    (
                        f"m.__lk{k} is not null and l{k}.key is null",
                        q.failure_sql(
                            use.column,
                            f"'no employee of the HR export has {what} (lookup {name})'",
                        ),
                    ),
                    (
                        f"l{k}.matches > 1",
                        q.failure_sql(
                            use.column,
                            f"l{k}.matches || ' employees of the HR export share {what} "
                            f"(lookup {name})'",
                        ),
                    ),
                ]
            )
        )
        joins.append(f"left join {use.lookup.table} l{k} on l{k}.key = m.__lk{k}")
    final.append(f"coalesce({', '.join(failures)}) as _input_failure")
    return (
        f"create or replace temp view {view} as "
        f"with t as ({typed}), m as (select {', '.join(middle)} from t{where}) "
        f"select {', '.join(final)} from m {' '.join(joins)}"
    )


def lookup_table_sql(lookup: LookupPlan, input_rel: str, problems: str | None) -> str:
    """``create table``: hashed key -> employee_id, with how many employees share the key."""
    typed = _typed_relation(
        lookup.input, lookup.used, input_rel, problems, None, [f"src.h{lookup.match} as __key"]
    )
    return (
        f"create or replace temp table {lookup.table} as "
        f"select __key as key, min(employee_id) as employee_id, "
        f"count(distinct employee_id) as matches "
        f"from (select t.__key, nullif(trim({lookup.gives_sql}), '') as employee_id "
        f"from ({typed}) t) where __key is not null group by __key"
    )
