with

evaluation_dates as (

    select * from {{ ref('int_evaluation_dates') }}

),

employees as (

    select * from {{ ref('int_employment_spells') }}

),

departments as (

    select * from {{ ref('int_departments_valid_intervals') }}

),

flows as (

    -- employed 365 days before the date: the first headcount of a turnover
    -- rate, counted in the department at D - 365
    select
        evaluation_dates.as_of_date,
        employees.employee_id,
        'headcount_year_before' as flow,
        evaluation_dates.as_of_minus_365_days as department_date

    from evaluation_dates
    inner join employees
        on {{ is_employed_on(
            'employees.valid_from_date', 'employees.valid_to_date', 'evaluation_dates.as_of_minus_365_days'
        ) }}

    union all

    -- hires in (D - 365, D], counted in the department at D
    select
        evaluation_dates.as_of_date,
        employees.employee_id,
        'hire' as flow,
        evaluation_dates.as_of_date as department_date

    from evaluation_dates
    inner join employees
        on employees.valid_from_date > evaluation_dates.as_of_minus_365_days
        and employees.valid_from_date <= evaluation_dates.as_of_date

    union all

    -- separations in (D - 365, D], counted in the department at the
    -- termination date (a termination on D is a separation at D)
    select
        evaluation_dates.as_of_date,
        employees.employee_id,
        'separation' as flow,
        employees.valid_to_date as department_date

    from evaluation_dates
    inner join employees
        on employees.valid_to_date > evaluation_dates.as_of_minus_365_days
        and employees.valid_to_date <= evaluation_dates.as_of_date

),

final as (

    select
        flows.as_of_date,
        flows.employee_id,
        flows.flow,
        flows.department_date,
        {{ department_group('coalesce(departments.department, employees.current_department)') }}
            as department_group,
        coalesce(flows.flow = 'separation' and employees.termination_reason = 'voluntary', false)
            as is_voluntary_separation

    from flows
    inner join employees
        on flows.employee_id = employees.employee_id
    left join departments
        on flows.employee_id = departments.employee_id
        and {{ is_valid_on('departments', 'flows.department_date') }}

)

select * from final
