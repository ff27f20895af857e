{#
    The KPI dictionary's list itself is data: seeds/kpi_catalog.csv (one row
    per KPI: grains, required sources, empty-population reason, label, unit,
    definition, is_count, value range), read by int_kpi_catalog and
    int_kpi_required_sources, kpis.json, the reports and the KPI suites.
    Here: the fixed vocabularies its list columns use.
#}

{% macro kpi_grains() -%}
    {#-
        'overall' (group null), 'group_value' (one row per gender and per
        ethnicity value among people employed on the date), 'department_value'
        (one row per department that any workforce count sees at the date),
        'attribute' (one row per attribute, group value null: selection_ratio_min).
    -#}
    {{ return(['overall', 'group_value', 'department_value', 'attribute']) }}
{%- endmacro %}

{% macro contract_sources() -%}
    {#- The export contract's sources (shared/contract/README.md), in load order. -#}
    {{ return(['employees', 'job_history', 'performance_reviews', 'engagement_surveys',
               'succession_plans', 'programs', 'enrollments', 'matches', 'sessions', 'feedback']) }}
{%- endmacro %}

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
