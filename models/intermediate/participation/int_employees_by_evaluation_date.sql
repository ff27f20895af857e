with

evaluation_dates as (

    select * from {{ ref('int_evaluation_dates') }}

),

employees as (

    select * from {{ ref('int_employment_spells') }}

),

groups_by_date as (

    select * from {{ ref('int_participant_groups_by_evaluation_date') }}

),

levels as (

    select * from {{ ref('int_job_levels_valid_intervals') }}

),

departments as (

    select * from {{ ref('int_departments_valid_intervals') }}

),

memberships as (

    select
        as_of_date,
        employee_id,
        max(case when participant_group = 'mentee' then 1 else 0 end) = 1 as is_mentee,
        max(case when participant_group = 'mentor' then 1 else 0 end) = 1 as is_mentor

    from groups_by_date
    where participant_group in ('mentee', 'mentor')
    group by as_of_date, employee_id

),

final as (

    -- everyone employed on each evaluation date, with their group values
    -- and their department and level at that date (job_history where it
    -- has a row on or before the date, else the employees export)
    select
        evaluation_dates.as_of_date,
        employees.employee_id,
        employees.gender_group,
        employees.ethnicity_group,
        {{ department_group('coalesce(departments.department, employees.current_department)') }}
            as department_group,
        coalesce(levels.job_level, employees.current_job_level) as job_level,
        coalesce(levels.job_level, employees.current_job_level) >= {{ var('leadership_min_job_level') }}
            as is_leader,
        coalesce(memberships.is_mentee, false) as is_mentee,
        coalesce(memberships.is_mentor, false) as is_mentor,
        memberships.employee_id is not null as is_participant

    from evaluation_dates
    inner join employees
        on {{ is_employed_on('employees.valid_from_date', 'employees.valid_to_date', 'evaluation_dates.as_of_date') }}
    left join memberships
        on evaluation_dates.as_of_date = memberships.as_of_date
        and employees.employee_id = memberships.employee_id
    left join levels
        on employees.employee_id = levels.employee_id
        and {{ is_valid_on('levels', 'evaluation_dates.as_of_date') }}
    left join departments
        on employees.employee_id = departments.employee_id
        and {{ is_valid_on('departments', 'evaluation_dates.as_of_date') }}

)

select * from final
