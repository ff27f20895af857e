{#-
    The workforce KPIs (KPI dictionary, "Workforce KPIs"): what an HR-only
    export answers. The five flow KPIs are published overall and per
    department with the same formulas; `turnover_rate_12m` is separations
    over the average of the two headcounts, (H(D - 365) + H(D)) / 2, i.e.
    2 * separations / (H(D - 365) + H(D)).
-#}
{%- set flow_kpis = [
    {'kpi': 'headcount', 'value': 'n_headcount', 'n': 'n_headcount'},
    {'kpi': 'hires_12m', 'value': 'n_hires', 'n': 'n_headcount'},
    {'kpi': 'separations_12m', 'value': 'n_separations', 'n': 'n_headcount'},
    {'kpi': 'turnover_rate_12m',
     'value': safe_ratio('2 * n_separations', 'n_headcount_year_before + n_headcount'),
     'n': 'n_headcount_year_before + n_headcount'},
    {'kpi': 'voluntary_turnover_rate_12m',
     'value': safe_ratio('2 * n_voluntary_separations', 'n_headcount_year_before + n_headcount'),
     'n': 'n_headcount_year_before + n_headcount'},
] -%}

with

evaluation_dates as (

    select * from {{ ref('int_evaluation_dates') }}

),

departments as (

    select * from {{ ref('int_workforce_by_department_and_date') }}

),

groups as (

    select * from {{ ref('int_workforce_by_group_and_date') }}

),

engagement as (

    select * from {{ ref('int_workforce_engagement_by_evaluation_date') }}

),

overall as (

    -- every person is in exactly one department at each date that counts,
    -- so the overall counts are the sums over departments
    select
        evaluation_dates.as_of_date,
        coalesce(sum(departments.n_headcount), 0) as n_headcount,
        coalesce(sum(departments.n_headcount_year_before), 0) as n_headcount_year_before,
        coalesce(sum(departments.n_hires), 0) as n_hires,
        coalesce(sum(departments.n_separations), 0) as n_separations,
        coalesce(sum(departments.n_voluntary_separations), 0) as n_voluntary_separations

    from evaluation_dates
    left join departments
        on evaluation_dates.as_of_date = departments.as_of_date
    group by evaluation_dates.as_of_date

),

engagement_summary as (

    select
        evaluation_dates.as_of_date,
        count(engagement.employee_id) as n_surveyed,
        {{ exact_avg('engagement.latest_engagement_score') }} as engagement_score_avg,
        sum(case when engagement.is_favorable then 1 else 0 end) as n_favorable

    from evaluation_dates
    left join engagement
        on evaluation_dates.as_of_date = engagement.as_of_date
    group by evaluation_dates.as_of_date

),

final as (

    {% for flow in flow_kpis %}
    select
        {{ kpi_select(flow.kpi, flow.value, flow.n) }}
    from overall

    union all

    select
        {{ kpi_select(
            flow.kpi,
            flow.value,
            flow.n,
            group_attribute="'department'",
            group_value='department_group',
            is_suppressed='is_suppressed'
        ) }}
    from departments

    union all
    {% endfor %}

    -- n: the group value's employed members; the interval is the share's,
    -- over everyone employed on D
    select
        {{ kpi_select(
            'representation_share',
            safe_ratio('n_employed', 'n_employed_total'),
            'n_employed',
            wilson_low('n_employed', 'n_employed_total'),
            wilson_high('n_employed', 'n_employed_total'),
            group_attribute='group_attribute',
            group_value='group_value',
            is_suppressed='is_representation_suppressed'
        ) }}
    from groups

    union all

    -- leaders: level at D of at least leadership_min_job_level
    select
        {{ kpi_select(
            'leadership_representation_share',
            safe_ratio('n_leaders', 'n_leaders_total'),
            'n_leaders',
            wilson_low('n_leaders', 'n_leaders_total'),
            wilson_high('n_leaders', 'n_leaders_total'),
            group_attribute='group_attribute',
            group_value='group_value',
            is_suppressed='is_leadership_suppressed'
        ) }}
    from groups

    union all

    select
        {{ kpi_select('engagement_score_avg', 'engagement_score_avg', 'n_surveyed') }}
    from engagement_summary

    union all

    select
        {{ share_kpi_select('engagement_favorable_share', 'n_favorable', 'n_surveyed') }}
    from engagement_summary

)

select * from final
