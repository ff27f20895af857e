"""Contract section 3 in SQL: type every value, set aside every bad row.

All checks are set-based (one statement per rule over the whole file), so a
file of millions of rows costs a few scans, not a Python loop per row. A row
gets the first failure found, in this order: column values in contract order
(missing required value, unparsable value, value outside its set or range),
row rules (e.g. mentor matched with themself), references to other sources
(unknown, or pointing at a quarantined row: the cascade), cross-source rules
(a session before its match started), and last the duplicate key: the first
*otherwise valid* row in file order wins (see DECISIONS.md).
"""

from __future__ import annotations

from pipelines.contract import CROSS_RULES, Column, Source

_DATE_RE = r"^\d{4}-\d{2}-\d{2}$"
_INT_RE = r"^[+-]?\d+$"
_NUM_RE = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_TRUE = ("true", "yes", "1")
_BOOLS = ("true", "false", "yes", "no", "1", "0")


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _in_list(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(_quote(v) for v in values) + ")"


def _text(col: Column) -> str:
    """The trimmed text of a landed value, empty as NULL (``v_<name>``, see checked_table_sql)."""
    return f"v_{col.name}"


def _trimmed(col: Column) -> str:
    return f"nullif(trim({col.name}), '') as {_text(col)}"


def typed_expression(col: Column) -> str:
    """SQL giving the typed value of a landed column (NULL when unparsable)."""
    v = _text(col)
    match col.type:
        case "id" | "string":
            return v
        case "enum":
            return f"lower({v})"
        case "date":
            return (
                f"case when regexp_full_match({v}, '{_DATE_RE}') "
                f"then try_strptime({v}, '%Y-%m-%d')::date end"
            )
        case "integer":
            return (
                f"case when regexp_full_match({v}, '{_INT_RE}') then try_cast({v} as integer) end"
            )
        case "number":
            return f"case when regexp_full_match({v}, '{_NUM_RE}') then try_cast({v} as double) end"
        case "boolean":
            return (
                f"case when lower({v}) in {_in_list(_BOOLS)} "
                f"then lower({v}) in {_in_list(_TRUE)} end"
            )
    raise ValueError(col.type)


def _value_checks(col: Column) -> list[tuple[str, str]]:
    """(condition that means failure, reason SQL) for one column, in order."""
    v, typed, name = _text(col), f"t_{col.name}", col.name
    checks: list[tuple[str, str]] = []
    if col.required:
        checks.append((f"{v} is null", _quote("missing required value")))
    if col.type in ("date", "integer", "number", "boolean"):
        expected = {
            "date": "a date YYYY-MM-DD",
            "integer": "a whole number",
            "number": "a number",
            "boolean": "true/false, yes/no or 1/0",
        }[col.type]
        checks.append(
            (
                f"{v} is not null and {typed} is null",
                f"'unparsable value ''' || {v} || ''' (expected {expected})'",
            )
        )
    if col.type == "enum":
        allowed = ", ".join(col.values)
        checks.append(
            (
                f"{typed} is not null and {typed} not in {_in_list(col.values)}",
                f"'value ''' || {v} || ''' not in ({allowed})'",
            )
        )
    if col.min is not None and col.max is not None:
        bounds = f"{col.min:g}..{col.max:g}"
        checks.append(
            (
                f"{typed} is not null and not ({typed} between {col.min} and {col.max})",
                f"'value ' || {v} || ' outside {bounds}'",
            )
        )
    return [
        (cond, f"struct_pack(col := {_quote(name)}, reason := {reason})") for cond, reason in checks
    ]


def _rule_checks(source: Source) -> list[tuple[str, str]]:
    out = []
    for column, condition, reason in source.row_rules:
        typed_condition = condition
        for col in source.stored_columns:
            typed_condition = _replace_word(typed_condition, col.name, f"t_{col.name}")
        out.append(
            (
                f"not coalesce({typed_condition}, true)",
                f"struct_pack(col := {_quote(column)}, reason := {_quote(reason)})",
            )
        )
    return out


def _replace_word(sql: str, word: str, replacement: str) -> str:
    import re

    return re.sub(rf"\b{re.escape(word)}\b", replacement, sql)


def checked_table_sql(source: Source, landing: str, checked: str) -> str:
    """Type every column and record the first per-row failure.

    The table holds ``_line_number``, the typed ``t_<column>`` values and
    ``_failure``; the landed text stays in ``landing``.

    The landing's ``_input_failure`` (what a mapping found wrong in the input
    row: an unparsable date in an input column, an unresolved person) comes
    before every contract rule.
    """
    # each value trimmed once (v_*), typed once (t_*), then every rule reads those
    trimmed = ", ".join(_trimmed(c) for c in source.stored_columns)
    typed = [f"{typed_expression(c)} as t_{c.name}" for c in source.stored_columns]
    inner = f"select *, {', '.join(typed)} from (select *, {trimmed} from {landing})"
    checks = [("_input_failure is not null", "_input_failure")]
    checks += [chk for c in source.stored_columns for chk in _value_checks(c)]
    checks += _rule_checks(source)
    whens = " ".join(f"when {cond} then {result}" for cond, result in checks)
    failure = f"case {whens} end" if checks else "null"
    # the typed values and the verdict only: a quarantined row's text is read
    # back from the landing by line number (few rows), not copied for every row
    typed_columns = ", ".join(f"t_{c.name}" for c in source.stored_columns)
    return f"""
        create or replace temp table {checked} as
        select _line_number, {typed_columns}, {failure} as _failure from ({inner})
    """


def reference_updates(source: Source, checked: str, run_id: str) -> list[str]:
    """Statements quarantining rows whose references do not resolve.

    A reference to a row that was itself quarantined says so (the cascade),
    so an auditor can follow the chain back to the first bad row.
    """
    statements = []
    for ref in source.references:
        if not ref.quarantine:
            continue
        col, target, key = ref.column, ref.source, ref.target_column
        statements.append(
            f"""
            update {checked} set _failure = struct_pack(
                col := {_quote(col)},
                reason := 'references a quarantined {target} row ({key} ''' || t_{col} || ''')')
            where _failure is null and t_{col} is not null
              and t_{col} not in (select {key} from raw.{target} where {key} is not null)
              and t_{col} in (
                  select trim(json_extract_string(original_values, '$.{key}')) from raw.quarantine
                  where run_id = {_quote(run_id)} and source = {_quote(target)}
                    and json_extract_string(original_values, '$.{key}') is not null)
            """
        )
        statements.append(
            f"""
            update {checked} set _failure = struct_pack(
                col := {_quote(col)},
                reason := 'unknown {key} ''' || t_{col} || ''' (not in {target})')
            where _failure is null and t_{col} is not null
              and t_{col} not in (select {key} from raw.{target} where {key} is not null)
            """
        )
    for name, col, target, condition, reason in CROSS_RULES:
        if name != source.name:
            continue
        ref = next(r for r in source.references if r.source == target)
        cond = condition.replace("r.", "c.t_").replace("t.", "tgt.")
        statements.append(
            f"""
            update {checked} as c set _failure = struct_pack(
                col := {_quote(col)}, reason := {_quote(reason)})
            from raw.{target} as tgt
            where c._failure is null and tgt.{ref.target_column} = c.t_{ref.column}
              and not coalesce({cond}, true)
            """
        )
    return statements


def duplicate_updates(source: Source, checked: str, earlier_files: bool = False) -> list[str]:
    """Quarantine every later row of a repeated key among otherwise valid rows.

    With ``earlier_files`` (a source fed by several files, this one not the
    first), a key already accepted from an earlier file is a repeat too: file
    order, then line order, is the order of "first".
    """
    if not source.key:
        return []
    statements = []
    label = ", ".join(source.key)
    if earlier_files:
        same = " and ".join(f"r.{k} is not distinct from c.t_{k}" for k in source.key)
        statements.append(
            f"""
            update {checked} as c set _failure = struct_pack(
                col := {_quote(source.key[0])},
                reason := 'duplicate key ({label}); first row in ' || r._source_file
                          || ' line ' || r._line_number || ' kept')
            from raw.{source.name} as r
            where c._failure is null and {same}
            """
        )
    statements.append(_duplicates_within(source, checked, label))
    return statements


def _duplicates_within(source: Source, checked: str, label: str) -> str:
    keys = ", ".join(f"t_{k}" for k in source.key)
    return f"""
        update {checked} as c set _failure = struct_pack(
            col := {_quote(source.key[0])},
            reason := 'duplicate key ({label}); first row at line ' || d.first_line || ' kept')
        from (
            select _line_number,
                   first_value(_line_number) over w as first_line,
                   row_number() over w as position
            from {checked} where _failure is null
            window w as (partition by {keys} order by _line_number)
        ) as d
        where c._line_number = d._line_number and d.position > 1
    """
