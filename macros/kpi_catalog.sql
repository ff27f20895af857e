{#
    The list of KPIs of the KPI dictionary (shared/contract/kpis.md), one
    place: which grains each is published at, which sources it needs
    (besides `employees`, required in every drop), and why it is unavailable
    when its population is empty at a date. kpi_history builds its full grid
    of rows from this list, so every KPI appears in every run.

    grains: 'overall' (group null), 'group_value' (one row per gender and per
    ethnicity value among people employed on the date), 'department_value'
    (one row per department that any workforce count sees at the date),
    'attribute' (one row per attribute, group value null: selection_ratio_min).
    sources: [] for the workforce KPIs, which need employees only.
#}

{% macro kpi_catalog() %}
    {%- set catalog = [
        {'kpi': 'retention_12m_mentee', 'grains': ['overall'], 'sources': ['matches'],
         'empty': 'no eligible mentees'},
        {'kpi': 'retention_12m_mentor', 'grains': ['overall'], 'sources': ['matches'],
         'empty': 'no eligible mentors'},
        {'kpi': 'retention_12m_non_participant', 'grains': ['overall'], 'sources': ['matches', 'programs'],
         'empty': 'no eligible non-participants'},
        {'kpi': 'retention_12m_gap_mentee_naive', 'grains': ['overall'], 'sources': ['matches', 'programs'],
         'empty': 'no eligible mentees'},
        {'kpi': 'retention_12m_gap_mentor_naive', 'grains': ['overall'], 'sources': ['matches', 'programs'],
         'empty': 'no eligible mentors'},
        {'kpi': 'retention_12m_gap_mentee_adjusted', 'grains': ['overall'], 'sources': ['matches', 'programs'],
         'empty': 'no stratum with enough eligible mentees and non-participants'},
        {'kpi': 'retention_12m_gap_mentor_adjusted', 'grains': ['overall'], 'sources': ['matches', 'programs'],
         'empty': 'no stratum with enough eligible mentors and non-participants'},
        {'kpi': 'promotion_rate_12m_mentee', 'grains': ['overall'], 'sources': ['matches', 'job_history'],
         'empty': 'no eligible mentees'},
        {'kpi': 'promotion_rate_12m_mentor', 'grains': ['overall'], 'sources': ['matches', 'job_history'],
         'empty': 'no eligible mentors'},
        {'kpi': 'promotion_rate_12m_non_participant', 'grains': ['overall'],
         'sources': ['matches', 'programs', 'job_history'], 'empty': 'no eligible non-participants'},
        {'kpi': 'active_matches', 'grains': ['overall'], 'sources': ['matches'],
         'empty': 'no active matches'},
        {'kpi': 'engaged_match_rate_30d', 'grains': ['overall'], 'sources': ['matches', 'sessions'],
         'empty': 'no active matches'},
        {'kpi': 'avg_sessions_per_active_match_90d', 'grains': ['overall'], 'sources': ['matches', 'sessions'],
         'empty': 'no active match started 90 or more days before the as-of date'},
        {'kpi': 'mentee_initiated_share_12m', 'grains': ['overall'], 'sources': ['matches', 'sessions'],
         'empty': 'no held sessions in the last 365 days'},
        {'kpi': 'mentor_learning_avg', 'grains': ['overall'], 'sources': ['matches', 'feedback'],
         'empty': 'no feedback from mentors'},
        {'kpi': 'mentee_learning_avg', 'grains': ['overall'], 'sources': ['matches', 'feedback'],
         'empty': 'no feedback from mentees'},
        {'kpi': 'reciprocity_index', 'grains': ['overall'], 'sources': ['matches', 'feedback'],
         'empty': 'no match with feedback from both sides'},
        {'kpi': 'engagement_delta_mentee', 'grains': ['overall'], 'sources': ['matches', 'engagement_surveys'],
         'empty': 'no mentees with both engagement scores'},
        {'kpi': 'engagement_delta_non_participant', 'grains': ['overall'],
         'sources': ['matches', 'programs', 'engagement_surveys'],
         'empty': 'no non-participants with both engagement scores'},
        {'kpi': 'engagement_uplift_mentee', 'grains': ['overall'],
         'sources': ['matches', 'programs', 'engagement_surveys'],
         'empty': 'no mentees with both engagement scores'},
        {'kpi': 'critical_roles', 'grains': ['overall'], 'sources': ['succession_plans'],
         'empty': 'no succession plan dated on or before the as-of date'},
        {'kpi': 'succession_coverage_ready_now', 'grains': ['overall'], 'sources': ['succession_plans'],
         'empty': 'no critical roles in the current succession plan'},
        {'kpi': 'succession_coverage_any', 'grains': ['overall'], 'sources': ['succession_plans'],
         'empty': 'no critical roles in the current succession plan'},
        {'kpi': 'successors_mentored_share', 'grains': ['overall'], 'sources': ['succession_plans', 'matches'],
         'empty': 'no employed successors of critical roles'},
        {'kpi': 'knowledge_transfer_gap_roles', 'grains': ['overall'], 'sources': ['succession_plans', 'matches'],
         'empty': 'no critical roles with an employed incumbent aged 60 or more'},
        {'kpi': 'participation_rate', 'grains': ['overall', 'group_value'], 'sources': ['matches'],
         'empty': 'nobody employed on the as-of date'},
        {'kpi': 'representation_index', 'grains': ['group_value'], 'sources': ['matches'],
         'empty': 'no participants employed on the as-of date'},
        {'kpi': 'selection_ratio_min', 'grains': ['attribute'], 'sources': ['matches'],
         'empty': 'fewer than 2 published disclosed group values'},
        {'kpi': 'cross_gender_match_share', 'grains': ['overall'], 'sources': ['matches'],
         'empty': 'no matches where mentor and mentee both disclosed a gender'},
        {'kpi': 'cross_ethnicity_match_share', 'grains': ['overall'], 'sources': ['matches'],
         'empty': 'no matches where mentor and mentee both disclosed an ethnicity'},
        {'kpi': 'headcount', 'grains': ['overall', 'department_value'], 'sources': [],
         'empty': 'nobody employed on the as-of date'},
        {'kpi': 'hires_12m', 'grains': ['overall', 'department_value'], 'sources': [],
         'empty': 'nobody employed on the as-of date'},
        {'kpi': 'separations_12m', 'grains': ['overall', 'department_value'], 'sources': [],
         'empty': 'nobody employed on the as-of date'},
        {'kpi': 'turnover_rate_12m', 'grains': ['overall', 'department_value'], 'sources': [],
         'empty': 'nobody employed on the as-of date or 365 days before it'},
        {'kpi': 'voluntary_turnover_rate_12m', 'grains': ['overall', 'department_value'], 'sources': [],
         'empty': 'nobody employed on the as-of date or 365 days before it'},
        {'kpi': 'engagement_score_avg', 'grains': ['overall'], 'sources': ['engagement_surveys'],
         'empty': 'nobody employed on the as-of date has an engagement survey in the last 365 days'},
        {'kpi': 'engagement_favorable_share', 'grains': ['overall'], 'sources': ['engagement_surveys'],
         'empty': 'nobody employed on the as-of date has an engagement survey in the last 365 days'},
        {'kpi': 'representation_share', 'grains': ['group_value'], 'sources': [],
         'empty': 'nobody employed on the as-of date'},
        {'kpi': 'leadership_representation_share', 'grains': ['group_value'], 'sources': [],
         'empty': 'no leaders employed on the as-of date'},
    ] -%}
    {{ return(catalog) }}
{% endmacro %}

{% macro group_attributes() -%}
    {#- The attributes KPIs are published per group value of (dictionary: Groups). -#}
    {{ return(['gender', 'ethnicity']) }}
{%- endmacro %}

{% macro kpi_select(kpi, value, n, ci_low='null', ci_high='null', empty_reason='null',
                    group_attribute='null', group_value='null', is_suppressed='false') -%}
    {#-
        The select list every int_kpi_values_* model emits, so that they
        union into one shape. `from` must provide as_of_date.
    -#}
    as_of_date,
    cast('{{ kpi }}' as {{ dbt.type_string() }}) as kpi,
    cast({{ group_attribute }} as {{ dbt.type_string() }}) as group_attribute,
    cast({{ group_value }} as {{ dbt.type_string() }}) as group_value,
    {{ to_double(value) }} as value,
    cast({{ n }} as {{ dbt.type_bigint() }}) as n,
    {{ to_double(ci_low) }} as ci_low,
    {{ to_double(ci_high) }} as ci_high,
    cast({{ is_suppressed }} as {{ dbt.type_boolean() }}) as is_suppressed,
    cast({{ empty_reason }} as {{ dbt.type_string() }}) as empty_reason
{%- endmacro %}

{% macro share_kpi_select(kpi, successes, n, empty_reason='null') -%}
    {#-
        kpi_select for a share: value successes / n, with n and its 95%
        Wilson interval, so the numerator and denominator are named once.
    -#}
    {{ kpi_select(
        kpi,
        safe_ratio(successes, n),
        n,
        wilson_low(successes, n),
        wilson_high(successes, n),
        empty_reason=empty_reason
    ) }}
{%- endmacro %}
