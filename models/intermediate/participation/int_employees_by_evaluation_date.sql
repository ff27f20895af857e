{#-
    A view: one range join of the evaluation dates with each person's state
    intervals (int_employee_states_valid_intervals), computed where it is read.
    One row per (D, person): an employee's states never overlap, which is
    tested there.
-#}
{{ config(materialized='view') }}

with

evaluation_dates as (

    select * from {{ ref('int_evaluation_dates') }}

),

states as (

    select * from {{ ref('int_employee_states_valid_intervals') }}

),

final as (

    -- everyone employed on each evaluation date, with their group values
    -- and their department and level at that date (job_history where it
    -- has a row on or before the date, else the employees export)
    select
        evaluation_dates.as_of_date,
        states.employee_id,
        states.gender_group,
        states.ethnicity_group,
        states.department_group,
        states.job_level,
        states.job_level >= {{ var('leadership_min_job_level') }} as is_leader,
        coalesce(states.first_mentee_date <= evaluation_dates.as_of_date, false) as is_mentee,
        coalesce(states.first_mentor_date <= evaluation_dates.as_of_date, false) as is_mentor,
        coalesce(
            states.first_mentee_date <= evaluation_dates.as_of_date
            or states.first_mentor_date <= evaluation_dates.as_of_date,
            false
        ) as is_participant

    from evaluation_dates
    inner join states
        on states.employed_from_date <= evaluation_dates.as_of_date
        and coalesce(states.employed_to_date, {{ date_literal('9999-12-31') }})
            > evaluation_dates.as_of_date

)

select * from final
