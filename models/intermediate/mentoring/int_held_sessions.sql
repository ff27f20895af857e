with

sessions as (

    select * from {{ ref('stg_mentoring__sessions') }}

),

matches as (

    select * from {{ ref('int_matches_joined_to_employees') }}

),

final as (

    -- only held sessions count for engagement; cancelled and no-show do not
    select
        sessions.session_id,
        sessions.match_id,
        matches.program_id,
        sessions.initiated_by,
        sessions.duration_minutes,
        sessions.session_date

    from sessions
    inner join matches
        on sessions.match_id = matches.match_id
    where sessions.session_status = 'held'

)

select * from final
