with

employees as (

    select * from {{ ref('stg_hr__employees') }}

),

index_dates as (

    select * from {{ ref('int_participant_index_dates') }}

),

memberships as (

    -- group membership at D: a first match on or before D
    select
        employee_id,
        min(case when participant_group = 'mentee' then index_date end) as mentee_index_date,
        min(case when participant_group = 'mentor' then index_date end) as mentor_index_date

    from index_dates
    where participant_group in ('mentee', 'mentor')
      and index_date <= {{ as_of_date() }}
    group by employee_id

),

final as (

    -- no name, e-mail or birth year: the age band at D is enough for analysis
    select
        employees.employee_id,
        employees.manager_id,
        employees.department,
        employees.job_title,
        employees.location,
        employees.termination_reason,
        employees.gender_group,
        employees.ethnicity_group,
        case
            when employees.birth_year is null then 'unknown'
            when extract(year from {{ as_of_date() }}) - employees.birth_year < 30 then 'under_30'
            when extract(year from {{ as_of_date() }}) - employees.birth_year < 40 then '30_39'
            when extract(year from {{ as_of_date() }}) - employees.birth_year < 50 then '40_49'
            when extract(year from {{ as_of_date() }}) - employees.birth_year < 60 then '50_59'
            else '60_plus'
        end as age_band,
        employees.job_level,
        {{ is_employed_on('employees.hire_date', 'employees.termination_date', as_of_date()) }}
            as is_employed_on_as_of_date,
        memberships.mentee_index_date is not null as is_mentee,
        memberships.mentor_index_date is not null as is_mentor,
        employees.hire_date,
        employees.termination_date,
        memberships.mentee_index_date,
        memberships.mentor_index_date

    from employees
    left join memberships
        on employees.employee_id = memberships.employee_id

)

select * from final
