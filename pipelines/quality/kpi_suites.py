"""The KPI suites (``kpi_summary``, ``kpi_history``, the published ``kpis.json``).

Written from the KPI dictionary (``shared/contract/kpis.md``) on purpose, not
from dbt's ``macros/kpi_catalog.sql``: a check that read the catalog it
checks could not notice a KPI dropped from it. Generated into
``expectations/marts/`` by ``python -m pipelines.quality.generate_suites``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class KpiSpec:
    """A dictionary KPI: the range its value must lie in and the grains it is published at."""

    kpi: str
    low: float | None
    high: float | None
    whole: bool = False
    grains: tuple[str, ...] = ("overall",)


_RATE = (0.0, 1.0)
_GAP = (-1.0, 1.0)
#: Engagement scores are 1.0..5.0: a delta of two scores lies in [-4, 4], the
#: uplift (a difference of two deltas) in [-8, 8].
_DELTA = (-4.0, 4.0)
_UPLIFT = (-8.0, 8.0)
#: Learning and satisfaction answers and engagement scores are 1..5.
_LEARNING = (1.0, 5.0)
_COUNT = (0.0, None)

KPIS: tuple[KpiSpec, ...] = (
    KpiSpec("retention_12m_mentee", *_RATE),
    KpiSpec("retention_12m_mentor", *_RATE),
    KpiSpec("retention_12m_non_participant", *_RATE),
    KpiSpec("retention_12m_gap_mentee_naive", *_GAP),
    KpiSpec("retention_12m_gap_mentor_naive", *_GAP),
    KpiSpec("retention_12m_gap_mentee_adjusted", *_GAP),
    KpiSpec("retention_12m_gap_mentor_adjusted", *_GAP),
    KpiSpec("promotion_rate_12m_mentee", *_RATE),
    KpiSpec("promotion_rate_12m_mentor", *_RATE),
    KpiSpec("promotion_rate_12m_non_participant", *_RATE),
    KpiSpec("active_matches", *_COUNT, whole=True),
    KpiSpec("engaged_match_rate_30d", *_RATE),
    KpiSpec("avg_sessions_per_active_match_90d", *_COUNT),
    KpiSpec("mentee_initiated_share_12m", *_RATE),
    KpiSpec("mentor_learning_avg", *_LEARNING),
    KpiSpec("mentee_learning_avg", *_LEARNING),
    KpiSpec("reciprocity_index", *_RATE),
    KpiSpec("engagement_delta_mentee", *_DELTA),
    KpiSpec("engagement_delta_non_participant", *_DELTA),
    KpiSpec("engagement_uplift_mentee", *_UPLIFT),
    KpiSpec("critical_roles", *_COUNT, whole=True),
    KpiSpec("succession_coverage_ready_now", *_RATE),
    KpiSpec("succession_coverage_any", *_RATE),
    KpiSpec("successors_mentored_share", *_RATE),
    KpiSpec("knowledge_transfer_gap_roles", *_COUNT, whole=True),
    KpiSpec("participation_rate", *_RATE, grains=("overall", "group_value")),
    KpiSpec("representation_index", *_COUNT, grains=("group_value",)),
    KpiSpec("selection_ratio_min", *_RATE, grains=("attribute",)),
    KpiSpec("cross_gender_match_share", *_RATE),
    KpiSpec("cross_ethnicity_match_share", *_RATE),
    # Workforce KPIs: turnover is per average head, so it can exceed 1.
    KpiSpec("headcount", *_COUNT, whole=True, grains=("overall", "department_value")),
    KpiSpec("hires_12m", *_COUNT, whole=True, grains=("overall", "department_value")),
    KpiSpec("separations_12m", *_COUNT, whole=True, grains=("overall", "department_value")),
    KpiSpec("turnover_rate_12m", *_COUNT, grains=("overall", "department_value")),
    KpiSpec("voluntary_turnover_rate_12m", *_COUNT, grains=("overall", "department_value")),
    KpiSpec("engagement_score_avg", *_LEARNING),
    KpiSpec("engagement_favorable_share", *_RATE),
    KpiSpec("representation_share", *_RATE, grains=("group_value",)),
    KpiSpec("leadership_representation_share", *_RATE, grains=("group_value",)),
)

KPI_NAMES: tuple[str, ...] = tuple(k.kpi for k in KPIS)
GROUP_ATTRIBUTES = ("gender", "ethnicity")
_ROW = "kpi, group_attribute, group_value, value, n, suppressed, unavailable"


def _exp(type_: str, kwargs: dict[str, Any], description: str, check: str | None = None) -> dict:
    return {
        "type": type_,
        "kwargs": kwargs,
        "severity": "critical",
        "description": description,
        "meta": {"check": check} if check else {},
    }


def _in_list(names: list[str]) -> str:
    return ", ".join(f"'{n}'" for n in names)


def _range_label(low: float | None, high: float | None) -> str:
    if high is None:
        return f"at least {low:g}"
    return f"within [{low:g}, {high:g}]"


def value_rules() -> list[dict[str, Any]]:
    """Every KPI value within its range; counts whole; exactly one state per row."""
    by_range: dict[tuple[float | None, float | None], list[str]] = {}
    for k in KPIS:
        by_range.setdefault((k.low, k.high), []).append(k.kpi)
    rules = []
    for (low, high), names in by_range.items():
        cond = f"value < {low}" + (f" or value > {high}" if high is not None else "")
        label = _range_label(low, high)
        rules.append(
            _exp(
                "unexpected_rows_expectation",
                {
                    "unexpected_rows_query": f"select {_ROW} from {{batch}} "
                    f"where kpi in ({_in_list(names)}) and ({cond})"
                },
                f"KPI values {label}: {', '.join(names)}",
                check=f"values {label} ({len(names)} KPIs)",
            )
        )
    whole = [k.kpi for k in KPIS if k.whole]
    rules += [
        _exp(
            "unexpected_rows_expectation",
            {
                "unexpected_rows_query": f"select {_ROW} from {{batch}} "
                f"where kpi in ({_in_list(whole)}) and value <> floor(value)"
            },
            f"counts are whole numbers: {', '.join(whole)}",
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


def completeness_rules() -> list[dict[str, Any]]:
    """Every KPI of the dictionary at every grain it is published at."""
    expected = []
    for k in KPIS:
        for grain in k.grains:
            if grain == "overall":
                expected.append(f"('{k.kpi}', 'overall', null)")
            elif grain == "department_value":
                expected.append(f"('{k.kpi}', 'group_value', 'department')")
            else:
                expected += [f"('{k.kpi}', '{grain}', '{a}')" for a in GROUP_ATTRIBUTES]
    match = (
        "k.kpi = e.kpi and case e.grain "
        "when 'overall' then k.group_attribute is null "
        "when 'group_value' then k.group_attribute = e.attr and k.group_value is not null "
        "else k.group_attribute = e.attr and k.group_value is null end"
    )
    return [
        _exp(
            "expect_column_distinct_values_to_contain_set",
            {"column": "kpi", "value_set": list(KPI_NAMES)},
            "every KPI of the dictionary (shared/contract/kpis.md) is published",
            check="every KPI of the dictionary",
        ),
        _exp(
            "unexpected_rows_expectation",
            {
                "unexpected_rows_query": f"select e.kpi, e.grain, e.attr from (values "
                f"{', '.join(expected)}) as e(kpi, grain, attr) where not exists "
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
                    f"from {{batch}} group by as_of_date having count(distinct kpi) < {len(KPIS)}"
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
