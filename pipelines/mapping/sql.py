"""The SQL a mapping compiles to: date parsing, value translation, landing views, lookups.

Everything a mapping does is one set-based query per (source, input file),
over the input file's landing relation, so a mapped export costs the same
few scans as a canonical one (DECISIONS "Ingestion is set-based SQL in DuckDB").
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import duckdb

from pipelines.mapping.spec import ISO_FORMAT, DateRule, Feed

FAILURE_TYPE = "struct(col varchar, reason varchar)"
PIVOT_MACRO = "__mentorship_pivot_year"


def quote(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def ident(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def session_macros(con: duckdb.DuckDBPyConnection, as_of: str) -> None:
    """``as_of()`` (the drop's as-of date) and the two-digit-year helper, for this connection."""
    con.execute(f"create or replace temp macro as_of() as date {quote(as_of)}")
    # The latest year <= pivot with the same last two digits: pivot 2020 makes 51 -> 1951.
    con.execute(
        f"create or replace temp macro {PIVOT_MACRO}(d, p) as "
        "try(make_date((p - ((p % 100 - year(d) % 100 + 100) % 100))::bigint, "
        "month(d), day(d)))"
    )


def parse_date_sql(text_sql: str, rule: DateRule | None) -> str:
    """SQL giving the DATE a text holds under ``rule`` (ISO is always accepted); NULL if none."""
    v = f"nullif(trim({text_sql}), '')"
    parts = []
    for fmt in rule.formats if rule else ():
        parsed = f"try_strptime({v}, {quote(fmt)})::date"
        if "%y" in fmt:
            parts.append(f"{PIVOT_MACRO}({parsed}, {rule.pivot if rule else 2000})")
        else:
            # %Y reads "51" as the year 51: a four-digit year is meant.
            parts.append(f"case when year({parsed}) >= 1000 then {parsed} end")
    if not rule or ISO_FORMAT not in rule.formats:
        parts.append(
            f"case when regexp_full_match({v}, '\\d{{4}}-\\d{{2}}-\\d{{2}}') "
            f"then try_strptime({v}, '%Y-%m-%d')::date end"
        )
    return parts[0] if len(parts) == 1 else f"coalesce({', '.join(parts)})"


def translate_sql(value_sql: str, feed: Feed) -> str:
    """Apply the feed's translation table (matched trimmed and lower-cased); others pass."""
    if not feed.translate:
        return value_sql
    whens = " ".join(
        f"when {quote(key)} then {quote(target) if target is not None else 'null::varchar'}"
        for key, target in feed.translate
    )
    return f"(case lower(trim({value_sql})) {whens} else {value_sql} end)"


def failure_sql(col: str, reason_sql: str) -> str:
    return f"struct_pack(col := {quote(col)}, reason := {reason_sql})"


def case_failure(whens: Iterable[tuple[str, str]]) -> str:
    """``case when cond then failure ... end``, or a typed NULL when there is no check."""
    parts = [f"when {cond} then {result}" for cond, result in whens]
    return f"case {' '.join(parts)} end" if parts else f"null::{FAILURE_TYPE}"


def column_refs(con: duckdb.DuckDBPyConnection, expression: str) -> list[str] | str:
    """The column names an expression reads, or an error text when it is not one expression."""
    row = con.execute("select json_serialize_sql(?)", [f"select ({expression}) as v"]).fetchone()
    tree = json.loads(row[0]) if row else {}
    if tree.get("error"):
        message = str(tree.get("error_message", "it does not parse"))
        return "does not parse: " + message.splitlines()[0]
    if len(tree.get("statements", [])) != 1:
        return "is not one expression"
    refs: list[str] = []
    subquery = False

    def walk(node: object) -> None:
        nonlocal subquery
        if isinstance(node, dict):
            if node.get("class") == "COLUMN_REF" and node.get("column_names"):
                refs.append(str(node["column_names"][-1]))
            if node.get("class") == "SUBQUERY" or node.get("type") == "SUBQUERY":
                subquery = True
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    statement = tree["statements"][0]["node"]
    walk(statement.get("select_list"))
    if subquery:
        return "reads a subquery; an expression reads the row's input columns only"
    extra = [statement.get(k) for k in ("where_clause", "having", "qualify", "sample")]
    if (
        statement.get("from_table", {}).get("type") not in (None, "EMPTY")
        or any(e is not None for e in extra)
        or statement.get("group_expressions")
        or statement.get("modifiers")
        or statement.get("cte_map", {}).get("map")
    ):
        return "is not one expression"
    return refs
