"""The KPI suites (``kpi_summary``, ``kpi_history``, the published ``kpis.json``).

They read the KPI catalogue where the run loaded it (``main.kpi_catalog``,
dbt's seed of ``seeds/kpi_catalog.csv``): each KPI's value range, whether it
counts things, the grains it is published at. So a new KPI is a catalogue
row, not an edit here, and the committed suites do not change with it. That a
check reads the catalogue it checks against is guarded outside the night:
``tests/test_quality_suites.py`` holds the catalogue to the dictionary's
list (``shared/contract/kpis.md``), so a KPI dropped from the catalogue fails
CI. Generated into ``expectations/marts/`` by
``python -m pipelines.quality.generate_suites``.
"""

from __future__ import annotations

from typing import Any

#: The KPI catalogue as dbt seeds it (target schema ``main``).
CATALOG = "main.kpi_catalog"

GROUP_ATTRIBUTES = ("gender", "ethnicity")
_ROW = "kpi, group_attribute, group_value, value, n, suppressed, unavailable"
_ROW_K = ", ".join(f"k.{c}" for c in _ROW.split(", "))


def _exp(type_: str, kwargs: dict[str, Any], description: str, check: str | None = None) -> dict:
    return {
        "type": type_,
        "kwargs": kwargs,
        "severity": "critical",
        "description": description,
        "meta": {"check": check} if check else {},
    }


def value_rules() -> list[dict[str, Any]]:
    """Every KPI catalogued, its value within the catalogue's range; counts whole; one state."""
    catalogued = (
        f"select {_ROW_K}, c.value_low, c.value_high from (select * from {{batch}}) as k "
        f"inner join {CATALOG} as c on k.kpi = c.kpi"
    )
    rules = [
        _exp(
            "unexpected_rows_expectation",
            {
                "unexpected_rows_query": f"select {_ROW} from {{batch}} "
                f"where kpi not in (select kpi from {CATALOG})"
            },
            "every KPI row is of a KPI of the catalogue (seeds/kpi_catalog.csv)",
            check="every KPI catalogued",
        ),
        _exp(
            "unexpected_rows_expectation",
            {
                "unexpected_rows_query": f"{catalogued} "
                "where k.value < c.value_low or k.value > c.value_high"
            },
            "KPI values within the catalogue's range (value_low, value_high; "
            "no upper bound for counts and turnover per head)",
            check="values within their range",
        ),
        _exp(
            "unexpected_rows_expectation",
            {
                "unexpected_rows_query": f"{catalogued} "
                "where c.is_count and k.value <> floor(k.value)"
            },
            "counts are whole numbers (the catalogue's is_count)",
            check="counts are whole numbers",
        ),
        _exp(
            "expect_column_values_to_be_between",
            {"column": "n", "min_value": 1, "max_value": None},
            "n, when published, counts at least one member (an empty population is unavailable)",
        ),
        _exp(
            "unexpected_rows_expectation",
            {
                "unexpected_rows_query": f"select {_ROW} from {{batch}} where "
                "(value is not null)::int + coalesce(suppressed, false)::int "
                "+ (unavailable is not null)::int <> 1"
            },
            "every row is exactly one of: a value, suppressed, unavailable with a reason",
            check="one state per KPI row",
        ),
    ]
    return rules


def suppression_rules(by: str = "") -> list[dict[str, Any]]:
    """The small-cell rules that a table of KPI rows can show by itself.

    ``by``: extra grouping columns (``as_of_date, `` for kpi_history).
    Complementary suppression: an attribute never has exactly one suppressed
    value of a KPI among several (its value would follow by subtraction);
    participation_rate and representation_index are suppressed together.
    """
    return [
        _exp(
            "unexpected_rows_expectation",
            {
                "unexpected_rows_query": f"select {by}kpi, group_attribute, count(*) as n_values "
                f"from {{batch}} where group_value is not null "
                f"group by {by}kpi, group_attribute "
                "having sum(case when suppressed then 1 else 0 end) = 1 and count(*) > 1"
            },
            "complementary suppression: no attribute has exactly one suppressed value of a KPI",
            check="complementary suppression",
        ),
        _exp(
            "unexpected_rows_expectation",
            {
                "unexpected_rows_query": f"select {by.replace('as_of_date', 'p.as_of_date')}"
                "p.group_attribute, p.group_value "
                f"from (select * from {{batch}}) as p inner join (select * from {{batch}}) as r "
                "on p.group_attribute = r.group_attribute and p.group_value = r.group_value"
                + (" and p.as_of_date = r.as_of_date" if by else "")
                + " where p.kpi = 'participation_rate' and r.kpi = 'representation_index' "
                "and p.suppressed <> r.suppressed"
            },
            "participation_rate and representation_index are suppressed together",
            check="participation and representation suppressed together",
        ),
    ]


#: How a catalogue grain shows in a KPI table: (catalogue grain, grain, attribute).
_GRAIN_ROWS = [
    ("overall", "overall", None),
    *(("group_value", "group_value", a) for a in GROUP_ATTRIBUTES),
    ("department_value", "group_value", "department"),
    *(("attribute", "attribute", a) for a in GROUP_ATTRIBUTES),
]


def _sql(value: str | None) -> str:
    return "null" if value is None else f"'{value}'"


def completeness_rules() -> list[dict[str, Any]]:
    """Every KPI of the catalogue at every grain it is published at."""
    grains = ", ".join(f"({', '.join(_sql(v) for v in row)})" for row in _GRAIN_ROWS)
    expected = (
        f"select c.kpi, g.grain, g.attr from {CATALOG} as c inner join (values {grains}) "
        "as g(catalog_grain, grain, attr) "
        "on ' ' || c.grains || ' ' like '% ' || g.catalog_grain || ' %'"
    )
    match = (
        "k.kpi = e.kpi and case e.grain "
        "when 'overall' then k.group_attribute is null "
        "when 'group_value' then k.group_attribute = e.attr and k.group_value is not null "
        "else k.group_attribute = e.attr and k.group_value is null end"
    )
    return [
        _exp(
            "unexpected_rows_expectation",
            {
                "unexpected_rows_query": f"select c.kpi from {CATALOG} as c "
                "where c.kpi not in (select kpi from {batch})"
            },
            "every KPI of the catalogue (seeds/kpi_catalog.csv, the dictionary's list) "
            "is published",
            check="every KPI of the dictionary",
        ),
        _exp(
            "unexpected_rows_expectation",
            {
                "unexpected_rows_query": f"select e.kpi, e.grain, e.attr from ({expected}) as e "
                "where not exists "
                f"(select 1 from (select * from {{batch}}) as k where {match})"
            },
            "every KPI at each of its grains: overall, per gender and ethnicity value, "
            "per department, once per attribute (selection_ratio_min)",
            check="every KPI at every grain",
        ),
    ]


def kpi_summary_suite() -> dict[str, Any]:
    """``main.kpi_summary``: complete, in range, reconciled with the marts."""
    reconcile = [
        (
            "active_matches = active rows of fct_matches",
            "active_matches",
            "(select count(*) from main.fct_matches where is_active)",
        ),
        (
            "participation_rate n = headcount of dim_employees",
            "participation_rate",
            "(select count(*) from main.dim_employees where is_employed_on_as_of_date)",
        ),
        (
            "critical_roles = rows of mart_succession_coverage",
            "critical_roles",
            "(select count(*) from main.mart_succession_coverage)",
        ),
        (
            "headcount = headcount of dim_employees",
            "headcount",
            "(select count(*) from main.dim_employees where is_employed_on_as_of_date)",
        ),
    ]
    rules = [
        _exp(
            "unexpected_rows_expectation",
            {
                "unexpected_rows_query": f"select {_ROW}, {expr} as in_mart from {{batch}} "
                f"where kpi = '{kpi}' and group_attribute is null and value is not null "
                f"and {'n' if kpi == 'participation_rate' else 'value'} <> {expr}"
            },
            f"reconciliation: {check}",
            check=check,
        )
        for check, kpi, expr in reconcile
    ]
    return {
        "name": "marts.kpi_summary",
        "meta": {
            "table": "main.kpi_summary",
            "sample_columns": ["kpi", "group_attribute", "group_value"],
            "description": "The KPIs of kpis.json at the as-of date.",
            "generated_by": "python -m pipelines.quality.generate_suites (kpi_suites.py)",
        },
        "expectations": completeness_rules() + value_rules() + suppression_rules() + rules,
    }


def kpi_history_suite() -> dict[str, Any]:
    """``main.kpi_history``: every date complete and in range; D equals kpi_summary."""
    at_d = (
        f"select {_ROW} from {{batch}} where as_of_date = (select max(as_of_date) from {{batch}})"
    )
    summary = f"select {_ROW} from main.kpi_summary"
    return {
        "name": "marts.kpi_history",
        "meta": {
            "table": "main.kpi_history",
            "sample_columns": ["as_of_date", "kpi", "group_attribute", "group_value"],
            "description": "Every KPI at the as-of date and the month-ends before it (trends).",
            "generated_by": "python -m pipelines.quality.generate_suites (kpi_suites.py)",
        },
        "expectations": [
            _exp(
                "unexpected_rows_expectation",
                {
                    "unexpected_rows_query": "select as_of_date, count(distinct kpi) as kpis "
                    f"from {{batch}} group by as_of_date "
                    f"having count(distinct kpi) < (select count(*) from {CATALOG})"
                },
                "every evaluation date has every KPI of the dictionary",
                check="every KPI at every date",
            ),
            *value_rules(),
            *suppression_rules("as_of_date, "),
            _exp(
                "unexpected_rows_expectation",
                {
                    "unexpected_rows_query": f"(({at_d}) except all ({summary})) "
                    f"union all (({summary}) except all ({at_d}))"
                },
                "reconciliation: kpi_summary is exactly kpi_history at the as-of date",
                check="kpi_summary = kpi_history at the as-of date",
            ),
        ],
    }


def published_kpis_suite() -> dict[str, Any]:
    """The run's ``kpis.json`` (loaded into a temp table by the stage) = kpi_summary."""
    summary = f"select {_ROW} from main.kpi_summary"
    published = f"select {_ROW} from {{batch}}"
    return {
        "name": "published.kpis_json",
        "meta": {
            "table": "quality_published_kpis",
            "sample_columns": ["kpi", "group_attribute", "group_value"],
            "description": "kpis.json as the run wrote it: every KPI, exactly kpi_summary.",
            "generated_by": "python -m pipelines.quality.generate_suites (kpi_suites.py)",
        },
        "expectations": [
            completeness_rules()[0],
            _exp(
                "unexpected_rows_expectation",
                {
                    "unexpected_rows_query": f"(({published}) except all ({summary})) "
                    f"union all (({summary}) except all ({published}))"
                },
                "reconciliation: kpis.json holds exactly the rows of kpi_summary",
                check="kpis.json = kpi_summary",
            ),
        ],
    }
