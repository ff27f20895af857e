with

sessions as (

    select * from {{ ref('stg_mentoring__sessions') }}

),

matches as (

    select * from {{ ref('int_matches_joined_to_employees') }}

),

final as (

    -- every session (held, cancelled, no-show) dated on or before D
    select
        sessions.session_id,
        sessions.match_id,
        matches.program_id,
        matches.mentor_id,
        matches.mentee_id,
        sessions.initiated_by,
        sessions.session_status,
        sessions.session_status = 'held' as is_held,
        sessions.duration_minutes,
        sessions.session_date

    from sessions
    inner join matches
        on sessions.match_id = matches.match_id
    where sessions.session_date <= {{ as_of_date() }}

)

select * from final
