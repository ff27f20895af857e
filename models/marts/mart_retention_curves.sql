{#-
    Kaplan-Meier retention curves per participant group, in months since the
    index date. A month is 365/12 days, so that month 12 ends exactly at
    t0 + 365, the 12-month retention horizon of the KPIs. Time is measured
    in days (termination_date - t0 for leavers; D - t0, censored, for those
    still employed on D); the curve is the exact day-level KM estimator read
    at each month end, so it does not depend on the month grid.
-#}
{%- set n_months = var('retention_curve_months') | int -%}

with

cohorts as (

    select * from {{ ref('int_outcome_cohorts_by_evaluation_date') }}
    where as_of_date = {{ as_of_date() }}
      and is_employed_at_index_date
      and index_date <= {{ as_of_date() }}

),

months as (

    {% for k in range(0, n_months + 1) %}
    select {{ k }} as months_since_index_date
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

follow_up as (

    select
        participant_group,
        employee_id,
        case
            when termination_date is not null and termination_date <= {{ as_of_date() }}
                then {{ days_between('index_date', 'termination_date') }}
            else {{ days_between('index_date', as_of_date()) }}
        end as follow_up_days,
        (termination_date is not null and termination_date <= {{ as_of_date() }}) as is_event

    from cohorts

),

exits_by_day as (

    select
        participant_group,
        follow_up_days,
        sum(case when is_event then 1 else 0 end) as n_events,
        count(*) as n_exits

    from follow_up
    group by participant_group, follow_up_days

),

at_risk_by_day as (

    -- at risk on day t: everyone whose follow-up lasts t days or more
    select
        participant_group,
        follow_up_days,
        n_events,
        sum(n_exits) over (
            partition by participant_group
            order by follow_up_days desc
            rows between unbounded preceding and current row
        ) as n_at_risk

    from exits_by_day

),

km_steps as (

    -- the KM factor (1 - d/n) of each event day, as a log so that the
    -- product becomes a sum; a factor of 0 (everyone left) is flagged instead
    select
        participant_group,
        follow_up_days,
        case when n_events < n_at_risk then ln(1 - {{ to_double('n_events') }} / n_at_risk) else 0 end
            as log_factor,
        case when n_events = n_at_risk then 1 else 0 end as is_zero_factor,
        case when n_events < n_at_risk then {{ to_double('n_events') }} / (n_at_risk * (n_at_risk - n_events)) end
            as greenwood_term

    from at_risk_by_day
    where n_events > 0

),

groups as (

    select distinct participant_group
    from follow_up

),

grid as (

    select
        groups.participant_group,
        months.months_since_index_date

    from groups
    cross join months

),

follow_up_months as (

    -- the month a follow-up ends in: month k covers follow-up days in
    -- ((k-1)*365/12, k*365/12], so it is ceil(12 * days / 365); month 0 is
    -- the index date itself (exact in a double: 12 * days / 365 is an
    -- integer only when it is one, and at least 1/365 from one otherwise)
    select
        participant_group,
        is_event,
        cast(ceil({{ to_double('12 * follow_up_days') }} / 365) as integer) as end_month

    from follow_up

),

ends_by_month as (

    select
        participant_group,
        end_month,
        count(*) as n_ends,
        sum(case when is_event then 1 else 0 end) as n_events,
        sum(case when is_event then 0 else 1 end) as n_censored

    from follow_up_months
    group by participant_group, end_month

),

interval_counts as (

    -- at risk in month k: every follow-up ending in month k or later (all of
    -- them in month 0); events and censorings: those ending in month k (a
    -- censoring before the index date counts in month 0)
    select
        grid.participant_group,
        grid.months_since_index_date,
        sum(
            case
                when grid.months_since_index_date = 0 then ends_by_month.n_ends
                when ends_by_month.end_month >= grid.months_since_index_date then ends_by_month.n_ends
                else 0
            end
        ) as n_at_risk,
        sum(
            case
                when ends_by_month.end_month = grid.months_since_index_date then ends_by_month.n_events
                else 0
            end
        ) as n_events,
        sum(
            case
                when ends_by_month.end_month = grid.months_since_index_date then ends_by_month.n_censored
                when grid.months_since_index_date = 0 and ends_by_month.end_month < 0
                    then ends_by_month.n_censored
                else 0
            end
        ) as n_censored

    from grid
    inner join ends_by_month
        on grid.participant_group = ends_by_month.participant_group
    group by grid.participant_group, grid.months_since_index_date

),

survival as (

    select
        grid.participant_group,
        grid.months_since_index_date,
        coalesce({{ exact_sum('km_steps.log_factor', scale=18) }}, 0) as log_survival,
        coalesce(sum(km_steps.is_zero_factor), 0) as n_zero_factors,
        coalesce({{ exact_sum('km_steps.greenwood_term', scale=18) }}, 0) as greenwood_sum

    from grid
    left join km_steps
        on grid.participant_group = km_steps.participant_group
        and 12 * km_steps.follow_up_days <= 365 * grid.months_since_index_date
    group by grid.participant_group, grid.months_since_index_date

),

final as (

    select
        interval_counts.participant_group,
        interval_counts.months_since_index_date,
        interval_counts.n_at_risk,
        interval_counts.n_events,
        interval_counts.n_censored,
        case when survival.n_zero_factors > 0 then 0 else exp(survival.log_survival) end
            as survival_probability,
        -- Greenwood's standard error of the survival probability
        case
            when survival.n_zero_factors > 0 then null
            else exp(survival.log_survival) * sqrt(survival.greenwood_sum)
        end as survival_std_error

    from interval_counts
    inner join survival
        on interval_counts.participant_group = survival.participant_group
        and interval_counts.months_since_index_date = survival.months_since_index_date
    where interval_counts.n_at_risk > 0

)

select * from final
