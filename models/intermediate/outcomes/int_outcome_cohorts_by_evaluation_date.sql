with

evaluation_dates as (

    select * from {{ ref('int_evaluation_dates') }}

),

groups_by_date as (

    select * from {{ ref('int_participant_groups_by_evaluation_date') }}

),

outcomes as (

    select * from {{ ref('int_outcomes_at_index_dates') }}

),

final as (

    select
        groups_by_date.as_of_date,
        groups_by_date.employee_id,
        groups_by_date.participant_group,
        groups_by_date.index_date,
        outcomes.termination_date,
        outcomes.is_employed_at_index_date,
        -- eligible: t0 <= D - 365 and employed(e, t0)
        (
            groups_by_date.index_date <= evaluation_dates.as_of_minus_365_days
            and outcomes.is_employed_at_index_date
        ) as is_eligible_12m,
        outcomes.is_retained_12m,
        outcomes.is_promoted_12m,
        outcomes.department_at_index_date,
        outcomes.job_level_at_index_date,
        outcomes.performance_band_at_index_date

    from groups_by_date
    inner join evaluation_dates
        on groups_by_date.as_of_date = evaluation_dates.as_of_date
    inner join outcomes
        on groups_by_date.employee_id = outcomes.employee_id
        and groups_by_date.participant_group = outcomes.participant_group

)

select * from final
