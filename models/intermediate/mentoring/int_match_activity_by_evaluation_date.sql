with

evaluation_dates as (

    select * from {{ ref('int_evaluation_dates') }}

),

matches as (

    select * from {{ ref('int_matches_joined_to_employees') }}

),

held_sessions as (

    select * from {{ ref('int_held_sessions') }}

),

matches_by_date as (

    -- a match counts at a date from its start_date on
    select
        evaluation_dates.as_of_date,
        evaluation_dates.as_of_minus_30_days,
        evaluation_dates.as_of_minus_90_days,
        evaluation_dates.as_of_minus_at_risk_days,
        matches.match_id,
        matches.program_id,
        matches.program_type,
        matches.mentor_id,
        matches.mentee_id,
        matches.match_status,
        matches.start_date,
        matches.end_date,
        -- end_date is the last day of the match: a match ending on D is active on D
        (matches.end_date is null or matches.end_date >= evaluation_dates.as_of_date) as is_active

    from evaluation_dates
    inner join matches
        on matches.start_date <= evaluation_dates.as_of_date

),

sessions_by_date as (

    select
        matches_by_date.as_of_date,
        matches_by_date.match_id,
        count(*) as n_held_sessions_to_date,
        sum(case when held_sessions.session_date > matches_by_date.as_of_minus_30_days then 1 else 0 end)
            as n_held_sessions_30d,
        sum(case when held_sessions.session_date > matches_by_date.as_of_minus_90_days then 1 else 0 end)
            as n_held_sessions_90d,
        sum(case when held_sessions.session_date > matches_by_date.as_of_minus_at_risk_days then 1 else 0 end)
            as n_held_sessions_at_risk_window,
        max(held_sessions.session_date) as last_held_session_date

    from matches_by_date
    inner join held_sessions
        on matches_by_date.match_id = held_sessions.match_id
        and held_sessions.session_date <= matches_by_date.as_of_date
    group by matches_by_date.as_of_date, matches_by_date.match_id

),

final as (

    select
        matches_by_date.as_of_date,
        matches_by_date.match_id,
        matches_by_date.program_id,
        matches_by_date.mentor_id,
        matches_by_date.mentee_id,
        matches_by_date.program_type,
        matches_by_date.match_status,
        matches_by_date.start_date,
        matches_by_date.end_date,
        coalesce(sessions_by_date.n_held_sessions_to_date, 0) as n_held_sessions_to_date,
        coalesce(sessions_by_date.n_held_sessions_30d, 0) as n_held_sessions_30d,
        coalesce(sessions_by_date.n_held_sessions_90d, 0) as n_held_sessions_90d,
        sessions_by_date.last_held_session_date,
        matches_by_date.is_active,
        -- eligible for the 90-day average: active and started on or before D - 90
        (matches_by_date.is_active and matches_by_date.start_date <= matches_by_date.as_of_minus_90_days)
            as is_active_for_90_days,
        (
            matches_by_date.is_active
            and coalesce(sessions_by_date.n_held_sessions_at_risk_window, 0) = 0
        ) as is_at_risk

    from matches_by_date
    left join sessions_by_date
        on matches_by_date.as_of_date = sessions_by_date.as_of_date
        and matches_by_date.match_id = sessions_by_date.match_id

)

select * from final
