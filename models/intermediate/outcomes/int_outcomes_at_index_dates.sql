with

index_dates as (

    select * from {{ ref('int_participant_index_dates') }}

),

employees as (

    select * from {{ ref('int_employment_spells') }}

),

levels as (

    select * from {{ ref('int_job_levels_valid_intervals') }}

),

departments as (

    select * from {{ ref('int_departments_valid_intervals') }}

),

bands as (

    select * from {{ ref('int_performance_bands_valid_intervals') }}

),

promotions as (

    select * from {{ ref('int_promotion_events') }}

),

with_horizon as (

    select
        index_dates.employee_id,
        index_dates.participant_group,
        index_dates.index_date,
        index_dates.membership_start_date,
        index_dates.membership_end_date,
        {{ add_days('index_dates.index_date', 365) }} as outcome_horizon_date,
        employees.valid_from_date as hire_date,
        employees.valid_to_date as termination_date,
        employees.current_department,
        employees.current_job_level

    from index_dates
    inner join employees
        on index_dates.employee_id = employees.employee_id

),

promoted as (

    -- a promotion event in (t0, t0 + 365]
    select distinct
        with_horizon.employee_id,
        with_horizon.participant_group

    from with_horizon
    inner join promotions
        on with_horizon.employee_id = promotions.employee_id
        and promotions.promotion_date > with_horizon.index_date
        and promotions.promotion_date <= with_horizon.outcome_horizon_date

),

final as (

    select
        with_horizon.employee_id,
        with_horizon.participant_group,
        with_horizon.index_date,
        with_horizon.membership_start_date,
        with_horizon.membership_end_date,
        with_horizon.outcome_horizon_date,
        with_horizon.hire_date,
        with_horizon.termination_date,
        {{ is_employed_on('with_horizon.hire_date', 'with_horizon.termination_date', 'with_horizon.index_date') }}
            as is_employed_at_index_date,
        -- retained 12 months: no termination, or one after t0 + 365
        (
            with_horizon.termination_date is null
            or with_horizon.termination_date > with_horizon.outcome_horizon_date
        ) as is_retained_12m,
        (promoted.employee_id is not null) as is_promoted_12m,
        coalesce(departments.department, with_horizon.current_department) as department_at_index_date,
        coalesce(levels.job_level, with_horizon.current_job_level) as job_level_at_index_date,
        coalesce(bands.performance_band, 'unrated') as performance_band_at_index_date

    from with_horizon
    left join promoted
        on with_horizon.employee_id = promoted.employee_id
        and with_horizon.participant_group = promoted.participant_group
    -- open intervals end at a far-future date instead of null: an `or` in a
    -- join condition makes DuckDB fall back to a nested-loop join (122 s
    -- against 0.2 s at 100,000 employees).
    left join levels
        on with_horizon.employee_id = levels.employee_id
        and levels.valid_from_date <= with_horizon.index_date
        and coalesce(levels.valid_to_date, {{ date_literal('9999-12-31') }}) > with_horizon.index_date
    left join departments
        on with_horizon.employee_id = departments.employee_id
        and departments.valid_from_date <= with_horizon.index_date
        and coalesce(departments.valid_to_date, {{ date_literal('9999-12-31') }}) > with_horizon.index_date
    left join bands
        on with_horizon.employee_id = bands.employee_id
        and bands.valid_from_date <= with_horizon.index_date
        and coalesce(bands.valid_to_date, {{ date_literal('9999-12-31') }}) > with_horizon.index_date

)

select * from final
