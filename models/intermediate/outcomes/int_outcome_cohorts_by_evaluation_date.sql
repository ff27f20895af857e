{#-
    A view: one range join of the evaluation dates with each (person, group)'s
    outcomes and membership interval (see int_participant_groups_by_evaluation_date),
    computed where it is read. Its grain is tested on int_outcomes_at_index_dates.
-#}
{{ config(materialized='view') }}

with

evaluation_dates as (

    select * from {{ ref('int_evaluation_dates') }}

),

outcomes as (

    select * from {{ ref('int_outcomes_at_index_dates') }}

),

final as (

    -- the group's members at D (int_participant_groups_by_evaluation_date's
    -- rule: membership_start_date <= D < membership_end_date), with their outcomes
    select
        evaluation_dates.as_of_date,
        outcomes.employee_id,
        outcomes.participant_group,
        outcomes.index_date,
        outcomes.termination_date,
        outcomes.is_employed_at_index_date,
        -- eligible: t0 <= D - 365 and employed(e, t0)
        (
            outcomes.index_date <= evaluation_dates.as_of_minus_365_days
            and outcomes.is_employed_at_index_date
        ) as is_eligible_12m,
        outcomes.is_retained_12m,
        outcomes.is_promoted_12m,
        outcomes.department_at_index_date,
        outcomes.job_level_at_index_date,
        outcomes.performance_band_at_index_date

    from evaluation_dates
    inner join outcomes
        on outcomes.membership_start_date <= evaluation_dates.as_of_date
        and coalesce(outcomes.membership_end_date, {{ date_literal('9999-12-31') }})
            > evaluation_dates.as_of_date

)

select * from final
