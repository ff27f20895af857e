{#-
    A view: range joins of the evaluation dates with each person's state
    intervals (int_employee_states_valid_intervals), computed where it is read.
    One row per (D, person, flow): an employee's states never overlap, which
    is tested there.
-#}
{{ config(materialized='view') }}

with

evaluation_dates as (

    select * from {{ ref('int_evaluation_dates') }}

),

states as (

    select * from {{ ref('int_employee_states_valid_intervals') }}

),

flows as (

    -- employed 365 days before the date: the first headcount of a turnover
    -- rate, counted in the department at D - 365
    select
        evaluation_dates.as_of_date,
        states.employee_id,
        'headcount_year_before' as flow,
        evaluation_dates.as_of_minus_365_days as department_date,
        states.department_group,
        false as is_voluntary_separation

    from evaluation_dates
    inner join states
        on states.employed_from_date <= evaluation_dates.as_of_minus_365_days
        and coalesce(states.employed_to_date, {{ date_literal('9999-12-31') }})
            > evaluation_dates.as_of_minus_365_days

    union all

    -- hires in (D - 365, D], counted in the department at D (the state
    -- holding on D, whether or not they are still employed)
    select
        evaluation_dates.as_of_date,
        states.employee_id,
        'hire' as flow,
        evaluation_dates.as_of_date as department_date,
        states.department_group,
        false as is_voluntary_separation

    from evaluation_dates
    inner join states
        on states.hire_date > evaluation_dates.as_of_minus_365_days
        and states.hire_date <= evaluation_dates.as_of_date
        and coalesce(states.valid_from_date, {{ date_literal('0001-01-01') }}) <= evaluation_dates.as_of_date
        and coalesce(states.valid_to_date, {{ date_literal('9999-12-31') }}) > evaluation_dates.as_of_date

    union all

    -- separations in (D - 365, D], counted in the department at the
    -- termination date (a termination on D is a separation at D)
    select
        evaluation_dates.as_of_date,
        states.employee_id,
        'separation' as flow,
        states.termination_date as department_date,
        states.department_group,
        coalesce(states.termination_reason = 'voluntary', false) as is_voluntary_separation

    from evaluation_dates
    inner join states
        on states.termination_date > evaluation_dates.as_of_minus_365_days
        and states.termination_date <= evaluation_dates.as_of_date
    where states.holds_at_termination

),

final as (

    select
        as_of_date,
        employee_id,
        flow,
        department_date,
        department_group,
        is_voluntary_separation

    from flows

)

select * from final
