{#-
    What the workforce KPIs read about a person at a date, as intervals: each
    row holds over [valid_from_date, valid_to_date) (null: open at that end),
    and an employee's rows never overlap and cover every date. The by-date
    views (int_employees_by_evaluation_date, int_workforce_flows_by_evaluation_date)
    are then one range join with the evaluation dates, instead of a lookup of
    department and level per (date, person).
-#}

with

employees as (

    select * from {{ ref('int_employment_spells') }}

),

levels as (

    select * from {{ ref('int_job_levels_valid_intervals') }}

),

departments as (

    select * from {{ ref('int_departments_valid_intervals') }}

),

index_dates as (

    select * from {{ ref('int_participant_index_dates') }}

),

change_points as (

    -- the dates a person's department or level can change: their job_history dates
    select employee_id, valid_from_date as change_date from levels
    union
    select employee_id, valid_from_date as change_date from departments

),

intervals as (

    -- from each change point to the next
    select
        employee_id,
        change_date as valid_from_date,
        lead(change_date) over (partition by employee_id order by change_date) as valid_to_date

    from change_points

    union all

    -- before the first one (the employees export's values hold there)
    select
        employee_id,
        cast(null as date) as valid_from_date,
        min(change_date) as valid_to_date

    from change_points
    group by employee_id

    union all

    -- no job_history at all: the export's values hold at every date
    select
        employees.employee_id,
        cast(null as date) as valid_from_date,
        cast(null as date) as valid_to_date

    from employees
    where not exists (
        select 1 from change_points where change_points.employee_id = employees.employee_id
    )

),

first_participation as (

    select
        employee_id,
        min(case when participant_group = 'mentee' then membership_start_date end) as first_mentee_date,
        min(case when participant_group = 'mentor' then membership_start_date end) as first_mentor_date

    from index_dates
    where participant_group in ('mentee', 'mentor')
    group by employee_id

),

states as (

    -- department and level at the interval's start hold throughout it: the
    -- history row valid then, else the employees export (KPI dictionary)
    select
        intervals.employee_id,
        intervals.valid_from_date,
        intervals.valid_to_date,
        coalesce(departments.department, employees.current_department) as department,
        coalesce(levels.job_level, employees.current_job_level) as job_level,
        employees.valid_from_date as hire_date,
        employees.valid_to_date as termination_date,
        employees.termination_reason,
        employees.gender_group,
        employees.ethnicity_group,
        first_participation.first_mentee_date,
        first_participation.first_mentor_date

    from intervals
    inner join employees
        on intervals.employee_id = employees.employee_id
    -- (before the first history date, a lookup on 0001-01-01 finds no history row)
    left join levels
        on intervals.employee_id = levels.employee_id
        and {{ is_valid_on('levels', "coalesce(intervals.valid_from_date, " ~ date_literal('0001-01-01') ~ ")") }}
    left join departments
        on intervals.employee_id = departments.employee_id
        and {{ is_valid_on('departments', "coalesce(intervals.valid_from_date, " ~ date_literal('0001-01-01') ~ ")") }}
    left join first_participation
        on intervals.employee_id = first_participation.employee_id

),

final as (

    select
        employee_id,
        valid_from_date,
        valid_to_date,
        department,
        -- the dictionary's group value of it, computed once per state rather
        -- than once per (date, person) in the by-date views
        {{ department_group('department') }} as department_group,
        job_level,
        hire_date,
        termination_date,
        termination_reason,
        gender_group,
        ethnicity_group,
        first_mentee_date,
        first_mentor_date,
        -- the part of the interval the person is employed: employed(e, X)
        -- and in this state for employed_from_date <= X < employed_to_date
        case
            when valid_from_date is null or valid_from_date < hire_date then hire_date
            else valid_from_date
        end as employed_from_date,
        case
            when valid_to_date is null then termination_date
            when termination_date is null or valid_to_date < termination_date then valid_to_date
            else termination_date
        end as employed_to_date,
        -- this row holds on the termination date (the department a separation counts in)
        (
            termination_date is not null
            and coalesce(valid_from_date, {{ date_literal('0001-01-01') }}) <= termination_date
            and coalesce(valid_to_date, {{ date_literal('9999-12-31') }}) > termination_date
        ) as holds_at_termination

    from states

)

select * from final
