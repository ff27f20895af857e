with

programs as (

    select * from {{ ref('stg_mentoring__programs') }}

),

enrollments as (

    select * from {{ ref('stg_mentoring__enrollments') }}
    where enrolled_date <= {{ as_of_date() }}

),

availability as (

    select * from {{ ref('int_source_availability') }}
    where source_name = 'enrollments'

),

activity as (

    select * from {{ ref('int_match_activity_by_evaluation_date') }}
    where as_of_date = {{ as_of_date() }}

),

match_participants as (

    -- (person, role) pairs of the program's matches started on or before D
    select
        program_id,
        mentor_id as employee_id,
        'mentor' as participant_role,
        is_active
    from activity
    union all
    select
        program_id,
        mentee_id as employee_id,
        'mentee' as participant_role,
        is_active
    from activity

),

enrollment_counts as (

    select
        program_id,
        count(*) as n_enrolled,
        sum(case when participant_role = 'mentee' then 1 else 0 end) as n_enrolled_mentees,
        sum(case when participant_role = 'mentor' then 1 else 0 end) as n_enrolled_mentors,
        sum(case when enrollment_status = 'completed' then 1 else 0 end) as n_completed,
        sum(case when enrollment_status = 'withdrawn' then 1 else 0 end) as n_withdrawn

    from enrollments
    group by program_id

),

participant_counts as (

    select
        program_id,
        count(distinct {{ dbt.concat(['participant_role', "':'", 'employee_id']) }}) as n_matched,
        count(distinct case when is_active then {{ dbt.concat(['participant_role', "':'", 'employee_id']) }} end)
            as n_active

    from match_participants
    group by program_id

),

match_counts as (

    select
        program_id,
        count(*) as n_matches,
        sum(case when is_active then 1 else 0 end) as n_active_matches,
        count(case when is_at_risk then 1 end) as n_at_risk_matches

    from activity
    group by program_id

),

final as (

    select
        programs.program_id,
        programs.program_name,
        programs.program_type,
        -- enrollment counts are null (unknown), not 0, when enrollments was not exported
        case when availability.is_exported then coalesce(enrollment_counts.n_enrolled, 0) end as n_enrolled,
        case when availability.is_exported then coalesce(enrollment_counts.n_enrolled_mentees, 0) end
            as n_enrolled_mentees,
        case when availability.is_exported then coalesce(enrollment_counts.n_enrolled_mentors, 0) end
            as n_enrolled_mentors,
        coalesce(participant_counts.n_matched, 0) as n_matched,
        coalesce(participant_counts.n_active, 0) as n_active,
        case when availability.is_exported then coalesce(enrollment_counts.n_completed, 0) end as n_completed,
        case when availability.is_exported then coalesce(enrollment_counts.n_withdrawn, 0) end as n_withdrawn,
        coalesce(match_counts.n_matches, 0) as n_matches,
        coalesce(match_counts.n_active_matches, 0) as n_active_matches,
        coalesce(match_counts.n_at_risk_matches, 0) as n_at_risk_matches,
        programs.start_date,
        programs.end_date

    from programs
    cross join availability
    left join enrollment_counts
        on programs.program_id = enrollment_counts.program_id
    left join participant_counts
        on programs.program_id = participant_counts.program_id
    left join match_counts
        on programs.program_id = match_counts.program_id
    where programs.start_date <= {{ as_of_date() }}

)

select * from final
