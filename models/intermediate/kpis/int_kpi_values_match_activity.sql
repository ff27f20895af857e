with

evaluation_dates as (

    select * from {{ ref('int_evaluation_dates') }}

),

activity as (

    select * from {{ ref('int_match_activity_by_evaluation_date') }}

),

held_sessions as (

    select * from {{ ref('int_held_sessions') }}

),

match_counts as (

    select
        as_of_date,
        sum(case when is_active then 1 else 0 end) as n_active,
        -- engaged: at least one held session in (D - 30, D]
        sum(case when is_active and n_held_sessions_30d > 0 then 1 else 0 end) as n_engaged,
        sum(case when is_active_for_90_days then 1 else 0 end) as n_active_for_90_days,
        sum(case when is_active_for_90_days then n_held_sessions_90d else 0 end) as n_held_sessions_90d

    from activity
    group by as_of_date

),

sessions_12m as (

    -- held sessions in (D - 365, D], whatever the state of their match
    select
        evaluation_dates.as_of_date,
        count(*) as n_held_sessions,
        sum(case when held_sessions.initiated_by = 'mentee' then 1 else 0 end) as n_mentee_initiated

    from evaluation_dates
    inner join held_sessions
        on held_sessions.session_date > evaluation_dates.as_of_minus_365_days
        and held_sessions.session_date <= evaluation_dates.as_of_date
    group by evaluation_dates.as_of_date

),

by_date as (

    select
        evaluation_dates.as_of_date,
        coalesce(match_counts.n_active, 0) as n_active,
        coalesce(match_counts.n_engaged, 0) as n_engaged,
        coalesce(match_counts.n_active_for_90_days, 0) as n_active_for_90_days,
        coalesce(match_counts.n_held_sessions_90d, 0) as n_held_sessions_90d,
        coalesce(sessions_12m.n_held_sessions, 0) as n_held_sessions_12m,
        coalesce(sessions_12m.n_mentee_initiated, 0) as n_mentee_initiated_12m

    from evaluation_dates
    left join match_counts
        on evaluation_dates.as_of_date = match_counts.as_of_date
    left join sessions_12m
        on evaluation_dates.as_of_date = sessions_12m.as_of_date

),

final as (

    select
        {{ kpi_select('active_matches', 'n_active', 'n_active') }}
    from by_date

    union all

    select
        {{ share_kpi_select(
            'engaged_match_rate_30d',
            'n_engaged',
            'n_active'
        ) }}
    from by_date

    union all

    select
        {{ kpi_select(
            'avg_sessions_per_active_match_90d',
            safe_ratio('n_held_sessions_90d', 'n_active_for_90_days'),
            'n_active_for_90_days'
        ) }}
    from by_date

    union all

    select
        {{ share_kpi_select(
            'mentee_initiated_share_12m',
            'n_mentee_initiated_12m',
            'n_held_sessions_12m'
        ) }}
    from by_date

)

select * from final
