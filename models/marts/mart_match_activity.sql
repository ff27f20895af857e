with

activity as (

    select * from {{ ref('int_match_activity_by_evaluation_date') }}
    where as_of_date = {{ as_of_date() }}

),

final as (

    -- one row per match started on or before D
    select
        match_id,
        program_id,
        mentor_id,
        mentee_id,
        program_type,
        match_status,
        n_held_sessions_30d,
        n_held_sessions_90d,
        n_held_sessions_to_date,
        {{ days_between('last_held_session_date', as_of_date()) }}
            as days_since_last_held_session,
        is_active,
        is_at_risk,
        start_date,
        end_date,
        last_held_session_date

    from activity

)

select * from final
