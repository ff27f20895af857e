with

matches as (

    select * from {{ ref('int_matches_joined_to_employees') }}

),

programs as (

    select * from {{ ref('stg_mentoring__programs') }}

),

employees as (

    select * from {{ ref('int_employment_spells') }}

),

mentees as (

    -- t0 of a mentee: the earliest start_date of a match they are mentee of
    select
        mentee_id as employee_id,
        'mentee' as participant_group,
        min(start_date) as index_date,
        min(start_date) as membership_start_date

    from matches
    group by mentee_id

),

mentors as (

    select
        mentor_id as employee_id,
        'mentor' as participant_group,
        min(start_date) as index_date,
        min(start_date) as membership_start_date

    from matches
    group by mentor_id

),

first_program as (

    select min(start_date) as first_program_start_date
    from programs

),

non_participants as (

    -- every employee's index date as a non-participant (the later of hire
    -- date and the earliest program start): whether they ARE one at a date
    -- is decided in int_participant_groups_by_evaluation_date. No program,
    -- no index date, no non-participant group.
    select
        employees.employee_id,
        'non_participant' as participant_group,
        case
            when employees.valid_from_date >= first_program.first_program_start_date
                then employees.valid_from_date
            else first_program.first_program_start_date
        end as index_date,
        first_program.first_program_start_date as membership_start_date

    from employees
    cross join first_program
    where first_program.first_program_start_date is not null

),

memberships as (

    select * from mentees
    union all
    select * from mentors
    union all
    select * from non_participants

),

first_participation as (

    -- the day a person first becomes a mentee or a mentor
    select
        employee_id,
        min(membership_start_date) as first_participation_date

    from memberships
    where participant_group in ('mentee', 'mentor')
    group by employee_id

),

final as (

    select
        memberships.employee_id,
        memberships.participant_group,
        memberships.index_date,
        memberships.membership_start_date,
        -- a non-participant stops being one on their first match's start
        case
            when memberships.participant_group = 'non_participant'
                then first_participation.first_participation_date
        end as membership_end_date

    from memberships
    left join first_participation
        on memberships.employee_id = first_participation.employee_id

)

select * from final
